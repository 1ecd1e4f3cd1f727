import type { Request } from 'autocannon';
import { getJson, type Page, type RequestSpec } from './api.ts';

/**
 * The scenarios: one entry each. A scenario collects what its requests need from the running
 * platform, then hands autocannon the requests to loop over.
 */

export interface ScenarioContext {
  url: string;
  secretKey: string;
  publishableKey: string;
  signal: AbortSignal;
  /** Shows what is being collected. */
  status: (text: string) => void;
}

export interface Load {
  /** Sent with every request. */
  headers: Record<string, string>;
  /** autocannon's request sequence; every connection loops over it. */
  requests: Request[];
  /** A typical request, sent once first to check that it succeeds. */
  sample: RequestSpec;
  /** What the requests go through, e.g. "1,000 slugs". */
  summary: string;
}

export interface Scenario {
  name: string;
  description: string;
  prepare: (context: ScenarioContext) => Promise<Load>;
}

/** The scenario whose response the ceiling server answers with. */
export const CEILING_SCENARIO = 'catalog-list';

const PAGE_SIZE = 20;
const PAGES_PER_CATEGORY = 5;
const MAX_SLUGS = 5_000;

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** The same order on every run, but no two neighbours from the same stretch of the catalog. */
const shuffled = <T>(items: T[]): T[] => {
  let seed = 42;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};

/** A GET whose path moves on through `paths` each time any connection sends it. */
const rotating = (paths: string[]): Request => {
  let next = 0;
  return { method: 'GET', setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length] }) };
};

const load = (key: string, paths: string[], what: string, summary: string): Load => {
  const first = paths[0];
  if (first === undefined)
    throw new Error(`Found no ${what}. Is the demo catalog seeded? Try --products 1000 or more.`);
  return {
    headers: bearer(key),
    requests: [rotating(paths)],
    sample: { method: 'GET', path: first, headers: bearer(key) },
    summary,
  };
};

const catalogList: Scenario = {
  name: 'catalog-list',
  description: `a storefront pages through a category: GET /v1/products?limit=${PAGE_SIZE}&category_id=…&cursor=…`,
  prepare: async ({ url, publishableKey, signal, status }) => {
    const get = <T>(path: string) => getJson<Page<T>>(url, publishableKey, path, signal);
    const categories = (await get<{ id: string }>('/v1/categories?limit=100')).data;
    const pagesByCategory: string[][] = [];
    for (const [index, category] of categories.entries()) {
      status(`catalog-list: collecting cursors, category ${index + 1}/${categories.length}`);
      const first = `/v1/products?limit=${PAGE_SIZE}&category_id=${encodeURIComponent(category.id)}`;
      const pages: string[] = [];
      let path: string | undefined = first;
      while (path && pages.length < PAGES_PER_CATEGORY) {
        const page: Page<unknown> = await get(path);
        if (page.data.length > 0) pages.push(path);
        path = page.next_cursor ? `${first}&cursor=${encodeURIComponent(page.next_cursor)}` : undefined;
      }
      pagesByCategory.push(pages);
    }
    // Round-robin over categories: each request asks another category, and another page of it.
    const paths = Array.from({ length: PAGES_PER_CATEGORY }, (_, page) =>
      pagesByCategory.flatMap((pages) => pages.slice(page, page + 1)),
    ).flat();
    const listed = pagesByCategory.filter((pages) => pages.length > 0).length;
    return load(
      publishableKey,
      paths,
      'category with active products',
      `${paths.length} pages of ${listed} categories`,
    );
  },
};

const productDetail: Scenario = {
  name: 'product-detail',
  description: 'a storefront shows a product: GET /v1/products/<slug>',
  prepare: async ({ url, publishableKey, signal, status }) => {
    const slugs: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null && slugs.length < MAX_SLUGS) {
      status(`product-detail: collecting slugs, ${slugs.length} so far`);
      const path = `/v1/products?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page: Page<{ slug: string }> = await getJson(url, publishableKey, path, signal);
      slugs.push(...page.data.map((product) => product.slug));
      cursor = page.next_cursor;
    }
    const paths = shuffled(slugs).map((slug) => `/v1/products/${encodeURIComponent(slug)}`);
    return load(publishableKey, paths, 'active product', `${paths.length} slugs`);
  },
};

/** In the order they run. Later: cart-add, checkout, graphql-list, webhook-fanout. */
export const SCENARIOS: Scenario[] = [catalogList, productDetail];
