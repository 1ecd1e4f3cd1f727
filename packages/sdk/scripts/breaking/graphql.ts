import { buildSchema, findBreakingChanges } from 'graphql';

/** Breaking changes between two GraphQL schemas (SDL), as graphql-js finds them, one line each. */
export const graphqlBreakingChanges = (before: string, after: string): string[] =>
  findBreakingChanges(buildSchema(before), buildSchema(after)).map(
    (change) => `GraphQL ${change.type}: ${change.description}`,
  );
