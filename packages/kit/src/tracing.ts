import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';
import { Code, ConnectError, type Interceptor } from '@connectrpc/connect';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
  ATTR_URL_PATH,
  ATTR_URL_QUERY,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';
import type { EventEnvelope, EventTrace } from './events.ts';

// A proxy: it follows whichever tracer provider is registered. Until startTracing registers one, the
// helpers below skip the API altogether, so untraced processes pay nothing.
const tracer = trace.getTracer('@bazaar/kit');

export interface Tracing {
  /** Whether spans are exported (an OTLP endpoint is configured and the SDK is not disabled). */
  enabled: boolean;
  /** Exports the spans ended so far. */
  flush(): Promise<void>;
  /** Exports what is left and unregisters the provider. */
  shutdown(): Promise<void>;
}

const NO_TRACING: Tracing = { enabled: false, flush: async () => {}, shutdown: async () => {} };
let started = false;
const SHUTDOWN_GRACE_MS = 5_000;

/**
 * Exports this process's spans over OTLP/HTTP when `OTEL_EXPORTER_OTLP_ENDPOINT` (or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set and `OTEL_SDK_DISABLED` is not true; otherwise every span
 * is the API's no-op one (also with `OTEL_TRACES_EXPORTER=none`). The standard `OTEL_*` variables apply: `OTEL_SERVICE_NAME` and
 * `OTEL_RESOURCE_ATTRIBUTES` over the name given here, `OTEL_TRACES_SAMPLER(_ARG)`, `OTEL_BSP_*`,
 * `OTEL_EXPORTER_OTLP_(TRACES_)HEADERS`/`TIMEOUT`. Context travels as W3C trace context (and baggage).
 */
export const startTracing = async (options: {
  serviceName: string;
  serviceVersion?: string;
}): Promise<Tracing> => {
  const env = process.env;
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const disabled =
    env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true' || env.OTEL_TRACES_EXPORTER?.trim() === 'none';
  if (!endpoint || disabled) return NO_TRACING;
  // One provider per process: the API keeps the first one registered.
  if (started) return NO_TRACING;
  started = true;
  // The SDK is loaded only when spans are exported: about 0.15 s of every start otherwise.
  const sdk = await Promise.all([
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/sdk-trace-node'),
  ]).catch((error: unknown) => {
    started = false;
    throw error;
  });
  const [exporter, resources, base, node] = sdk;
  const { defaultResource, detectResources, envDetector, resourceFromAttributes } = resources;
  const resource = defaultResource()
    .merge(
      resourceFromAttributes({
        [ATTR_SERVICE_NAME]: options.serviceName,
        'service.namespace': 'bazaar',
        ...(options.serviceVersion ? { [ATTR_SERVICE_VERSION]: options.serviceVersion } : {}),
      }),
    )
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new node.NodeTracerProvider({
    resource,
    spanProcessors: [new base.BatchSpanProcessor(new exporter.OTLPTraceExporter())],
  });
  // Also registers the AsyncLocalStorage context manager and the W3C propagators.
  provider.register();
  return {
    enabled: true,
    flush: () => provider.forceFlush(),
    shutdown: async () => {
      // An unreachable collector must not hold up a stopping process for long.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        provider.shutdown().catch(() => undefined),
        new Promise((resolve) => {
          timer = setTimeout(resolve, SHUTDOWN_GRACE_MS);
        }),
      ]);
      clearTimeout(timer);
      trace.disable();
      context.disable();
      propagation.disable();
      started = false;
    },
  };
};

const headerGetter: TextMapGetter<Headers> = {
  keys: (carrier) => [...carrier.keys()],
  get: (carrier, key) => carrier.get(key) ?? undefined,
};
const headerSetter: TextMapSetter<Headers> = { set: (carrier, key, value) => carrier.set(key, value) };

const failed = (span: Span, error: unknown) => {
  if (error instanceof Error) span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : undefined });
};

// gRPC's convention: a server span fails on codes that mean the server failed, not on a refused request.
const SERVER_FAULTS = new Set([
  Code.Unknown,
  Code.DeadlineExceeded,
  Code.Unimplemented,
  Code.Internal,
  Code.Unavailable,
  Code.DataLoss,
]);

const rpcSpan = (kind: SpanKind, client: boolean): Interceptor => {
  return (next) => (request) => {
    if (!started || request.stream) return next(request);
    const service = request.service.typeName;
    const method = request.method.name;
    const attributes: Attributes = {
      'rpc.system': 'connect_rpc',
      'rpc.service': service,
      'rpc.method': method,
    };
    const parent = client
      ? context.active()
      : propagation.extract(ROOT_CONTEXT, request.header, headerGetter);
    return tracer.startActiveSpan(`${service}/${method}`, { kind, attributes }, parent, async (span) => {
      if (client) propagation.inject(context.active(), request.header, headerSetter);
      try {
        return await next(request);
      } catch (error) {
        const code = ConnectError.from(error).code;
        span.setAttribute(
          'rpc.connect_rpc.error_code',
          Code[code].replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase(),
        );
        if (client || SERVER_FAULTS.has(code)) failed(span, error);
        throw error;
      } finally {
        span.end();
      }
    });
  };
};

/** Client side: a client span around each private API call, its context sent as W3C headers. */
export const tracingClientInterceptor: Interceptor = rpcSpan(SpanKind.CLIENT, true);

/** Server side: a server span around each call handled, continuing the caller's trace. */
export const tracingServerInterceptor: Interceptor = rpcSpan(SpanKind.SERVER, false);

/** One public HTTP request's server span. */
export interface RequestTrace {
  /** Runs `fn` with the request's span current, so what it calls joins the trace. */
  run<T>(fn: () => T): T;
  end(status: number): void;
}

const UNTRACED_REQUEST: RequestTrace = { run: (fn) => fn(), end: () => {} };

/**
 * Starts the server span of a public request, continuing the caller's `traceparent` if it sent one.
 * `route` is the route's pattern (`/v1/products/:id`), undefined when no route matched.
 */
export const traceHttpRequest = (request: {
  method: string;
  route: string | undefined;
  url: string;
  scheme: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
}): RequestTrace => {
  if (!started) return UNTRACED_REQUEST;
  const parent = propagation.extract(ROOT_CONTEXT, request.headers);
  const [path, query] = request.url.split('?', 2);
  const userAgent = request.headers['user-agent'];
  const span = tracer.startSpan(
    request.route ? `${request.method} ${request.route}` : request.method,
    {
      kind: SpanKind.SERVER,
      attributes: {
        [ATTR_HTTP_REQUEST_METHOD]: request.method,
        [ATTR_URL_PATH]: path,
        [ATTR_URL_SCHEME]: request.scheme,
        ...(query ? { [ATTR_URL_QUERY]: query } : {}),
        ...(request.route ? { [ATTR_HTTP_ROUTE]: request.route } : {}),
        ...(typeof userAgent === 'string' ? { [ATTR_USER_AGENT_ORIGINAL]: userAgent } : {}),
      },
    },
    parent,
  );
  const active = trace.setSpan(parent, span);
  let ended = false;
  return {
    run: (fn) => context.with(active, fn),
    end: (status) => {
      if (ended) return;
      ended = true;
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    },
  };
};

/**
 * The trace context current now, to store with the events a change records: their consumers' spans
 * then join the trace of the request that caused them. Undefined outside a span.
 */
export const currentEventTrace = (): EventTrace | undefined => {
  if (!started || !trace.getSpanContext(context.active())) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent
    ? { traceparent: carrier.traceparent, ...(carrier.tracestate ? { tracestate: carrier.tracestate } : {}) }
    : undefined;
};

const contextOf = (headers: Readonly<Record<string, string>> | undefined, event: EventEnvelope): Context => {
  const carrier: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers ?? {})) carrier[key.toLowerCase()] = value;
  const from = carrier.traceparent ? carrier : event.trace;
  return from ? propagation.extract(ROOT_CONTEXT, from) : ROOT_CONTEXT;
};

const messagingAttributes = (event: EventEnvelope, system: string, destination: string): Attributes => ({
  'messaging.system': system,
  'messaging.destination.name': destination,
  'messaging.message.id': event.id,
  'bazaar.event.type': event.type,
  'bazaar.event.source': event.source,
  ...(event.tenant_id ? { 'bazaar.tenant_id': event.tenant_id } : {}),
});

/**
 * Publishes one event in a producer span that continues the event's trace; `send` gets the headers to
 * publish with (the span's W3C context, or the event's own when tracing is off here).
 */
export const publishInSpan = <T>(
  event: EventEnvelope,
  bus: { system: string; destination: string; headers?: Readonly<Record<string, string>> },
  send: (headers: Record<string, string>) => Promise<T>,
): Promise<T> => {
  const headers: Record<string, string> = { ...bus.headers };
  if (!event.trace) return send(headers);
  const { traceparent, tracestate } = event.trace;
  // Untraced here, the event still passes its trace on to consumers that are traced.
  if (!started) return send({ ...headers, traceparent, ...(tracestate ? { tracestate } : {}) });
  const parent = propagation.extract(ROOT_CONTEXT, event.trace);
  return tracer.startActiveSpan(
    `send ${bus.destination}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        ...messagingAttributes(event, bus.system, bus.destination),
        'messaging.operation.type': 'send',
        'messaging.operation.name': 'send',
      },
    },
    parent,
    async (span) => {
      propagation.inject(context.active(), headers);
      if (!headers.traceparent) {
        headers.traceparent = traceparent;
        if (tracestate) headers.tracestate = tracestate;
      }
      try {
        return await send(headers);
      } catch (error) {
        failed(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
  );
};

/**
 * Runs a consumer's handler in a consumer span, a child of the context the event was published in
 * (its headers' `traceparent`, else the one stored with the event), so one trace covers a request and
 * every effect its events have.
 */
export const consumeInSpan = <T>(
  event: EventEnvelope,
  delivery: {
    system: string;
    consumer: string;
    destination?: string;
    headers?: Readonly<Record<string, string>>;
    attempt?: number;
  },
  handle: () => Promise<T>,
): Promise<T> => {
  if (!started) return handle();
  const parent = contextOf(delivery.headers, event);
  const destination = delivery.destination ?? event.type;
  return tracer.startActiveSpan(
    `process ${destination}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        ...messagingAttributes(event, delivery.system, destination),
        'messaging.operation.type': 'process',
        'messaging.operation.name': 'process',
        'messaging.consumer.group.name': delivery.consumer,
        ...(delivery.attempt ? { 'bazaar.delivery.attempt': delivery.attempt } : {}),
      },
    },
    parent,
    async (span) => {
      try {
        return await handle();
      } catch (error) {
        failed(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
  );
};
