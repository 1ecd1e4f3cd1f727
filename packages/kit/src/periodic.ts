import type { Logger } from './log.ts';

export interface PeriodicTask {
  start: () => void;
  /** Stops scheduling and waits for the pass that is running. */
  stop: () => Promise<void>;
}

/**
 * Background work a service repeats (sweeping expired rows, resuming sagas): `pass` runs every
 * `everyMs`, and again at once while it fills its batch. Passes never overlap; a failed pass is
 * logged and retried on the next tick.
 */
export const periodic = (
  name: string,
  pass: () => Promise<number>,
  { batch, everyMs, firstAfterMs = everyMs }: { batch: number; everyMs: number; firstAfterMs?: number },
  log: Logger,
): PeriodicTask => {
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();

  const tick = () => {
    current = pass()
      .catch((error: unknown) => {
        log.warn({ err: error, task: name }, `${name} failed; will retry`);
        return 0;
      })
      .then((done) => {
        if (running) timer = setTimeout(tick, done >= batch ? 0 : everyMs);
      });
  };

  return {
    start: () => {
      running = true;
      timer = setTimeout(tick, firstAfterMs);
    },
    stop: async () => {
      running = false;
      clearTimeout(timer);
      await current;
    },
  };
};
