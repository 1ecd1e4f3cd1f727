import type { ServiceModule } from '@bazaar/kit';
import { createAccounts } from './accounts.ts';
import { accountsRoutes } from './api.ts';
import type { AccountsTables } from './store.ts';

export const accountsService: ServiceModule<AccountsTables> = {
  name: 'accounts',
  migrations: new URL('../migrations/', import.meta.url),
  create: ({ db, log }) => {
    const accounts = createAccounts(db);
    return {
      routes: accountsRoutes(accounts),
      start: async () => {
        const opened = await accounts.openMissingTestTenants();
        if (opened.length > 0) log.info({ tenants: opened }, 'opened test tenants for accounts without one');
      },
    };
  },
};
