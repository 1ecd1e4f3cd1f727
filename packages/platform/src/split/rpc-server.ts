import http2 from 'node:http2';
import type { DescService } from '@bufbuild/protobuf';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { Health, ServerReflection } from '@bazaar/contracts/grpc';
import {
  rpcMetricsInterceptor,
  serverInterceptor,
  tracingServerInterceptor,
  type Logger,
  type Routes,
} from '@bazaar/kit';
import { healthRoutes } from './health-service.ts';
import { reflectionRoutes } from './reflection-service.ts';
import { listen } from './listen.ts';

export interface RpcServer {
  port: number;
  /** Stops taking calls, lets those in flight finish (up to `graceMs`), then closes. */
  close(graceMs?: number): Promise<void>;
}

/**
 * A service's private API over HTTP/2 without TLS (the network inside a cluster): Connect, gRPC and
 * gRPC-Web from one handler, plus the standard gRPC health and reflection services.
 */
export const serveRpc = async (options: {
  routes: Routes;
  host: string;
  port: number;
  log: Logger;
  ready: () => Promise<boolean>;
}): Promise<RpcServer> => {
  const { routes, host, port, log, ready } = options;
  const handler = connectNodeAdapter({
    routes: (router) => {
      routes(router);
      const services = [...new Set<DescService>(router.handlers.map((h) => h.service))];
      healthRoutes(
        router,
        services.map((s) => s.typeName),
        ready,
      );
      reflectionRoutes(router, [...services, Health, ServerReflection]);
    },
    interceptors: [rpcMetricsInterceptor, tracingServerInterceptor, serverInterceptor(log)],
  });
  const server = http2.createServer(handler);
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  const boundPort = await listen(server, port, host);
  return {
    port: boundPort,
    close: async (graceMs = 10_000) => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // GOAWAY: clients open no new streams here and move to another replica; open streams finish.
      for (const session of sessions) session.close();
      const cutoff = setTimeout(() => {
        for (const session of sessions) session.destroy();
      }, graceMs);
      await closed;
      clearTimeout(cutoff);
    },
  };
};
