import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { cartWith, checkout, stockedProduct, stockOf } from '../support/shop.ts';

let t: TestPlatform;
let sk: string;

const paidOrder = async (quantities: [number, number] = [2, 1], price = 1000) => {
  const { variants } = await stockedProduct(t.call, sk, {
    sku: `O${Math.random().toString(36).slice(2, 8)}`,
    stock: 5,
    price,
  });
  const cartId = await cartWith(t.call, sk, [
    [variants[0]!, quantities[0]],
    [variants[1]!, quantities[1]],
  ]);
  const order = (await checkout(t.call, sk, cartId)).body;
  expect(order.status).toBe('paid');
  return { order, variants };
};

beforeAll(async () => {
  t = await startTestPlatform();
  sk = (await t.tenant()).secret;
});
afterAll(() => t.stop());

describe('after checkout', () => {
  it('cancels an unshipped order: refunds it in full and restocks', async () => {
    const { order, variants } = await paidOrder();
    const cancelled = await t.call('POST', `/v1/orders/${order.id}/cancel`, sk, {
      reason: 'changed my mind',
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({
      status: 'cancelled',
      payment_status: 'refunded',
      amount_refunded: 3000,
    });
    expect(await stockOf(t.call, sk, variants[0]!)).toEqual({ on_hand: 5, reserved: 0, available: 5 });
    const intent = (await t.call('GET', `/v1/payment-intents/${order.payment_intent_id}`, sk)).body;
    expect(intent).toMatchObject({ status: 'refunded', amount_refunded: 3000 });
    const again = await t.call('POST', `/v1/orders/${order.id}/cancel`, sk, {});
    expect([again.status, again.body.code]).toEqual([409, 'order_cancelled']);
  });

  it('ships in parts, then refuses to cancel a shipped order', async () => {
    const { order } = await paidOrder();
    const [first, second] = order.lines;
    const partial = await t.call('POST', `/v1/orders/${order.id}/fulfillments`, sk, {
      lines: [{ line_id: first.id, quantity: 1 }],
      tracking_number: '1Z999',
      carrier: 'UPS',
    });
    expect(partial.status).toBe(201);
    expect(partial.body).toMatchObject({ fulfillment_status: 'partially_fulfilled', status: 'paid' });
    expect(partial.body.fulfillments[0]).toMatchObject({ tracking_number: '1Z999', carrier: 'UPS' });

    const cancel = await t.call('POST', `/v1/orders/${order.id}/cancel`, sk, {});
    expect([cancel.status, cancel.body.code]).toEqual([409, 'order_fulfilled']);

    const tooMany = await t.call('POST', `/v1/orders/${order.id}/fulfillments`, sk, {
      lines: [{ line_id: second.id, quantity: 2 }],
    });
    expect([tooMany.status, tooMany.body.code]).toEqual([409, 'fulfillment_exceeds_ordered']);

    const rest = await t.call('POST', `/v1/orders/${order.id}/fulfillments`, sk, {});
    expect(rest.body).toMatchObject({ fulfillment_status: 'fulfilled', status: 'fulfilled' });
    expect(rest.body.lines.map((l: { fulfilled_quantity: number }) => l.fulfilled_quantity)).toEqual([2, 1]);
  });

  it('refunds in parts, never more than was captured', async () => {
    const { order } = await paidOrder([1, 1], 2000);
    const first = await t.call('POST', `/v1/orders/${order.id}/refunds`, sk, {
      amount: 1500,
      reason: 'damaged',
    });
    expect(first.body).toMatchObject({ amount_refunded: 1500, payment_status: 'partially_refunded' });
    const over = await t.call('POST', `/v1/orders/${order.id}/refunds`, sk, { amount: 2501 });
    expect([over.status, over.body.code]).toEqual([409, 'refund_exceeds_captured']);
    const rest = await t.call('POST', `/v1/orders/${order.id}/refunds`, sk, { amount: 2500 });
    expect(rest.body).toMatchObject({ amount_refunded: 4000, payment_status: 'refunded' });
    expect(rest.body.refunds.map((r: { amount: number }) => r.amount)).toEqual([1500, 2500]);
    const intent = (await t.call('GET', `/v1/payment-intents/${order.payment_intent_id}`, sk)).body;
    expect(intent.amount_refunded).toBe(4000);
  });

  it('takes shipped items back and restocks them', async () => {
    const { order, variants } = await paidOrder([2, 1], 1000);
    await t.call('POST', `/v1/orders/${order.id}/fulfillments`, sk, {});
    expect(await stockOf(t.call, sk, variants[0]!)).toMatchObject({ on_hand: 3 });
    const returned = await t.call('POST', `/v1/orders/${order.id}/returns`, sk, {
      lines: [{ line_id: order.lines[0].id, quantity: 1 }],
      refund_amount: 1000,
    });
    expect(returned.status).toBe(201);
    expect(returned.body.lines[0].returned_quantity).toBe(1);
    expect(returned.body.amount_refunded).toBe(1000);
    expect(await stockOf(t.call, sk, variants[0]!)).toMatchObject({ on_hand: 4, available: 4 });

    const tooMany = await t.call('POST', `/v1/orders/${order.id}/returns`, sk, {
      lines: [{ line_id: order.lines[0].id, quantity: 2 }],
    });
    expect([tooMany.status, tooMany.body.code]).toEqual([409, 'return_exceeds_fulfilled']);
  });

  it('refuses to return what has not shipped', async () => {
    const { order } = await paidOrder();
    const response = await t.call('POST', `/v1/orders/${order.id}/returns`, sk, {
      lines: [{ line_id: order.lines[0].id, quantity: 1 }],
    });
    expect([response.status, response.body.code]).toEqual([409, 'return_exceeds_fulfilled']);
  });

  it('lists orders with a cursor and a status filter, and hides them from publishable keys', async () => {
    const page = await t.call('GET', '/v1/orders?limit=2', sk);
    expect(page.body.has_more).toBe(true);
    const next = await t.call('GET', `/v1/orders?limit=2&cursor=${page.body.next_cursor}`, sk);
    expect(next.body.data[0].id > page.body.data[1].id).toBe(true);
    const cancelled = (await t.call('GET', '/v1/orders?status=cancelled', sk)).body.data;
    expect(cancelled.every((o: { status: string }) => o.status === 'cancelled')).toBe(true);
    const tenant = await t.tenant('Peeker');
    expect((await t.call('GET', '/v1/orders', tenant.publishable)).status).toBe(403);
    expect((await t.call('GET', `/v1/orders/${page.body.data[0].id}`, tenant.secret)).status).toBe(404);
  });
});
