import { ConfigError, Settings } from '@bazaar/kit';

export interface WebhookSettings {
  /** Seconds to wait before each attempt: the first entry before the first attempt. */
  retrySchedule: number[];
  attemptTimeoutMs: number;
  /** An endpoint failing without a success for this long is disabled. */
  disableAfterSeconds: number;
  retentionDays: number;
  /** Allows plain http and loopback, private and link-local addresses: local development and tests. */
  allowPrivate: boolean;
}

const DEFAULT_SCHEDULE = [0, 5, 300, 1_800, 7_200, 18_000, 36_000, 36_000];

const schedule = (s: Settings, name: string): number[] => {
  const raw = s.string(name);
  if (raw === undefined) return DEFAULT_SCHEDULE;
  const values = raw.split(',').map((v) => Number(v.trim()));
  if (values.length === 0 || values.length > 50 || values.some((v) => !Number.isFinite(v) || v < 0)) {
    throw new ConfigError(name, `expected comma-separated seconds such as '0,5,300', got '${raw}'.`);
  }
  return values;
};

export const loadWebhookSettings = (
  env: Record<string, string | undefined> = process.env,
): WebhookSettings => {
  const s = new Settings(env);
  return {
    retrySchedule: schedule(s, 'WEBHOOKS_RETRY_SCHEDULE'),
    attemptTimeoutMs: s.int('WEBHOOKS_ATTEMPT_TIMEOUT_MS', 10_000, { min: 100, max: 120_000 }),
    disableAfterSeconds: s.int('WEBHOOKS_DISABLE_AFTER_SECONDS', 5 * 86_400, { min: 1, max: 365 * 86_400 }),
    retentionDays: s.int('WEBHOOKS_EVENT_RETENTION_DAYS', 30, { min: 1, max: 3_650 }),
    allowPrivate: s.bool('BAZAAR_WEBHOOKS_ALLOW_PRIVATE', false),
  };
};
