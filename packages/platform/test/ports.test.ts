import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { portPicker } from '../src/split/ports.ts';

describe('the ports split chooses for its processes', () => {
  it('are free, below the ephemeral range that outgoing connections use, and never chosen twice', async () => {
    const pick = portPicker();
    const ports: number[] = [];
    for (let i = 0; i < 20; i++) ports.push(await pick());
    expect(new Set(ports).size).toBe(20);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(20_000);
      expect(port).toBeLessThan(32_000);
    }
    // Each can be listened on.
    for (const port of ports.slice(0, 3)) {
      await new Promise<void>((resolve, reject) => {
        const server = createServer().once('error', reject);
        server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
      });
    }
  });

  it('passes over a port something already listens on, and says so when none is left', async () => {
    const first = await portPicker()();
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(first + 1, '127.0.0.1', () => resolve()));
    try {
      const pick = portPicker(first, first + 3);
      const picked = [await pick(), await pick()].sort((a, b) => a - b);
      expect(picked).toEqual([first, first + 2]);
      await expect(pick()).rejects.toThrow(`No free port between ${first} and ${first + 3}`);
    } finally {
      holder.close();
    }
  });
});
