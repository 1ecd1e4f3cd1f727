export interface HealthCheck {
  name: string;
  check(): Promise<void>;
}

export interface HealthReport {
  status: 'ok' | 'unavailable';
  /** Each check's result: 'ok', or what went wrong. */
  checks: Record<string, string>;
}

const TIMEOUT_MS = 2_000;

const withTimeout = (work: Promise<void>): Promise<void> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
    work.then(resolve, reject).finally(() => clearTimeout(timer));
  });

/** Readiness: every dependency answers. Each check is bounded so a hung one cannot hang the probe. */
export const checkHealth = async (checks: readonly HealthCheck[]): Promise<HealthReport> => {
  const results = await Promise.all(
    checks.map(async (health) => {
      const { name } = health;
      try {
        await withTimeout(health.check());
        return [name, 'ok'] as const;
      } catch (error) {
        return [name, (error as Error).message || 'failed'] as const;
      }
    }),
  );
  return {
    status: results.every(([, r]) => r === 'ok') ? 'ok' : 'unavailable',
    checks: Object.fromEntries(results),
  };
};
