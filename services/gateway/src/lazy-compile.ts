import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { Ajv, ValidateFunction } from 'ajv';
import type { FastifyServerOptions } from 'fastify';

/**
 * Route schemas compiled at their first use rather than when the routes are registered: compiling
 * every route's validators and serializers at start was about a quarter of `bazaar start`'s CPU, and
 * most routes are never called by a given process (split runs the gateway in several replicas).
 */

/** A validator compiled by `ajv` on its first call; Fastify reads its `errors` as it reads Ajv's. */
export const lazyValidator = (ajv: Ajv, schema: object) => {
  let compiled: ValidateFunction | undefined;
  const validate = (data: unknown): boolean => {
    compiled ??= ajv.compile(schema);
    const valid = compiled(data);
    validate.errors = compiled.errors;
    return valid;
  };
  validate.errors = null as ValidateFunction['errors'];
  return validate;
};

type SchemaController = NonNullable<FastifyServerOptions['schemaController']>;

/** Fastify's own serializer compiler (fast-json-stringify), each route's compiled on its first reply. */
export const lazySerializers: SchemaController = {
  compilersFactory: {
    buildSerializer: (externalSchemas, options) => {
      const compile = SerializerSelector()(externalSchemas, options);
      return (route) => {
        let serialize: ((data: unknown) => string) | undefined;
        return (data: unknown) => (serialize ??= compile(route))(data);
      };
    },
  },
};
