import { expect, it } from 'vitest';
import { inServiceDatabase } from '../support/database.ts';
import { startTestPlatform } from '../support/platform.ts';

it('writes the counters on shutdown, not only on its timer', async () => {
  // No timed flush during the test: only the one at shutdown can write the counts.
  process.env.GATEWAY_USAGE_FLUSH_MS = '3600000';
  const t = await startTestPlatform();
  let stopped = false;
  try {
    const shop = await t.tenant();
    for (let i = 0; i < 4; i++) expect((await t.call('GET', '/v1/categories', shop.secret)).status).toBe(200);
    expect((await t.call('GET', '/v1/categories/nope', shop.secret)).status).toBe(404);
    const before = await inServiceDatabase(
      t.platform,
      'gateway',
      'select count(*)::int as n from usage_counters',
    );
    expect(before[0]!.n).toBe(0);

    await t.stop();
    stopped = true;
    const rows = await inServiceDatabase<{ endpoint: string; status: number; count: number }>(
      t.platform,
      'gateway',
      'select endpoint, status, count::int as count from usage_counters where tenant_id = $1 order by endpoint',
      [shop.id],
    );
    expect(rows).toEqual([
      { endpoint: 'GET /v1/categories', status: 200, count: 4 },
      { endpoint: 'GET /v1/categories/{id}', status: 404, count: 1 },
    ]);
  } finally {
    if (!stopped) await t.stop();
  }
});
