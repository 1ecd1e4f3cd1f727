/** Every event type the platform publishes: endpoints may subscribe to these, or to '*'. */
export const EVENT_TYPES = [
  'tenant.created',
  'tenant.updated',
  'api_key.created',
  'api_key.revoked',
  'product.created',
  'product.updated',
  'product.deleted',
  'price.changed',
  'category.created',
  'category.updated',
  'category.deleted',
  'stock.changed',
  'stock.depleted',
  'reservation.expired',
  'cart.created',
  'cart.updated',
  'cart.checked_out',
  'order.created',
  'order.placed',
  'order.paid',
  'order.failed',
  'order.cancelled',
  'order.fulfilled',
  'order.refunded',
  'order.returned',
  'payment.authorized',
  'payment.failed',
  'payment.captured',
  'payment.voided',
  'payment.refunded',
  'webhook.endpoint_disabled',
  'webhook.test',
] as const;

export const ALL_EVENTS = '*';

const known = new Set<string>(EVENT_TYPES);

export const isEventType = (type: string): boolean => known.has(type);
