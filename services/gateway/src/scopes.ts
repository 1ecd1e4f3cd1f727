import { AppError } from '@bazaar/kit';
import type { FastifyInstance, FastifyRequest } from 'fastify';

import { SCOPES, type Scope } from '@bazaar/contracts/scopes';

export { SCOPES, type Scope };

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a tenant key needs for this route; every route under /v1 names one. */
    scope?: Scope;
  }
}

const grants = (scopes: readonly string[], scope: string): boolean =>
  scopes.includes('*') ||
  scopes.includes(scope) ||
  (scope.endsWith(':read') && scopes.includes(`${scope.slice(0, -':read'.length)}:write`));

/**
 * Refuses a request whose key lacks `scope`. A key with `*` may do anything its kind allows; operator
 * keys are not tenant keys and are checked by access, not scope.
 */
export const requireScope = (request: FastifyRequest, scope: string): void => {
  const principal = request.principal;
  if (!principal || principal.kind === 'operator') return;
  if (grants(principal.scopes, scope)) return;
  throw new AppError('insufficient_scope', 403, `This key lacks the scope '${scope}'.`, [], {
    required_scope: scope,
  });
};

/**
 * Makes a /v1 route that names no scope a startup error, so none is forgotten. Operator-only routes
 * are exempt: operator keys carry no scopes. Register before the routes.
 */
export const requireDeclaredScopes = (app: FastifyInstance): void => {
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/v1/')) return;
    const config = (route.config ?? {}) as { access?: string; scope?: string };
    if (config.access === 'operator' || config.access === 'public') return;
    if (!config.scope || !(SCOPES as readonly string[]).includes(config.scope)) {
      throw new Error(
        `${String(route.method)} ${route.url} names no known scope: add config: { scope: '…' } (one of ${SCOPES.join(', ')}).`,
      );
    }
  });
};
