import type { ServiceModule } from '@bazaar/kit';
import { createAccounts } from './accounts.ts';
import { accountsRoutes } from './api.ts';
import type { AccountsTables } from './store.ts';

export const accountsService: ServiceModule<AccountsTables> = {
  name: 'accounts',
  migrations: new URL('../migrations/', import.meta.url),
  create: ({ db }) => ({ routes: accountsRoutes(createAccounts(db)) }),
};
