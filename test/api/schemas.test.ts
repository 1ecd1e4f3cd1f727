import { afterAll, beforeAll, expect, it } from 'vitest';
import { compilePending } from '../../services/gateway/src/lazy-compile.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

// Route schemas are compiled at their first use; here every one is, so a schema that cannot compile
// fails the tests rather than the first call of its route.

let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(() => t.stop());

it('compiles every route’s validators and serializers', async () => {
  const tenant = await t.tenant();
  expect(compilePending()).toBeGreaterThan(200);
  expect(compilePending()).toBe(0);
  // Compiled ahead, they answer as compiled on first use.
  const missing = await t.call('GET', '/v1/products/prod_00000000000000000000000000', tenant.secret);
  expect(missing.status).toBe(404);
  expect(missing.body.code).toBe('product_not_found');
  const bad = await t.call('POST', '/v1/categories', tenant.secret, { name: 5 });
  expect(bad.status).toBe(400);
});
