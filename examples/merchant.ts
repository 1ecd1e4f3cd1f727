// The merchant's side, from a server with the secret key: a product, its stock, a webhook endpoint.
//   BAZAAR_KEY=sk_live_… npx tsx examples/merchant.ts
import { createBazaar } from '@bazaar/sdk';

const bazaar = createBazaar({
  apiKey: process.env.BAZAAR_KEY ?? 'sk_live_…',
  baseUrl: process.env.BAZAAR_URL ?? 'http://127.0.0.1:8080',
});

const shirt = await bazaar.products.create({
  name: 'Linen Shirt',
  status: 'active',
  options: [{ name: 'Size', values: ['S', 'M'] }],
  variants: ['S', 'M'].map((size) => ({
    sku: `LIN-${size}`,
    options: { Size: size },
    prices: [{ currency: 'USD', amount: 4900 }],
  })),
});

const [warehouse] = await bazaar.locations.list({ limit: 1 }).toArray(1);
const location = warehouse ?? (await bazaar.locations.create({ name: 'Main warehouse', code: 'MAIN' }));
for (const variant of shirt.variants) {
  await bazaar.stock.adjust({
    variant_id: variant.id,
    location_id: location.id,
    delta: 25,
    reason: 'received',
  });
}

// Orders reach this URL as signed webhooks; the secret (whsec_…) is shown only now.
const endpoint = await bazaar.webhookEndpoints.create({
  url: process.env.WEBHOOK_URL ?? 'https://example.com/hooks',
  enabled_events: ['order.paid', 'stock.depleted'],
});
console.log(`${shirt.name}: ${shirt.variants.length} variants, 25 each in stock at ${location.name}`);
console.log(`webhooks to ${endpoint.url}, signed with ${endpoint.secret}`);
