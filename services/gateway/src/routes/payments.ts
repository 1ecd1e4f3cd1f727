import type { Clients } from '@bazaar/contracts/clients';
import type { PaymentIntent as PaymentIntentMessage } from '@bazaar/contracts/payments';
import { Type } from 'typebox';
import type { App } from '../app.ts';
import { tenantOf } from '../auth.ts';
import { errorResponses } from '../schemas/common.ts';
import { PaymentIntent, PaymentIntentParams } from '../schemas/payments.ts';

const tags = ['Payments'];

const orNull = (value: string | undefined) => (value ? value : null);

export const presentPaymentIntent = (p: PaymentIntentMessage | undefined): PaymentIntent => ({
  object: 'payment_intent',
  id: p?.id ?? '',
  reference: p?.reference ?? '',
  amount: Number(p?.amount ?? 0n),
  currency: p?.currency ?? '',
  status: p?.status ?? '',
  provider: p?.provider ?? '',
  card_last4: p?.cardLast4 ?? '',
  amount_captured: Number(p?.amountCaptured ?? 0n),
  amount_refunded: Number(p?.amountRefunded ?? 0n),
  failure_code: orNull(p?.failureCode),
  failure_message: orNull(p?.failureMessage),
  refunds: (p?.refunds ?? []).map((r) => ({
    id: r.id,
    amount: Number(r.amount),
    reason: r.reason,
    created_at: r.createdAt,
  })),
  created_at: p?.createdAt ?? '',
  updated_at: p?.updatedAt ?? '',
});

/** Payment intents (secret keys), read-only: orders create and move them. */
export const paymentRoutes = (app: App, { payments }: Clients): void => {
  app.addSchema(PaymentIntent);

  app.get(
    '/v1/payment-intents/:id',
    {
      config: { scope: 'payments:read' },
      schema: {
        tags,
        operationId: 'getPaymentIntent',
        summary: 'Get a payment intent',
        description: 'By id (`pi_…`) or by the reference it was made for, such as an order id.',
        params: PaymentIntentParams,
        response: { 200: Type.Ref('PaymentIntent'), ...errorResponses(401, 403, 404) },
      },
    },
    async (request): Promise<PaymentIntent> => {
      const { paymentIntent } = await payments.getPaymentIntent({
        tenantId: tenantOf(request),
        idOrReference: request.params.id,
      });
      return presentPaymentIntent(paymentIntent);
    },
  );
};
