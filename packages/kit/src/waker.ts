/** A loop's pause that a signal ends early: it polls as a safety net, but is told when there is work. */
export interface Waker {
  /** Waits `ms`, or until woken; returns at once if woken since the last pause. */
  sleep(ms: number): Promise<void>;
  /** Ends the current pause, or the next one if the loop is busy: a wake during work is not lost. */
  wake(): void;
}

export const createWaker = (): Waker => {
  let pending = false;
  let wakeUp: (() => void) | undefined;
  return {
    wake: () => {
      pending = true;
      wakeUp?.();
    },
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          wakeUp = undefined;
          pending = false;
          resolve();
        };
        const timer = setTimeout(done, pending ? 0 : ms);
        wakeUp = done;
      }),
  };
};
