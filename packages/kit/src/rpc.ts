import { randomUUID } from 'node:crypto';
import {
  Code,
  ConnectError,
  createClient,
  createContextValues,
  createHandlerContext,
  type Client,
  type ConnectRouter,
  type HandlerContext,
  type Interceptor,
  type Transport,
  type UnaryRequest,
  type UnaryResponse,
} from '@connectrpc/connect';
import {
  create,
  type DescMessage,
  type DescMethod,
  type DescService,
  type MessageInitShape,
} from '@bufbuild/protobuf';
import { currentContext, runInContext } from './context.ts';
import { AppError, type AppErrorJson } from './errors.ts';
import type { Logger } from './log.ts';
import { tracingClientInterceptor, tracingServerInterceptor } from './tracing.ts';

export const ERROR_HEADER = 'bazaar-error';
const REQUEST_ID_HEADER = 'x-request-id';

const codeForStatus = (status: number): Code => {
  switch (status) {
    case 400:
      return Code.InvalidArgument;
    case 401:
      return Code.Unauthenticated;
    case 403:
      return Code.PermissionDenied;
    case 404:
      return Code.NotFound;
    case 409:
      return Code.AlreadyExists;
    case 422:
      return Code.FailedPrecondition;
    case 429:
      return Code.ResourceExhausted;
    case 503:
      return Code.Unavailable;
    default:
      return Code.Internal;
  }
};

/** Carries an AppError across a private API call, code, status and field errors intact. */
export const toConnectError = (error: AppError): ConnectError => {
  const metadata = new Headers();
  metadata.set(ERROR_HEADER, Buffer.from(JSON.stringify(error.toJSON())).toString('base64url'));
  return new ConnectError(error.message, codeForStatus(error.status), metadata);
};

export const fromConnectError = (error: ConnectError): AppError => {
  const encoded = error.metadata.get(ERROR_HEADER);
  if (encoded)
    return AppError.fromJSON(JSON.parse(Buffer.from(encoded, 'base64url').toString()) as AppErrorJson);
  if (error.code === Code.Unavailable || error.code === Code.DeadlineExceeded) {
    return new AppError(
      'service_unavailable',
      503,
      'A service this request needs is unavailable. Try again shortly.',
      [],
      { retry_after: 2 },
    );
  }
  return new AppError('internal', 500, 'Something went wrong on our side.');
};

/** The caller's deadline, from the Connect or gRPC timeout header, as a point in time. */
const deadlineOf = (header: Headers): number | undefined => {
  const connect = header.get('connect-timeout-ms');
  if (connect) return Date.now() + Number(connect);
  const grpc = /^(\d+)([HMSmun])$/.exec(header.get('grpc-timeout') ?? '');
  if (!grpc) return undefined;
  const unit = { H: 3_600_000, M: 60_000, S: 1_000, m: 1, u: 1e-3, n: 1e-6 }[grpc[2] as 'H'];
  return Date.now() + Number(grpc[1]) * unit;
};

/** Server side: restores the caller's request id and turns domain errors into RPC errors. */
export const serverInterceptor =
  (log: Logger): Interceptor =>
  (next) =>
  (request) =>
    runInContext(
      {
        requestId: request.header.get(REQUEST_ID_HEADER) ?? randomUUID(),
        deadline: deadlineOf(request.header),
      },
      async () => {
        try {
          return await next(request);
        } catch (error) {
          if (error instanceof AppError) throw toConnectError(error);
          if (error instanceof ConnectError) throw error;
          log.error({ err: error, procedure: request.method.name }, 'unexpected error in RPC handler');
          throw new ConnectError('internal error', Code.Internal);
        }
      },
    );

/** Client side: passes the request id on. */
export const clientInterceptor: Interceptor = (next) => (request) => {
  const context = currentContext();
  if (context) request.header.set(REQUEST_ID_HEADER, context.requestId);
  return next(request);
};

export type Routes = (router: ConnectRouter) => void;

/**
 * A transport whose target is set later: services are built with clients of each other before the
 * router that serves them exists.
 */
export const deferredTransport = (): { transport: Transport; connect(target: Transport): void } => {
  let target: Transport | undefined;
  const current = () => {
    if (!target) throw new Error('RPC transport used before the services were connected');
    return target;
  };
  return {
    transport: {
      unary: (...args) => current().unary(...args),
      stream: (...args) => current().stream(...args),
    },
    connect: (t) => {
      target = t;
    },
  };
};

type Implementation = (message: unknown, context: HandlerContext) => unknown;
type Call = (request: UnaryRequest) => Promise<UnaryResponse>;

/** The service implementations `routes` registers, by method. */
const implementationsOf = (routes: Routes): Map<DescMethod, Implementation> => {
  const found = new Map<DescMethod, Implementation>();
  const collector = {
    handlers: [],
    service(service: DescService, implementation: Record<string, Implementation | undefined>) {
      for (const method of service.methods) {
        const implement = implementation[method.localName];
        if (implement) found.set(method, implement.bind(implementation));
      }
      return collector;
    },
    rpc(method: DescMethod, implement: Implementation) {
      found.set(method, implement);
      return collector;
    },
  };
  routes(collector as unknown as ConnectRouter);
  return found;
};

/**
 * All-in-one: a call runs the callee's implementation in this process, through the same interceptors
 * as over the network (request id, deadline, tracing, errors carried as RPC errors), but without
 * encoding messages or framing them in a protocol: in one process that was most of a call's cost.
 * Messages are built with their schemas on both sides, as decoding would build them.
 */
export const inMemoryTransport = (routes: Routes, log: Logger): Transport => {
  const implementations = implementationsOf(routes);
  const interceptors = [
    tracingClientInterceptor,
    clientInterceptor,
    tracingServerInterceptor,
    serverInterceptor(log),
  ];
  const handle: Call = async (request) => {
    const implement = implementations.get(request.method);
    if (!implement) throw new ConnectError(`${request.method.name} is not implemented`, Code.Unimplemented);
    const context = createHandlerContext({
      service: request.service,
      method: request.method,
      protocolName: 'in-memory',
      requestMethod: request.requestMethod,
      url: request.url,
      requestSignal: request.signal,
      timeoutMs: Number(request.header.get('connect-timeout-ms') ?? '') || undefined,
      requestHeader: request.header,
      contextValues: request.contextValues,
    });
    const output = await implement(request.message, context);
    return {
      stream: false,
      service: request.service,
      method: request.method,
      header: context.responseHeader,
      message: create(request.method.output, output as MessageInitShape<DescMessage>),
      trailer: context.responseTrailer,
    };
  };
  const call = interceptors.reduceRight<Call>(
    (next, interceptor) => interceptor(next as never) as unknown as Call,
    handle,
  );
  return {
    unary: (method, signal, timeoutMs, header, input, contextValues) => {
      const headers = new Headers(header as ConstructorParameters<typeof Headers>[0]);
      // As the Connect protocol carries it, so the callee's deadline is the caller's.
      if (timeoutMs !== undefined) headers.set('connect-timeout-ms', String(timeoutMs));
      return call({
        stream: false,
        service: method.parent,
        method,
        requestMethod: 'POST',
        url: `/${method.parent.typeName}/${method.name}`,
        signal: signal ?? new AbortController().signal,
        header: headers,
        contextValues: contextValues ?? createContextValues(),
        message: create(method.input, input),
      }) as never;
    },
    stream: () =>
      Promise.reject(new ConnectError('streaming calls are not used between services', Code.Unimplemented)),
  };
};

/**
 * A typed client whose calls reject with the callee's AppError (code, status and field errors intact),
 * so a caller handles a remote failure exactly like a local one.
 */
export const serviceClient = <S extends DescService>(service: S, transport: Transport): Client<S> => {
  const client = createClient(service, transport) as Record<string, (...args: unknown[]) => unknown>;
  const wrapped: Record<string, unknown> = {};
  for (const name of Object.keys(client)) {
    const call = client[name]!;
    wrapped[name] = (...args: unknown[]) =>
      (call(...args) as Promise<unknown>).catch((error: unknown) => {
        throw error instanceof ConnectError ? fromConnectError(error) : error;
      });
  }
  return wrapped as Client<S>;
};

export type { Client, ConnectRouter, Transport };
