import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { Webhook } from 'standardwebhooks';
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

/** The Standard Webhooks headers; one signature per secret, space-separated. */
export const signedHeaders = (message: Message, at: Date): Record<string, string> => ({
  'content-type': 'application/json',
  'user-agent': 'Bazaar-Webhooks/1',
  'webhook-id': message.id,
  'webhook-timestamp': String(Math.floor(at.getTime() / 1_000)),
  'webhook-signature': message.secrets
    .map((s) => new Webhook(s).sign(message.id, at, message.body))
    .join(' '),
});

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

/** One attempt: POST, no redirects followed, bounded in time, the response read up to the excerpt. */
export const send = async (message: Message, options: SendOptions): Promise<SendResult> => {
  const started = Date.now();
  const failed = (error: string): SendResult => ({
    ok: false,
    statusCode: null,
    error,
    latencyMs: Date.now() - started,
    excerpt: '',
  });
  let addresses: ResolvedAddress[];
  const url = new URL(message.url);
  try {
    addresses = await resolvePublic(url.hostname, options.allowPrivate);
  } catch (error) {
    return failed((error as Error).message);
  }
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const finish = (result: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve(result);
    };
    const request = transport.request(url, {
      method: 'POST',
      headers: { ...signedHeaders(message, new Date()), 'content-length': Buffer.byteLength(message.body) },
      lookup: pinnedLookup(addresses),
      agent: false,
    });
    const timer = setTimeout(
      () => finish(failed(`timed out after ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    request.on('error', (error) => finish(failed(error.message || 'connection failed')));
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () =>
        finish({
          ok: status >= 200 && status < 300,
          statusCode: status,
          error: null,
          latencyMs: Date.now() - started,
          excerpt: Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8'),
        });
      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= EXCERPT_BYTES) done();
      });
      response.on('end', done);
      response.on('error', done);
    });
    request.end(message.body);
  });
};
