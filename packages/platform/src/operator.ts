import type { AccountsService } from '@bazaar/contracts/accounts';
import type { Client } from '@bazaar/kit';
import { readCredentials, writeCredentials } from './credentials.ts';

/** The local operator key: made on the first start, kept in the data directory. */
export const ensureOperatorKey = async (
  accounts: Client<typeof AccountsService>,
  dataDir: string,
): Promise<{ value: string; created: boolean }> => {
  const credentials = await readCredentials(dataDir);
  if (credentials.operator_key) {
    const valid = await accounts.authenticate({ secret: credentials.operator_key }).then(
      (r) => r.principal === 'operator',
      () => false,
    );
    if (valid) return { value: credentials.operator_key, created: false };
  }
  const { value } = await accounts.createOperatorKey({ name: 'Local operator' });
  await writeCredentials(dataDir, { ...(await readCredentials(dataDir)), operator_key: value });
  return { value, created: true };
};
