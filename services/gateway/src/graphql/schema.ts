import type { GraphQLFieldResolver, GraphQLSchema } from 'graphql';
import { graphql } from './graphql-module.ts';
import type { Resolvers } from './resolvers.ts';
import { SDL } from './sdl.ts';

const { buildSchema, isObjectType, printSchema } = graphql;

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The schema as SDL, for CI to compare against the last release. */
export const graphqlSchemaSDL = (): string => printSchema(buildSchema(SDL));

/**
 * The executable schema: the resolvers given, and for every other camelCase field the member of the
 * same name in snake_case, as the REST presenters name it.
 */
export const executableSchema = (resolvers: Resolvers): GraphQLSchema => {
  const schema = buildSchema(SDL);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const own = resolvers[type.name] ?? {};
    for (const field of Object.values(type.getFields())) {
      const resolve = own[field.name];
      if (resolve) {
        field.resolve = resolve as unknown as GraphQLFieldResolver<unknown, unknown>;
      } else if (/[A-Z]/.test(field.name)) {
        const member = snake(field.name);
        field.resolve = (source) => (source as Record<string, unknown>)[member];
      }
    }
  }
  return schema;
};
