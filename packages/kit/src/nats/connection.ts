import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { Logger } from '../log.ts';

export interface NatsLink {
  nc: NatsConnection;
  jsm: JetStreamManager;
  /** False between a disconnect and the reconnect that follows it. */
  connected(): boolean;
}

const unreachable = (url: string, cause: unknown) =>
  new Error(
    `Cannot reach NATS at ${url}: start a NATS server with JetStream (nats-server -js) or set NATS_URL.`,
    { cause },
  );

/** Connects once (failing clearly), then reconnects forever: a NATS restart is an outage, not an exit. */
export const connectNats = async (url: string, name: string, log: Logger): Promise<NatsLink> => {
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: url,
      name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      timeout: 5_000,
    });
  } catch (error) {
    throw unreachable(url, error);
  }
  let jsm: JetStreamManager;
  try {
    jsm = await jetstreamManager(nc);
  } catch (error) {
    await nc.close().catch(() => undefined);
    throw unreachable(url, error);
  }
  let up = true;
  (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') {
        up = false;
        log.warn({ nats: url }, 'disconnected from NATS; reconnecting');
      } else if (status.type === 'reconnect') {
        up = true;
        log.info({ nats: url }, 'reconnected to NATS');
      }
    }
  })().catch(() => undefined);
  return { nc, jsm, connected: () => up && !nc.isClosed() };
};
