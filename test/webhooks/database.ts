import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import {
  createLogger,
  databaseUrl,
  ensureDatabase,
  migrate,
  newId,
  openDatabase,
  type Database,
} from '@bazaar/kit';
import { webhooksService } from '../../services/webhooks/src/index.ts';
import type { WebhooksTables } from '../../services/webhooks/src/store.ts';

/** The webhooks service's database on its own, migrated, named after `name`. */
export const webhooksDatabase = async (name: string): Promise<Database<WebhooksTables>> => {
  const url = databaseUrl(inject('postgresUrl'), `t${randomBytes(4).toString('hex')}_webhooks_${name}`);
  await ensureDatabase(url);
  const db = openDatabase<WebhooksTables>({ url });
  await migrate(db.pool, webhooksService, createLogger({ level: 'silent' }));
  return db;
};

/** An endpoint written straight to the database; answers its id. */
export const insertEndpoint = async (
  db: Database<WebhooksTables>,
  tenantId: string,
  { enabled = ['*'], status = 'enabled' }: { enabled?: string[]; status?: 'enabled' | 'disabled' } = {},
): Promise<string> => {
  const id = newId('we');
  await db.kysely
    .insertInto('endpoints')
    .values({
      id,
      tenant_id: tenantId,
      url: 'http://127.0.0.1:9/hook',
      description: '',
      enabled_events: enabled,
      status,
      disabled_reason: null,
      secret: 'whsec_c2VjcmV0',
      previous_secret: null,
      previous_secret_expires_at: null,
      failing_since: null,
    })
    .execute();
  return id;
};
