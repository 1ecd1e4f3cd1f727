import { createMemoryBus, type EventBus } from '@bazaar/kit';
import { busContract } from './contract.ts';
import { quietLog } from './support.ts';

busContract('memory bus', () => {
  const buses: EventBus[] = [];
  return Promise.resolve({
    bus: () => {
      const bus = createMemoryBus(quietLog());
      buses.push(bus);
      return Promise.resolve(bus);
    },
    cleanup: async () => {
      await Promise.all(buses.map((b) => b.close()));
    },
  });
});
