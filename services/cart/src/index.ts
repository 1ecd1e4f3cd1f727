import type { Clients } from '@bazaar/contracts/clients';
import type { ServiceModule } from '@bazaar/kit';
import { cartRoutes } from './api.ts';
import { createCarts } from './carts.ts';
import type { CartTables } from './store.ts';

export type { CartEvents } from './events.ts';

export const cartService: ServiceModule<CartTables, Clients> = {
  name: 'cart',
  migrations: new URL('../migrations/', import.meta.url),
  create: ({ db, clients }) => ({ routes: cartRoutes(createCarts(db, clients)) }),
};
