import type { components } from './generated/openapi.ts';

/** An RFC 9457 problem document, as every Bazaar error is answered. */
export type Problem = components['schemas']['Problem'] & Record<string, unknown>;
export type FieldError = NonNullable<Problem['errors']>[number];

/**
 * What the API refused, or why it could not be reached. `code` is the API's stable code
 * (`invalid_amount`, `product_not_found`, `rate_limited`, …); the subclass says which family it is in.
 */
export class BazaarError extends Error {
  override name = 'BazaarError';
  /** The HTTP status; 0 when no answer came (see ConnectionError). */
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  /** Every offending field, for validation errors. */
  readonly errors: FieldError[];
  /** The problem document as the API sent it. */
  readonly problem: Problem | undefined;
  readonly requestId: string | undefined;
  readonly headers: Headers | undefined;

  constructor(
    status: number,
    problem: Problem | undefined,
    fallback: { code: string; detail: string },
    headers?: Headers,
    options?: ErrorOptions,
  ) {
    super(problem?.detail ?? fallback.detail, options);
    this.status = status;
    this.problem = problem;
    this.code = problem?.code ?? fallback.code;
    this.detail = problem?.detail ?? fallback.detail;
    this.errors = problem?.errors ?? [];
    this.requestId = problem?.request_id ?? headers?.get('x-request-id') ?? undefined;
    this.headers = headers;
  }
}

/** 400, 413, 415, 422: the request is malformed or fails validation; nothing was changed. */
export class InvalidRequestError extends BazaarError {
  override name = 'InvalidRequestError';
}
/** 401: the key is missing, unknown, expired or revoked. */
export class AuthenticationError extends BazaarError {
  override name = 'AuthenticationError';
}
/** 402: a payment failed; `detail` can be shown to the customer. */
export class PaymentError extends BazaarError {
  override name = 'PaymentError';
}
/** 403: the key may not do this (`insufficient_scope`, `publishable_key_read_only`, …). */
export class PermissionError extends BazaarError {
  override name = 'PermissionError';
}
/** 404: no such resource for this tenant. */
export class NotFoundError extends BazaarError {
  override name = 'NotFoundError';
}
/** 409: the request conflicts with the state of the resource. */
export class ConflictError extends BazaarError {
  override name = 'ConflictError';
}
/** 429: `rate_limited` or `quota_exceeded`, still so after the retries. */
export class RateLimitError extends BazaarError {
  override name = 'RateLimitError';
  /** Seconds the API asked to wait (`Retry-After`), when it said. */
  readonly retryAfter: number | undefined;
  constructor(...args: ConstructorParameters<typeof BazaarError>) {
    super(...args);
    this.retryAfter = retryAfterMs(args[3]?.get('retry-after') ?? null, Date.now()) / 1000 || undefined;
  }
}
/** 5xx: the API failed, still so after the retries. */
export class ServerError extends BazaarError {
  override name = 'ServerError';
}
/** No answer came (network error, connection refused), still so after the retries. */
export class ConnectionError extends BazaarError {
  override name = 'ConnectionError';
  constructor(cause: unknown) {
    super(
      0,
      undefined,
      {
        code: 'connection_error',
        detail: `Could not reach the Bazaar API: ${cause instanceof Error ? cause.message : String(cause)}`,
      },
      undefined,
      { cause },
    );
  }
}

/** Milliseconds a `Retry-After` value (seconds or an HTTP date) asks to wait; 0 when absent or unreadable. */
export const retryAfterMs = (value: string | null, now: number): number => {
  if (!value) return 0;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? 0 : Math.max(0, date - now);
};

const isProblem = (body: unknown): body is Problem =>
  typeof body === 'object' && body !== null && typeof (body as Problem).code === 'string';

const classFor = (status: number): typeof BazaarError => {
  if (status === 401) return AuthenticationError;
  if (status === 402) return PaymentError;
  if (status === 403) return PermissionError;
  if (status === 404) return NotFoundError;
  if (status === 409) return ConflictError;
  if (status === 429) return RateLimitError;
  if (status >= 500) return ServerError;
  return InvalidRequestError;
};

/** The error for a response that is not a success; `body` is its parsed body, if any. */
export const errorFromResponse = (response: Response, body: unknown): BazaarError => {
  const Class = classFor(response.status);
  return new Class(
    response.status,
    isProblem(body) ? body : undefined,
    {
      code: `http_${response.status}`,
      detail: `The API answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}.`,
    },
    response.headers,
  );
};
