import { Code, ConnectError, type Transport } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import type { DescMethod } from '@bufbuild/protobuf';
import { MethodOptions_IdempotencyLevel } from '@bufbuild/protobuf/wkt';
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  circuitBreaker,
  handleWhen,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import { currentContext } from './context.ts';
import { clientInterceptor, ERROR_HEADER } from './rpc.ts';
import type { Logger } from './log.ts';
import { tracingClientInterceptor } from './tracing.ts';

export interface HttpTransportOptions {
  /** The service's replicas: each a base URL such as http://127.0.0.1:7101. */
  urls: readonly string[];
  /** The service's name, for errors and logs. */
  target: string;
  log: Logger;
  /** Deadline of calls that change something (they may wait on a payment provider). */
  deadlineMs?: number;
  /** Deadline of calls that only read: short, so a hung service degrades reads quickly. */
  readDeadlineMs?: number;
  /** Consecutive transport failures that open an endpoint's circuit. */
  breakAfter?: number;
  /** How long an open circuit waits before it lets one call through to test the endpoint. */
  halfOpenAfterMs?: number;
}

interface Endpoint {
  url: string;
  transport: Transport;
  breaker: CircuitBreakerPolicy;
}

/**
 * A failure of the call itself (connection refused or reset, deadline, an endpoint that answers
 * nothing useful), as opposed to an answer from the service: answers carry our error header and never
 * count against an endpoint, even when they say that a service further along is unavailable.
 */
const isTransportFailure = (error: unknown): boolean =>
  error instanceof BrokenCircuitError ||
  (error instanceof ConnectError &&
    !error.metadata.has(ERROR_HEADER) &&
    [
      Code.Unavailable,
      Code.DeadlineExceeded,
      Code.Unknown,
      Code.Internal,
      Code.Aborted,
      // A stream reset by a peer that died mid-call.
      Code.Canceled,
    ].includes(error.code)) ||
  // A socket or HTTP/2 session failure that did not become a ConnectError.
  (error instanceof Error &&
    !(error instanceof ConnectError) &&
    /^(E[A-Z]+|ERR_[A-Z0-9_]+)$/.test(String((error as NodeJS.ErrnoException).code)));

/** The request never left: safe to send again even when it changes something. */
const neverSent = (error: unknown): boolean => {
  if (error instanceof BrokenCircuitError) return true;
  if (!(error instanceof ConnectError)) return false;
  const text = `${error.rawMessage} ${String((error.cause as Error | undefined)?.message ?? '')}`;
  return /ECONNREFUSED|EHOSTUNREACH|ENOTFOUND/.test(text);
};

const isRead = (method: DescMethod) => method.idempotency === MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS;

/**
 * A call's deadline: its own, but never past the deadline of the call being served (less a margin to
 * answer in), so a caller hears this service's own error instead of its own timeout.
 */
const budget = (ownMs: number): number => {
  const deadline = currentContext()?.deadline;
  if (deadline === undefined) return ownMs;
  return Math.max(1, Math.min(ownMs, deadline - Date.now() - DEADLINE_MARGIN_MS));
};

const DEADLINE_MARGIN_MS = 500;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls one service over HTTP/2 with the Connect protocol, spread round-robin over its replicas. Every
 * call has a deadline; each replica has a circuit breaker, so a dead one is skipped at once instead of
 * costing every caller a timeout; a failed read is retried, with jittered backoff, on the other
 * replicas, and any call is sent once more when it provably never reached one. When no replica can answer, the call fails with
 * `Unavailable`, which callers turn into a 503 with Retry-After.
 */
export const httpTransport = (options: HttpTransportOptions): Transport => {
  const {
    urls,
    target,
    log,
    deadlineMs = 15_000,
    readDeadlineMs = 3_000,
    breakAfter = 3,
    halfOpenAfterMs = 1_000,
  } = options;
  if (urls.length === 0) throw new Error(`No address for the ${target} service.`);
  const endpoints: Endpoint[] = urls.map((url) => {
    const breaker = circuitBreaker(handleWhen(isTransportFailure), {
      halfOpenAfter: new ExponentialBackoff({ initialDelay: halfOpenAfterMs, maxDelay: 5_000 }),
      breaker: new ConsecutiveBreaker(breakAfter),
    });
    breaker.onBreak(() => log.warn({ target, url }, 'circuit opened: replica is failing'));
    breaker.onReset(() => log.info({ target, url }, 'circuit closed: replica answers again'));
    return {
      url,
      breaker,
      transport: createConnectTransport({
        baseUrl: url,
        httpVersion: '2',
        useBinaryFormat: true,
        interceptors: [tracingClientInterceptor, clientInterceptor],
      }),
    };
  });
  let next = 0;
  // Round-robin over the replicas whose circuit lets calls through; when none does, the next one
  // refuses at once with BrokenCircuitError.
  const pick = (): Endpoint => {
    for (let i = 0; i < endpoints.length; i++) {
      const endpoint = endpoints[(next + i) % endpoints.length]!;
      if (endpoint.breaker.state !== CircuitState.Open) {
        next = (next + i + 1) % endpoints.length;
        return endpoint;
      }
    }
    return endpoints[next++ % endpoints.length]!;
  };
  const unavailable = (cause: unknown) =>
    new ConnectError(`The ${target} service is unavailable.`, Code.Unavailable, undefined, undefined, cause);

  return {
    unary: async (method, signal, timeoutMs, header, input, contextValues) => {
      const read = isRead(method);
      let last: unknown;
      for (let attempt = 0; attempt <= endpoints.length; attempt++) {
        if (attempt > 0) await sleep(Math.random() * 50 * 2 ** attempt);
        const endpoint = pick();
        try {
          return await endpoint.breaker.execute(() =>
            endpoint.transport.unary(
              method,
              signal,
              timeoutMs ?? budget(read ? readDeadlineMs : deadlineMs),
              header,
              input,
              contextValues,
            ),
          );
        } catch (error) {
          last = error;
          // A read that failed on one replica is tried on each of the others; a retry on the same one
          // would only spend the caller's time again. Anything that never left is sent once more.
          const retry =
            neverSent(error) || (read && isTransportFailure(error) && attempt + 1 < endpoints.length);
          if (!retry || signal?.aborted) break;
        }
      }
      // No answer from the service (only a broken connection or a deadline): the caller hears 503 and
      // may retry; a write it retries with the same idempotency key is applied once.
      if (last instanceof BrokenCircuitError || neverSent(last) || isTransportFailure(last)) {
        throw unavailable(last);
      }
      throw last;
    },
    stream: (method, signal, timeoutMs, header, input, contextValues) =>
      pick().transport.stream(method, signal, timeoutMs ?? deadlineMs, header, input, contextValues),
  };
};

/**
 * One transport for all private APIs: each call goes to the transport of the service that defines it,
 * so clients are created once, whatever the topology.
 */
export const routedTransport = (route: (serviceTypeName: string) => Transport): Transport => ({
  unary: (method, ...rest) => route(method.parent.typeName).unary(method, ...rest),
  stream: (method, ...rest) => route(method.parent.typeName).stream(method, ...rest),
});
