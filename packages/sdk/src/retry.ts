import { retryAfterMs } from './errors.ts';

export interface RetryOptions {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** The longest `Retry-After` worth waiting for; a longer one (a monthly quota) is answered at once. */
  maxRetryAfterMs: number;
  fetch: (request: Request) => Promise<Response>;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 8_000;
/** A 503 that says the work goes on in the background: repeating the request cannot help. */
const FINAL_CODES = new Set(['checkout_pending']);
/** A 409 that is only a matter of time: the first request with this key is still running. */
const RETRYABLE_CONFLICTS = new Set(['idempotency_key_in_progress']);

const newIdempotencyKey = () => `sdk_${crypto.randomUUID()}`;

/** Exponential backoff with jitter: between half and all of 0.5 s, 1 s, 2 s, … up to 8 s. */
const backoffMs = (retry: number) => {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** retry);
  return ceiling / 2 + Math.random() * (ceiling / 2);
};

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', abort);
      resolve();
    }, ms);
    const abort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', abort, { once: true });
  });

const problemCode = async (response: Response): Promise<string | undefined> => {
  if (!response.headers.get('content-type')?.includes('json')) return undefined;
  const body = (await response
    .clone()
    .json()
    .catch(() => undefined)) as { code?: unknown } | undefined;
  return typeof body?.code === 'string' ? body.code : undefined;
};

const shouldRetry = async (response: Response): Promise<boolean> => {
  if (response.status === 429) return true;
  if (response.status === 409) return RETRYABLE_CONFLICTS.has((await problemCode(response)) ?? '');
  if (response.status >= 500) return !FINAL_CODES.has((await problemCode(response)) ?? '');
  return false;
};

/**
 * A fetch that retries 429, 5xx and network errors with backoff, honouring `Retry-After`. Every write
 * gets an `Idempotency-Key` (the caller's, or one made here) that all its attempts share, so a write whose
 * answer was lost is replayed by the API rather than done twice.
 */
export const retryingFetch =
  ({ maxRetries, maxRetryAfterMs, fetch }: RetryOptions) =>
  async (original: Request): Promise<Response> => {
    let request = original;
    if (WRITES.has(request.method) && !request.headers.has('idempotency-key')) {
      const headers = new Headers(request.headers);
      headers.set('idempotency-key', newIdempotencyKey());
      request = new Request(request, { headers });
    }
    for (let retry = 0; ; retry++) {
      const last = retry >= maxRetries;
      let response: Response;
      try {
        response = await fetch(last ? request : request.clone());
      } catch (error) {
        if (last || request.signal.aborted) throw error;
        await sleep(backoffMs(retry), request.signal);
        continue;
      }
      if (last || !(await shouldRetry(response))) return response;
      const asked = retryAfterMs(response.headers.get('retry-after'), Date.now());
      if (asked > maxRetryAfterMs) return response;
      await response.body?.cancel();
      await sleep(asked > 0 ? asked : backoffMs(retry), request.signal);
    }
  };
