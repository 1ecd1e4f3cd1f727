import net from 'node:net';
import { listen } from './listen.ts';

export interface FrontDoor {
  port: number;
  close(): Promise<void>;
}

/**
 * The public port of a local split platform: each incoming connection goes to the next gateway replica
 * that accepts it, so replicas share the load and a dead one is skipped. (On Kubernetes, the Service or
 * the Ingress does this.)
 */
export const openFrontDoor = async (
  host: string,
  port: number,
  backends: () => readonly number[],
): Promise<FrontDoor> => {
  let next = 0;
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const connect = (client: net.Socket, tried: number) => {
    const ports = backends();
    if (tried >= ports.length) {
      client.destroy();
      return;
    }
    const target = ports[next++ % ports.length]!;
    const upstream = net.connect({ host: '127.0.0.1', port: target });
    track(upstream);
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      upstream.setNoDelay(true);
      client.pipe(upstream).pipe(client);
      client.resume();
      client.on('error', () => upstream.destroy());
      client.once('close', () => upstream.destroy());
      upstream.once('close', () => client.destroy());
    });
    // A replica that refuses the connection is skipped; one that fails later takes its connection down.
    upstream.on('error', () => (connected ? client.destroy() : connect(client, tried + 1)));
  };
  const server = net.createServer({ pauseOnConnect: true }, (client) => {
    track(client);
    client.setNoDelay(true);
    connect(client, 0);
  });
  const boundPort = await listen(server, port, host);
  return {
    port: boundPort,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
};
