import { eventMaker } from '@bazaar/kit';
/** The events cart publishes, with their data. */
export interface CartEvents {
  'cart.created': { id: string; currency: string };
  'cart.updated': { id: string; currency: string; subtotal: number; total: number; line_count: number };
  'cart.checked_out': { id: string; order_id: string };
}

export const cartEvent = eventMaker<CartEvents>();
