import { AppError } from '@bazaar/kit';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { PlanLimits } from '../auth.ts';
import { runHook } from '../hook.ts';
import type { Decision } from './gcra.ts';
import { ProblemRef } from '../schemas/common.ts';
import { limitField, policyField, retryAfterSeconds } from './headers.ts';
import type { Limiter } from './limiter.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The gateway's limiter: `rateLimiter.failOpenCount` and `.store` are for the metrics. */
    rateLimiter: Limiter;
  }
}

/** Tells the caller where its key stands, and refuses the request over the limit. */
const enforce = (reply: FastifyReply, plan: PlanLimits, decision: Decision | undefined): void => {
  if (!decision) return;
  void reply.header('ratelimit', limitField(decision));
  if (!decision.allowed) {
    const wait = retryAfterSeconds(decision);
    throw new AppError(
      'rate_limited',
      429,
      `Too many requests for this key: the ${plan.name} plan allows ${plan.rate} per second with bursts of ${plan.burst}. Retry after ${wait} s.`,
      [],
      { retry_after: wait },
    );
  }
};

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
  app.addHook('onRequest', (request, reply, done) =>
    runHook(() => {
      const principal = request.principal;
      if (!principal || principal.kind === 'operator') return;
      const { plan } = principal;
      void reply.header('ratelimit-policy', policyField(plan));
      const decision = limiter.take(principal.keyId, plan);
      if (decision instanceof Promise) return decision.then((d) => enforce(reply, plan, d));
      enforce(reply, plan, decision);
    }, done),
  );
  app.addHook('onClose', () => limiter.close());
};
