/**
 * Fault injection for the checkout saga, used by tests that prove a crash at any step loses nothing:
 * `BAZAAR_FAULT_INJECTION=<step>:<before|after>[:kill|:throw]`, e.g. `capture:after:kill`. `kill` ends
 * the process at once (as a crash would); `throw` abandons the step in flight. Unset, it does nothing.
 */
export interface Faults {
  at(point: string): void;
}

export const noFaults: Faults = { at: () => undefined };

export const faultsFrom = (spec: string | undefined): Faults => {
  if (!spec) return noFaults;
  const parts = spec.split(':');
  const mode = parts.at(-1) === 'kill' || parts.at(-1) === 'throw' ? parts.pop() : 'kill';
  const target = parts.join(':');
  return {
    at: (point) => {
      if (point !== target) return;
      if (mode === 'kill') process.kill(process.pid, 'SIGKILL');
      throw new Error(`fault injected at ${point}`);
    },
  };
};
