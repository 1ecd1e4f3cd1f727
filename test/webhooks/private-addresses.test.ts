import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

// Unlike the other webhook tests, private addresses and plain http are not allowed here.
delete process.env.BAZAAR_WEBHOOKS_ALLOW_PRIVATE;

let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(() => t.stop());

it('refuses plain http and loopback, private, link-local and metadata addresses', async () => {
  const sk = (await t.tenant()).secret;
  const cases: [string, string][] = [
    ['http://example.com/hook', 'https_required'],
    ['http://127.0.0.1:8080/hook', 'https_required'],
    ['https://127.0.0.1/hook', 'private_address'],
    ['https://localhost/hook', 'private_address'],
    ['https://10.1.2.3/hook', 'private_address'],
    ['https://172.16.0.1/hook', 'private_address'],
    ['https://192.168.1.1/hook', 'private_address'],
    ['https://169.254.169.254/latest/meta-data', 'private_address'],
    ['https://[::1]/hook', 'private_address'],
    ['https://[fd00::1]/hook', 'private_address'],
    ['https://[fe80::1]/hook', 'private_address'],
    ['https://[::ffff:127.0.0.1]/hook', 'private_address'],
    ['https://0.0.0.0/hook', 'private_address'],
  ];
  for (const [url, code] of cases) {
    const response = await t.call('POST', '/v1/webhook-endpoints', sk, { url });
    expect([response.status, response.body.code], url).toEqual([400, code]);
    expect(response.body.errors[0].field).toBe('url');
  }
  const created = await t.call('POST', '/v1/webhook-endpoints', sk, { url: 'https://93.184.215.14/hook' });
  expect(created.status).toBe(201);
  const moved = await t.call('PATCH', `/v1/webhook-endpoints/${created.body.id}`, sk, {
    url: 'https://192.168.0.10/hook',
  });
  expect([moved.status, moved.body.code]).toEqual([400, 'private_address']);
});
