import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXCERPT_BYTES, send } from '../../services/webhooks/src/sender.ts';
import { newSecret } from '../../services/webhooks/src/secrets.ts';

/** A receiver that counts the TCP connections it was sent on; `answer` decides per request. */
const receiver = async (answer: (request: IncomingMessage, response: ServerResponse, n: number) => void) => {
  let connections = 0;
  let requests = 0;
  const server: Server = createServer((request, response) => {
    requests += 1;
    const n = requests;
    request.resume();
    request.on('end', () => answer(request, response, n));
  });
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    connections: () => connections,
    requests: () => requests,
  };
};

const servers: Server[] = [];
const started = async (answer: Parameters<typeof receiver>[0]) => {
  const r = await receiver(answer);
  servers.push(r.server);
  return r;
};

const message = (url: string, id = 'evt_keepalive') => ({
  url,
  id,
  body: '{"type":"webhook.test"}',
  secrets: [newSecret()],
});
const options = { timeoutMs: 1_000, allowPrivate: true };

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

describe('kept-alive connections', () => {
  let ok: Awaited<ReturnType<typeof receiver>>;
  beforeAll(async () => {
    ok = await started((_request, response) => response.writeHead(200).end('ok'));
  });

  it('sends consecutive attempts to one origin over one connection', async () => {
    for (let i = 0; i < 5; i += 1) {
      expect(await send(message(ok.url, `evt_${i}`), options)).toMatchObject({ ok: true, statusCode: 200 });
    }
    expect(ok.requests()).toBe(5);
    expect(ok.connections()).toBe(1);
  });

  it('times out an attempt on a reused connection, and the next one goes through', async () => {
    const r = await started((_request, response, n) => {
      if (n !== 2) response.writeHead(200).end('ok'); // the second request is never answered
    });
    expect(await send(message(r.url), options)).toMatchObject({ ok: true });
    const hung = await send(message(r.url), { ...options, timeoutMs: 300 });
    expect(hung).toMatchObject({ ok: false, statusCode: null, error: expect.stringMatching(/timed out/) });
    expect(hung.latencyMs).toBeGreaterThanOrEqual(250);
    expect(await send(message(r.url), options)).toMatchObject({ ok: true, statusCode: 200 });
    // The connection of the attempt that timed out was given up, not reused.
    expect(r.connections()).toBe(2);
    expect(r.requests()).toBe(3);
  });

  it('sends again on a new connection when a kept-alive one is cut as it is reused', async () => {
    // As when the receiver closes an idle connection just as the next attempt goes out on it.
    const perSocket = new WeakMap<object, number>();
    const r = await started((request, response) => {
      const n = (perSocket.get(request.socket) ?? 0) + 1;
      perSocket.set(request.socket, n);
      if (n === 2) request.socket.destroy();
      else response.writeHead(200).end('ok');
    });
    expect(await send(message(r.url), options)).toMatchObject({ ok: true });
    expect(await send(message(r.url), options)).toMatchObject({ ok: true, statusCode: 200 });
    expect(r.connections()).toBe(2);
    expect(r.requests()).toBe(3);
  });

  it('opens a new connection after the receiver closed the idle one', async () => {
    const r = await started((_request, response) => response.writeHead(200).end('ok'));
    r.server.keepAliveTimeout = 50;
    expect(await send(message(r.url), options)).toMatchObject({ ok: true });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await send(message(r.url), options)).toMatchObject({ ok: true, statusCode: 200 });
    expect(r.requests()).toBe(2);
  });

  it('keeps only the excerpt of a long answer, and does not reuse its connection', async () => {
    const r = await started((_request, response, n) =>
      n === 1 ? response.writeHead(500).end('x'.repeat(1_000_000)) : response.writeHead(204).end(),
    );
    const long = await send(message(r.url), options);
    expect(long).toMatchObject({ ok: false, statusCode: 500 });
    expect(long.excerpt).toBe('x'.repeat(EXCERPT_BYTES));
    expect(await send(message(r.url), options)).toMatchObject({ ok: true, statusCode: 204 });
    expect(r.connections()).toBe(2);
  });

  it('does not follow a redirect on a reused connection', async () => {
    const r = await started((request, response) =>
      request.url === '/hook'
        ? response.writeHead(307, { location: '/elsewhere' }).end()
        : response.writeHead(200).end(),
    );
    expect(await send(message(r.url), options)).toMatchObject({ ok: false, statusCode: 307 });
    expect(await send(message(r.url), options)).toMatchObject({ ok: false, statusCode: 307 });
    expect(r.requests()).toBe(2);
  });

  it('signs every attempt afresh, verifiably with each secret', async () => {
    const seen: Record<string, string>[] = [];
    const r = await started((request, response) => {
      seen.push(request.headers as Record<string, string>);
      response.writeHead(200).end();
    });
    const m = { ...message(r.url), secrets: [newSecret(), newSecret()] };
    await send(m, options);
    await send(m, options);
    expect(seen).toHaveLength(2);
    for (const headers of seen) {
      for (const secret of m.secrets) {
        expect(new Webhook(secret).verify(m.body, headers)).toEqual({ type: 'webhook.test' });
      }
      expect(() => new Webhook(newSecret()).verify(m.body, headers)).toThrow();
    }
  });
});
