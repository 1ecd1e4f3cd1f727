// A storefront's checkout with the publishable key: a product, a cart, a paid order.
//   BAZAAR_KEY=pk_live_… npx tsx examples/checkout.ts
import { createBazaar, PaymentError } from '@bazaar/sdk';

const bazaar = createBazaar({
  apiKey: process.env.BAZAAR_KEY ?? 'pk_live_…',
  baseUrl: process.env.BAZAAR_URL ?? 'http://127.0.0.1:8080',
});

const [product] = await bazaar.products.list({ limit: 1 }).toArray(1);
const variant = product?.variants.find((v) => (v.available ?? 0) > 0);
if (!variant) throw new Error('No product in stock: run examples/merchant.ts first.');

const cart = await bazaar.carts.create({ currency: 'USD' });
await bazaar.carts.addLine(cart.id, { variant_id: variant.id, quantity: 2 });

try {
  // The SDK sends an Idempotency-Key, so a checkout retried after a lost answer is placed once.
  const order = await bazaar.carts.checkout(cart.id, {
    email: 'ada@example.com',
    shipping_address: {
      name: 'Ada Lovelace',
      line1: '12 St James Square',
      city: 'London',
      postal_code: 'SW1Y 4JH',
      country: 'GB',
    },
    payment: { method: 'card', card_number: process.env.CARD ?? '4242424242424242' },
  });
  console.log(`order ${order.id}: ${order.status}, ${order.total} ${order.currency} (minor units)`);
} catch (error) {
  // Declined cards and the like: `detail` is written for the customer.
  if (error instanceof PaymentError) console.log(`payment failed: ${error.detail}`);
  else throw error;
}
