import { afterAll, beforeAll, expect, it } from 'vitest';
import { newId, type Database, type EventEnvelope } from '@bazaar/kit';
import { createEventLog } from '../../services/webhooks/src/event-log.ts';
import { loadWebhookSettings } from '../../services/webhooks/src/settings.ts';
import type { WebhooksTables } from '../../services/webhooks/src/store.ts';
import { insertEndpoint, webhooksDatabase } from './database.ts';

// The webhooks service's event log on a database of its own: what a run of events from the bus leaves.

let db: Database<WebhooksTables>;
let wakes = 0;
const settings = { ...loadWebhookSettings({}), allowPrivate: true };
const shop = newId('ten');
const other = newId('ten');

const endpoint = (tenantId: string, enabled: string[], status: 'enabled' | 'disabled' = 'enabled') =>
  insertEndpoint(db, tenantId, { enabled, status });

const event = (type: string, tenantId: string | null): EventEnvelope => ({
  id: newId('evt'),
  type,
  source: 'test',
  tenant_id: tenantId,
  occurred_at: new Date().toISOString(),
  data: { id: newId('obj'), note: 'quoted "text" and ünïcode' },
});

const deliveries = () =>
  db.kysely.selectFrom('deliveries').select(['endpoint_id', 'event_id', 'status', 'attempt_count']).execute();

beforeAll(async () => {
  db = await webhooksDatabase('ingest');
});
afterAll(() => db.close());

it('logs a run of events and queues each once per subscribed endpoint, however often it comes', async () => {
  const all = await endpoint(shop, ['*']);
  const carts = await endpoint(shop, ['cart.created']);
  await endpoint(shop, ['*'], 'disabled');
  const orders = await endpoint(other, ['order.placed']);
  const log = createEventLog(db, settings, () => (wakes += 1));

  const cart = event('cart.created', shop);
  const order = event('order.placed', shop);
  const elsewhere = event('cart.created', other);
  const system = event('tenant.created', null);
  await log.ingestMany([cart, order, elsewhere, system]);

  const queued = await deliveries();
  expect(queued.map((d) => `${d.endpoint_id} ${d.event_id}`).sort()).toEqual(
    [`${all} ${cart.id}`, `${carts} ${cart.id}`, `${all} ${order.id}`].sort(),
  );
  expect(queued.every((d) => d.status === 'pending' && d.attempt_count === 0)).toBe(true);
  expect(queued.some((d) => d.endpoint_id === orders)).toBe(false);
  expect(wakes).toBe(1);
  const logged = await db.kysely.selectFrom('events').selectAll().orderBy('id').execute();
  expect(logged.map((e) => e.id).sort()).toEqual([cart.id, order.id, elsewhere.id].sort());
  expect(logged.find((e) => e.id === cart.id)).toMatchObject({
    tenant_id: shop,
    type: 'cart.created',
    source: 'test',
    data: cart.data,
    occurred_at: new Date(cart.occurred_at),
  });

  // Redelivered, alone or in a run with a new one: only the new one is queued.
  await log.ingestMany([cart, order]);
  await log.ingest(cart);
  expect(await deliveries()).toHaveLength(3);
  expect(wakes).toBe(1);
  const later = event('order.placed', other);
  await log.ingestMany([order, later, cart]);
  const after = await deliveries();
  expect(after).toHaveLength(4);
  expect(after.filter((d) => d.event_id === later.id).map((d) => d.endpoint_id)).toEqual([orders]);
  expect(wakes).toBe(2);
});
