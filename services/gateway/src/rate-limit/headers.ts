import type { Decision, Limit } from './gcra.ts';

/**
 * The fields of draft-ietf-httpapi-ratelimit-headers-11 (structured-field lists): the policy names
 * the burst as the quota `q` over the window `w` in which the sustained rate refills it, and the
 * current limit gives the requests `r` available now and the seconds `t` until the whole burst is.
 */
export const POLICY = 'default';

export const policyField = ({ rate, burst }: Limit): string =>
  `"${POLICY}";q=${burst};w=${Math.max(1, Math.ceil(burst / rate))}`;

const seconds = (ms: number): number => Math.max(0, Math.ceil(ms / 1000 - 1e-9));

/** Whole seconds to wait before retrying a refused request; at least one. */
export const retryAfterSeconds = (decision: Decision): number => Math.max(1, seconds(decision.retryAfterMs));

export const limitField = (decision: Decision): string =>
  decision.allowed
    ? `"${POLICY}";r=${decision.remaining};t=${seconds(decision.resetMs)}`
    : `"${POLICY}";r=0;t=${retryAfterSeconds(decision)}`;
