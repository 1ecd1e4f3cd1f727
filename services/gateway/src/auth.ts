import type { AccountsService, AuthenticateResponse } from '@bazaar/contracts/accounts';
import { AppError, type Client } from '@bazaar/kit';
import type { AuthCache } from './auth-cache.ts';
import { requireScope } from './scopes.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Who may call a route:
 * - `public`: anyone (health, docs);
 * - `storefront`: a publishable or a secret key (catalog reads);
 * - `secret`: a secret key (everything that changes a tenant's data or reads its private data);
 * - `operator`: an operator key (administering tenants).
 */
export type Access = 'public' | 'storefront' | 'secret' | 'operator';

/** The plan of the caller's account; `rate` in requests per second, `monthlyQuota` null is unlimited. */
export interface PlanLimits {
  name: string;
  rate: number;
  burst: number;
  monthlyQuota: number | null;
}

/**
 * Who is calling. Restricted keys (`rk_…`) are `secret` keys whose `scopes` are a subset; `mode` is the
 * mode of the key's tenant (each account has a live and a test tenant); `apiVersion` the account's pin.
 */
export type Principal =
  | { kind: 'operator' }
  | {
      kind: 'secret' | 'publishable';
      tenantId: string;
      keyId: string;
      scopes: string[];
      mode: 'test' | 'live';
      plan: PlanLimits;
      apiVersion: string | null;
    };

/** Requests per second of a key when accounts named no plan (an older accounts service): `free`'s. */
const FALLBACK_PLAN: PlanLimits = { name: 'free', rate: 10, burst: 20, monthlyQuota: 100_000 };

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    access?: Access;
  }
}

const bearer = (request: FastifyRequest): string | undefined => {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) {
    throw new AppError('invalid_authorization_header', 401, 'Send the key as: Authorization: Bearer <key>.');
  }
  return match[1];
};

/** Who calls, from the key: synchronous when the key is cached (most requests), else asks accounts. */
export const authenticate =
  (accounts: Client<typeof AccountsService>, cache: AuthCache) =>
  (request: FastifyRequest, reply: FastifyReply): void | Promise<void> => {
    // Everything under /v1 needs a key unless its route says otherwise; the docs and probes do not.
    const url = request.routeOptions.url;
    if (url === undefined) return;
    const access = request.routeOptions.config.access ?? (url.startsWith('/v1/') ? 'secret' : 'public');
    if (access === 'public') return;
    const secret = bearer(request);
    if (!secret) {
      void reply.header('www-authenticate', 'Bearer');
      throw new AppError('missing_api_key', 401, 'Send an API key: Authorization: Bearer <key>.');
    }
    const known = cache.get(secret);
    if (known) {
      admit(request, access, known);
      return;
    }
    return accounts.authenticate({ secret }).then((answer) => {
      cache.set(secret, answer);
      admit(request, access, answer);
    });
  };

/** Sets the request's principal from what accounts said of its key, or refuses the request. */
const admit = (request: FastifyRequest, access: Access, known: AuthenticateResponse): void => {
  const { principal, key } = known;
  if (principal === 'operator') {
    if (access !== 'operator') {
      throw new AppError(
        'tenant_key_required',
        403,
        'Operator keys administer tenants; use a tenant API key here.',
      );
    }
    request.principal = { kind: 'operator' };
    return;
  }
  if (!key) throw new AppError('invalid_api_key', 401, 'Unknown API key.');
  if (access === 'operator') {
    throw new AppError('operator_key_required', 403, 'Only an operator key may do this.');
  }
  if (key.kind === 'publishable' && access !== 'storefront') {
    throw new AppError(
      'publishable_key_read_only',
      403,
      'Publishable keys are for storefronts: catalog reads, carts and checkout. Use a secret key, from your server.',
    );
  }
  const plan = known.plan;
  request.principal = {
    kind: key.kind === 'publishable' ? 'publishable' : 'secret',
    tenantId: key.tenantId,
    keyId: key.id,
    scopes: key.scopes,
    mode: known.mode === 'test' ? 'test' : 'live',
    plan: plan
      ? {
          name: plan.name,
          rate: plan.rate,
          burst: plan.burst,
          monthlyQuota: plan.monthlyQuota === undefined ? null : Number(plan.monthlyQuota),
        }
      : FALLBACK_PLAN,
    apiVersion: known.apiVersion ?? null,
  };
  const scope = request.routeOptions.config.scope;
  if (scope) requireScope(request, scope);
};

/** The tenant the calling key belongs to. */
export const tenantOf = (request: FastifyRequest): string => {
  const principal = request.principal;
  if (!principal || principal.kind === 'operator')
    throw new AppError('tenant_key_required', 403, 'Use a tenant API key.');
  return principal.tenantId;
};

export const isStorefront = (request: FastifyRequest): boolean => request.principal?.kind === 'publishable';

const MUTATIONS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const isMutation = (request: FastifyRequest): boolean => MUTATIONS.has(request.method);
