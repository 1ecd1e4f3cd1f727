import { gcra, type Decision, type Limit } from './gcra.ts';

const SWEEP_AT = 100_000;

/** Limits kept in this process: all-in-one, or a single gateway. */
export const createMemoryStore = () => {
  const tats = new Map<string, number>();
  return {
    take: (key: string, limit: Limit): Decision => {
      const now = performance.now();
      if (tats.size >= SWEEP_AT) {
        // A TAT in the past is the same as none: the key has its whole burst again.
        for (const [k, tat] of tats) if (tat <= now) tats.delete(k);
      }
      const step = gcra(limit, tats.get(key), now);
      tats.set(key, step.tat);
      return step.decision;
    },
  };
};
