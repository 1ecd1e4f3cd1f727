import { afterAll, beforeAll, expect, it } from 'vitest';
import { newId, type Database } from '@bazaar/kit';
import { claimDue } from '../../services/webhooks/src/claim.ts';
import type { WebhooksTables } from '../../services/webhooks/src/store.ts';
import { insertEndpoint, webhooksDatabase } from './database.ts';

// Claims look only at endpoints with pending deliveries; which ones they lease, on a database of its own.

let db: Database<WebhooksTables>;
const tenant = newId('ten');

beforeAll(async () => {
  db = await webhooksDatabase('claim');
});
afterAll(() => db.close());

const endpoint = (status: 'enabled' | 'disabled' = 'enabled') => insertEndpoint(db, tenant, { status });

/** `n` pending deliveries of one event each to `endpointId`, due `inSeconds` from now. */
const deliveries = async (endpointId: string, n: number, inSeconds: number) => {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const eventId = newId('evt');
    await db.kysely
      .insertInto('events')
      .values({
        id: eventId,
        tenant_id: tenant,
        type: 'cart.created',
        source: 'test',
        data: '{}',
        occurred_at: new Date(),
      })
      .execute();
    const id = newId('dlv');
    await db.kysely
      .insertInto('deliveries')
      .values({
        id,
        tenant_id: tenant,
        endpoint_id: endpointId,
        event_id: eventId,
        status: 'pending',
        next_attempt_at: new Date(Date.now() + inSeconds * 1_000),
      })
      .execute();
    ids.push(id);
  }
  return ids;
};

it('leases the due deliveries of enabled endpoints, within each endpoint’s free slots', async () => {
  // Endpoints without pending deliveries, which a claim must pass over.
  for (let i = 0; i < 50; i++) await endpoint();
  const busy = await endpoint();
  const disabled = await endpoint('disabled');
  const later = await endpoint();
  const crowded = await endpoint();
  const due = await deliveries(busy, 3, -1);
  await deliveries(disabled, 2, -1);
  await deliveries(later, 2, 3_600);
  const crowdedDue = await deliveries(crowded, 3, -1);

  const claimed = await claimDue(db, {
    limit: 100,
    perEndpoint: 3,
    held: new Map([[crowded, 2]]),
    leaseSeconds: 60,
  });

  expect(claimed.filter((c) => c.endpoint_id === busy).map((c) => c.id)).toEqual(due);
  // The oldest of the crowded endpoint's, for the one slot it has free.
  expect(claimed.filter((c) => c.endpoint_id === crowded).map((c) => c.id)).toEqual([crowdedDue[0]]);
  expect(claimed).toHaveLength(4);
  expect(claimed[0]).toMatchObject({
    url: 'http://127.0.0.1:9/hook',
    type: 'cart.created',
    attempt_count: 0,
  });

  // Leased: a second claim finds only what was left.
  const again = await claimDue(db, { limit: 100, perEndpoint: 3, held: new Map(), leaseSeconds: 60 });
  expect(again.map((c) => c.id)).toEqual(crowdedDue.slice(1));
});
