import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, databaseUrl } from '@bazaar/kit';
import { TEST_CARDS } from '@bazaar/payments';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

let t: TestPlatform;
let tenant: { id: string; secret: string; publishable: string };
let other: { id: string; secret: string; publishable: string };
let paymentsDb: pg.Pool;
let references = 0;

const payments = () => t.platform.clients.payments;
const nextReference = () => `ord_test_${++references}`;

const authorize = async (
  fields: { reference?: string; amount?: bigint; currency?: string; card?: string } = {},
  tenantId = tenant.id,
) =>
  (
    await payments().authorize({
      tenantId,
      reference: fields.reference ?? nextReference(),
      amount: fields.amount ?? 1000n,
      currency: fields.currency ?? 'USD',
      method: { type: 'card', cardNumber: fields.card ?? TEST_CARDS.succeeds },
    })
  ).paymentIntent!;

const capture = async (id: string, amount = 0n) =>
  (await payments().capture({ tenantId: tenant.id, paymentIntentId: id, amount })).paymentIntent!;
const voidIntent = async (id: string) =>
  (await payments().void({ tenantId: tenant.id, paymentIntentId: id })).paymentIntent!;
const refund = async (id: string, amount: bigint, idempotencyKey: string, reason = '') =>
  (await payments().refund({ tenantId: tenant.id, paymentIntentId: id, amount, reason, idempotencyKey }))
    .paymentIntent!;

/** The AppError a call rejects with, as [status, code]. */
const failure = async (call: Promise<unknown>) => {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return [error.status, error.code];
};

/** The provider calls recorded in the ledger for an intent, as 'kind:outcome'. */
const ledger = async (intentId: string) =>
  (
    await paymentsDb.query<{ op: string }>(
      `select kind || ':' || outcome as op from payment_operations where payment_intent_id = $1 order by created_at, id`,
      [intentId],
    )
  ).rows.map((r) => r.op);

const eventsOf = async (intentId: string) =>
  (
    await paymentsDb.query<{ type: string }>(`select type from outbox where data->>'id' = $1 order by seq`, [
      intentId,
    ])
  ).rows.map((r) => r.type);

beforeAll(async () => {
  t = await startTestPlatform();
  tenant = await t.tenant('Payments Shop');
  other = await t.tenant('Other Shop');
  paymentsDb = new pg.Pool({
    connectionString: databaseUrl(t.platform.postgresUrl, t.platform.databases.payments!),
    max: 2,
  });
});
afterAll(async () => {
  await paymentsDb.end();
  await t.stop();
});

describe('authorizing', () => {
  it('authorizes the success card and any other valid number, keeping only the last four digits', async () => {
    for (const [card, last4] of [
      [TEST_CARDS.succeeds, '4242'],
      ['5555555555554444', '4444'],
    ] as const) {
      const intent = await authorize({ card, amount: 2599n, currency: 'EUR' });
      expect(intent).toMatchObject({
        status: 'authorized',
        provider: 'test',
        cardLast4: last4,
        amount: 2599n,
        currency: 'EUR',
        amountCaptured: 0n,
        amountRefunded: 0n,
        failureCode: '',
        failureMessage: '',
        refunds: [],
      });
      expect(intent.id).toMatch(/^pi_[0-9a-z]{26}$/);
      expect(await ledger(intent.id)).toEqual(['authorize:succeeded']);
      expect(await eventsOf(intent.id)).toEqual(['payment.authorized']);
    }
  });

  it('answers a declined card with a failed intent that says why, not an error', async () => {
    for (const [card, code, message] of [
      [TEST_CARDS.declined, 'card_declined', 'Your card was declined.'],
      [TEST_CARDS.insufficientFunds, 'insufficient_funds', 'Your card has insufficient funds.'],
    ] as const) {
      const intent = await authorize({ card });
      expect(intent).toMatchObject({ status: 'failed', failureCode: code, failureMessage: message });
      expect(await ledger(intent.id)).toEqual(['authorize:declined']);
      expect(await eventsOf(intent.id)).toEqual(['payment.failed']);
    }
  });

  it('authorizes a reference once, however often and however concurrently it is asked', async () => {
    const reference = nextReference();
    const first = await authorize({ reference });
    expect(await authorize({ reference })).toEqual(first);
    expect(await ledger(first.id)).toEqual(['authorize:succeeded']);

    const concurrent = nextReference();
    const intents = await Promise.all(Array.from({ length: 6 }, () => authorize({ reference: concurrent })));
    expect(new Set(intents.map((i) => i.id)).size).toBe(1);
    const { rows } = await paymentsDb.query(
      `select count(*)::int as n from payment_intents where tenant_id = $1 and reference = $2`,
      [tenant.id, concurrent],
    );
    expect(rows[0].n).toBe(1);
    expect(await ledger(intents[0]!.id)).toEqual(['authorize:succeeded']);

    const declined = nextReference();
    const failed = await authorize({ reference: declined, card: TEST_CARDS.declined });
    expect(await authorize({ reference: declined, card: TEST_CARDS.declined })).toEqual(failed);
    expect(await ledger(failed.id)).toEqual(['authorize:declined']);
  });

  it('refuses the same reference for another amount or currency', async () => {
    const reference = nextReference();
    await authorize({ reference });
    expect(await failure(authorize({ reference, amount: 1001n }))).toEqual([409, 'reference_in_use']);
    expect(await failure(authorize({ reference, currency: 'EUR' }))).toEqual([409, 'reference_in_use']);
  });

  it('keeps references apart per tenant', async () => {
    const reference = nextReference();
    const mine = await authorize({ reference });
    const theirs = await authorize({ reference }, other.id);
    expect(theirs.id).not.toBe(mine.id);
  });

  it('refuses bad input with a code, writing nothing', async () => {
    const cases: [Record<string, unknown>, number, string][] = [
      [{ method: { type: 'card', cardNumber: '4242424242424241' } }, 400, 'invalid_card_number'],
      [{ method: { type: 'card', cardNumber: '42424242420' } }, 400, 'invalid_card_number'],
      [{ method: { type: 'card', cardNumber: '4242 4242 4242 4242' } }, 400, 'invalid_card_number'],
      [{ method: { type: 'card', cardNumber: '' } }, 400, 'invalid_card_number'],
      [{ method: { type: 'bank_transfer', cardNumber: TEST_CARDS.succeeds } }, 400, 'invalid_value'],
      [{ method: undefined }, 400, 'missing_field'],
      [{ amount: 0n }, 400, 'invalid_amount'],
      [{ amount: -5n }, 400, 'invalid_amount'],
      [{ amount: 1_000_000_000_001n }, 400, 'invalid_amount'],
      [{ currency: 'usd' }, 400, 'unknown_currency'],
      [{ currency: 'ABC' }, 400, 'unknown_currency'],
      [{ reference: '' }, 400, 'missing_field'],
      [{ reference: 'x'.repeat(201) }, 400, 'too_long'],
    ];
    for (const [fields, status, code] of cases) {
      const reference = nextReference();
      const request = {
        tenantId: tenant.id,
        reference,
        amount: 1000n,
        currency: 'USD',
        method: { type: 'card', cardNumber: TEST_CARDS.succeeds },
        ...fields,
      };
      expect([fields, await failure(payments().authorize(request))]).toEqual([fields, [status, code]]);
      expect(
        await failure(payments().getPaymentIntent({ tenantId: tenant.id, idOrReference: reference })),
      ).toEqual([404, 'payment_intent_not_found']);
    }
  });

  it('keeps no full card number anywhere in its database', async () => {
    await authorize({ card: '4000056655665556' });
    const { rows } = await paymentsDb.query<{ dump: string }>(
      `select concat((select json_agg(i) from payment_intents i), (select json_agg(o) from payment_operations o),
                     (select json_agg(r) from payment_refunds r), (select json_agg(e) from outbox e)) as dump`,
    );
    expect(rows[0]!.dump).toContain('5556');
    expect(rows[0]!.dump).not.toContain('4000056655665556');
    expect(rows[0]!.dump).not.toContain(TEST_CARDS.succeeds);
  });
});

describe('capturing', () => {
  it('captures the whole authorized amount once, however often asked', async () => {
    const intent = await authorize({ amount: 4200n });
    const captured = await capture(intent.id);
    expect(captured).toMatchObject({ status: 'captured', amountCaptured: 4200n, amountRefunded: 0n });
    expect(await capture(intent.id)).toEqual(captured);
    expect(await capture(intent.id, 100n)).toEqual(captured);
    expect(await ledger(intent.id)).toEqual(['authorize:succeeded', 'capture:succeeded']);
    expect(await eventsOf(intent.id)).toEqual(['payment.authorized', 'payment.captured']);
  });

  it('captures once when asked concurrently', async () => {
    const intent = await authorize();
    const results = await Promise.all(Array.from({ length: 5 }, () => capture(intent.id)));
    expect(results.every((r) => r.status === 'captured' && r.amountCaptured === 1000n)).toBe(true);
    expect(await ledger(intent.id)).toEqual(['authorize:succeeded', 'capture:succeeded']);
  });

  it('captures part of the authorization, never more than it', async () => {
    const intent = await authorize({ amount: 1000n });
    expect(await failure(capture(intent.id, 1001n))).toEqual([409, 'capture_exceeds_authorized']);
    expect(await failure(capture(intent.id, -1n))).toEqual([400, 'invalid_amount']);
    expect(await capture(intent.id, 600n)).toMatchObject({ status: 'captured', amountCaptured: 600n });
  });

  it('refuses to capture a voided or failed intent', async () => {
    const voided = await authorize();
    await voidIntent(voided.id);
    expect(await failure(capture(voided.id))).toEqual([409, 'payment_not_capturable']);
    const failed = await authorize({ card: TEST_CARDS.declined });
    expect(await failure(capture(failed.id))).toEqual([409, 'payment_not_capturable']);
    expect(await ledger(voided.id)).toEqual(['authorize:succeeded', 'void:succeeded']);
  });

  it('finds no intent of another tenant, nor an unknown one', async () => {
    const intent = await authorize();
    expect(
      await failure(payments().capture({ tenantId: other.id, paymentIntentId: intent.id, amount: 0n })),
    ).toEqual([404, 'payment_intent_not_found']);
    expect(await failure(capture('pi_01jd0m4zq8x9c4c2y3v7w5k6hn'))).toEqual([
      404,
      'payment_intent_not_found',
    ]);
    expect(
      (await payments().getPaymentIntent({ tenantId: tenant.id, idOrReference: intent.id })).paymentIntent,
    ).toMatchObject({ status: 'authorized' });
  });
});

describe('voiding', () => {
  it('voids an authorization once; voiding again changes nothing', async () => {
    const intent = await authorize();
    const voided = await voidIntent(intent.id);
    expect(voided).toMatchObject({ status: 'voided', amountCaptured: 0n });
    expect(await voidIntent(intent.id)).toEqual(voided);
    expect(await ledger(intent.id)).toEqual(['authorize:succeeded', 'void:succeeded']);
    expect(await eventsOf(intent.id)).toEqual(['payment.authorized', 'payment.voided']);
  });

  it('leaves a failed intent as it is: nothing is held to release', async () => {
    const failed = await authorize({ card: TEST_CARDS.insufficientFunds });
    expect(await voidIntent(failed.id)).toEqual(failed);
    expect(await ledger(failed.id)).toEqual(['authorize:declined']);
  });

  it('refuses to void a captured intent', async () => {
    const intent = await authorize();
    await capture(intent.id);
    expect(await failure(voidIntent(intent.id))).toEqual([409, 'payment_not_voidable']);
  });
});

describe('refunding', () => {
  it('refunds in parts up to what was captured, each key once', async () => {
    const intent = await authorize({ amount: 1000n });
    await capture(intent.id);
    const partial = await refund(intent.id, 300n, 'r1', 'damaged');
    expect(partial).toMatchObject({ status: 'partially_refunded', amountRefunded: 300n });
    expect(partial.refunds).toMatchObject([{ amount: 300n, reason: 'damaged' }]);
    expect(partial.refunds[0]!.id).toMatch(/^re_/);
    expect(await refund(intent.id, 300n, 'r1', 'damaged')).toEqual(partial);

    expect(await failure(refund(intent.id, 701n, 'r2'))).toEqual([409, 'refund_exceeds_captured']);
    const full = await refund(intent.id, 700n, 'r2');
    expect(full).toMatchObject({ status: 'refunded', amountRefunded: 1000n });
    expect(full.refunds.map((r) => r.amount)).toEqual([300n, 700n]);
    expect(await failure(refund(intent.id, 1n, 'r3'))).toEqual([409, 'refund_exceeds_captured']);
    expect(await refund(intent.id, 700n, 'r2')).toEqual(full);

    expect(await ledger(intent.id)).toEqual([
      'authorize:succeeded',
      'capture:succeeded',
      'refund:succeeded',
      'refund:succeeded',
    ]);
    expect(await eventsOf(intent.id)).toEqual([
      'payment.authorized',
      'payment.captured',
      'payment.refunded',
      'payment.refunded',
    ]);
    // A captured intent stays captured: capturing it again changes nothing.
    expect(await capture(intent.id)).toEqual(full);
  });

  it('never refunds more than was captured, even concurrently', async () => {
    const intent = await authorize({ amount: 1000n });
    await capture(intent.id);
    const results = await Promise.allSettled(
      ['a', 'b', 'c'].map((key) => refund(intent.id, 400n, `concurrent-${key}`)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    const rejected = results.find((r) => r.status === 'rejected');
    expect(rejected?.reason).toMatchObject({ code: 'refund_exceeds_captured' });
    expect(
      (await payments().getPaymentIntent({ tenantId: tenant.id, idOrReference: intent.id })).paymentIntent,
    ).toMatchObject({ amountRefunded: 800n, status: 'partially_refunded' });
  });

  it('refunds only captured money, from a partial capture at most what was taken', async () => {
    const authorized = await authorize();
    expect(await failure(refund(authorized.id, 100n, 'k'))).toEqual([409, 'payment_not_refundable']);
    const partial = await authorize({ amount: 1000n });
    await capture(partial.id, 400n);
    expect(await failure(refund(partial.id, 401n, 'k'))).toEqual([409, 'refund_exceeds_captured']);
    expect(await refund(partial.id, 400n, 'k')).toMatchObject({ status: 'refunded', amountRefunded: 400n });
  });

  it('checks the amount and the key', async () => {
    const intent = await authorize();
    await capture(intent.id);
    expect(await failure(refund(intent.id, 0n, 'k'))).toEqual([400, 'invalid_amount']);
    expect(await failure(refund(intent.id, -10n, 'k'))).toEqual([400, 'invalid_amount']);
    expect(await failure(refund(intent.id, 100n, ''))).toEqual([400, 'missing_field']);
    await refund(intent.id, 100n, 'k');
    expect(await failure(refund(intent.id, 200n, 'k'))).toEqual([409, 'idempotency_key_reused']);
    expect(await ledger(intent.id)).toEqual(['authorize:succeeded', 'capture:succeeded', 'refund:succeeded']);
  });
});

describe('GET /v1/payment-intents/{id}', () => {
  it('shows an intent by id or by reference, without the card number', async () => {
    const reference = nextReference();
    const intent = await authorize({ reference, amount: 1500n });
    await capture(intent.id);
    await refund(intent.id, 500n, 'gift', 'goodwill');
    const response = await t.call('GET', `/v1/payment-intents/${intent.id}`, tenant.secret);
    expect(response.status).toBe(200);
    const body = response.body;
    expect(body).toEqual({
      object: 'payment_intent',
      id: intent.id,
      reference,
      amount: 1500,
      currency: 'USD',
      status: 'partially_refunded',
      provider: 'test',
      card_last4: '4242',
      amount_captured: 1500,
      amount_refunded: 500,
      failure_code: null,
      failure_message: null,
      refunds: [
        {
          id: expect.stringMatching(/^re_/),
          amount: 500,
          reason: 'goodwill',
          created_at: expect.any(String),
        },
      ],
      created_at: intent.createdAt,
      updated_at: expect.any(String),
    });
    expect(Date.parse(body.updated_at)).toBeGreaterThanOrEqual(Date.parse(body.created_at));
    expect(JSON.stringify(body)).not.toContain(TEST_CARDS.succeeds);
    expect((await t.call('GET', `/v1/payment-intents/${reference}`, tenant.secret)).body).toEqual(body);
  });

  it('shows why a failed intent failed', async () => {
    const intent = await authorize({ card: TEST_CARDS.declined });
    const { body } = await t.call('GET', `/v1/payment-intents/${intent.id}`, tenant.secret);
    expect(body).toMatchObject({
      status: 'failed',
      card_last4: '0002',
      failure_code: 'card_declined',
      failure_message: 'Your card was declined.',
      amount_captured: 0,
    });
  });

  it('answers 404 to another tenant and for an unknown intent, and needs a secret key', async () => {
    const intent = await authorize();
    for (const path of [`/v1/payment-intents/${intent.id}`, `/v1/payment-intents/${intent.reference}`]) {
      const response = await t.call('GET', path, other.secret);
      expect([response.status, response.body.code]).toEqual([404, 'payment_intent_not_found']);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    const unknown = await t.call('GET', '/v1/payment-intents/pi_01jd0m4zq8x9c4c2y3v7w5k6hn', tenant.secret);
    expect([unknown.status, unknown.body.code]).toEqual([404, 'payment_intent_not_found']);
    const storefront = await t.call('GET', `/v1/payment-intents/${intent.id}`, tenant.publishable);
    expect([storefront.status, storefront.body.code]).toEqual([403, 'publishable_key_read_only']);
    const anonymous = await t.call('GET', `/v1/payment-intents/${intent.id}`);
    expect([anonymous.status, anonymous.body.code]).toEqual([401, 'missing_api_key']);
  });
});
