import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { createMemoryBus, databaseUrl, openDatabase, type Database, type RunningService } from '@bazaar/kit';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { inventoryService } from '../src/index.ts';
import type { InventoryTables } from '../src/store.ts';
import { eventually, levelsOf, newLocation, receive, recordedEvents, variantsOf } from './support.ts';

let t: TestPlatform;
const replicas: { db: Database<InventoryTables>; service: RunningService }[] = [];
const warnings: string[] = [];

beforeAll(async () => {
  t = await startTestPlatform();
  const log = pino(
    { level: 'warn' },
    new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        warnings.push(chunk.toString());
        done();
      },
    }),
  );
  // More replicas of the service, sweeping the same database far more often than the platform's own.
  for (let i = 0; i < 3; i++) {
    const db = openDatabase<InventoryTables>({
      url: databaseUrl(t.platform.postgresUrl, t.platform.databases.inventory!),
    });
    const service = inventoryService.create({
      db,
      bus: createMemoryBus(log),
      log,
      clients: t.platform.clients,
      sweepEveryMs: 20,
    });
    await service.start?.();
    replicas.push({ db, service });
  }
});

afterAll(async () => {
  for (const { db, service } of replicas) {
    await service.stop?.();
    await db.close();
  }
  await t.stop();
});

it('expires each reservation exactly once while several replicas sweep', async () => {
  const tenant = await t.tenant('Sweeper');
  const [variant] = (await variantsOf(t, tenant.secret, 'SWEEP', ['ONE'])) as [string];
  const main = await newLocation(t, tenant.secret, 'Main');
  const shop = await newLocation(t, tenant.secret, 'Shop');
  await receive(t, tenant.secret, variant, main, 20);
  await receive(t, tenant.secret, variant, shop, 20);

  const references = Array.from({ length: 30 }, () => `ord_${randomUUID()}`);
  // The one committed is held long enough to be, however slow the machine; the others expire at once.
  await Promise.all(
    references.map((reference, i) =>
      t.platform.clients.inventory.reserve({
        tenantId: tenant.id,
        reference,
        lines: [{ variantId: variant, quantity: 1n }],
        ttlSeconds: i === 0 ? 600 : 1,
      }),
    ),
  );
  const kept = references[0]!;
  await t.platform.clients.inventory.commitReservation({ tenantId: tenant.id, reference: kept });

  await eventually(async () => {
    const levels = await levelsOf(t, tenant.secret, variant);
    return levels[main]!.reserved + levels[shop]!.reserved === 0;
  });
  const levels = await levelsOf(t, tenant.secret, variant);
  expect(levels[main]!.on_hand + levels[shop]!.on_hand).toBe(39);

  const expired = (await recordedEvents(t, 'reservation.expired')).map((e) => e.reference);
  expect(expired.sort()).toEqual(references.slice(1).sort());
  expect(warnings).toEqual([]);
});
