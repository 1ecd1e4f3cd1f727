// The example's webhook endpoint points at loopback.
process.env.BAZAAR_WEBHOOKS_ALLOW_PRIVATE = '1';

import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { CARDS, stockOf } from '../support/shop.ts';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url);
const example = (name: string) => new URL(`examples/${name}`, root);

let t: TestPlatform;
let shop: { id: string; secret: string; publishable: string };

beforeAll(async () => {
  t = await startTestPlatform();
  shop = await t.tenant('Example Shop');
});
afterAll(() => t?.stop());

/** Runs an example as a user would (`npx tsx examples/…`), against the test platform. */
const runExample = async (name: string, env: Record<string, string>) => {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', example(name).pathname], {
    cwd: root.pathname,
    env: { ...process.env, BAZAAR_URL: t.url, ...env },
  });
  return stdout;
};

describe('the README’s SDK examples', () => {
  it('are in the README word for word', async () => {
    const readme = await readFile(new URL('README.md', root), 'utf8');
    for (const name of ['merchant.ts', 'checkout.ts']) {
      const code = await readFile(example(name), 'utf8');
      expect(readme, `README shows examples/${name}`).toContain('```ts\n' + code + '```');
    }
  });

  it('set up a product with stock and a webhook endpoint, then sell it with the publishable key', async () => {
    const merchant = await runExample('merchant.ts', {
      BAZAAR_KEY: shop.secret,
      WEBHOOK_URL: 'http://127.0.0.1:9/hooks',
    });
    expect(merchant).toMatch(/Linen Shirt: 2 variants, 25 each in stock at Main warehouse/);
    expect(merchant).toMatch(/signed with whsec_/);

    const sold = await runExample('checkout.ts', { BAZAAR_KEY: shop.publishable });
    const orderId = /order (ord_\w+): paid, 9800 USD/.exec(sold)?.[1];
    expect(orderId, sold).toBeDefined();
    const order = await t.call('GET', `/v1/orders/${orderId}`, shop.secret);
    expect(order.body).toMatchObject({ status: 'paid', email: 'ada@example.com' });
    const variant = order.body.lines[0].variant_id as string;
    expect(await stockOf(t.call, shop.secret, variant)).toMatchObject({ on_hand: 23, available: 23 });
  });

  it('tell the customer why a payment failed, and sell nothing', async () => {
    const declined = await runExample('checkout.ts', { BAZAAR_KEY: shop.publishable, CARD: CARDS.declined });
    expect(declined).toMatch(/^payment failed: .*declined/im);
    const paid = (await t.call('GET', '/v1/orders?limit=100', shop.secret)).body.data.filter(
      (o: { status: string }) => o.status === 'paid',
    );
    expect(paid).toHaveLength(1);
  });
});
