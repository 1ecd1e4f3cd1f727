import { eventMaker } from '@bazaar/kit';
import type { PaymentIntentDoc, RefundDoc } from './model.ts';

/** The events payments publishes, with their data. */
export interface PaymentsEvents {
  'payment.authorized': PaymentIntentDoc;
  'payment.failed': PaymentIntentDoc;
  'payment.captured': PaymentIntentDoc;
  'payment.voided': PaymentIntentDoc;
  'payment.refunded': PaymentIntentDoc & { refund: RefundDoc };
}

export const paymentEvent = eventMaker<PaymentsEvents>();
