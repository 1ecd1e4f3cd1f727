import { eventMaker } from '@bazaar/kit';
/** The events orders publishes. Each carries the order's id and what changed. */
export interface OrderEvents {
  'order.created': { id: string; cart_id: string; total: number; currency: string };
  'order.placed': { id: string; email: string; total: number; currency: string };
  'order.paid': { id: string; total: number; currency: string };
  'order.failed': { id: string; failure_code: string; failure_reason: string };
  'order.cancelled': { id: string; reason: string; amount_refunded: number };
  'order.fulfilled': { id: string; fulfillment_id: string; fulfillment_status: string };
  'order.refunded': { id: string; refund_id: string; amount: number; amount_refunded: number };
  'order.returned': { id: string; return_id: string; restock: boolean; refund_amount: number };
}

export const orderEvent = eventMaker<OrderEvents>();
