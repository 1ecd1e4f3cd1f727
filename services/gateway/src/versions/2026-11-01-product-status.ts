import { isObject, renameMember, type VersionChange } from './change.ts';

const oldProduct = (product: unknown) =>
  isObject(product) && product.object === 'product' ? renameMember(product, 'status', 'state') : product;

const oldProductOrList = (body: unknown) =>
  isObject(body) && body.object === 'list' && Array.isArray(body.data)
    ? { ...body, data: body.data.map(oldProduct) }
    : oldProduct(body);

const oldText = (text: unknown) => (typeof text === 'string' ? text.replaceAll(`'status'`, `'state'`) : text);

/** Field errors name the field as the caller sent it. */
const oldProblem = (body: unknown) =>
  isObject(body) && Array.isArray(body.errors)
    ? {
        ...body,
        detail: oldText(body.detail),
        errors: body.errors.map((e: unknown) =>
          isObject(e) && e.field === 'status' ? { ...e, field: 'state', message: oldText(e.message) } : e,
        ),
      }
    : body;

const response = (body: unknown, status: number) =>
  status >= 400 ? oldProblem(body) : oldProductOrList(body);

const newBody = ({ body, query }: { body: unknown; query: Record<string, unknown> }) => ({
  body: renameMember(body, 'state', 'status'),
  query,
});

/**
 * 2026-11-01: a product's `state` is now `status`, as on orders and payments: in responses, in create
 * and update bodies, and in the `GET /v1/products` filter.
 */
export const productStatus: VersionChange = {
  summary: 'Products: `state` is renamed `status` (responses, create and update bodies, the list filter).',
  requests: {
    'GET /v1/products': ({ body, query }) => ({
      body,
      query: renameMember(query, 'state', 'status') as Record<string, unknown>,
    }),
    'POST /v1/products': newBody,
    'PATCH /v1/products/{id}': newBody,
  },
  responses: {
    'GET /v1/products': response,
    'GET /v1/products/{id}': response,
    'POST /v1/products': response,
    'PATCH /v1/products/{id}': response,
  },
};
