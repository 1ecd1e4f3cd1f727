import { createServer } from 'node:net';

/**
 * Ports for the split topology's processes, chosen before they start. Not from `listen(0)`: that
 * hands out ports of the ephemeral range (32768–60999 on Linux), which outgoing connections also
 * take, so in the seconds before a service binds its port a connection of any process could hold it.
 * Ports below that range (and below macOS's, 49152–65535) are never handed out that way.
 */
const FIRST = 20_000;
const LAST = 32_000;

const canListen = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/** A picker of ports from [first, last) that are free now, never the same one twice. */
export const portPicker = (first = FIRST, last = LAST) => {
  const taken = new Set<number>();
  return async (): Promise<number> => {
    const span = last - first;
    const start = Math.floor(Math.random() * span);
    for (let i = 0; i < span; i++) {
      const port = first + ((start + i) % span);
      if (taken.has(port)) continue;
      taken.add(port);
      if (await canListen(port)) return port;
    }
    throw new Error(`No free port between ${first} and ${last}: free some, or run fewer platforms at once.`);
  };
};
