import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Received {
  id: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

/** What the receiver answers: a status, or 'hang' to never answer. */
export type Answer = number | 'hang';

export interface Receiver {
  url: string;
  received: Received[];
  /** Distinct webhook-ids, as a receiver that dedupes would process them. */
  ids: () => Set<string>;
  answer: (fn: (request: Received, count: number) => Answer) => void;
  close: () => Promise<void>;
}

const flat = (headers: IncomingHttpHeaders): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]),
  );

/** A real HTTP receiver on 127.0.0.1 that records every request. */
export const startReceiver = async (): Promise<Receiver> => {
  const received: Received[] = [];
  let answer: (request: Received, count: number) => Answer = () => 200;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const headers = flat(request.headers);
      const entry = {
        id: headers['webhook-id'] ?? '',
        headers,
        body: Buffer.concat(chunks).toString(),
        at: Date.now(),
      };
      received.push(entry);
      const status = answer(entry, received.length);
      if (status === 'hang') return;
      response.writeHead(status, { 'content-type': 'text/plain' }).end(`status ${status}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    ids: () => new Set(received.map((r) => r.id)),
    answer: (fn) => {
      answer = fn;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

/** Verifies a delivery as a consumer would, with the standardwebhooks library; answers the parsed body. */
export const verify = (secret: string, r: Received): any =>
  new Webhook(secret).verify(r.body, {
    'webhook-id': r.headers['webhook-id']!,
    'webhook-timestamp': r.headers['webhook-timestamp']!,
    'webhook-signature': r.headers['webhook-signature']!,
  });

/** Polls `probe` until it answers true, failing after `ms`. */
export const eventually = async (
  probe: () => boolean | Promise<boolean>,
  ms = 15_000,
  what = 'condition',
) => {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`${what}: not true within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};
