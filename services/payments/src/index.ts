import type { Clients } from '@bazaar/contracts/clients';
import type { RunningService, ServiceDeps, ServiceModule } from '@bazaar/kit';
import { paymentsRoutes } from './api.ts';
import { createIntents } from './intents.ts';
import type { PaymentProvider } from './providers/provider.ts';
import { createTestProvider } from './providers/test-provider.ts';
import type { PaymentsTables } from './store.ts';

export type { PaymentsEvents } from './events.ts';
export type { PaymentProvider } from './providers/provider.ts';
export { TEST_CARDS } from './providers/test-provider.ts';

export interface PaymentsDeps extends ServiceDeps<PaymentsTables, Clients> {
  /** Who moves the money; the built-in `test` provider by default. */
  provider?: PaymentProvider;
  /** How long one provider call may take before the service stops waiting. */
  providerDeadlineMs?: number;
}

export const DEFAULT_PROVIDER_DEADLINE_MS = 5_000;

const create = ({
  db,
  provider = createTestProvider(),
  providerDeadlineMs = DEFAULT_PROVIDER_DEADLINE_MS,
}: PaymentsDeps): RunningService => ({
  routes: paymentsRoutes(createIntents(db, { provider, deadlineMs: providerDeadlineMs })),
});

export const paymentsService: ServiceModule<PaymentsTables, Clients> & { create: typeof create } = {
  name: 'payments',
  migrations: new URL('../migrations/', import.meta.url),
  create,
};
