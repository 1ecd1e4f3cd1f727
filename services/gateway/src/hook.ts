import type { HookHandlerDoneFunction } from 'fastify';

/**
 * Runs a hook's work and tells Fastify when it is done: at once when the work finished synchronously,
 * or when its promise settles. Every request passes through each hook, and an async hook costs a
 * promise and a turn of the event loop even when it has nothing to wait for, which most of ours
 * mostly do not (a cached key, a limit kept in memory, a request without an Idempotency-Key).
 */
export const runSendHook = <P>(
  work: () => P | Promise<P>,
  done: (error: Error | null, payload?: P) => void,
): void => {
  let result: P | Promise<P>;
  try {
    result = work();
  } catch (error) {
    done(error as Error);
    return;
  }
  if (result instanceof Promise)
    result.then(
      (payload) => done(null, payload),
      (error: unknown) => done(error as Error),
    );
  else done(null, result);
};

/** The same for the hooks that pass nothing on. */
export const runHook = (work: () => void | Promise<void>, done: HookHandlerDoneFunction): void =>
  runSendHook(work, (error) => (error ? done(error) : done()));
