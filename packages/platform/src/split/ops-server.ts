import http from 'node:http';
import { checkHealth, metrics, type HealthCheck } from '@bazaar/kit';
import { listen } from './listen.ts';

export interface OpsServer {
  port: number;
  close(): Promise<void>;
}

/**
 * What the orchestrator and monitoring ask a service process, over plain HTTP/1.1 on its own port:
 * `/healthz` (alive), `/readyz` (its dependencies answer) and `/metrics` (Prometheus).
 */
export const serveOps = async (options: {
  host: string;
  port: number;
  service: string;
  readiness: readonly HealthCheck[];
}): Promise<OpsServer> => {
  const { host, port, service, readiness } = options;
  const send = (response: http.ServerResponse, status: number, type: string, body: string) => {
    response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
    response.end(body);
  };
  const server = http.createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const answer = async () => {
      if (path === '/healthz') {
        send(response, 200, 'application/json', JSON.stringify({ status: 'ok', service }));
      } else if (path === '/readyz') {
        const report = await checkHealth(readiness);
        send(
          response,
          report.status === 'ok' ? 200 : 503,
          'application/json',
          JSON.stringify({ ...report, service }),
        );
      } else if (path === '/metrics') {
        send(response, 200, metrics.contentType, await metrics.metrics());
      } else {
        send(response, 404, 'application/json', JSON.stringify({ error: 'not found' }));
      }
    };
    answer().catch((error: unknown) => send(response, 500, 'text/plain', String(error)));
  });
  const boundPort = await listen(server, port, host);
  return {
    port: boundPort,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
