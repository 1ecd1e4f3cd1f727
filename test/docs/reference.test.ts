import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, chromiumMissing } from '../support/chromium.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

const skip = chromiumMissing();
if (skip) console.warn(`Skipping the API reference browser test: ${skip}`);

describe.skipIf(skip)('the API reference page', () => {
  let t: TestPlatform;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestPlatform();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('renders every operation of the OpenAPI document, served locally', async () => {
    const page = await browser.newPage();
    const failed: string[] = [];
    page.on('requestfailed', (request) => {
      if (request.url().startsWith(t.url)) failed.push(request.url());
    });
    const response = await page.goto(`${t.url}/docs`);
    expect(response?.status()).toBe(200);
    await page.getByText('Create a product').first().waitFor({ timeout: 30_000 });
    const sidebar = page.locator('nav, aside').first();
    for (const group of ['Products', 'Categories', 'API keys', 'Tenants']) {
      await expect(sidebar.getByText(group, { exact: true }).first().isVisible()).resolves.toBe(true);
    }
    await sidebar.getByText('Tenants', { exact: true }).first().click();
    await page.getByText('Create a tenant').first().waitFor({ timeout: 10_000 });
    const text = await page.locator('body').innerText();
    for (const summary of ['List products', 'Update a product', 'Delete a product', 'Bazaar API']) {
      expect(text).toContain(summary);
    }
    expect(failed).toEqual([]);
  });

  it('serves the OpenAPI 3.1 document it renders', async () => {
    const document = (await (await fetch(`${t.url}/openapi.json`)).json()) as {
      openapi: string;
      servers: { url: string }[];
      paths: Record<string, unknown>;
    };
    expect(document.openapi).toBe('3.1.0');
    expect(document.servers[0]?.url).toBe(t.url);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/v1/products',
        '/v1/products/{id}',
        '/v1/categories',
        '/v1/api-keys',
        '/v1/tenants',
      ]),
    );
  });
});
