import { describe, expect, it } from 'vitest';
import { graphqlBreakingChanges } from '../../packages/sdk/scripts/breaking/graphql.ts';
import { judge } from '../../packages/sdk/scripts/breaking/judge.ts';
import { openapiBreakingChanges, type OpenApiDocument } from '../../packages/sdk/scripts/breaking/openapi.ts';

/** A small API: products with a list, a create and a get, shaped as the gateway's document is. */
const api = (change: (doc: any) => void = () => undefined): OpenApiDocument => {
  const doc: any = {
    openapi: '3.1.0',
    components: {
      schemas: {
        Product: {
          type: 'object',
          required: ['id', 'name', 'status', 'price'],
          properties: {
            id: { type: 'string' },
            name: { type: 'string' },
            status: { enum: ['draft', 'active'] },
            price: { type: 'integer' },
            description: { anyOf: [{ type: 'string' }, { type: 'null' }] },
          },
        },
      },
    },
    paths: {
      '/v1/products': {
        get: {
          parameters: [
            { in: 'query', name: 'limit', required: false, schema: { type: 'integer' } },
            { in: 'query', name: 'status', required: false, schema: { enum: ['draft', 'active'] } },
          ],
          responses: {
            200: {
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['data'],
                    properties: { data: { type: 'array', items: { $ref: '#/components/schemas/Product' } } },
                  },
                },
              },
            },
          },
        },
        post: {
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['name'],
                  additionalProperties: false,
                  properties: {
                    name: { type: 'string' },
                    status: { enum: ['draft', 'active'] },
                    price: { type: 'integer' },
                  },
                },
              },
            },
          },
          responses: {
            201: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Product' } } } },
            400: { content: { 'application/problem+json': { schema: { type: 'object' } } } },
          },
        },
      },
      '/v1/products/{id}': {
        get: {
          parameters: [{ in: 'path', name: 'id', required: true, schema: { type: 'string' } }],
          responses: {
            200: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Product' } } } },
          },
        },
        delete: { responses: { 200: { content: { 'application/json': { schema: { type: 'object' } } } } } },
      },
    },
  };
  change(doc);
  return doc;
};

const createBody = (doc: any) =>
  doc.paths['/v1/products'].post.requestBody.content['application/json'].schema;
const product = (doc: any) => doc.components.schemas.Product;

describe('the OpenAPI breaking-change check', () => {
  it('finds nothing between a document and itself', () => {
    expect(openapiBreakingChanges(api(), api())).toEqual([]);
  });

  it('flags a removed operation, and a removed path as each of its operations', () => {
    expect(
      openapiBreakingChanges(
        api(),
        api((d) => delete d.paths['/v1/products/{id}'].delete),
      ),
    ).toEqual(['DELETE /v1/products/{id} removed']);
    expect(
      openapiBreakingChanges(
        api(),
        api((d) => delete d.paths['/v1/products/{id}']),
      ),
    ).toEqual(['GET /v1/products/{id} removed', 'DELETE /v1/products/{id} removed']);
  });

  it('does not flag additions: an optional request field, a response field, an operation, an enum value', () => {
    const after = api((d) => {
      createBody(d).properties.description = { type: 'string' };
      product(d).properties.created_at = { type: 'string' };
      product(d).properties.status.enum.push('archived');
      createBody(d).properties.status.enum.push('archived');
      d.paths['/v1/products'].get.parameters.push({ in: 'query', name: 'q', schema: { type: 'string' } });
      d.paths['/v1/categories'] = { get: { responses: { 200: {} } } };
    });
    expect(openapiBreakingChanges(api(), after)).toEqual([]);
  });

  it('does not flag a renamed path parameter: the URL is the same', () => {
    const after = api((d) => {
      d.paths['/v1/products/{product_id}'] = d.paths['/v1/products/{id}'];
      delete d.paths['/v1/products/{id}'];
    });
    expect(openapiBreakingChanges(api(), after)).toEqual([]);
  });

  it('flags a new required request property or parameter, and one that became required', () => {
    const after = api((d) => {
      createBody(d).properties.currency = { type: 'string' };
      createBody(d).required.push('currency', 'price');
      d.paths['/v1/products'].get.parameters.push({ in: 'query', name: 'region', required: true });
      d.paths['/v1/products'].get.parameters[0].required = true;
    });
    expect(openapiBreakingChanges(api(), after)).toEqual([
      "GET /v1/products: query parameter 'limit' is now required",
      "GET /v1/products: new required query parameter 'region'",
      "POST /v1/products: new required request property 'currency'",
      "POST /v1/products: request property 'price' is now required",
    ]);
  });

  it('flags removed and no-longer-always-present response properties, through $ref and arrays', () => {
    const after = api((d) => {
      delete product(d).properties.price;
      product(d).required = ['id', 'status'];
    });
    expect(openapiBreakingChanges(api(), after)).toEqual([
      "GET /v1/products: response 200 property 'data[].name' is no longer always present",
      "GET /v1/products: response 200 property 'data[].price' removed",
      "POST /v1/products: response 201 property 'name' is no longer always present",
      "POST /v1/products: response 201 property 'price' removed",
      "GET /v1/products/{id}: response 200 property 'name' is no longer always present",
      "GET /v1/products/{id}: response 200 property 'price' removed",
    ]);
  });

  it('flags changed types on either side, including a response field that may now be null', () => {
    const after = api((d) => {
      createBody(d).properties.price = { type: 'string' };
      product(d).properties.name = { anyOf: [{ type: 'string' }, { type: 'null' }] };
      d.paths['/v1/products'].get.parameters[0].schema = { type: 'string', format: 'date' };
    });
    const changes = openapiBreakingChanges(api(), after);
    expect(changes).toContain(
      "GET /v1/products: query parameter 'limit' type changed from integer to string",
    );
    expect(changes).toContain(
      "POST /v1/products: request property 'price' type changed from integer to string",
    );
    expect(changes).toContain(
      "GET /v1/products/{id}: response 200 property 'name' type changed from string to null|string",
    );
  });

  it('does not flag a widened request type: integer to number, or now nullable', () => {
    const after = api((d) => {
      createBody(d).properties.price = { type: ['number', 'null'] };
    });
    expect(openapiBreakingChanges(api(), after)).toEqual([]);
  });

  it('flags a narrowed enum in a request or a parameter, and a removed request property', () => {
    const after = api((d) => {
      createBody(d).properties.status.enum = ['draft'];
      d.paths['/v1/products'].get.parameters[1].schema.enum = ['active'];
      delete createBody(d).properties.price;
    });
    expect(openapiBreakingChanges(api(), after)).toEqual([
      `GET /v1/products: query parameter 'status' no longer accepts "draft"`,
      `POST /v1/products: request property 'status' no longer accepts "active"`,
      "POST /v1/products: request property 'price' removed",
    ]);
  });

  it('flags a removed success response but not a changed error response', () => {
    const after = api((d) => {
      d.paths['/v1/products'].post.responses = { 200: d.paths['/v1/products'].post.responses[201] };
    });
    expect(openapiBreakingChanges(api(), after)).toEqual(['POST /v1/products: response 201 removed']);
  });
});

describe('accepting a breaking change', () => {
  it('does not count a change listed in api/breaking-changes.json, and notes a listed one that did not happen', () => {
    const changes = openapiBreakingChanges(
      api(),
      api((d) => delete d.paths['/v1/products/{id}'].delete),
    );
    const verdict = judge(changes, ['DELETE /v1/products/{id} removed', 'GET /v1/nothing removed']);
    expect(verdict.breaking).toEqual([]);
    expect(verdict.lines).toEqual(['accepted  DELETE /v1/products/{id} removed']);
    expect(verdict.stale).toEqual(['GET /v1/nothing removed']);

    expect(judge(changes, []).breaking).toEqual(['DELETE /v1/products/{id} removed']);
  });
});

describe('the GraphQL breaking-change check', () => {
  const before = 'type Query { product(id: ID!): Product }\ntype Product { id: ID!, name: String! }';

  it('flags a removed field, and not an added one', () => {
    expect(
      graphqlBreakingChanges(before, 'type Query { product(id: ID!): Product }\ntype Product { id: ID! }'),
    ).toEqual(['GraphQL FIELD_REMOVED: Product.name was removed.']);
    expect(
      graphqlBreakingChanges(
        before,
        'type Query { product(id: ID!): Product }\ntype Product { id: ID!, name: String!, slug: String }',
      ),
    ).toEqual([]);
  });
});
