import { AppError } from '@bazaar/kit';
import type { FastifyRequest } from 'fastify';
import type { App } from '../app.ts';
import { endpointOf } from '../metering/endpoint.ts';
import { changesSince, isKnownVersion, KNOWN_VERSIONS, LATEST_VERSION } from './registry.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The API version the request is served in. */
    bazaarVersion?: string;
  }
}

const HEADER = 'bazaar-version';

/** REST is versioned; GraphQL evolves by deprecation instead, and the docs and probes are not the API. */
const versioned = (request: FastifyRequest): boolean =>
  request.url === '/v1' || request.url.startsWith('/v1/');

const asked = (request: FastifyRequest): string | undefined => {
  const value = request.headers[HEADER];
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  return text ? text : undefined;
};

/** The error for a version no one serves, in a header or in a field such as an account's pin. */
export const unknownVersion = (name: string, field = 'Bazaar-Version') => {
  const message = `There is no API version '${name}'. Known versions: ${KNOWN_VERSIONS.join(', ')}.`;
  return new AppError('unknown_api_version', 400, message, [{ field, code: 'unknown_api_version', message }]);
};

/** The version to serve: the header's, else the account's pin, else the latest. Undefined outside /v1. */
const versionOf = (request: FastifyRequest): string | undefined => {
  if (!versioned(request)) return undefined;
  const name = asked(request);
  if (name !== undefined) {
    if (!isKnownVersion(name)) throw unknownVersion(name);
    return name;
  }
  const pinned = (request.principal as { apiVersion?: string | null } | undefined)?.apiVersion;
  return pinned && isKnownVersion(pinned) ? pinned : LATEST_VERSION;
};

/** Brings an older version's request body and query to the current shape. */
const upgradeRequest = (request: FastifyRequest): void => {
  const version = request.bazaarVersion;
  const endpoint = endpointOf(request);
  if (version === undefined || version === LATEST_VERSION || endpoint === undefined) return;
  let shaped = { body: request.body, query: request.query as Record<string, unknown> };
  for (const change of changesSince(version)) {
    const transform = change.requests?.[endpoint];
    if (transform) shaped = transform(shaped);
  }
  request.body = shaped.body;
  request.query = shaped.query;
};

/**
 * `Bazaar-Version`: the version a request is served in is the header's, else the account's pinned
 * one, else the latest. Requests are rewritten from that version's shape into the current one before
 * validation; answers are rewritten back after serialization; every answer says which version it is in.
 * Must be registered after authentication, which finds the pinned version.
 */
export const registerVersioning = (app: App): void => {
  app.addHook('onRequest', (request, _reply, done) => {
    try {
      request.bazaarVersion = versionOf(request);
      done();
    } catch (error) {
      done(error as Error);
    }
  });

  app.addHook('preValidation', (request, _reply, done) => {
    upgradeRequest(request);
    done();
  });

  // Synchronous on purpose: handlers that send without returning the reply race a slow onSend chain.
  app.addHook('onSend', (request, reply, payload, done) => {
    if (!versioned(request)) {
      done(null, payload);
      return;
    }
    // Set by onRequest; missing only when onRequest refused the version itself.
    const name = request.bazaarVersion === undefined ? asked(request) : undefined;
    const version = request.bazaarVersion ?? (name && isKnownVersion(name) ? name : LATEST_VERSION);
    void reply.header(HEADER, version);
    // Most answers are in the current version: nothing more to do for them.
    if (version === LATEST_VERSION || (typeof payload !== 'string' && !Buffer.isBuffer(payload))) {
      done(null, payload);
      return;
    }
    const endpoint = endpointOf(request);
    if (endpoint === undefined || !/json/.test(String(reply.getHeader('content-type') ?? ''))) {
      done(null, payload);
      return;
    }
    const transforms = changesSince(version)
      .reverse()
      .flatMap((change) => change.responses?.[endpoint] ?? []);
    if (transforms.length === 0) {
      done(null, payload);
      return;
    }
    try {
      // Cached reads are bytes.
      let body: unknown = JSON.parse(typeof payload === 'string' ? payload : payload.toString());
      for (const transform of transforms) body = transform(body, reply.statusCode);
      done(null, JSON.stringify(body));
    } catch (error) {
      done(error as Error);
    }
  });
};
