import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADDRESS, CARDS, stockedProduct } from '../support/shop.ts';
import { countCalls, startTestPlatform, type Json, type TestPlatform } from '../support/platform.ts';

let t: TestPlatform;
let shop: { id: string; secret: string; publishable: string };
let category: string;
let variants: string[];

const gql = (key: string | undefined, query: string, variables?: Record<string, unknown>) =>
  t.call('POST', '/graphql', key, { query, variables });

const LISTING = `query Listing($first: Int, $after: String, $category: ID) {
  products(first: $first, after: $after, categoryId: $category) {
    edges { cursor node { id name slug status description categoryIds createdAt updatedAt
      options { name values }
      variants { id sku options { name value } prices { currency amount } available } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** A REST product in the GraphQL shape, to compare the two answers field by field. */
const asGraphql = (p: Json) => ({
  id: p.id,
  name: p.name,
  slug: p.slug,
  status: p.status,
  description: p.description,
  categoryIds: p.category_ids,
  createdAt: p.created_at,
  updatedAt: p.updated_at,
  options: p.options,
  variants: p.variants.map((v: Json) => ({
    id: v.id,
    sku: v.sku,
    options: Object.entries(v.options).map(([name, value]) => ({ name, value })),
    prices: v.prices,
    available: v.available,
  })),
});

beforeAll(async () => {
  t = await startTestPlatform();
  shop = await t.tenant('GraphQL Shop');
  category = (await t.call('POST', '/v1/categories', shop.secret, { name: 'Tees' })).body.id;
  const stocked = await stockedProduct(t.call, shop.secret, { sku: 'GQL', stock: 5 });
  variants = stocked.variants;
  await t.call('PATCH', `/v1/products/${stocked.product.id}`, shop.secret, { category_ids: [category] });
  for (let i = 0; i < 4; i++) {
    const created = await t.call('POST', '/v1/products', shop.secret, {
      name: `Extra ${i}`,
      status: 'active',
      category_ids: [category],
      options: [{ name: 'Size', values: ['S'] }],
      variants: [{ sku: `EX-${i}`, options: { Size: 'S' }, prices: [{ currency: 'USD', amount: 1000 + i }] }],
    });
    expect(created.status).toBe(201);
  }
}, 60_000);
afterAll(() => t.stop());

describe('GraphQL at /graphql', () => {
  it('lists the same products, variants, prices and availability as REST, page by page', async () => {
    const rest = await t.call('GET', `/v1/products?limit=3&category_id=${category}`, shop.publishable);
    const first = await gql(shop.publishable, LISTING, { first: 3, category });
    expect(first.status).toBe(200);
    expect(first.body.errors).toBeUndefined();
    const page = first.body.data.products;
    expect(page.edges.map((e: Json) => e.node)).toEqual(rest.body.data.map(asGraphql));
    expect(page.pageInfo).toEqual({ hasNextPage: true, endCursor: rest.body.next_cursor });

    const restNext = await t.call(
      'GET',
      `/v1/products?limit=3&category_id=${category}&cursor=${rest.body.next_cursor}`,
      shop.publishable,
    );
    const second = await gql(shop.publishable, LISTING, {
      first: 3,
      category,
      after: page.pageInfo.endCursor,
    });
    expect(second.body.data.products.edges.map((e: Json) => e.node)).toEqual(
      restNext.body.data.map(asGraphql),
    );
    expect(second.body.data.products.pageInfo.hasNextPage).toBe(false);
    // Availability is real stock, as REST shows it.
    const stocked = second.body.data.products.edges
      .concat(page.edges)
      .flatMap((e: Json) => e.node.variants)
      .filter((v: Json) => variants.includes(v.id));
    expect(stocked.map((v: Json) => v.available)).toEqual([5, 5]);
  });

  it('answers a product by id or slug as REST does, with its categories', async () => {
    const rest = (await t.call('GET', '/v1/products/tee-gql', shop.publishable)).body;
    const query = `query($id: ID!) { product(id: $id) { id name slug status description categoryIds createdAt updatedAt
      options { name values } variants { id sku options { name value } prices { currency amount } available }
      categories { id name slug } } }`;
    for (const id of [rest.id, rest.slug]) {
      const answer = await gql(shop.publishable, query, { id });
      expect(answer.body.errors).toBeUndefined();
      const { categories, ...product } = answer.body.data.product;
      expect(product).toEqual(asGraphql(rest));
      expect(categories).toEqual([{ id: category, name: 'Tees', slug: 'tees' }]);
    }
    const missing = await gql(shop.publishable, query, { id: 'no-such-product' });
    const restMissing = await t.call('GET', '/v1/products/no-such-product', shop.publishable);
    expect(missing.status).toBe(200);
    expect(missing.body.data.product).toBeNull();
    expect(missing.body.errors[0].extensions).toMatchObject({ code: restMissing.body.code, status: 404 });
  });

  it('creates a cart, adds, changes and removes lines and checks out; the order is visible in REST', async () => {
    const created = await gql(
      shop.publishable,
      'mutation { createCart(currency: "USD") { id status total } }',
    );
    expect(created.body.errors).toBeUndefined();
    const cart = created.body.data.createCart;
    expect(cart).toMatchObject({ status: 'active', total: 0 });

    const add = `mutation($cart: ID!, $variant: ID!, $quantity: Int!) {
      addCartLine(cartId: $cart, variantId: $variant, quantity: $quantity) { lines { id variantId quantity unitAmount } total } }`;
    await gql(shop.publishable, add, { cart: cart.id, variant: variants[0], quantity: 1 });
    const added = await gql(shop.publishable, add, { cart: cart.id, variant: variants[1], quantity: 2 });
    expect(added.body.data.addCartLine.total).toBe(3 * 2500);
    const [first, second] = added.body.data.addCartLine.lines as Json[];

    const updated = await gql(
      shop.publishable,
      `mutation($cart: ID!, $line: ID!) { updateCartLine(cartId: $cart, lineId: $line, quantity: 3) { total } }`,
      { cart: cart.id, line: second.id },
    );
    expect(updated.body.data.updateCartLine.total).toBe(4 * 2500);
    const removed = await gql(
      shop.publishable,
      `mutation($cart: ID!, $line: ID!) { removeCartLine(cartId: $cart, lineId: $line) { lines { id } total } }`,
      { cart: cart.id, line: first.id },
    );
    expect(removed.body.data.removeCartLine).toEqual({ lines: [{ id: second.id }], total: 3 * 2500 });

    // Input is checked as REST checks it, with the same codes.
    const badQuantity = await gql(shop.publishable, add, {
      cart: cart.id,
      variant: variants[0],
      quantity: 0,
    });
    expect(badQuantity.body.errors[0].extensions).toMatchObject({ code: 'out_of_range', status: 400 });

    const placed = await gql(
      shop.publishable,
      `mutation($cart: ID!, $input: CheckoutInput!) {
        checkout(cartId: $cart, input: $input) { id status total lines { variantId quantity } shippingAddress { postalCode } } }`,
      {
        cart: cart.id,
        input: {
          email: 'ada@example.com',
          shippingAddress: {
            name: ADDRESS.name,
            line1: ADDRESS.line1,
            city: ADDRESS.city,
            postalCode: ADDRESS.postal_code,
            country: ADDRESS.country,
          },
          payment: { method: 'card', cardNumber: CARDS.ok },
        },
      },
    );
    expect(placed.body.errors).toBeUndefined();
    const order = placed.body.data.checkout;
    expect(order).toMatchObject({
      status: 'paid',
      total: 3 * 2500,
      shippingAddress: { postalCode: 'SW1Y 4JH' },
    });

    const rest = await t.call('GET', `/v1/orders/${order.id}`, shop.secret);
    expect(rest.body).toMatchObject({ id: order.id, status: 'paid', total: 3 * 2500, cart_id: cart.id });
    const listed = await gql(shop.secret, '{ orders(first: 10) { nodes { id status } } }');
    expect(listed.body.data.orders.nodes).toContainEqual({ id: order.id, status: 'paid' });
    const one = await gql(shop.secret, `query($id: ID!) { order(id: $id) { id email } }`, { id: order.id });
    expect(one.body.data.order).toEqual({ id: order.id, email: 'ada@example.com' });
  });

  it('refuses orders to publishable keys and to keys without the scope, as REST does', async () => {
    // Repeated, so that the compiled (JIT) form of the query answers the same.
    for (let i = 0; i < 3; i++) {
      const publishable = await gql(shop.publishable, '{ orders { nodes { id } } }');
      expect(publishable.body.data).toBeNull();
      expect(publishable.body.errors[0].extensions).toMatchObject({
        code: 'secret_key_required',
        status: 403,
      });
    }
    const cancel = await gql(shop.publishable, 'mutation { cancelOrder(id: "ord_x") { id } }');
    expect(cancel.body.errors[0].extensions.code).toBe('secret_key_required');

    const restricted = await t.call('POST', '/v1/api-keys', shop.secret, {
      kind: 'restricted',
      name: 'catalog only',
      scopes: ['products:read'],
    });
    expect(restricted.status).toBe(201);
    const key = restricted.body.secret as string;
    expect((await gql(key, '{ products(first: 1) { nodes { id } } }')).body.errors).toBeUndefined();
    const refused = await gql(key, '{ orders { nodes { id } } }');
    expect(refused.body.errors[0].extensions).toMatchObject({
      code: 'insufficient_scope',
      status: 403,
      required_scope: 'orders:read',
    });
    const cart = await gql(key, 'mutation { createCart(currency: "USD") { id } }');
    expect(cart.body.errors[0].extensions).toMatchObject({
      code: 'insufficient_scope',
      required_scope: 'carts:write',
    });

    // An answer the cache keeps for secret keys is given only to keys holding the scopes it needed.
    const ordersOnly = await t.call('POST', '/v1/api-keys', shop.secret, {
      kind: 'restricted',
      name: 'orders only',
      scopes: ['orders:read'],
    });
    const listing = '{ products(first: 2) { nodes { id } } }';
    expect((await gql(shop.secret, listing)).body.errors).toBeUndefined();
    const cached = await gql(ordersOnly.body.secret as string, listing);
    expect(cached.body.errors[0].extensions).toMatchObject({
      code: 'insufficient_scope',
      required_scope: 'products:read',
    });
  });

  it('answers stock levels as REST does, to secret keys', async () => {
    const query = `query($ids: [ID!]!) { stockLevels(variantIds: $ids) {
      variantId locationId onHand reserved available updatedAt } }`;
    const answer = await gql(shop.secret, query, { ids: [variants[0]] });
    expect(answer.body.errors).toBeUndefined();
    const rest = await t.call('GET', `/v1/stock-levels?variant_id=${variants[0]}`, shop.secret);
    expect(answer.body.data.stockLevels).toEqual(
      rest.body.data.map((l: Json) => ({
        variantId: l.variant_id,
        locationId: l.location_id,
        onHand: l.on_hand,
        reserved: l.reserved,
        available: l.available,
        updatedAt: l.updated_at,
      })),
    );
    expect(answer.body.data.stockLevels).toHaveLength(1);
    expect(answer.body.data.stockLevels[0].variantId).toBe(variants[0]);
  });

  it('answers a missing or unknown key with 401 and the REST code', async () => {
    const none = await gql(undefined, '{ products { nodes { id } } }');
    expect(none.status).toBe(401);
    expect(none.body.errors[0].extensions).toMatchObject({ code: 'missing_api_key', status: 401 });
    const unknown = await gql('sk_live_nosuchkeynosuchkeynosuchkey00', '{ products { nodes { id } } }');
    expect(unknown.status).toBe(401);
    expect(unknown.body.errors[0].extensions.status).toBe(401);
  });

  it('refuses queries over the depth or the cost limit, and malformed cursors, with their codes', async () => {
    const deep = await gql(
      shop.secret,
      '{ category(id: "tees") { parent { parent { parent { parent { parent { parent { parent { parent { id } } } } } } } } } }',
    );
    expect(deep.status).toBe(400);
    expect(deep.body.errors[0].extensions).toMatchObject({ code: 'query_too_deep', status: 400 });

    const aliases = Array.from(
      { length: 30 },
      (_, i) => `p${i}: products(first: 100) { edges { node { variants { prices { amount } } } } }`,
    );
    const costly = await gql(shop.secret, `{ ${aliases.join(' ')} }`);
    expect(costly.status).toBe(400);
    expect(costly.body.errors[0].extensions).toMatchObject({ code: 'query_too_costly', status: 400 });
    // The cost follows the page size, also when it is a variable.
    const viaVariable = await gql(
      shop.secret,
      `query($n: Int) { ${aliases.map((a) => a.replace('first: 100', 'first: $n')).join(' ')} }`,
      { n: 100 },
    );
    expect(viaVariable.body.errors[0].extensions.code).toBe('query_too_costly');
    expect((await gql(shop.secret, LISTING, { first: 100 })).body.errors).toBeUndefined();

    const cursor = await gql(shop.secret, LISTING, { first: 2, after: 'not-a-cursor' });
    expect(cursor.body.errors[0].extensions).toMatchObject({ code: 'invalid_cursor', status: 400 });
    expect((await t.call('GET', '/v1/products?cursor=not-a-cursor', shop.secret)).body.code).toBe(
      'invalid_cursor',
    );

    const invalid = await gql(shop.secret, '{ products { nope } }');
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors[0].extensions.code).toBe('graphql_validation_failed');
  });

  it('lists 20 products with availability and categories in a constant number of internal calls', async () => {
    for (let i = 0; i < 16; i++) {
      await t.call('POST', '/v1/products', shop.secret, {
        name: `Bulk ${i}`,
        status: 'active',
        category_ids: [category],
        options: [{ name: 'Size', values: ['S', 'M'] }],
        variants: ['S', 'M'].map((size) => ({
          sku: `BULK-${i}-${size}`,
          options: { Size: size },
          prices: [{ currency: 'USD', amount: 900 }],
        })),
      });
    }
    const { calls, restore } = countCalls(t);
    try {
      const query = `query($after: String) { products(first: 20, after: $after) { nodes { id categories { name }
        variants { id available prices { amount } } } } }`;
      // A key whose cache is cold: the query runs in full.
      const answer = await gql(shop.secret, query, { after: null });
      expect(answer.body.errors).toBeUndefined();
      const products = answer.body.data.products.nodes as Json[];
      expect(products).toHaveLength(20);
      expect(products.flatMap((p) => p.variants).length).toBeGreaterThan(20);
      const internal = calls.filter((c) => !c.startsWith('accounts.'));
      expect(internal.sort()).toEqual([
        'catalog.listCategories',
        'catalog.listProducts',
        'inventory.getAvailability',
      ]);
    } finally {
      restore();
    }
  });

  it('answers the same listing from the cache, and drops it when the catalog changes', async () => {
    const query = '{ products(first: 50) { nodes { id name } } }';
    const before = await gql(shop.publishable, query);
    const { calls, restore } = countCalls(t);
    try {
      const again = await gql(shop.publishable, query);
      expect(again.body).toEqual(before.body);
      expect(calls.filter((c) => !c.startsWith('accounts.'))).toEqual([]);
    } finally {
      restore();
    }
    const target = before.body.data.products.nodes[0];
    await t.call('PATCH', `/v1/products/${target.id}`, shop.secret, { name: 'Renamed Tee' });
    const after = await gql(shop.publishable, query);
    expect(after.body.data.products.nodes[0]).toEqual({ id: target.id, name: 'Renamed Tee' });
  });

  it('serves its explorer from this server, without a CDN', async () => {
    const page = await fetch(`${t.url}/graphiql`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('/graphiql/explorer.js');
    expect(html).not.toMatch(/https?:\/\//);
    const script = await fetch(`${t.url}/graphiql/explorer.js`);
    expect(script.status).toBe(200);
    expect(await script.text()).not.toMatch(/https?:\/\//);
    // GraphQL stays out of the OpenAPI document.
    const openapi = (await t.call('GET', '/openapi.json')).body;
    expect(Object.keys(openapi.paths)).not.toContain('/graphql');
  });
});
