import type { AddressInfo, Server } from 'node:net';

/** Starts `server` listening; resolves with its port, or rejects with why it could not (a port in use). */
export const listen = (server: Server, port: number, host: string): Promise<number> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
