import type { Logger } from '@bazaar/kit';

/**
 * Runs `pass` every `everyMs`, and again at once while a pass fills its batch. Passes never overlap;
 * `stop` waits for the one running.
 */
export const createSweeper = (pass: () => Promise<number>, batch: number, everyMs: number, log: Logger) => {
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();

  const tick = () => {
    current = pass()
      .catch((error: unknown) => {
        log.warn({ err: error }, 'event retention sweep failed; will retry');
        return 0;
      })
      .then((done) => {
        if (running) timer = setTimeout(tick, done >= batch ? 0 : everyMs);
      });
  };

  return {
    start: () => {
      running = true;
      timer = setTimeout(tick, 0);
    },
    stop: async () => {
      running = false;
      clearTimeout(timer);
      await current;
    },
  };
};
