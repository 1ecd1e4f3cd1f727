import type { Clients } from '@bazaar/contracts/clients';
import { accountsService } from '@bazaar/accounts';
import { cartService } from '@bazaar/cart';
import { catalogService } from '@bazaar/catalog';
import { inventoryService } from '@bazaar/inventory';
import { ordersService } from '@bazaar/orders';
import { paymentsService } from '@bazaar/payments';
import { webhooksService } from '@bazaar/webhooks';
import { gatewayMigrations } from '@bazaar/gateway';
import type { ServiceModule } from '@bazaar/kit';

// Each service is typed by its own tables; the runtime handles them all alike.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyService = ServiceModule<any, Clients>;

/** Every service behind the gateway, in the order they start. */
export const SERVICES: AnyService[] = [
  accountsService,
  catalogService,
  inventoryService,
  paymentsService,
  cartService,
  ordersService,
  webhooksService,
];

/** Every database the platform owns and migrates: each service's, then the gateway's. */
export const DATABASES = [...SERVICES, { name: 'gateway' as const, migrations: gatewayMigrations }];
