import { AppError, Settings, type Database, type Logger } from '@bazaar/kit';
import type { FastifyRequest } from 'fastify';
import type { App } from '../app.ts';
import { runHook } from '../hook.ts';
import { endpointOf, secondsToNextMonth, utcDay } from './endpoint.ts';
import { createMeter, type Meter } from './meter.ts';

/** The plan's monthly quota, if the principal carries a plan with one. */
const monthlyQuotaOf = (request: FastifyRequest): number | undefined => {
  const principal = request.principal as
    { kind: string; plan?: { monthlyQuota?: number | null } } | undefined;
  const quota = principal?.kind === 'operator' ? undefined : principal?.plan?.monthlyQuota;
  return typeof quota === 'number' ? quota : undefined;
};

const enforceQuota = (quota: number, used: number, now: Date): void => {
  if (used < quota) return;
  throw new AppError(
    'quota_exceeded',
    429,
    `This account has used its ${quota} requests for this month; the quota renews at the start of next month (UTC).`,
    [],
    { retry_after: secondsToNextMonth(now), monthly_quota: quota },
  );
};

/** Only the public API is metered: REST under /v1 and GraphQL, not the docs or the probes. */
const metered = (route: string | undefined): boolean =>
  route !== undefined && (route.startsWith('/v1/') || route === '/graphql');

/**
 * Meters every request a tenant key makes, and refuses requests over the plan's monthly quota. Must be
 * registered after authentication: it reads `request.principal`.
 */
export const registerMetering = <DB>(
  app: App,
  db: Database<DB>,
  log: Logger,
  { flushEveryMs = new Settings().int('GATEWAY_USAGE_FLUSH_MS', 2000, { min: 10, max: 3_600_000 }) } = {},
): Meter => {
  const meter = createMeter(db, log, { flushEveryMs });

  app.addHook('onRequest', (request, _reply, done) =>
    runHook(() => {
      const quota = monthlyQuotaOf(request);
      const principal = request.principal;
      if (quota === undefined || !principal || principal.kind === 'operator') return;
      const now = new Date();
      const used = meter.used(principal.tenantId, now);
      if (typeof used === 'number') return enforceQuota(quota, used, now);
      return used.then(
        (known) => enforceQuota(quota, known, now),
        (error: unknown) => {
          // Without the totals the quota cannot be known: serve rather than refuse everyone.
          request.log.warn({ err: error }, 'monthly usage unavailable; quota not enforced for this request');
        },
      );
    }, done),
  );

  app.addHook('onResponse', (request, reply, done) => {
    const principal = request.principal;
    if (principal && principal.kind !== 'operator' && metered(request.routeOptions.url)) {
      meter.record({
        tenantId: principal.tenantId,
        keyId: principal.keyId,
        endpoint: endpointOf(request)!,
        status: reply.statusCode,
        day: utcDay(new Date()),
        count: 1,
      });
    }
    done();
  });

  app.addHook('onClose', () => meter.stop());
  meter.start();
  return meter;
};
