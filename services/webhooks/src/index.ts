import type { Clients } from '@bazaar/contracts/clients';
import {
  periodic,
  type EventEnvelope,
  type RunningService,
  type ServiceDeps,
  type ServiceModule,
} from '@bazaar/kit';
import { webhooksRoutes } from './api.ts';
import { createDeliveries } from './deliveries.ts';
import { createEndpoints } from './endpoints.ts';
import { CONSUMER, createEventLog, SWEEP_BATCH } from './event-log.ts';
import { send } from './sender.ts';
import { loadWebhookSettings, type WebhookSettings } from './settings.ts';
import type { WebhooksTables } from './store.ts';
import { createWorker, type WorkerOptions } from './worker.ts';

export type { WebhooksEvents } from './events.ts';
export { EVENT_TYPES } from './event-types.ts';

export interface WebhooksDeps extends ServiceDeps<WebhooksTables, Clients> {
  /** Read from the environment when not given. */
  settings?: WebhookSettings;
  worker?: WorkerOptions;
  /** How often events past the retention are looked for. */
  sweepEveryMs?: number;
}

const create = ({
  db,
  bus,
  log,
  settings = loadWebhookSettings(),
  worker: workerOptions,
  sweepEveryMs = 600_000,
}: WebhooksDeps): RunningService => {
  const worker = createWorker(db, settings, log, send, workerOptions);
  const eventLog = createEventLog(db, settings, worker.wake);
  const sweeper = periodic(
    'event retention sweep',
    () => eventLog.sweep(),
    { batch: SWEEP_BATCH, everyMs: sweepEveryMs, firstAfterMs: 0 },
    log,
  );
  const subscription = {
    consumer: CONSUMER,
    types: '*' as const,
    handle: (event: EventEnvelope) => eventLog.ingest(event),
    // For a bus that hands over a run of events at once (the memory bus, relaying an outbox batch):
    // one statement for all of them, rather than a transaction, and a commit to wait for, each.
    handleBatch: (events: readonly EventEnvelope[]) => eventLog.ingestMany(events),
  };
  bus.subscribe(subscription);
  return {
    routes: webhooksRoutes(
      createEndpoints(db, settings, worker.wake),
      createDeliveries(db, worker.wake),
      eventLog,
    ),
    start: () => {
      worker.start();
      sweeper.start();
      return Promise.resolve();
    },
    stop: async () => {
      await sweeper.stop();
      await worker.stop();
    },
  };
};

export const webhooksService: ServiceModule<WebhooksTables, Clients> & { create: typeof create } = {
  name: 'webhooks',
  migrations: new URL('../migrations/', import.meta.url),
  create,
};
