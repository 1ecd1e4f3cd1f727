import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { Clients } from '@bazaar/contracts/clients';
import { PaymentsService } from '@bazaar/contracts/payments';
import {
  AppError,
  createLogger,
  createMemoryBus,
  databaseUrl,
  ensureDatabase,
  inMemoryTransport,
  migrate,
  newId,
  openDatabase,
  serviceClient,
  type Database,
} from '@bazaar/kit';
import { paymentsService } from '../src/index.ts';
import type { PaymentProvider } from '../src/providers/provider.ts';
import { createTestProvider, TEST_CARDS } from '../src/providers/test-provider.ts';
import type { PaymentsTables } from '../src/store.ts';

/** The test provider, with a count of its calls and a capture that can be made to hang. */
const observedProvider = () => {
  const inner = createTestProvider();
  const calls = { authorize: 0, capture: 0 };
  const state = { captureHangs: false, latencyMs: 0 };
  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const provider: PaymentProvider = {
    name: 'test',
    authorize: async (...args) => {
      calls.authorize++;
      await wait(state.latencyMs);
      return inner.authorize(...args);
    },
    capture: async (...args) => {
      calls.capture++;
      if (state.captureHangs) await wait(10_000);
      return inner.capture(...args);
    },
    void: (...args) => inner.void(...args),
    refund: (...args) => inner.refund(...args),
  };
  return { provider, calls, state };
};

const log = createLogger({ level: 'silent' });
const DEADLINE_MS = 300;
const tenantId = newId('ten');
const observed = observedProvider();
let db: Database<PaymentsTables>;
let payments: Clients['payments'];

const authorize = (reference: string, cardNumber: string = TEST_CARDS.succeeds) =>
  payments
    .authorize({ tenantId, reference, amount: 1000n, currency: 'USD', method: { type: 'card', cardNumber } })
    .then((r) => r.paymentIntent!);

const operations = async (intentId: string) =>
  (
    await db.pool.query<{ kind: string; outcome: string; failure_code: string | null }>(
      'select kind, outcome, failure_code from payment_operations where payment_intent_id = $1 order by created_at',
      [intentId],
    )
  ).rows;

beforeAll(async () => {
  const url = databaseUrl(inject('postgresUrl'), `payments_${randomBytes(4).toString('hex')}`);
  await ensureDatabase(url);
  db = openDatabase<PaymentsTables>({ url, max: 5 });
  await migrate(db.pool, paymentsService, log);
  const service = paymentsService.create({
    db,
    bus: createMemoryBus(log),
    log,
    clients: {} as Clients,
    provider: observed.provider,
    providerDeadlineMs: DEADLINE_MS,
  });
  payments = serviceClient(
    PaymentsService,
    inMemoryTransport((router) => service.routes(router), log),
  );
});
afterAll(() => db.close());

describe('provider calls', () => {
  it('fails an intent whose provider does not answer within the deadline', async () => {
    const started = Date.now();
    const intent = await authorize('ord_timeout', TEST_CARDS.timesOut);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(DEADLINE_MS - 20);
    expect(elapsed).toBeLessThan(3000);
    expect(intent).toMatchObject({
      status: 'failed',
      failureCode: 'provider_timeout',
      failureMessage: 'The payment provider did not answer in time. No money was taken.',
      cardLast4: '0259',
      amountCaptured: 0n,
    });
    expect(await operations(intent.id)).toEqual([
      { kind: 'authorize', outcome: 'timeout', failure_code: 'provider_timeout' },
    ]);
    const events = await db.pool.query<{ type: string }>(`select type from outbox where data->>'id' = $1`, [
      intent.id,
    ]);
    expect(events.rows.map((e) => e.type)).toEqual(['payment.failed']);

    const again = Date.now();
    expect(await authorize('ord_timeout', TEST_CARDS.timesOut)).toEqual(intent);
    expect(Date.now() - again).toBeLessThan(DEADLINE_MS);
  });

  it('asks the provider once when the same reference is authorized concurrently', async () => {
    observed.state.latencyMs = 100;
    const before = observed.calls.authorize;
    const intents = await Promise.all(Array.from({ length: 5 }, () => authorize('ord_concurrent')));
    observed.state.latencyMs = 0;
    expect(new Set(intents.map((i) => i.id)).size).toBe(1);
    expect(intents[0]?.status).toBe('authorized');
    expect(observed.calls.authorize - before).toBe(1);
    await authorize('ord_concurrent');
    expect(observed.calls.authorize - before).toBe(1);
  });

  it('keeps an intent authorized when its capture times out, so the capture can be retried', async () => {
    const intent = await authorize('ord_slow_capture');
    observed.state.captureHangs = true;
    const error = await payments
      .capture({ tenantId, paymentIntentId: intent.id, amount: 0n })
      .catch((e: unknown) => e);
    observed.state.captureHangs = false;
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'provider_timeout', status: 503 });
    const { paymentIntent } = await payments.getPaymentIntent({ tenantId, idOrReference: intent.id });
    expect(paymentIntent).toMatchObject({ status: 'authorized', amountCaptured: 0n });

    const captured = (await payments.capture({ tenantId, paymentIntentId: intent.id, amount: 0n }))
      .paymentIntent;
    expect(captured).toMatchObject({ status: 'captured', amountCaptured: 1000n });
    expect(await operations(intent.id)).toEqual([
      { kind: 'authorize', outcome: 'succeeded', failure_code: null },
      { kind: 'capture', outcome: 'timeout', failure_code: 'provider_timeout' },
      { kind: 'capture', outcome: 'succeeded', failure_code: null },
    ]);
  });
});
