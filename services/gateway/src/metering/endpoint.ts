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

const DAY_MS = 86_400_000;
// Every metered request asks for today: formatting a date each time showed in profiles.
let lastDay = Number.NaN;
let lastDayText = '';

/** The UTC day of a moment, as `YYYY-MM-DD`. */
export const utcDay = (at: Date): string => {
  const day = Math.floor(at.getTime() / DAY_MS);
  if (day !== lastDay) {
    lastDayText = at.toISOString().slice(0, 10);
    lastDay = day;
  }
  return lastDayText;
};

/** The UTC month of a moment, as `YYYY-MM`. */
export const utcMonth = (at: Date): string => utcDay(at).slice(0, 7);

/** Whole seconds from `at` to the first instant of the next UTC month. */
export const secondsToNextMonth = (at: Date): number => {
  const next = Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1);
  return Math.max(1, Math.ceil((next - at.getTime()) / 1000));
};
