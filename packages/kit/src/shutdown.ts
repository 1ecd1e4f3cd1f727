import type { Logger } from './log.ts';

/**
 * Stops cleanly on SIGINT or SIGTERM: `stop` stops accepting work, drains what is in flight and
 * flushes the outboxes. A second signal while stopping runs `force` (which must be synchronous:
 * signal child processes, say) and exits at once.
 */
export const stopOnSignals = (
  stop: () => Promise<void>,
  log: Logger,
  force: () => void = () => undefined,
): void => {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting without waiting');
      force();
      process.exit(130);
    }
    stopping = true;
    log.info({ signal }, 'stopping');
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
};
