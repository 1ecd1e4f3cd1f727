import { AppError } from '@bazaar/kit';
import type { FastifyInstance } from 'fastify';
import { ProblemRef } from '../schemas/common.ts';
import { limitField, policyField, retryAfterSeconds } from './headers.ts';
import type { Limiter } from './limiter.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The gateway's limiter: `rateLimiter.failOpenCount` and `.store` are for the metrics. */
    rateLimiter: Limiter;
  }
}

/**
 * Limits every request made with a tenant key to its plan's rate and burst, per key, and tells the
 * caller where it stands. Register after authentication: requests without a tenant key (probes, docs,
 * operator keys) are not limited.
 */
export const registerRateLimits = (app: FastifyInstance, limiter: Limiter): void => {
  app.decorate('rateLimiter', limiter);
  // Every route a tenant key may call documents the 429 it may answer.
  app.addHook('onRoute', (route) => {
    const access = (route.config as { access?: string } | undefined)?.access;
    const schema = route.schema as { response?: Record<string, unknown>; hide?: boolean } | undefined;
    if (!route.url.startsWith('/v1/') || access === 'operator' || access === 'public') return;
    if (!schema?.response || schema.hide || '429' in schema.response) return;
    schema.response['429'] = {
      description:
        'Too many requests for this key (`rate_limited`): wait for `Retry-After` seconds. Every answer to a ' +
        'tenant key carries `RateLimit-Policy` and `RateLimit`.',
      content: { 'application/problem+json': { schema: ProblemRef } },
    };
  });
  app.addHook('onRequest', async (request, reply) => {
    const principal = request.principal;
    if (!principal || principal.kind === 'operator') return;
    const { rate, burst } = principal.plan;
    void reply.header('ratelimit-policy', policyField({ rate, burst }));
    const decision = await limiter.take(principal.keyId, { rate, burst });
    if (!decision) return;
    void reply.header('ratelimit', limitField(decision));
    if (!decision.allowed) {
      const wait = retryAfterSeconds(decision);
      throw new AppError(
        'rate_limited',
        429,
        `Too many requests for this key: the ${principal.plan.name} plan allows ${rate} per second with bursts of ${burst}. Retry after ${wait} s.`,
        [],
        { retry_after: wait },
      );
    }
  });
  app.addHook('onClose', () => limiter.close());
};
