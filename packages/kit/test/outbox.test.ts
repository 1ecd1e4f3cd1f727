import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createLogger,
  createMemoryBus,
  createOutboxRelay,
  handleOnce,
  metrics,
  reportParkedEvents,
  migrate,
  newId,
  recordEvent,
  type Database,
  type EventBus,
  type EventEnvelope,
  type OutboxRelay,
} from '../src/index.ts';
import { freshDatabase } from './database.ts';

const log = createLogger({ level: 'silent' });
/** The part of pg's connection a test watches. */
interface Spied {
  spied?: boolean;
  parse: (message: { text: string }) => void;
}
let db: Database<Record<string, never>>;
let bus: EventBus;
let relay: OutboxRelay;
const tenant = newId('ten');

beforeEach(async () => {
  db = await freshDatabase();
  await migrate(
    db.pool,
    { name: 'shop', migrations: new URL('./fixtures/migrations-v1/', import.meta.url) },
    log,
  );
  bus = createMemoryBus(log);
  relay = createOutboxRelay(db, bus, 'shop', log);
});
afterEach(async () => {
  await relay.stop();
  await db.close();
});

const eventually = async (check: () => void, timeoutMs = 5_000) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
};

describe('outbox and relay', () => {
  it('publishes an event only if the change it announces commits, in commit order', async () => {
    const seen: EventEnvelope[] = [];
    bus.subscribe({ consumer: 'test', types: '*', handle: (e) => Promise.resolve(void seen.push(e)) });
    await relay.start();
    await db.tenant(tenant, (trx) =>
      recordEvent(trx, { type: 'widget.created', tenantId: tenant, data: { n: 1 } }),
    );
    await db
      .tenant(tenant, async (trx) => {
        await recordEvent(trx, { type: 'widget.created', tenantId: tenant, data: { n: 2 } });
        throw new Error('rolled back');
      })
      .catch(() => undefined);
    await db.tenant(tenant, (trx) =>
      recordEvent(trx, { type: 'widget.updated', tenantId: tenant, data: { n: 3 } }),
    );
    await eventually(() => expect(seen.map((e) => e.data)).toEqual([{ n: 1 }, { n: 3 }]));
    expect(seen[0]).toMatchObject({ type: 'widget.created', source: 'shop', tenant_id: tenant });
    expect(seen[0]!.id).toMatch(/^evt_/);
  });

  it("does not wait for the WAL flush when it marks a batch published, and leaves other transactions' commits durable", async () => {
    // What each connection parses: the relay's setting is a statement of its own transaction.
    const parsed: string[] = [];
    db.pool.on('acquire', (client) => {
      const connection = (client as unknown as { connection: Spied }).connection;
      if (connection.spied) return;
      connection.spied = true;
      const parse = connection.parse.bind(connection);
      connection.parse = (message) => {
        parsed.push(message.text);
        parse(message);
      };
    });
    const seen: unknown[] = [];
    bus.subscribe({ consumer: 'test', types: '*', handle: (e) => Promise.resolve(void seen.push(e.data)) });
    await relay.start();
    await db.tenant(tenant, (trx) =>
      recordEvent(trx, { type: 'widget.created', tenantId: tenant, data: { n: 1 } }),
    );
    await eventually(() => expect(seen).toEqual([{ n: 1 }]));
    expect(parsed).toContain('set local synchronous_commit = off');
    await relay.stop();
    // Whichever pooled connection the relay used, its setting ended with its transaction.
    const settings = await Promise.all(
      Array.from({ length: 3 }, () =>
        db.system(
          async (trx) =>
            (await sql<{ s: string }>`select current_setting('synchronous_commit') as s`.execute(trx))
              .rows[0]!.s,
        ),
      ),
    );
    expect(settings).toEqual(['on', 'on', 'on']);
  });

  it('is woken by the commit of a transaction that recorded events, tenant or system, not by its poll', async () => {
    await relay.stop();
    relay = createOutboxRelay(db, bus, 'shop', log, { pollMs: 600_000 });
    const seen: unknown[] = [];
    bus.subscribe({ consumer: 'test', types: '*', handle: (e) => Promise.resolve(void seen.push(e.data)) });
    await relay.start();
    await relay.flush(); // after its first pass: from here on only a wake helps
    await db.tenant(tenant, (trx) =>
      recordEvent(trx, { type: 'widget.created', tenantId: tenant, data: { n: 1 } }),
    );
    await eventually(() => expect(seen).toEqual([{ n: 1 }]));
    await db.system((trx) => recordEvent(trx, { type: 'widget.created', tenantId: tenant, data: { n: 2 } }));
    await eventually(() => expect(seen).toEqual([{ n: 1 }, { n: 2 }]));
  });

  it('keeps an event whose consumer failed and delivers it again; the inbox makes the effect happen once', async () => {
    let attempts = 0;
    bus.subscribe({
      consumer: 'counter',
      types: ['widget.created'],
      handle: async (event) => {
        attempts += 1;
        await handleOnce(db, 'counter', event, async (trx) => {
          await sql`insert into widgets (id, tenant_id, name) values (${event.id}, ${tenant}, 'counted')`.execute(
            trx,
          );
        });
        // Fails after its effect committed, as a crash between commit and acknowledgement would.
        if (attempts === 1) throw new Error('lost acknowledgement');
      },
    });
    await db.tenant(tenant, (trx) =>
      recordEvent(trx, { type: 'widget.created', tenantId: tenant, data: {} }),
    );
    await expect(relay.flush()).rejects.toThrow(/consumer\(s\) failed/);
    const pending = await sql<{
      n: number;
    }>`select count(*)::int as n from outbox where published_at is null`.execute(db.kysely);
    expect(pending.rows[0]!.n).toBe(1);
    expect(await relay.flush()).toBe(1);
    expect(attempts).toBe(2);
    const rows = await sql<{ n: number }>`select count(*)::int as n from widgets`.execute(db.kysely);
    expect(rows.rows[0]!.n).toBe(1);
  });

  it('parks an event its consumer keeps failing on, and the events after it reach that consumer', async () => {
    await relay.stop();
    bus = createMemoryBus(log, { maxDeliver: 3, parkAfterMs: 0 });
    relay = createOutboxRelay(db, bus, 'shop', log);
    const stopReport = reportParkedEvents(db, 'shop');
    const handled: unknown[] = [];
    const others: unknown[] = [];
    bus.subscribe({
      consumer: 'picky',
      types: '*',
      handle: (event) => {
        const { n } = event.data as { n: number };
        if (n === 2) return Promise.reject(new Error(`cannot take widget ${n}\nat line 1`));
        handled.push(n);
        return Promise.resolve();
      },
    });
    bus.subscribe({
      consumer: 'other',
      types: '*',
      handle: (e) => Promise.resolve(void others.push(e.data)),
    });
    for (const n of [1, 2, 3])
      await db.tenant(tenant, (trx) =>
        recordEvent(trx, { type: 'widget.created', tenantId: tenant, data: { n } }),
      );

    await expect(relay.flush()).rejects.toThrow(/consumer\(s\) failed/);
    await expect(relay.flush()).rejects.toThrow(/consumer\(s\) failed/);
    // The third delivery fails too: the event is parked, and the batch is published.
    expect(await relay.flush()).toBe(3);
    // Redelivered with its batch until then (a consumer's inbox makes the repeats no-ops); 3 once, after 2.
    expect(handled).toEqual([1, 1, 1, 3]);
    const dead = await sql<{ consumer: string; event: EventEnvelope; deliveries: number; reason: string }>`
      select consumer, event, deliveries, reason from dead_letters`.execute(db.kysely);
    expect(dead.rows).toEqual([
      {
        consumer: 'picky',
        event: expect.objectContaining({ type: 'widget.created', source: 'shop', data: { n: 2 } }),
        deliveries: 3,
        reason: 'cannot take widget 2 at line 1',
      },
    ]);
    const pending = await sql<{ n: number }>`
      select count(*)::int as n from outbox where published_at is null`.execute(db.kysely);
    expect(pending.rows[0]!.n).toBe(0);
    expect(await metrics.metrics()).toContain('bazaar_parked_events{service="shop"} 1');
    stopReport();
    expect(await metrics.metrics()).not.toContain('bazaar_parked_events{service="shop"}');
    // The consumer that never failed got the batch at each attempt, all of it every time.
    expect(others).toEqual([1, 2, 3, 1, 2, 3, 1, 2, 3].map((n) => ({ n })));
  });

  it('parks nothing when another consumer fails the batch: parked and published, or neither', async () => {
    await relay.stop();
    bus = createMemoryBus(log, { maxDeliver: 2, parkAfterMs: 0 });
    relay = createOutboxRelay(db, bus, 'shop', log);
    bus.subscribe({ consumer: 'doomed', types: '*', handle: () => Promise.reject(new Error('never')) });
    let attempt = 0;
    bus.subscribe({
      consumer: 'hiccup',
      types: '*',
      handle: () => (++attempt === 2 ? Promise.reject(new Error('once')) : Promise.resolve()),
    });
    await db.tenant(tenant, (trx) =>
      recordEvent(trx, { type: 'widget.created', tenantId: tenant, data: {} }),
    );
    const parked = async () =>
      (
        await sql<{
          deliveries: number;
        }>`select deliveries from dead_letters where consumer = 'doomed'`.execute(db.kysely)
      ).rows.map((r) => r.deliveries);

    await expect(relay.flush()).rejects.toThrow(/consumer\(s\) failed/);
    // 'doomed' was parked on its second delivery, but 'hiccup' failed the batch: both rolled back.
    await expect(relay.flush()).rejects.toThrow(/consumer\(s\) failed/);
    expect(await parked()).toEqual([]);
    expect(await relay.flush()).toBe(1);
    expect(await parked()).toEqual([3]);
  });

  it('flushes what is left when it stops', async () => {
    const seen: string[] = [];
    bus.subscribe({ consumer: 'test', types: '*', handle: (e) => Promise.resolve(void seen.push(e.type)) });
    await db.tenant(tenant, (trx) =>
      recordEvent(trx, { type: 'widget.created', tenantId: tenant, data: {} }),
    );
    await relay.stop();
    expect(seen).toEqual(['widget.created']);
  });
});
