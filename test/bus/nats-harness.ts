import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connectNatsBus, type EventBus, type NatsBusOptions } from '@bazaar/kit';
import type { BusHarness } from './contract.ts';
import { quietLog } from './support.ts';

export interface NatsHarness extends BusHarness {
  prefix: string;
  eventStream: string;
  deadStream: string;
  /** Management access to the broker, for looking at what the buses did. */
  admin: JetStreamManager;
  bus(options?: Partial<NatsBusOptions>): Promise<EventBus>;
}

/**
 * Buses on a prefix of their own, so runs on a shared NATS never meet; cleanup deletes only the two
 * streams of that prefix. Retries are quick so the tests wait little.
 */
export const natsHarness = async (url: string): Promise<NatsHarness> => {
  const prefix = `test${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const nc: NatsConnection = await connect({ servers: url });
  const admin = await jetstreamManager(nc);
  const buses: EventBus[] = [];
  const eventStream = `${prefix.toUpperCase()}_EVENTS`;
  const deadStream = `${prefix.toUpperCase()}_DEAD`;
  return {
    prefix,
    eventStream,
    deadStream,
    admin,
    bus: async (options = {}) => {
      const bus = await connectNatsBus({
        url,
        service: 'test',
        log: quietLog(),
        prefix,
        retryDelayMs: 20,
        maxRetryDelayMs: 200,
        ...options,
      });
      buses.push(bus);
      return bus;
    },
    cleanup: async () => {
      await Promise.all(buses.map((b) => b.close()));
      for (const stream of [eventStream, deadStream]) {
        await admin.streams.delete(stream).catch(() => undefined);
      }
      await nc.close();
    },
  };
};
