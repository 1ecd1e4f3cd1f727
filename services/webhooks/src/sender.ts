import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { resolvePublic, type ResolvedAddress } from './addresses.ts';

export const EXCERPT_BYTES = 1_024;

export interface Message {
  url: string;
  /** The event id: receivers dedupe on it. */
  id: string;
  body: string;
  /** The current secret first; a previous one still in its overlap window after it. */
  secrets: string[];
}

export interface SendResult {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  latencyMs: number;
  excerpt: string;
}

export interface SendOptions {
  timeoutMs: number;
  allowPrivate: boolean;
}

const SECRET_PREFIX = 'whsec_';
const keys = new Map<string, Buffer>();
const MAX_KEYS = 10_000;

/** The HMAC key of a `whsec_` secret, decoded once. */
const keyOf = (secret: string): Buffer => {
  let key = keys.get(secret);
  if (!key) {
    if (keys.size >= MAX_KEYS) keys.clear();
    key = Buffer.from(
      secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret,
      'base64',
    );
    keys.set(secret, key);
  }
  return key;
};

/** A Standard Webhooks `v1` signature, as the standardwebhooks library makes it, with Node's HMAC. */
export const sign = (secret: string, id: string, seconds: number, body: string): string =>
  `v1,${createHmac('sha256', keyOf(secret)).update(`${id}.${seconds}.${body}`).digest('base64')}`;

/** The Standard Webhooks headers; one signature per secret, space-separated. */
export const signedHeaders = (message: Message, at: Date): Record<string, string> => {
  const seconds = Math.floor(at.getTime() / 1_000);
  return {
    'content-type': 'application/json',
    'user-agent': 'Bazaar-Webhooks/1',
    'webhook-id': message.id,
    'webhook-timestamp': String(seconds),
    'webhook-signature': message.secrets.map((s) => sign(s, message.id, seconds, message.body)).join(' '),
  };
};

/** Connects only to the addresses that were checked, so a second DNS answer cannot redirect us. */
const pinnedLookup =
  (addresses: ResolvedAddress[]): LookupFunction =>
  (_hostname, options, callback) => {
    const wanted = addresses.filter((a) => !options.family || a.family === options.family);
    const usable = wanted.length > 0 ? wanted : addresses;
    if (options.all) {
      (callback as unknown as (err: null, addresses: ResolvedAddress[]) => void)(null, usable);
    } else {
      callback(null, usable[0]!.address, usable[0]!.family);
    }
  };

/**
 * Idle connections are kept for the next attempt to the same origin: a new TCP (and TLS) connection
 * per attempt was most of the cost of an attempt. A connection is only ever opened to an address that
 * was checked, so reusing it sends nowhere new; one that timed out or was cut short is destroyed.
 * Idle ones close before a typical server's keep-alive timeout (5 s in Node), or the one it announces.
 */
const IDLE_MS = 4_000;
const agents = {
  'http:': new http.Agent({ keepAlive: true, timeout: IDLE_MS, scheduling: 'lifo' }),
  'https:': new https.Agent({ keepAlive: true, timeout: IDLE_MS, scheduling: 'lifo' }),
};

/** Errors of a kept-alive connection the server closed just as we reused it: nothing reached it. */
const STALE = new Set(['ECONNRESET', 'EPIPE']);

type Outcome = SendResult | { stale: true };

const attempt = (
  url: URL,
  message: Message,
  addresses: ResolvedAddress[],
  timeoutMs: number,
  started: number,
  fresh: boolean,
): Promise<Outcome> =>
  new Promise<Outcome>((resolve) => {
    let settled = false;
    const failed = (error: string): SendResult => ({
      ok: false,
      statusCode: null,
      error,
      latencyMs: Date.now() - started,
      excerpt: '',
    });
    const finish = (result: Outcome, keep: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // Only a response read to its end leaves the connection reusable.
      if (!keep) request.destroy();
      resolve(result);
    };
    const transport = url.protocol === 'https:' ? https : http;
    const request = transport.request(url, {
      method: 'POST',
      headers: { ...signedHeaders(message, new Date()), 'content-length': Buffer.byteLength(message.body) },
      lookup: pinnedLookup(addresses),
      agent: fresh ? false : agents[url.protocol as 'http:' | 'https:'],
    });
    const timer = setTimeout(
      () => finish(failed(`timed out after ${timeoutMs} ms`), false),
      Math.max(1, timeoutMs - (Date.now() - started)),
    );
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (request.reusedSocket && !fresh && STALE.has(error.code ?? '')) finish({ stale: true }, false);
      else finish(failed(error.message || 'connection failed'), false);
    });
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      const done = (keep: boolean) =>
        finish(
          {
            ok: status >= 200 && status < 300,
            statusCode: status,
            error: null,
            latencyMs: Date.now() - started,
            excerpt: Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8'),
          },
          keep,
        );
      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= EXCERPT_BYTES) done(false);
      });
      response.on('end', () => done(true));
      response.on('error', () => done(false));
    });
    request.end(message.body);
  });

/** One attempt: POST, no redirects followed, bounded in time, the response read up to the excerpt. */
export const send = async (message: Message, options: SendOptions): Promise<SendResult> => {
  const started = Date.now();
  let addresses: ResolvedAddress[];
  const url = new URL(message.url);
  try {
    addresses = await resolvePublic(url.hostname, options.allowPrivate);
  } catch (error) {
    return {
      ok: false,
      statusCode: null,
      error: (error as Error).message,
      latencyMs: Date.now() - started,
      excerpt: '',
    };
  }
  const first = await attempt(url, message, addresses, options.timeoutMs, started, false);
  if (!('stale' in first)) return first;
  // The server closed the kept-alive connection as we reused it; once more, on a new one.
  return (await attempt(url, message, addresses, options.timeoutMs, started, true)) as SendResult;
};
