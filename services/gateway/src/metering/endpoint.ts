import type { FastifyRequest } from 'fastify';

/**
 * The endpoint a request reached, as its method and route pattern (`GET /v1/products/{id}`), never the
 * raw URL: usage stays readable and ids do not leak into counters. Undefined when no route matched.
 */
export const endpointOf = (request: FastifyRequest): string | undefined => {
  const url = request.routeOptions.url;
  if (url === undefined) return undefined;
  const key = `${request.method} ${url}`;
  let endpoint = endpoints.get(key);
  if (endpoint === undefined) {
    endpoint = `${request.method} ${url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`;
    endpoints.set(key, endpoint);
  }
  return endpoint;
};

// Per method and route, so at most a few hundred: every request asks.
const endpoints = new Map<string, string>();

/** The UTC day of a moment, as `YYYY-MM-DD`. */
export const utcDay = (at: Date): string => at.toISOString().slice(0, 10);

/** The UTC month of a moment, as `YYYY-MM`. */
export const utcMonth = (at: Date): string => at.toISOString().slice(0, 7);

/** Whole seconds from `at` to the first instant of the next UTC month. */
export const secondsToNextMonth = (at: Date): number => {
  const next = Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1);
  return Math.max(1, Math.ceil((next - at.getTime()) / 1000));
};
