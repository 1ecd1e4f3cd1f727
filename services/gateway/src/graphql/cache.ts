import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DocumentNode } from 'graphql';
import { graphql } from './graphql-module.ts';

const { getOperationAST, Kind, OperationTypeNode } = graphql;
import { isStorefront, tenantOf } from '../auth.ts';
import { cachedAnswer, type ReadCache } from '../read-cache.ts';
import { sendCached } from '../reads.ts';
import { requireScope } from '../scopes.ts';

/**
 * Whole answers to catalog queries, in the REST read cache (so the same events drop them): a storefront
 * asking the same page again is answered from memory, as REST's listing is. An answer is kept with the
 * scopes it needed and served again only to keys that hold them.
 */

/** Root fields whose answers REST caches too. */
const CACHEABLE = new Set(['products', 'product', 'categories', 'category', '__typename']);

interface GraphqlParams {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

const paramsOf = (request: FastifyRequest): GraphqlParams | undefined => {
  const params = (request.method === 'GET' ? request.query : request.body) as GraphqlParams | undefined;
  return params && typeof params === 'object' && !Array.isArray(params) ? params : undefined;
};

/** The cache key of a request, or undefined when it cannot be cached (batched, no query). */
export const cacheKeyOf = (request: FastifyRequest): string | undefined => {
  const params = paramsOf(request);
  if (!params || typeof params.query !== 'string') return undefined;
  const variables =
    typeof params.variables === 'string' ? params.variables : JSON.stringify(params.variables ?? null);
  const operation = typeof params.operationName === 'string' ? params.operationName : '';
  return `graphql ${isStorefront(request) ? 'storefront' : 'secret'} ${operation} ${variables} ${params.query}`;
};

export const operationNameOf = (request: FastifyRequest): string | undefined => {
  const name = paramsOf(request)?.operationName;
  return typeof name === 'string' ? name : undefined;
};

/** Whether an operation reads only what REST caches. */
export const isCacheable = (document: DocumentNode, operationName: string | undefined): boolean => {
  const operation = getOperationAST(document, operationName);
  return (
    operation?.operation === OperationTypeNode.QUERY &&
    operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && CACHEABLE.has(s.name.value))
  );
};

/** Answers from the cache when it holds this query's answer and the key may see it. */
export const answerFromCache = (request: FastifyRequest, reply: FastifyReply, cache: ReadCache): boolean => {
  const key = cacheKeyOf(request);
  if (key === undefined || !request.principal || request.principal.kind === 'operator') return false;
  const hit = cache.get(tenantOf(request), key);
  if (hit === undefined) return false;
  try {
    for (const scope of hit.scopes ?? []) requireScope(request, scope);
  } catch {
    // Run the query: it answers the error in full.
    return false;
  }
  void sendCached(reply, hit);
  return true;
};

export const keepAnswer = (
  cache: ReadCache,
  tenantId: string,
  key: string,
  generation: number,
  scopes: Iterable<string>,
  body: string,
): void => cache.set(tenantId, key, cachedAnswer(body, [...scopes]), generation);
