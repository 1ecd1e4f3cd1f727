import createClient, { type Client } from 'openapi-fetch';
import { ConnectionError, errorFromResponse } from './errors.ts';
import type { paths } from './generated/openapi.ts';
import { retryingFetch } from './retry.ts';

export interface BazaarOptions {
  /** A secret (`sk_…`) or publishable (`pk_…`) key. */
  apiKey: string;
  /** Where the API is, such as `https://api.bazaar.example` (a trailing `/v1` is fine). */
  baseUrl?: string;
  /** Retries of a request that met 429, 5xx or a network error; 2 by default, 0 to turn them off. */
  maxRetries?: number;
  /** The longest `Retry-After`, in seconds, worth waiting for before giving up; 60 by default. */
  maxRetryAfter?: number;
  /** Pins the API version (`Bazaar-Version`) instead of the account's default. */
  apiVersion?: string;
  /** A fetch to use instead of the global one. */
  fetch?: (request: Request) => Promise<Response>;
}

/** Options every call takes. */
export interface CallOptions {
  /** The key that makes a write safe to repeat; one is made per call when not given. */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

export type ApiClient = Client<paths>;

export const DEFAULT_BASE_URL = 'http://127.0.0.1:8080';

/** The typed openapi-fetch client, speaking to the API with the key, retries and idempotency keys. */
export const createApiClient = (options: BazaarOptions): ApiClient => {
  const fetch = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '').replace(/\/v1$/, '');
  return createClient<paths>({
    baseUrl,
    headers: {
      authorization: `Bearer ${options.apiKey}`,
      ...(options.apiVersion ? { 'bazaar-version': options.apiVersion } : {}),
    },
    fetch: retryingFetch({
      maxRetries: options.maxRetries ?? 2,
      maxRetryAfterMs: (options.maxRetryAfter ?? 60) * 1000,
      fetch,
    }),
  });
};

/** What openapi-fetch answers: the parsed success body, or the parsed error body. */
interface Outcome<Data> {
  data?: Data;
  error?: unknown;
  response: Response;
}

/** The success body, or the typed BazaarError the API's answer (or its absence) stands for. */
export const unwrap = async <Data>(call: Promise<Outcome<Data>>): Promise<NonNullable<Data>> => {
  let outcome: Outcome<Data>;
  try {
    outcome = await call;
  } catch (error) {
    if (error instanceof Error && error.name === 'AbortError') throw error;
    throw new ConnectionError(error);
  }
  if (!outcome.response.ok) throw errorFromResponse(outcome.response, outcome.error);
  return outcome.data as NonNullable<Data>;
};

/** The init fields of one call: its idempotency key and abort signal. */
export const init = (options: CallOptions = {}) => ({
  ...(options.idempotencyKey ? { headers: { 'idempotency-key': options.idempotencyKey } } : {}),
  ...(options.signal ? { signal: options.signal } : {}),
});
