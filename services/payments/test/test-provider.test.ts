import { describe, expect, it } from 'vitest';
import { createTestProvider, TEST_CARDS } from '../src/providers/test-provider.ts';

let keys = 0;
const options = (signal = new AbortController().signal) => ({ signal, idempotencyKey: `k${++keys}` });

describe('the test provider', () => {
  const provider = createTestProvider();

  it('authorizes the success card and any other valid number', async () => {
    for (const number of [TEST_CARDS.succeeds, '5555555555554444', '378282246310005']) {
      const result = await provider.authorize(1000, 'USD', { number }, options());
      expect(result).toEqual({ ok: true, providerRef: expect.stringMatching(/^auth_[0-9a-z]{26}$/) });
    }
  });

  it('declines the declined and insufficient-funds cards with their codes', async () => {
    expect(await provider.authorize(1000, 'USD', { number: TEST_CARDS.declined }, options())).toEqual({
      ok: false,
      code: 'card_declined',
      message: 'Your card was declined.',
    });
    expect(
      await provider.authorize(1000, 'USD', { number: TEST_CARDS.insufficientFunds }, options()),
    ).toMatchObject({ ok: false, code: 'insufficient_funds' });
  });

  it('refuses a number that fails the Luhn check', async () => {
    expect(await provider.authorize(1000, 'USD', { number: '4242424242424241' }, options())).toMatchObject({
      ok: false,
      code: 'incorrect_number',
    });
  });

  it('keeps a caller of the timeout card waiting until it gives up', async () => {
    const controller = new AbortController();
    let settled = false;
    const call = provider.authorize(1000, 'USD', { number: TEST_CARDS.timesOut }, options(controller.signal));
    void call.then(
      () => (settled = true),
      () => (settled = true),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(settled).toBe(false);
    controller.abort(new Error('gave up'));
    await expect(call).rejects.toThrow('gave up');
  });

  it('fails the timeout card by itself after a while when nobody gives up', async () => {
    const impatient = createTestProvider({ hangMs: 20 });
    await expect(
      impatient.authorize(1000, 'USD', { number: TEST_CARDS.timesOut }, options()),
    ).rejects.toThrow();
  });

  it('captures, voids and refunds its own authorizations only', async () => {
    const auth = await provider.authorize(1000, 'USD', { number: TEST_CARDS.succeeds }, options());
    if (!auth.ok) throw new Error('not authorized');
    const ref = auth.providerRef;
    expect(await provider.capture(ref, 1000, options())).toMatchObject({ ok: true });
    expect(await provider.refund(ref, 400, options())).toMatchObject({ ok: true });
    expect(await provider.void(ref, options())).toMatchObject({ ok: true });
    for (const result of [
      await provider.capture('auth_bogus', 1000, options()),
      await provider.refund('cap_01jd0m4zq8x9c4c2y3v7w5k6hn', 100, options()),
      await provider.void('', options()),
    ]) {
      expect(result).toMatchObject({ ok: false, code: 'no_such_authorization' });
    }
    expect(await provider.capture(ref, 0, options())).toMatchObject({ ok: false, code: 'invalid_amount' });
  });

  it('answers a repeated idempotency key with the first answer instead of acting again', async () => {
    const first = await provider.authorize(1000, 'USD', { number: TEST_CARDS.succeeds }, options());
    const key = { signal: new AbortController().signal, idempotencyKey: 'same' };
    const a = await provider.authorize(1000, 'USD', { number: TEST_CARDS.succeeds }, key);
    const b = await provider.authorize(1000, 'USD', { number: TEST_CARDS.succeeds }, key);
    expect(b).toEqual(a);
    expect(a).not.toEqual(first);
    if (!a.ok) throw new Error('not authorized');
    const capture = { signal: new AbortController().signal, idempotencyKey: 'capture-once' };
    expect(await provider.capture(a.providerRef, 500, capture)).toEqual(
      await provider.capture(a.providerRef, 500, capture),
    );
  });
});
