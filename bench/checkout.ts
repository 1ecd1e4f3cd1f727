import { getJson, listAll, sendExpecting, sendJson } from './api.ts';
import type { Check, ScenarioContext as Api } from './scenarios.ts';
import { idOf, type Step } from './sequence.ts';

/**
 * What the checkout scenario needs around its load: stock that cannot run out before it, and after
 * it, proof that every order it placed was captured and the stock moved by exactly what was sold.
 */

const BENCH_EMAIL = 'bench@example.com';
const CHECKOUT_BODY = {
  email: BENCH_EMAIL,
  shipping_address: {
    name: 'Bench',
    line1: '1 Main St',
    city: 'Springfield',
    postal_code: '12345',
    country: 'US',
  },
  payment: { method: 'card', card_number: '4242424242424242' },
};
export const STOCK_UP = 1_000_000;
const REPLAY_TRIES = 5;

interface Level {
  variant_id: string;
  on_hand: number;
  reserved: number;
}

interface Order {
  id: string;
  status: string;
  email: string;
  payment_status: string;
  lines: { variant_id: string; quantity: number }[];
  created_at: string;
}

/** On hand and reserved per variant, summed over locations. */
const stockOf = async ({ url, secretKey, signal }: Api, variants: string[]) => {
  const query = variants.map((id) => `variant_id=${encodeURIComponent(id)}`).join('&');
  const levels = await getJson<{ data: Level[] }>(url, secretKey, `/v1/stock-levels?${query}`, signal);
  const stock = new Map(variants.map((id) => [id, { on_hand: 0, reserved: 0 }]));
  for (const level of levels.data) {
    const s = stock.get(level.variant_id);
    if (!s) continue;
    s.on_hand += level.on_hand;
    s.reserved += level.reserved;
  }
  return stock;
};

/** Receives STOCK_UP units of each variant (at most 100) into the main warehouse. */
const stockUp = async (api: Api, variants: string[]) => {
  const { url, secretKey, signal, status } = api;
  const locations = (
    await getJson<{ data: { id: string; name: string; code: string }[] }>(
      url,
      secretKey,
      '/v1/locations?limit=100',
      signal,
    )
  ).data;
  const location = locations.find((l) => l.name === 'Main warehouse') ?? locations[0];
  if (!location) throw new Error('GET /v1/locations found no location to put stock in.');
  for (const [index, variant] of variants.entries()) {
    status(`checkout: receiving ${STOCK_UP} units of each variant, ${index}/${variants.length}`);
    const body = { variant_id: variant, location_id: location.id, delta: STOCK_UP, reason: 'received' };
    await sendExpecting(url, secretKey, 'POST', '/v1/stock-adjustments', body, 201, signal);
  }
  return location.name;
};

/**
 * Stocks `variants` up, and answers the checkout step of the load, which counts the orders it placed,
 * and the check to run once the load is over.
 */
export const prepareCheckouts = async (api: Api, variants: string[]) => {
  const where = await stockUp(api, variants);
  const before = await stockOf(api, variants);
  const since = Date.now();
  /** Order ids of the checkouts that answered 201. */
  const placed = new Set<string>();
  let answered201 = 0;
  /** Checkouts sent and not answered yet, by Idempotency-Key: cut off at the end of a phase, or timed out. */
  const inFlight = new Map<string, string>();

  const keyOf = (cart: string) => `bench-checkout-${cart}`;
  const checkoutStep = (cartOf: (context: Record<string, unknown>) => string): Step => ({
    post: (context) => {
      const path = `/v1/carts/${cartOf(context)}/checkout`;
      inFlight.set(keyOf(cartOf(context)), path);
      return { path, body: CHECKOUT_BODY, headers: { 'idempotency-key': keyOf(cartOf(context)) } };
    },
    answered: (status, body, context) => {
      inFlight.delete(keyOf(cartOf(context)));
      if (status !== 201) return;
      answered201++;
      const id = idOf(body);
      if (id) placed.add(id);
    },
  });

  /** Sends the checkouts still in flight again, with their key: they answer what they did, or run now. */
  const settle = async () => {
    const outcomes: Record<string, number> = {};
    for (const [key, path] of inFlight) {
      let answer: Awaited<ReturnType<typeof sendJson<{ id: string; code?: string }>>> | undefined;
      for (let attempt = 0; attempt < REPLAY_TRIES; attempt++) {
        answer = await sendJson(api.url, api.publishableKey, 'POST', path, CHECKOUT_BODY, api.signal, {
          'idempotency-key': key,
        });
        if (answer.json?.code !== 'idempotency_key_in_progress') break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      if (answer?.status === 201 && answer.json) placed.add(answer.json.id);
      const outcome = String(answer?.status) + (answer?.json?.code ? ` ${answer.json.code}` : '');
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    }
    inFlight.clear();
    return outcomes;
  };

  const check = async (): Promise<Check> => {
    const { url, secretKey, signal, status } = api;
    status('checkout: settling the checkouts still in flight…');
    const settled = await settle();
    status('checkout: reading the orders…');
    const paid = await listAll<Order>(url, secretKey, '/v1/orders?status=paid&limit=100', signal, {
      onPage: (n) => status(`checkout: reading paid orders, ${n} so far`),
    });
    const ours = paid.filter((o) => o.email === BENCH_EMAIL && Date.parse(o.created_at) >= since);
    const captured = ours.filter((o) => o.payment_status === 'captured');
    const capturedIds = new Set(captured.map((o) => o.id));
    const notCaptured = [...placed].filter((id) => !capturedIds.has(id));
    const unanswered = captured.filter((o) => !placed.has(o.id));
    const after = await stockOf(api, [...before.keys()]);
    const sold = new Map<string, number>();
    for (const line of captured.flatMap((o) => o.lines))
      sold.set(line.variant_id, (sold.get(line.variant_id) ?? 0) + line.quantity);

    const stockProblems: string[] = [];
    for (const [variant, was] of before) {
      const now = after.get(variant)!;
      const units = sold.get(variant) ?? 0;
      if (was.on_hand - units !== now.on_hand)
        stockProblems.push(`${variant}: on hand ${was.on_hand} − ${units} sold ≠ ${now.on_hand}`);
      if (now.reserved !== 0) stockProblems.push(`${variant}: ${now.reserved} still reserved`);
    }
    const foreign = [...sold.keys()].filter((v) => !before.has(v));
    if (foreign.length) stockProblems.push(`${foreign.length} variants sold that the scenario never used`);

    const whatDiffers = [
      notCaptured.length &&
        `${notCaptured.length} placed orders not captured (${await statuses(api, notCaptured)})`,
      unanswered.length && `${unanswered.length} captured orders got no 201 (${unanswered[0]!.id}, …)`,
      stockProblems.length &&
        `stock differs: ${stockProblems.slice(0, 3).join('; ')}${stockProblems.length > 3 ? '; …' : ''}`,
    ].filter(Boolean);
    const unitsSold = [...sold.values()].reduce((a, b) => a + b, 0);
    const settledCount = Object.values(settled).reduce((a, b) => a + b, 0);
    const replayed = Object.entries(settled).map(([outcome, n]) => `${n} × ${outcome}`);
    return {
      line:
        `checkout check: ${placed.size} orders placed, ${captured.length} captured, ` +
        (whatDiffers.length ? whatDiffers.join(', ') : 'stock exact'),
      detail:
        `warm-up and measurement: ${answered201} checkouts answered 201` +
        (settledCount
          ? `; ${settledCount} cut off by the end of a phase, sent again with their Idempotency-Key: ` +
            replayed.join(', ')
          : '') +
        `; ${ours.length} paid ${BENCH_EMAIL} orders since the run began; ` +
        `${unitsSold} units of ${before.size} variants sold from the ${where}`,
      problems: notCaptured.length + unanswered.length + stockProblems.length,
    };
  };

  return { checkoutStep, check };
};

/** The status of the first few of `ids`, e.g. "ord_… failed". */
const statuses = async ({ url, secretKey, signal }: Api, ids: string[]) => {
  const shown = await Promise.all(
    ids.slice(0, 3).map(async (id) => {
      const order = await getJson<Order>(url, secretKey, `/v1/orders/${id}`, signal).catch(() => undefined);
      return `${id} ${order ? `${order.status}/${order.payment_status}` : 'not found'}`;
    }),
  );
  return `${shown.join(', ')}${ids.length > 3 ? ', …' : ''}`;
};
