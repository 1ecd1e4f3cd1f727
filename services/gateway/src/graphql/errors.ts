import { AppError } from '@bazaar/kit';
import type { FastifyReply } from 'fastify';
import type { ExecutionResult } from 'graphql';
import { graphql } from './graphql-module.ts';

const { GraphQLError } = graphql;

/**
 * GraphQL errors in our terms: every error carries `extensions.code` (the same stable codes as REST's
 * problem+json) and `extensions.status`. A request refused as a whole (no key, over a limit, invalid
 * query) gets that status as its HTTP status; a query that ran answers 200 with its partial data.
 */

interface Formatted {
  message: string;
  locations?: readonly { line: number; column: number }[];
  path?: readonly (string | number)[];
  extensions: Record<string, unknown>;
}

const INTERNAL = new AppError(
  'internal',
  500,
  'Something went wrong on our side. Quote the request id if you report it.',
);

const appErrorOf = (error: unknown): AppError | undefined => {
  if (error instanceof AppError) return error;
  if (error instanceof GraphQLError && error.originalError) return appErrorOf(error.originalError);
  return undefined;
};

/** Mercurius wraps parse and validation errors in one error holding them all. */
const flatten = (errors: readonly unknown[]): unknown[] =>
  errors.flatMap((error) => {
    if (error instanceof AppError) return [error];
    const original = (error as { originalError?: unknown }).originalError;
    const inner =
      original instanceof AppError ? undefined : (original as { errors?: unknown } | undefined)?.errors;
    if (Array.isArray(inner)) return flatten(inner);
    const own = (error as { errors?: unknown }).errors;
    if (!(error instanceof GraphQLError) && Array.isArray(own)) return flatten(own);
    return [error];
  });

const formatOne = (error: unknown, reply: FastifyReply | undefined): Formatted => {
  const where = error instanceof GraphQLError ? { locations: error.locations, path: error.path } : {};
  const app = appErrorOf(error);
  if (app) {
    return {
      message: app.message,
      ...where,
      extensions: {
        ...app.extensions,
        code: app.code,
        status: app.status,
        ...(app.errors.length > 0 ? { errors: app.errors } : {}),
      },
    };
  }
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  const code = (original as { code?: unknown }).code;
  if (code === 'MER_ERR_METHOD_NOT_ALLOWED') {
    return { message: 'Send mutations with POST.', extensions: { code: 'method_not_allowed', status: 405 } };
  }
  if (typeof code === 'string' && code.startsWith('FST_ERR_CTP')) {
    return { message: 'The body is not valid JSON.', extensions: { code: 'malformed_json', status: 400 } };
  }
  if (original instanceof GraphQLError) {
    // Not from a resolver: the query did not parse or is not valid against the schema.
    const syntax = original.message.startsWith('Syntax Error');
    return {
      message: original.message,
      ...where,
      extensions: { code: syntax ? 'graphql_parse_failed' : 'graphql_validation_failed', status: 400 },
    };
  }
  if ((original as { statusCode?: unknown }).statusCode === 400) {
    return { message: (original as Error).message, extensions: { code: 'invalid_request', status: 400 } };
  }
  reply?.log.error({ err: original }, 'unhandled error in a GraphQL request');
  return {
    message: INTERNAL.message,
    ...where,
    extensions: { code: INTERNAL.code, status: INTERNAL.status },
  };
};

export const formatErrors = (
  execution: ExecutionResult & { statusCode?: number },
  context: { reply?: FastifyReply },
): { statusCode: number; response: ExecutionResult } => {
  const reply = context.reply;
  const errors = flatten(execution.errors ?? []).map((e) => formatOne(e, reply));
  const first = errors[0]?.extensions;
  const retryAfter = first?.retry_after;
  if (typeof retryAfter === 'number' || typeof retryAfter === 'string') {
    void reply?.header('retry-after', String(retryAfter));
  }
  const statusCode = execution.data ? 200 : Number(first?.status ?? 200);
  return {
    statusCode,
    response: { data: execution.data ?? null, errors: errors as unknown as ExecutionResult['errors'] },
  };
};
