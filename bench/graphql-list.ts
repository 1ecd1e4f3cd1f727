import type { Request } from 'autocannon';
import { getJson, sendJson, type Page } from './api.ts';
import type { Scenario } from './scenarios.ts';

/**
 * graphql-list: catalog-list's listing through GraphQL. The same 20 products per page with variants,
 * prices and availability, publishable key, another page and category at each request.
 */

const PAGE_SIZE = 20;
const PAGES_PER_CATEGORY = 5;

export const LISTING_QUERY = `query Listing($first: Int!, $category: ID, $after: String) {
  products(first: $first, categoryId: $category, after: $after) {
    edges { cursor node {
      id name slug status description categoryIds createdAt updatedAt
      options { name values }
      variants { id sku options { name value } prices { currency amount } available }
    } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface Variables {
  first: number;
  category: string;
  after?: string;
}

interface Products {
  edges: unknown[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

interface Answer {
  data?: { products: Products };
  errors?: { message: string }[];
}

const JSON_HEADERS = { 'content-type': 'application/json' };

export const graphqlList: Scenario = {
  name: 'graphql-list',
  description: `catalog-list through GraphQL: POST /graphql { products(first: ${PAGE_SIZE}, categoryId, after) … }`,
  prepare: async ({ url, publishableKey, signal, status }) => {
    const categories = (
      await getJson<Page<{ id: string }>>(url, publishableKey, '/v1/categories?limit=100', signal)
    ).data;
    const pagesByCategory: Variables[][] = [];
    for (const [index, category] of categories.entries()) {
      status(`graphql-list: collecting cursors, category ${index + 1}/${categories.length}`);
      const pages: Variables[] = [];
      let variables: Variables | undefined = { first: PAGE_SIZE, category: category.id };
      while (variables && pages.length < PAGES_PER_CATEGORY) {
        const answer: { status: number; json: Answer | undefined; text: string } = await sendJson<Answer>(
          url,
          publishableKey,
          'POST',
          '/graphql',
          { query: LISTING_QUERY, variables },
          signal,
        );
        const products: Products | undefined = answer.json?.data?.products;
        if (answer.status !== 200 || !products)
          throw new Error(`POST /graphql answered ${answer.status}: ${answer.text.slice(0, 500)}`);
        if (products.edges.length > 0) pages.push(variables);
        const { hasNextPage, endCursor } = products.pageInfo;
        variables =
          hasNextPage && endCursor
            ? { first: PAGE_SIZE, category: category.id, after: endCursor }
            : undefined;
      }
      pagesByCategory.push(pages);
    }
    // Round-robin over categories, as catalog-list does.
    const bodies = Array.from({ length: PAGES_PER_CATEGORY }, (_, page) =>
      pagesByCategory.flatMap((pages) => pages.slice(page, page + 1)),
    )
      .flat()
      .map((variables) => JSON.stringify({ query: LISTING_QUERY, variables }));
    const first = bodies[0];
    if (first === undefined)
      throw new Error(
        'Found no category with active products. Is the demo catalog seeded? Try --products 1000.',
      );
    let next = 0;
    const request: Request = {
      method: 'POST',
      path: '/graphql',
      headers: JSON_HEADERS,
      setupRequest: (r) => ({ ...r, body: bodies[next++ % bodies.length] }),
    };
    const listed = pagesByCategory.filter((pages) => pages.length > 0).length;
    const keyed = { authorization: `Bearer ${publishableKey}`, ...JSON_HEADERS };
    return {
      headers: keyed,
      requests: [request],
      sample: {
        method: 'POST',
        path: '/graphql',
        headers: keyed,
        body: first,
      },
      summary: `${bodies.length} pages of ${listed} categories`,
      distinct: bodies.map((body) => ({
        method: 'POST',
        path: '/graphql',
        headers: keyed,
        body,
      })),
    };
  },
};
