import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { levelsOf, newLocation, receive, variantsOf } from '../../services/inventory/test/support.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

let t: TestPlatform;
let key: string;
let storefront: string;
let keyId: string;

beforeAll(async () => {
  t = await startTestPlatform();
  const tenant = await t.tenant('Stockist');
  key = tenant.secret;
  storefront = tenant.publishable;
  const keys = (await t.call('GET', '/v1/api-keys', key)).body.data as { id: string; kind: string }[];
  keyId = keys.find((k) => k.kind === 'secret')!.id;
});
afterAll(() => t.stop());

const ledger = async (variant: string) =>
  (await t.call('GET', `/v1/stock-adjustments?variant_id=${variant}&limit=100`, key)).body.data as {
    delta: number;
    reason: string;
  }[];

describe('locations', () => {
  it('creates locations, with a code given or made from the name', async () => {
    const given = await t.call('POST', '/v1/locations', key, { name: 'Berlin shop', code: 'BER' });
    expect(given.status).toBe(201);
    expect(given.body).toEqual({
      id: expect.stringMatching(/^loc_[0-9a-z]{26}$/),
      object: 'location',
      name: 'Berlin shop',
      code: 'BER',
      created_at: expect.any(String),
    });
    const made = await t.call('POST', '/v1/locations', key, { name: 'Main warehouse' });
    expect(made.body.code).toBe('MAIN-WAREHOUSE');
    const again = await t.call('POST', '/v1/locations', key, { name: 'Main  warehouse!' });
    expect(again.body.code).toBe('MAIN-WAREHOUSE-2');
  });

  it('refuses a code already used by another location of the tenant, but not of another tenant', async () => {
    await t.call('POST', '/v1/locations', key, { name: 'Dock', code: 'DOCK' });
    const taken = await t.call('POST', '/v1/locations', key, { name: 'Other dock', code: 'DOCK' });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('location_code_taken');
    expect(taken.body.errors[0].field).toBe('code');

    const other = await t.tenant('Neighbour');
    expect((await t.call('POST', '/v1/locations', other.secret, { name: 'Dock', code: 'DOCK' })).status).toBe(
      201,
    );
  });

  it('refuses a bad name or code', async () => {
    const cases: [unknown, string, string][] = [
      [{ name: '' }, 'missing_field', 'name'],
      [{ name: '   ' }, 'missing_field', 'name'],
      [{ name: 'Shop', code: 'no spaces' }, 'invalid_code', 'code'],
      [{ name: 'Shop', code: 'X'.repeat(33) }, 'too_long', 'code'],
      [{ name: 'Shop', colour: 'red' }, 'unknown_field', 'colour'],
    ];
    for (const [body, code, field] of cases) {
      const refused = await t.call('POST', '/v1/locations', key, body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.code).toBe(code);
      expect(refused.body.errors[0].field).toBe(field);
    }
  });

  it('lists locations a page at a time, and only the tenant’s', async () => {
    const tenant = await t.tenant('Lister');
    for (const name of ['A', 'B', 'C']) await newLocation(t, tenant.secret, name);
    const first = await t.call('GET', '/v1/locations?limit=2', tenant.secret);
    expect(first.body).toMatchObject({ object: 'list', has_more: true });
    expect(first.body.data.map((l: { name: string }) => l.name)).toEqual(['A', 'B']);
    const second = await t.call(
      'GET',
      `/v1/locations?limit=2&cursor=${first.body.next_cursor}`,
      tenant.secret,
    );
    expect(second.body).toMatchObject({ has_more: false, next_cursor: null });
    expect(second.body.data.map((l: { name: string }) => l.name)).toEqual(['C']);
  });

  it('is for secret keys only', async () => {
    expect((await t.call('GET', '/v1/locations', storefront)).body.code).toBe('publishable_key_read_only');
    expect((await t.call('POST', '/v1/locations', storefront, { name: 'X' })).status).toBe(403);
  });
});

describe('stock adjustments', () => {
  let variants: string[];
  let main: string;
  let shop: string;

  beforeAll(async () => {
    variants = await variantsOf(t, key, 'ADJ');
    main = await newLocation(t, key, 'Adjust main');
    shop = await newLocation(t, key, 'Adjust shop');
  });

  it('changes on-hand stock, answers the entry and the level, and records it in the ledger', async () => {
    const [variant] = variants as [string];
    const received = await t.call('POST', '/v1/stock-adjustments', key, {
      variant_id: variant,
      location_id: main,
      delta: 10,
      reason: 'received',
      note: 'PO 1042',
    });
    expect(received.status).toBe(201);
    expect(received.body).toEqual({
      id: expect.stringMatching(/^adj_/),
      object: 'stock_adjustment',
      variant_id: variant,
      location_id: main,
      delta: 10,
      reason: 'received',
      note: 'PO 1042',
      actor: keyId,
      reference: null,
      created_at: expect.any(String),
      level: {
        object: 'stock_level',
        variant_id: variant,
        location_id: main,
        on_hand: 10,
        reserved: 0,
        available: 10,
        updated_at: expect.any(String),
      },
    });
    const corrected = await t.call('POST', '/v1/stock-adjustments', key, {
      variant_id: variant,
      location_id: main,
      delta: -3,
      reason: 'corrected',
    });
    expect(corrected.body).toMatchObject({ delta: -3, note: null, level: { on_hand: 7, available: 7 } });
    await t.call('POST', '/v1/stock-adjustments', key, {
      variant_id: variant,
      location_id: main,
      delta: 1,
      reason: 'returned',
    });

    const entries = await ledger(variant);
    expect(entries.map((e) => [e.delta, e.reason])).toEqual([
      [10, 'received'],
      [-3, 'corrected'],
      [1, 'returned'],
    ]);
    expect(entries[0]).toEqual({ ...received.body, level: undefined });
  });

  it('lists stock levels by variant, at every location or one', async () => {
    const [, variant] = variants as [string, string];
    const other = (await variantsOf(t, key, 'ADJ-OTHER', ['ONE']))[0]!;
    await receive(t, key, variant, main, 4);
    await receive(t, key, variant, shop, 2);
    await receive(t, key, other, shop, 9);

    const both = await t.call('GET', `/v1/stock-levels?variant_id=${variant}`, key);
    expect(both.status).toBe(200);
    expect(both.body).toMatchObject({ object: 'list', has_more: false, next_cursor: null });
    expect(both.body.data).toHaveLength(2);
    expect(await levelsOf(t, key, variant)).toEqual({
      [main]: { on_hand: 4, reserved: 0, available: 4 },
      [shop]: { on_hand: 2, reserved: 0, available: 2 },
    });

    const atShop = await t.call('GET', `/v1/stock-levels?variant_id=${variant}&location_id=${shop}`, key);
    expect(atShop.body.data.map((l: { on_hand: number }) => l.on_hand)).toEqual([2]);

    const several = await t.call('GET', `/v1/stock-levels?variant_id=${variant}&variant_id=${other}`, key);
    expect(several.body.data.map((l: { variant_id: string }) => l.variant_id).sort()).toEqual(
      [variant, variant, other].sort(),
    );

    const never = (await variantsOf(t, key, 'ADJ-NEVER', ['ONE']))[0]!;
    expect((await t.call('GET', `/v1/stock-levels?variant_id=${never}`, key)).body.data).toEqual([]);
  });

  it('pages through the ledger', async () => {
    const variant = (await variantsOf(t, key, 'ADJ-PAGE', ['ONE']))[0]!;
    for (let i = 1; i <= 5; i++) await receive(t, key, variant, main, i);
    const seen: number[] = [];
    let cursor = '';
    for (let pages = 0; pages < 10; pages++) {
      const page = await t.call(
        'GET',
        `/v1/stock-adjustments?variant_id=${variant}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        key,
      );
      seen.push(...page.body.data.map((e: { delta: number }) => e.delta));
      if (!page.body.has_more) break;
      cursor = page.body.next_cursor;
    }
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    const all = await t.call('GET', '/v1/stock-adjustments?limit=100', key);
    expect(all.body.data.length).toBeGreaterThan(5);
  });

  describe('refuses bad input with its code and writes nothing', () => {
    let variant: string;
    beforeAll(async () => {
      variant = (await variantsOf(t, key, 'ADJ-BAD', ['ONE']))[0]!;
      await receive(t, key, variant, main, 5);
    });

    const valid = () => ({ variant_id: variant, location_id: main, delta: 1, reason: 'received' });

    it.each([
      ['zero delta', { delta: 0 }, 400, 'invalid_value', 'delta'],
      ['a delta too big', { delta: 1_000_001 }, 400, 'out_of_range', 'delta'],
      ['a fractional delta', { delta: 1.5 }, 400, 'invalid_type', 'delta'],
      ['a delta as a string', { delta: '5' }, 400, 'invalid_type', 'delta'],
      ['a bad reason', { reason: 'stolen' }, 400, 'invalid_value', 'reason'],
      ['the sold reason', { reason: 'sold' }, 400, 'invalid_value', 'reason'],
      [
        'an unknown variant',
        { variant_id: 'var_01jd0m4zq8x9c4c2y3v7w5k6hn' },
        400,
        'unknown_variant',
        'variant_id',
      ],
      ['a malformed variant id', { variant_id: 'shirt' }, 400, 'invalid_id', 'variant_id'],
      [
        'an unknown location',
        { location_id: 'loc_01jd0m4zq8x9c4c2y3v7w5k6hn' },
        400,
        'unknown_location',
        'location_id',
      ],
      ['a note too long', { note: 'x'.repeat(501) }, 400, 'too_long', 'note'],
      ['an unknown field', { colour: 'red' }, 400, 'unknown_field', 'colour'],
      ['taking more than on hand', { delta: -6, reason: 'corrected' }, 409, 'insufficient_stock', 'delta'],
    ])('%s', async (_name, change, status, code, field) => {
      const before = await ledger(variant);
      const refused = await t.call('POST', '/v1/stock-adjustments', key, { ...valid(), ...change });
      expect(refused.status).toBe(status);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.body.code).toBe(code);
      expect(refused.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await ledger(variant)).toEqual(before);
      expect(await levelsOf(t, key, variant)).toEqual({ [main]: { on_hand: 5, reserved: 0, available: 5 } });
    });

    it('a variant and a location both unknown, reported together', async () => {
      const refused = await t.call('POST', '/v1/stock-adjustments', key, {
        ...valid(),
        variant_id: 'var_01jd0m4zq8x9c4c2y3v7w5k6hn',
        location_id: 'loc_01jd0m4zq8x9c4c2y3v7w5k6hn',
      });
      expect(refused.body.errors.map((e: { code: string }) => e.code)).toEqual([
        'unknown_variant',
        'unknown_location',
      ]);
    });

    it('taking stock that is not there creates no level', async () => {
      const fresh = (await variantsOf(t, key, 'ADJ-EMPTY', ['ONE']))[0]!;
      const refused = await t.call('POST', '/v1/stock-adjustments', key, {
        ...valid(),
        variant_id: fresh,
        delta: -1,
        reason: 'corrected',
      });
      expect(refused.body.code).toBe('insufficient_stock');
      expect((await t.call('GET', `/v1/stock-levels?variant_id=${fresh}`, key)).body.data).toEqual([]);
      expect(await ledger(fresh)).toEqual([]);
    });

    it('another tenant’s variant or location is unknown', async () => {
      const other = await t.tenant('Other shop');
      const theirs = (await variantsOf(t, other.secret, 'THEIRS', ['ONE']))[0]!;
      const theirLocation = await newLocation(t, other.secret, 'Their warehouse');
      const variantRefused = await t.call('POST', '/v1/stock-adjustments', key, {
        ...valid(),
        variant_id: theirs,
      });
      expect(variantRefused.body.code).toBe('unknown_variant');
      const locationRefused = await t.call('POST', '/v1/stock-adjustments', key, {
        ...valid(),
        location_id: theirLocation,
      });
      expect(locationRefused.body.code).toBe('unknown_location');
      expect(await ledger(variant)).toHaveLength(1);
    });

    it('stock levels without a variant', async () => {
      const refused = await t.call('GET', '/v1/stock-levels', key);
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ code: 'missing_field', errors: [{ field: 'variant_id' }] });
    });
  });
});

describe('access', () => {
  it('lets publishable keys read stock levels, and nothing else of inventory', async () => {
    const variant = (await variantsOf(t, key, 'ACCESS', ['ONE']))[0]!;
    const location = await newLocation(t, key, 'Access shop');
    await receive(t, key, variant, location, 3);
    const read = await t.call('GET', `/v1/stock-levels?variant_id=${variant}`, storefront);
    expect(read.status).toBe(200);
    expect(read.body.data).toEqual(
      (await t.call('GET', `/v1/stock-levels?variant_id=${variant}`, key)).body.data,
    );

    const adjust = await t.call('POST', '/v1/stock-adjustments', storefront, {
      variant_id: variant,
      location_id: location,
      delta: 1,
      reason: 'received',
    });
    expect(adjust.status).toBe(403);
    expect(adjust.body.code).toBe('publishable_key_read_only');
    expect((await t.call('GET', '/v1/stock-adjustments', storefront)).status).toBe(403);
    expect((await t.call('GET', `/v1/stock-levels?variant_id=${variant}`)).status).toBe(401);
  });

  it('shows one tenant nothing of another’s stock', async () => {
    const variant = (await variantsOf(t, key, 'PRIVATE', ['ONE']))[0]!;
    await receive(t, key, variant, await newLocation(t, key, 'Private shop'), 3);
    const other = await t.tenant('Snoop');
    expect((await t.call('GET', `/v1/stock-levels?variant_id=${variant}`, other.secret)).body.data).toEqual(
      [],
    );
    expect(
      (await t.call('GET', `/v1/stock-adjustments?variant_id=${variant}`, other.secret)).body.data,
    ).toEqual([]);
    expect((await t.call('GET', '/v1/locations', other.secret)).body.data).toEqual([]);
  });
});
