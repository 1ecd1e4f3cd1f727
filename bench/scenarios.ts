import type { Request } from 'autocannon';
import { getJson, listAll, type Page, type RequestSpec } from './api.ts';
import { prepareCheckouts, STOCK_UP } from './checkout.ts';
import { fanoutLoad } from './fanout.ts';
import { graphqlList } from './graphql-list.ts';
import type { LoadSettings, Measurement } from './load.ts';
import { idOf, sequence, type Context, type Sequence, type Step } from './sequence.ts';

/**
 * The scenarios: one entry each. A scenario collects what its requests need from the running
 * platform, then hands autocannon the requests to loop over.
 */

export interface ScenarioContext {
  url: string;
  secretKey: string;
  publishableKey: string;
  /** Events webhook-fanout publishes (--events). */
  events: number;
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
  /**
   * Every distinct request of a load that cycles through a fixed set, each sent once before the
   * warm-up: what steady load keeps in the platform's caches is then there, however many there are.
   */
  distinct?: RequestSpec[];
  /** When one request is several calls: counts and times them as one (see sequence.ts). */
  sequence?: Sequence;
  /** Checks what the load left behind, once it ran (warm-up included). */
  check?: () => Promise<Check>;
  /**
   * When the scenario is not autocannon looping over `requests` for a duration, but measures itself
   * (webhook-fanout); `pids` are the platform's processes whose memory is sampled.
   */
  measure?: (settings: LoadSettings, pids: number[]) => Promise<Measurement>;
}

export interface Check {
  /** The verdict, e.g. "checkout check: 12 orders placed, 12 captured, stock exact". */
  line: string;
  /** How it was reached. */
  detail: string;
  /** Differences found; counted as errors of the scenario. */
  problems: number;
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
const MAX_PRODUCTS = 5_000;
const CURRENCY = 'USD';
/** Variants the checkout scenario buys, stocked up so they never run out. */
const CHECKOUT_VARIANTS = 100;

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

/** Answers the next of `items` at each call, round and round. */
const cycle = <T>(items: T[]): (() => T) => {
  let next = 0;
  return () => items[next++ % items.length]!;
};

/** A GET whose path moves on through `paths` each time any connection sends it. */
const rotating = (paths: string[]): Request => {
  const next = cycle(paths);
  return { method: 'GET', setupRequest: (request) => ({ ...request, path: next() }) };
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
    distinct: paths.map((path) => ({ method: 'GET', path, headers: bearer(key) })),
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
    const products = await listAll<{ slug: string }>(url, publishableKey, '/v1/products?limit=100', signal, {
      max: MAX_PRODUCTS,
      onPage: (n) => status(`product-detail: collecting slugs, ${n} so far`),
    });
    const paths = shuffled(products).map(({ slug }) => `/v1/products/${encodeURIComponent(slug)}`);
    return load(publishableKey, paths, 'active product', `${paths.length} slugs`);
  },
};

/** Variants of active products, priced in the carts' currency and in stock; shuffled. */
const cartVariants = async ({ url, publishableKey, signal, status }: ScenarioContext, scenario: string) => {
  type Variant = { id: string; prices: { currency: string }[]; available: number | null };
  const products = await listAll<{ variants: Variant[] }>(
    url,
    publishableKey,
    '/v1/products?limit=100',
    signal,
    {
      max: MAX_PRODUCTS,
      onPage: (n) => status(`${scenario}: collecting variants of ${n} products`),
    },
  );
  const variants = products
    .flatMap((p) => p.variants)
    .filter((v) => v.prices.some((p) => p.currency === CURRENCY) && v.available !== 0)
    .map((v) => v.id);
  if (variants.length < 2)
    throw new Error(
      `Found ${variants.length} variants to buy. Is the demo catalog seeded? Try --products 1000 or more.`,
    );
  return shuffled(variants);
};

const cartOf = (context: Context) => context.cart as string;
const createCart: Step = {
  post: () => ({ path: '/v1/carts', body: { currency: CURRENCY } }),
  answered: (_status, body, context) => (context.cart = idOf(body)),
};
const addLine = (variant: (context: Context) => string): Step => ({
  post: (context) => ({
    path: `/v1/carts/${cartOf(context)}/lines`,
    body: { variant_id: variant(context), quantity: 1 },
  }),
});

/** `createCart` as one request; it publishes one event, `cart.created`. */
const newCart = (key: string): RequestSpec => ({
  method: 'POST',
  path: '/v1/carts',
  headers: { ...bearer(key), 'content-type': 'application/json' },
  body: JSON.stringify({ currency: CURRENCY }),
});

/** A load whose request is a sequence of calls starting with `createCart`, which is the sample. */
const sequenceLoad = (key: string, calls: Sequence, summary: string, check?: Load['check']): Load => ({
  headers: bearer(key),
  requests: calls.requests,
  sample: newCart(key),
  summary,
  sequence: calls,
  check,
});

const cartAdd: Scenario = {
  name: 'cart-add',
  description: 'a shopper starts a cart and adds an item: POST /v1/carts, POST /v1/carts/{id}/lines',
  prepare: async (context) => {
    const variants = await cartVariants(context, 'cart-add');
    const calls = sequence([createCart, addLine(cycle(variants))], {
      unit: 'create + add line',
      timed: 'the pair',
    });
    return sequenceLoad(context.publishableKey, calls, `${variants.length} variants, a new cart each`);
  },
};

const checkout: Scenario = {
  name: 'checkout',
  description:
    'a shopper buys two items: POST /v1/carts, POST /v1/carts/{id}/lines twice, POST /v1/carts/{id}/checkout',
  prepare: async (context) => {
    const variants = (await cartVariants(context, 'checkout')).slice(0, CHECKOUT_VARIANTS);
    const { checkoutStep, check } = await prepareCheckouts(context, variants);
    const pairs = cycle(variants.map((v, i) => [v, variants[(i + 1) % variants.length]!] as const));
    const steps = [
      createCart,
      addLine((c) => (c.pair = pairs())[0]),
      addLine((c) => (c.pair as readonly string[])[1]!),
      checkoutStep(cartOf),
    ];
    const timed = 'POST /v1/carts/{id}/checkout alone';
    const calls = sequence(steps, { unit: 'placed orders', timed, from: steps.length - 1 });
    const summary = `${variants.length} variants in pairs, each stocked up by ${STOCK_UP.toLocaleString('en-US')}`;
    return sequenceLoad(context.publishableKey, calls, summary, check);
  },
};

const webhookFanout: Scenario = {
  name: 'webhook-fanout',
  description:
    "events to 10 local receivers, one of them dead; p50/p99 lag from the event's commit to its delivery",
  // POST /v1/carts is the cheapest call that publishes one event: one insert, no other service asked.
  prepare: (context) => Promise.resolve(fanoutLoad(context, newCart(context.publishableKey), 'cart.created')),
};

/** In the order they run. */
export const SCENARIOS: Scenario[] = [
  catalogList,
  productDetail,
  graphqlList,
  cartAdd,
  checkout,
  webhookFanout,
];
