import { randomUUID } from 'node:crypto';
import { AppError } from '@bazaar/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  levelsOf,
  newLocation,
  receive,
  recordedEvents,
  variantsOf,
} from '../../services/inventory/test/support.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

let t: TestPlatform;
let key: string;
let tenantId: string;
let main: string;
let shop: string;

beforeAll(async () => {
  t = await startTestPlatform();
  const tenant = await t.tenant('Reserver');
  key = tenant.secret;
  tenantId = tenant.id;
  main = await newLocation(t, key, 'Main');
  shop = await newLocation(t, key, 'Shop');
});
afterAll(() => t.stop());

const inventory = () => t.platform.clients.inventory;
const ref = () => `ord_${randomUUID()}`;
const line = (variantId: string, quantity: number) => ({ variantId, quantity: BigInt(quantity) });

const reserve = (reference: string, lines: ReturnType<typeof line>[], ttlSeconds = 0) =>
  inventory().reserve({ tenantId, reference, lines, ttlSeconds });
const commit = (reference: string) => inventory().commitReservation({ tenantId, reference });
const release = (reference: string) => inventory().releaseReservation({ tenantId, reference });
const restock = (
  reference: string,
  lines: ReturnType<typeof line>[],
  idempotencyKey: string,
  reason = 'returned',
) => inventory().restock({ tenantId, reference, lines, reason, idempotencyKey });

/** The AppError a call failed with. */
const failure = async (call: Promise<unknown>): Promise<AppError> => {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
};

const linesOf = (r: {
  reservation?: { lines: { variantId: string; locationId: string; quantity: bigint }[] };
}) => r.reservation!.lines.map((l) => [l.variantId, l.locationId, Number(l.quantity)]);

/** A fresh variant with `stock` units at each given location. */
const stocked = async (sku: string, stock: Record<string, number>) => {
  const [variant] = (await variantsOf(t, key, sku, ['ONE'])) as [string];
  for (const [location, units] of Object.entries(stock)) await receive(t, key, variant, location, units);
  return variant;
};

const ledger = async (variant: string) =>
  (await t.call('GET', `/v1/stock-adjustments?variant_id=${variant}&limit=100`, key)).body.data as {
    location_id: string;
    delta: number;
    reason: string;
    actor: string;
    reference: string | null;
  }[];

describe('reserve', () => {
  it('holds units from the locations with the most available first, splitting a line when needed', async () => {
    const variant = await stocked('SPLIT', { [main]: 3, [shop]: 5 });
    const reference = ref();
    const reserved = await reserve(reference, [line(variant, 6)], 60);
    expect(reserved.reservation).toMatchObject({ reference, status: 'active' });
    expect(reserved.reservation!.id).toMatch(/^res_/);
    const expiresIn = Date.parse(reserved.reservation!.expiresAt) - Date.now();
    expect(expiresIn).toBeGreaterThan(50_000);
    expect(expiresIn).toBeLessThanOrEqual(61_000);
    expect(linesOf(reserved).sort()).toEqual(
      [
        [variant, shop, 5],
        [variant, main, 1],
      ].sort(),
    );
    expect(await levelsOf(t, key, variant)).toEqual({
      [main]: { on_hand: 3, reserved: 1, available: 2 },
      [shop]: { on_hand: 5, reserved: 5, available: 0 },
    });
    const { availability } = await inventory().getAvailability({ tenantId, variantIds: [variant] });
    expect(availability.map((a) => [Number(a.onHand), Number(a.reserved), Number(a.available)])).toEqual([
      [8, 6, 2],
    ]);
  });

  it('holds 15 minutes unless told otherwise', async () => {
    const variant = await stocked('TTL', { [main]: 1 });
    const reserved = await reserve(ref(), [line(variant, 1)]);
    const expiresIn = Date.parse(reserved.reservation!.expiresAt) - Date.now();
    expect(expiresIn).toBeGreaterThan(890_000);
    expect(expiresIn).toBeLessThanOrEqual(901_000);
  });

  it('holds every line or none, naming the lines short of stock', async () => {
    const plenty = await stocked('ALL-A', { [main]: 10 });
    const scarce = await stocked('ALL-B', { [main]: 1, [shop]: 1 });
    const reference = ref();
    const error = await failure(reserve(reference, [line(plenty, 2), line(scarce, 3)]));
    expect(error).toMatchObject({ code: 'out_of_stock', status: 409 });
    expect(error.errors).toEqual([
      { field: 'lines/1/quantity', code: 'out_of_stock', message: expect.stringContaining(scarce) },
    ]);
    expect(error.message).toContain(scarce);
    expect(await levelsOf(t, key, plenty)).toEqual({ [main]: { on_hand: 10, reserved: 0, available: 10 } });
    // Nothing was kept for the reference: a later attempt with enough stock succeeds.
    expect((await failure(commit(reference))).code).toBe('reservation_not_found');
    await receive(t, key, scarce, main, 1);
    expect((await reserve(reference, [line(plenty, 2), line(scarce, 3)])).reservation!.status).toBe('active');
  });

  it('sums lines of the same variant', async () => {
    const variant = await stocked('SUM', { [main]: 3 });
    const error = await failure(reserve(ref(), [line(variant, 2), line(variant, 2)]));
    expect(error.errors.map((e) => e.field)).toEqual(['lines/0/quantity', 'lines/1/quantity']);
    const reserved = await reserve(ref(), [line(variant, 1), line(variant, 2)]);
    expect(linesOf(reserved)).toEqual([[variant, main, 3]]);
  });

  it('refuses malformed requests', async () => {
    const variant = await stocked('BAD', { [main]: 3 });
    const cases: [Promise<unknown>, string, string][] = [
      [reserve('', [line(variant, 1)]), 'missing_field', 'reference'],
      [reserve(ref(), []), 'missing_field', 'lines'],
      [reserve(ref(), [line(variant, 0)]), 'out_of_range', 'lines/0/quantity'],
      [reserve(ref(), [line('nope', 1)]), 'invalid_id', 'lines/0/variant_id'],
      [reserve(ref(), [line(variant, 1)], -5), 'out_of_range', 'ttl_seconds'],
    ];
    for (const [call, code, field] of cases) {
      const error = await failure(call);
      expect(error.status).toBe(400);
      expect(error.errors[0]).toMatchObject({ code, field });
    }
    expect(await levelsOf(t, key, variant)).toEqual({ [main]: { on_hand: 3, reserved: 0, available: 3 } });
  });

  it('is idempotent by reference, even when the same reservation races with itself', async () => {
    const variant = await stocked('IDEM', { [main]: 10 });
    const reference = ref();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => reserve(reference, [line(variant, 3)])),
    );
    expect(new Set(results.map((r) => r.reservation!.id)).size).toBe(1);
    const again = await reserve(reference, [line(variant, 7)]);
    expect(again.reservation!.id).toBe(results[0]!.reservation!.id);
    expect(linesOf(again)).toEqual([[variant, main, 3]]);
    expect(await levelsOf(t, key, variant)).toEqual({ [main]: { on_hand: 10, reserved: 3, available: 7 } });
  });

  it('sells exactly the units there are when 20 reservations race for 7', async () => {
    const variant = await stocked('RACE', { [main]: 4, [shop]: 3 });
    const references = Array.from({ length: 20 }, ref);
    const results = await Promise.allSettled(references.map((r) => reserve(r, [line(variant, 1)])));
    const won = references.filter((_, i) => results[i]!.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(7);
    expect(lost.map((r) => (r.reason as AppError).code)).toEqual(Array(13).fill('out_of_stock'));
    expect(await levelsOf(t, key, variant)).toEqual({
      [main]: { on_hand: 4, reserved: 4, available: 0 },
      [shop]: { on_hand: 3, reserved: 3, available: 0 },
    });

    await Promise.all(won.map(commit));
    expect(await levelsOf(t, key, variant)).toEqual({
      [main]: { on_hand: 0, reserved: 0, available: 0 },
      [shop]: { on_hand: 0, reserved: 0, available: 0 },
    });
    expect((await ledger(variant)).filter((e) => e.reason === 'sold')).toHaveLength(7);
  });

  it('keeps reserved units from being adjusted away', async () => {
    const variant = await stocked('KEEP', { [main]: 7 });
    await reserve(ref(), [line(variant, 5)]);
    const refused = await t.call('POST', '/v1/stock-adjustments', key, {
      variant_id: variant,
      location_id: main,
      delta: -3,
      reason: 'corrected',
    });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('insufficient_stock');
    expect(refused.body.detail).toContain('reserved');
    const allowed = await t.call('POST', '/v1/stock-adjustments', key, {
      variant_id: variant,
      location_id: main,
      delta: -2,
      reason: 'corrected',
    });
    expect(allowed.body.level).toMatchObject({ on_hand: 5, reserved: 5, available: 0 });
  });
});

describe('commit and release', () => {
  it('commits: the held units leave on-hand stock, as sales in the ledger; once', async () => {
    const variant = await stocked('COMMIT', { [main]: 2, [shop]: 3 });
    const reference = ref();
    await reserve(reference, [line(variant, 4)]);
    const committed = await commit(reference);
    expect(committed.reservation).toMatchObject({ reference, status: 'committed' });
    expect(await levelsOf(t, key, variant)).toEqual({
      [main]: { on_hand: 1, reserved: 0, available: 1 },
      [shop]: { on_hand: 0, reserved: 0, available: 0 },
    });
    const sold = (await ledger(variant)).filter((e) => e.reason === 'sold');
    expect(sold.map((e) => [e.location_id, e.delta, e.actor, e.reference]).sort()).toEqual(
      [
        [shop, -3, 'orders', reference],
        [main, -1, 'orders', reference],
      ].sort(),
    );

    expect((await commit(reference)).reservation).toEqual(committed.reservation);
    expect((await ledger(variant)).filter((e) => e.reason === 'sold')).toHaveLength(2);
    expect(await levelsOf(t, key, variant)).toMatchObject({ [main]: { on_hand: 1 }, [shop]: { on_hand: 0 } });

    const error = await failure(release(reference));
    expect(error).toMatchObject({ code: 'reservation_committed', status: 409 });
  });

  it('releases: the held units are available again; once', async () => {
    const variant = await stocked('RELEASE', { [main]: 3 });
    const reference = ref();
    await reserve(reference, [line(variant, 2)]);
    const released = await release(reference);
    expect(released.reservation!.status).toBe('released');
    expect(await levelsOf(t, key, variant)).toEqual({ [main]: { on_hand: 3, reserved: 0, available: 3 } });
    expect((await release(reference)).reservation).toEqual(released.reservation);
    expect(await levelsOf(t, key, variant)).toEqual({ [main]: { on_hand: 3, reserved: 0, available: 3 } });

    const error = await failure(commit(reference));
    expect(error).toMatchObject({ code: 'reservation_not_active', status: 409 });
    expect(await ledger(variant)).toHaveLength(1);
    // The reference stays taken: reserving it again answers the released reservation.
    expect((await reserve(reference, [line(variant, 1)])).reservation!.status).toBe('released');
  });

  it('answers 404 for a reference never reserved', async () => {
    expect((await failure(commit(ref()))).code).toBe('reservation_not_found');
    expect((await failure(release(ref()))).status).toBe(404);
  });

  it('keeps tenants apart', async () => {
    const variant = await stocked('APART', { [main]: 3 });
    const reference = ref();
    await reserve(reference, [line(variant, 1)]);
    const other = await t.tenant('Elsewhere');
    const error = await failure(inventory().commitReservation({ tenantId: other.id, reference }));
    expect(error.code).toBe('reservation_not_found');
    const theirs = await failure(
      inventory().reserve({ tenantId: other.id, reference: ref(), lines: [line(variant, 1)], ttlSeconds: 0 }),
    );
    expect(theirs.code).toBe('out_of_stock');
  });
});

describe('expiry', () => {
  it('releases a reservation not committed in time, and announces it', async () => {
    const variant = await stocked('EXPIRE', { [main]: 3 });
    const reference = ref();
    await reserve(reference, [line(variant, 2)], 1);
    expect(await levelsOf(t, key, variant)).toEqual({ [main]: { on_hand: 3, reserved: 2, available: 1 } });

    await eventually(async () => (await levelsOf(t, key, variant))[main]!.reserved === 0, 8_000);
    expect(await levelsOf(t, key, variant)).toEqual({ [main]: { on_hand: 3, reserved: 0, available: 3 } });
    expect(await recordedEvents(t, 'reservation.expired')).toContainEqual({ reference });

    const error = await failure(commit(reference));
    expect(error.code).toBe('reservation_not_active');
    expect((await release(reference)).reservation!.status).toBe('expired');
    expect(await levelsOf(t, key, variant)).toEqual({ [main]: { on_hand: 3, reserved: 0, available: 3 } });
  });

  it('leaves a committed reservation alone', async () => {
    const variant = await stocked('NO-EXPIRE', { [main]: 3 });
    const reference = ref();
    await reserve(reference, [line(variant, 2)], 1);
    await commit(reference);
    const other = ref();
    await reserve(other, [line(variant, 1)], 1);
    await eventually(async () => (await levelsOf(t, key, variant))[main]!.reserved === 0, 8_000);
    expect(await levelsOf(t, key, variant)).toEqual({ [main]: { on_hand: 1, reserved: 0, available: 1 } });
    expect((await commit(reference)).reservation!.status).toBe('committed');
  });
});

describe('restock', () => {
  let variant: string;
  let reference: string;

  beforeAll(async () => {
    variant = await stocked('RESTOCK', { [main]: 2, [shop]: 3 });
    reference = ref();
    await reserve(reference, [line(variant, 4)]);
    await commit(reference);
  });

  it('puts units back where they were taken from, recorded in the ledger', async () => {
    expect(await levelsOf(t, key, variant)).toEqual({
      [main]: { on_hand: 1, reserved: 0, available: 1 },
      [shop]: { on_hand: 0, reserved: 0, available: 0 },
    });
    const { levels } = await restock(reference, [line(variant, 2)], 'return-1');
    expect(levels.map((l) => Number(l.onHand)).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    const after = await levelsOf(t, key, variant);
    expect(after[main]!.on_hand + after[shop]!.on_hand).toBe(3);
    expect(after[main]!.on_hand).toBeLessThanOrEqual(2);
    expect(after[shop]!.on_hand).toBeLessThanOrEqual(3);
    const returned = (await ledger(variant)).filter((e) => e.reason === 'returned');
    expect(returned.reduce((sum, e) => sum + e.delta, 0)).toBe(2);
    expect(returned.every((e) => e.reference === reference && e.actor === 'orders')).toBe(true);
  });

  it('applies a key once, and refuses the key for another restock', async () => {
    const before = await levelsOf(t, key, variant);
    const entries = (await ledger(variant)).length;
    const again = await restock(reference, [line(variant, 2)], 'return-1');
    expect(again.levels.length).toBeGreaterThan(0);
    expect(await levelsOf(t, key, variant)).toEqual(before);
    expect(await ledger(variant)).toHaveLength(entries);

    const reused = await failure(restock(reference, [line(variant, 1)], 'return-1'));
    expect(reused.code).toBe('idempotency_key_reused');
    expect(await levelsOf(t, key, variant)).toEqual(before);
  });

  it('restocks at most what was sold under the reference', async () => {
    const before = await levelsOf(t, key, variant);
    const entries = (await ledger(variant)).length;
    const over = await failure(restock(reference, [line(variant, 3)], 'return-2'));
    expect(over).toMatchObject({ code: 'restock_exceeds_sold', status: 409 });
    expect(over.errors[0]).toMatchObject({
      field: 'lines/0/quantity',
      message: expect.stringContaining('2 units'),
    });
    expect(await levelsOf(t, key, variant)).toEqual(before);
    expect(await ledger(variant)).toHaveLength(entries);

    await restock(reference, [line(variant, 2)], 'return-2', 'corrected');
    const all = await levelsOf(t, key, variant);
    expect(all).toEqual({
      [main]: { on_hand: 2, reserved: 0, available: 2 },
      [shop]: { on_hand: 3, reserved: 0, available: 3 },
    });
    expect((await ledger(variant)).at(-1)).toMatchObject({ reason: 'corrected', reference });
    expect((await failure(restock(reference, [line(variant, 1)], 'return-3'))).code).toBe(
      'restock_exceeds_sold',
    );
    // The key of the refused restock was not used up.
    await failure(restock(reference, [line(variant, 1)], 'return-3'));
  });

  it('restocks nothing of a variant the reference did not sell, or of a reservation not committed', async () => {
    const stranger = await stocked('STRANGER', { [main]: 5 });
    expect((await failure(restock(reference, [line(stranger, 1)], 'k-stranger'))).code).toBe(
      'restock_exceeds_sold',
    );
    const active = ref();
    await reserve(active, [line(stranger, 2)]);
    expect((await failure(restock(active, [line(stranger, 1)], 'k-active'))).code).toBe(
      'restock_exceeds_sold',
    );
    expect((await failure(restock(ref(), [line(stranger, 1)], 'k-none'))).code).toBe('reservation_not_found');
    expect((await failure(restock(active, [line(stranger, 1)], 'k-bad', 'received'))).code).toBe(
      'invalid_value',
    );
    expect((await failure(restock(active, [line(stranger, 1)], ''))).code).toBe('missing_field');
  });
});

describe('events', () => {
  it('announces stock.depleted once each time a variant’s available stock reaches zero', async () => {
    const variant = await stocked('DEPLETE', { [main]: 1, [shop]: 1 });
    const depleted = async () =>
      (await recordedEvents(t, 'stock.depleted')).filter((e) => e.variant_id === variant).length;

    const first = ref();
    await reserve(first, [line(variant, 1)]);
    expect(await depleted()).toBe(0);
    const second = ref();
    await reserve(second, [line(variant, 1)]);
    expect(await depleted()).toBe(1);

    // Staying at zero announces nothing more.
    await failure(reserve(ref(), [line(variant, 1)]));
    await commit(first);
    expect(await depleted()).toBe(1);

    await release(second);
    expect(await depleted()).toBe(1);
    const location = Object.entries(await levelsOf(t, key, variant)).find(([, l]) => l.available === 1)![0];
    const emptied = await t.call('POST', '/v1/stock-adjustments', key, {
      variant_id: variant,
      location_id: location,
      delta: -1,
      reason: 'corrected',
    });
    expect(emptied.status).toBe(201);
    expect(await depleted()).toBe(2);
  });

  it('announces every change of a level with its numbers', async () => {
    const variant = await stocked('CHANGED', { [main]: 5 });
    await reserve(ref(), [line(variant, 2)]);
    const changes = (await recordedEvents(t, 'stock.changed')).filter((e) => e.variant_id === variant);
    expect(changes).toEqual([
      { variant_id: variant, location_id: main, on_hand: 5, reserved: 0, available: 5 },
      { variant_id: variant, location_id: main, on_hand: 5, reserved: 2, available: 3 },
    ]);
  });
});
