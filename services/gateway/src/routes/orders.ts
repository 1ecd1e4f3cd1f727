import type { Clients } from '@bazaar/contracts/clients';
import type { FastifyRequest } from 'fastify';
import type { App } from '../app.ts';
import { tenantOf } from '../auth.ts';
import { list, presentOrder } from '../present.ts';
import { errorResponses, IdParams, ListOf } from '../schemas/common.ts';
import { CancelBody, FulfillmentBody, OrderListQuery, RefundBody, ReturnBody } from '../schemas/orders.ts';
import { Type } from 'typebox';

const tags = ['Orders'];
const OrderRef = { $ref: 'Order#' };
const OrderList = ListOf(Type.Ref('Order'), 'orders');

/** Makes a repeated refund or return harmless: the caller's Idempotency-Key, else this request's id. */
const operationKey = (request: FastifyRequest) => {
  const key = request.headers['idempotency-key'];
  return typeof key === 'string' ? key : request.id;
};

/** Orders after checkout (secret keys): read, cancel, fulfil, refund, return. */
export const orderRoutes = (app: App, { orders }: Clients): void => {
  app.get(
    '/v1/orders',
    {
      config: { scope: 'orders:read' },
      schema: {
        tags,
        operationId: 'listOrders',
        summary: 'List orders',
        querystring: OrderListQuery,
        response: { 200: OrderList, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const result = await orders.listOrders({
        tenantId: tenantOf(request),
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor ?? '',
        status: request.query.status,
      });
      return list(result.orders.map(presentOrder), result.nextCursor);
    },
  );

  app.get(
    '/v1/orders/:id',
    {
      config: { scope: 'orders:read' },
      schema: {
        tags,
        operationId: 'getOrder',
        summary: 'Get an order',
        params: IdParams('order'),
        response: { 200: OrderRef, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) =>
      presentOrder(
        (await orders.getOrder({ tenantId: tenantOf(request), orderId: request.params.id })).order,
      ),
  );

  app.post(
    '/v1/orders/:id/cancel',
    {
      config: { scope: 'orders:write' },
      schema: {
        tags,
        operationId: 'cancelOrder',
        summary: 'Cancel an order',
        description: 'Before anything ships: refunds what was paid and puts the stock back.',
        params: IdParams('order'),
        body: CancelBody,
        response: { 200: OrderRef, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      presentOrder(
        (
          await orders.cancelOrder({
            tenantId: tenantOf(request),
            orderId: request.params.id,
            reason: request.body.reason ?? '',
          })
        ).order,
      ),
  );

  app.post(
    '/v1/orders/:id/fulfillments',
    {
      config: { scope: 'orders:write' },
      schema: {
        tags,
        operationId: 'createFulfillment',
        summary: 'Record a shipment',
        params: IdParams('order'),
        body: FulfillmentBody,
        response: { 201: OrderRef, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const updated = await orders.createFulfillment({
        tenantId: tenantOf(request),
        orderId: request.params.id,
        lines: (b.lines ?? []).map((l) => ({ lineId: l.line_id, quantity: BigInt(l.quantity) })),
        trackingNumber: b.tracking_number ?? '',
        carrier: b.carrier ?? '',
      });
      return reply.code(201).send(presentOrder(updated.order));
    },
  );

  app.post(
    '/v1/orders/:id/refunds',
    {
      config: { scope: 'orders:write' },
      schema: {
        tags,
        operationId: 'createRefund',
        summary: 'Refund part of an order',
        description: 'Never more than was captured and not yet refunded.',
        params: IdParams('order'),
        body: RefundBody,
        response: { 201: OrderRef, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const updated = await orders.createRefund({
        tenantId: tenantOf(request),
        orderId: request.params.id,
        amount: BigInt(request.body.amount),
        reason: request.body.reason ?? '',
        idempotencyKey: operationKey(request),
      });
      return reply.code(201).send(presentOrder(updated.order));
    },
  );

  app.post(
    '/v1/orders/:id/returns',
    {
      config: { scope: 'orders:write' },
      schema: {
        tags,
        operationId: 'createReturn',
        summary: 'Take items back',
        description:
          'Restocks the returned items (unless `restock` is false) and refunds `refund_amount`, if given.',
        params: IdParams('order'),
        body: ReturnBody,
        response: { 201: OrderRef, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const updated = await orders.createReturn({
        tenantId: tenantOf(request),
        orderId: request.params.id,
        lines: b.lines.map((l) => ({ lineId: l.line_id, quantity: BigInt(l.quantity) })),
        restock: b.restock ?? true,
        refundAmount: BigInt(b.refund_amount ?? 0),
        idempotencyKey: operationKey(request),
      });
      return reply.code(201).send(presentOrder(updated.order));
    },
  );
};
