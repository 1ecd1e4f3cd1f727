import { createClients, type Clients } from '@bazaar/contracts/clients';
import { httpTransport, routedTransport, type Logger, type Transport } from '@bazaar/kit';
import type { SplitSettings } from './settings.ts';

/** `bazaar.catalog.v1.CatalogService` is served by the `catalog` service. */
const serviceOf = (typeName: string): string => typeName.split('.')[1] ?? typeName;

/** Clients of every private API over the network, each service's calls spread over its replicas. */
export const networkClients = (settings: SplitSettings, log: Logger): Clients => {
  const transports = new Map<string, Transport>();
  return createClients(
    routedTransport((typeName) => {
      const name = serviceOf(typeName);
      let transport = transports.get(name);
      if (!transport) {
        const urls = settings.serviceUrls[name as keyof SplitSettings['serviceUrls']];
        if (!urls) throw new Error(`No service serves ${typeName}.`);
        transport = httpTransport({
          urls,
          target: name,
          log,
          deadlineMs: settings.deadlineMs,
          readDeadlineMs: settings.readDeadlineMs,
        });
        transports.set(name, transport);
      }
      return transport;
    }),
  );
};
