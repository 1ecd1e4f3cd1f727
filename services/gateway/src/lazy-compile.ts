import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { Ajv, ValidateFunction } from 'ajv';
import type { FastifyServerOptions } from 'fastify';

/**
 * Route schemas compiled at their first use rather than when the routes are registered: compiling
 * every route's validators and serializers at start was about a quarter of `bazaar start`'s CPU, and
 * most routes are never called by a given process (split runs the gateway in several replicas).
 */

/** Compilations not yet run, in every app of the process. */
const pending = new Set<() => void>();

/**
 * Runs every compilation still waiting and answers how many ran; throws the first failure. A schema
 * that cannot compile otherwise fails only when its route is first called.
 */
export const compilePending = (): number => {
  let count = 0;
  for (const compile of [...pending]) {
    compile();
    count++;
  }
  return count;
};

/** Registers `compile` as pending; answers a function that runs it once and forgets it. */
const once = <T>(compile: () => T): (() => T) => {
  let result: T | undefined;
  const run = () => {
    if (result === undefined) {
      result = compile();
      pending.delete(run);
    }
    return result;
  };
  pending.add(run);
  return run;
};

/** A validator compiled by `ajv` on its first call; Fastify reads its `errors` as it reads Ajv's. */
export const lazyValidator = (ajv: Ajv, schema: object) => {
  const compile = once(() => ajv.compile(schema));
  let compiled: ValidateFunction | undefined;
  const validate = (data: unknown): boolean => {
    compiled ??= compile();
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
        const build = once(() => compile(route));
        let serialize: ((data: unknown) => string) | undefined;
        return (data: unknown) => (serialize ??= build())(data);
      };
    },
  },
};
