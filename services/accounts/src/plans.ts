import { invalid } from '@bazaar/kit';

export interface Plan {
  name: string;
  /** Requests per second, sustained, per key. */
  rate: number;
  /** Requests a key may make at once after a quiet spell. */
  burst: number;
  /** Requests per calendar month (UTC) for the whole account; null is unlimited. */
  monthlyQuota: number | null;
}

/** The built-in plans, smallest first. */
export const PLANS: readonly Plan[] = [
  { name: 'free', rate: 10, burst: 20, monthlyQuota: 100_000 },
  { name: 'growth', rate: 100, burst: 200, monthlyQuota: 10_000_000 },
  // The demo tenant runs here: the benchmarks drive it at tens of thousands of requests per second.
  { name: 'scale', rate: 50_000, burst: 100_000, monthlyQuota: null },
];

/** New accounts start here; the operator moves them with PATCH /v1/tenants/{id}. */
export const DEFAULT_PLAN = 'growth';

export const findPlan = (name: string): Plan => {
  const plan = PLANS.find((p) => p.name === name);
  if (!plan) {
    throw invalid(
      'plan',
      'unknown_plan',
      `There is no plan '${name}'. Plans are: ${PLANS.map((p) => p.name).join(', ')}.`,
    );
  }
  return plan;
};

/** A plan the tables name but this code no longer knows falls back to the smallest, never to none. */
export const planOrFree = (name: string): Plan => PLANS.find((p) => p.name === name) ?? PLANS[0]!;
