import type { TSchema } from 'typebox';
import { createAjv } from '../ajv.ts';
import { validationError } from '../problems.ts';

const ajv = createAjv();

/**
 * Checks a mutation's input against the REST route's body schema, so GraphQL refuses what REST refuses,
 * with the same codes and field paths (snake_case, as in the REST body).
 */
export const bodyChecker = <T>(schema: TSchema): ((body: unknown) => T) => {
  const validate = ajv.compile(schema);
  return (body) => {
    if (!validate(body)) throw validationError(validate.errors ?? [], 'body');
    return body as T;
  };
};

/** Drops null and undefined members: GraphQL's "not given" is REST's "absent". */
export const given = <T extends Record<string, unknown>>(input: T): Partial<T> =>
  Object.fromEntries(
    Object.entries(input).filter(([, value]) => value !== null && value !== undefined),
  ) as Partial<T>;
