import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPrivateAddress } from '../src/addresses.ts';
import { EXCERPT_BYTES, send } from '../src/sender.ts';
import { newSecret } from '../src/secrets.ts';

let server: Server;
let port: number;
let hits = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    hits += 1;
    if (request.url === '/redirect') return response.writeHead(302, { location: '/ok' }).end();
    if (request.url === '/big') return response.writeHead(500).end('x'.repeat(100_000));
    request.resume();
    request.on('end', () => response.writeHead(200).end('ok'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const message = (path: string, host = '127.0.0.1') => ({
  url: `http://${host}:${port}${path}`,
  id: 'evt_test',
  body: '{"type":"webhook.test"}',
  secrets: [newSecret()],
});

describe('sending', () => {
  it('posts the message and answers the status', async () => {
    const m = message('/ok');
    expect(await send(m, { timeoutMs: 2_000, allowPrivate: true })).toMatchObject({
      ok: true,
      statusCode: 200,
    });
  });

  it('does not follow redirects', async () => {
    const before = hits;
    const result = await send(message('/redirect'), { timeoutMs: 2_000, allowPrivate: true });
    expect(result).toMatchObject({ ok: false, statusCode: 302 });
    expect(hits).toBe(before + 1);
  });

  it('keeps only the first KiB of the response', async () => {
    const result = await send(message('/big'), { timeoutMs: 2_000, allowPrivate: true });
    expect(result.statusCode).toBe(500);
    expect(result.excerpt).toBe('x'.repeat(EXCERPT_BYTES));
  });

  it('checks the resolved address again at delivery time', async () => {
    const before = hits;
    for (const host of ['localhost', '127.0.0.1']) {
      const result = await send(message('/ok', host), { timeoutMs: 2_000, allowPrivate: false });
      expect(result).toMatchObject({ ok: false, statusCode: null, error: expect.stringContaining('public') });
    }
    expect(hits).toBe(before);
  });

  it('carries a verifiable signature per secret', async () => {
    const m = { ...message('/ok'), secrets: [newSecret(), newSecret()] };
    let headers: Record<string, string> = {};
    const capture = createServer((request, response) => {
      headers = request.headers as Record<string, string>;
      request.resume();
      request.on('end', () => response.end());
    });
    await new Promise<void>((resolve) => capture.listen(0, '127.0.0.1', resolve));
    m.url = `http://127.0.0.1:${(capture.address() as AddressInfo).port}/`;
    await send(m, { timeoutMs: 2_000, allowPrivate: true });
    capture.close();
    for (const secret of m.secrets)
      expect(new Webhook(secret).verify(m.body, headers)).toEqual({ type: 'webhook.test' });
    expect(() => new Webhook(newSecret()).verify(m.body, headers)).toThrow();
  });
});

it('knows private addresses', () => {
  for (const a of [
    '127.0.0.1',
    '10.0.0.1',
    '172.31.255.255',
    '192.168.0.1',
    '169.254.169.254',
    '::1',
    'fc00::1',
    'fe80::1',
    '::ffff:10.0.0.1',
    '100.64.0.1',
  ])
    expect(isPrivateAddress(a), a).toBe(true);
  for (const a of ['93.184.215.14', '8.8.8.8', '172.32.0.1', '2606:4700::1111'])
    expect(isPrivateAddress(a), a).toBe(false);
});
