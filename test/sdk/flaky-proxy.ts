import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Attempt {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  at: number;
}

/**
 * What the proxy does with a request: `forward` it, `answer` with a status (without forwarding),
 * `lose` the platform's answer (forward, then answer `status` instead), or `drop` the connection
 * after forwarding.
 */
export type Behaviour =
  | { kind: 'forward' }
  | { kind: 'answer'; status: number; headers?: Record<string, string>; body?: unknown }
  | { kind: 'lose'; status: number }
  | { kind: 'drop' };

/**
 * A real HTTP hop in front of the platform that misbehaves on purpose, as a network or a load
 * balancer does: `plan(attempt, index)` decides per request. It records every attempt.
 */
export const startFlakyProxy = async (
  target: string,
  plan: (attempt: Attempt, index: number) => Behaviour,
) => {
  const attempts: Attempt[] = [];
  const forward = async (request: IncomingMessage, body: Buffer) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name))
        headers.set(name, value);
    }
    return fetch(`${target}${request.url}`, {
      method: request.method,
      headers,
      body: body.length > 0 ? body : undefined,
    });
  };
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const attempt = { method: request.method!, path: request.url!, headers: request.headers, at: Date.now() };
    const behaviour = plan(attempt, attempts.length);
    attempts.push(attempt);
    if (behaviour.kind === 'answer') {
      response.writeHead(behaviour.status, {
        'content-type': 'application/problem+json',
        ...behaviour.headers,
      });
      response.end(JSON.stringify(behaviour.body ?? {}));
      return;
    }
    const answer = await forward(request, body);
    const text = await answer.text();
    if (behaviour.kind === 'drop') {
      response.socket?.destroy();
      return;
    }
    if (behaviour.kind === 'lose') {
      response.writeHead(behaviour.status, { 'content-type': 'text/html' });
      response.end('<h1>Bad gateway</h1>');
      return;
    }
    const headers: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (!['content-length', 'transfer-encoding', 'connection', 'keep-alive'].includes(name))
        headers[name] = value;
    });
    response.writeHead(answer.status, headers);
    response.end(text);
  };
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(599);
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    attempts,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
