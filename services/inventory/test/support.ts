import { databaseUrl } from '@bazaar/kit';
import pg from 'pg';
import { expect } from 'vitest';
import type { TestPlatform } from '../../../test/support/platform.ts';

/** A product with one variant per size, created through the public API; answers the variant ids. */
export const variantsOf = async (t: TestPlatform, key: string, sku: string, sizes = ['S', 'M']) => {
  const created = await t.call('POST', '/v1/products', key, {
    name: `Tee ${sku}`,
    status: 'active',
    options: [{ name: 'Size', values: sizes }],
    variants: sizes.map((size) => ({ sku: `${sku}-${size}`, options: { Size: size } })),
  });
  expect(created.status).toBe(201);
  const product = created.body as { variants: { id: string }[] };
  return product.variants.map((v) => v.id);
};

export const newLocation = async (t: TestPlatform, key: string, name: string) => {
  const created = await t.call('POST', '/v1/locations', key, { name });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return (created.body as { id: string }).id;
};

export const receive = async (
  t: TestPlatform,
  key: string,
  variant: string,
  location: string,
  units: number,
) => {
  const adjusted = await t.call('POST', '/v1/stock-adjustments', key, {
    variant_id: variant,
    location_id: location,
    delta: units,
    reason: 'received',
  });
  expect(adjusted.status, JSON.stringify(adjusted.body)).toBe(201);
  return adjusted.body as Record<string, unknown>;
};

/** The levels of one variant, by location id. */
export const levelsOf = async (t: TestPlatform, key: string, variant: string) => {
  const listed = await t.call('GET', `/v1/stock-levels?variant_id=${variant}`, key);
  expect(listed.status).toBe(200);
  const { data } = listed.body as {
    data: { location_id: string; on_hand: number; reserved: number; available: number }[];
  };
  return Object.fromEntries(
    data.map((l) => [l.location_id, { on_hand: l.on_hand, reserved: l.reserved, available: l.available }]),
  );
};

/** Events inventory recorded in its outbox (published or not), oldest first. */
export const recordedEvents = async (t: TestPlatform, type: string): Promise<Record<string, unknown>[]> => {
  const client = new pg.Client({
    connectionString: databaseUrl(t.platform.postgresUrl, t.platform.databases.inventory!),
  });
  await client.connect();
  try {
    const { rows } = await client.query<{ data: Record<string, unknown> }>(
      'select data from outbox where type = $1 order by seq',
      [type],
    );
    return rows.map((r) => r.data);
  } finally {
    await client.end();
  }
};

/** Polls `probe` until it answers true, failing after `ms`. */
export const eventually = async (probe: () => Promise<boolean>, ms = 10_000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`not true within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};
