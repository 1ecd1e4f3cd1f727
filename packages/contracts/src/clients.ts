import { serviceClient, type Client, type Transport } from '@bazaar/kit';
import { AccountsService } from './gen/bazaar/accounts/v1/accounts_pb.ts';
import { CartService } from './gen/bazaar/cart/v1/cart_pb.ts';
import { CatalogService } from './gen/bazaar/catalog/v1/catalog_pb.ts';
import { InventoryService } from './gen/bazaar/inventory/v1/inventory_pb.ts';
import { OrdersService } from './gen/bazaar/orders/v1/orders_pb.ts';
import { PaymentsService } from './gen/bazaar/payments/v1/payments_pb.ts';
import { WebhooksService } from './gen/bazaar/webhooks/v1/webhooks_pb.ts';

/** A client for every private API. Services and the gateway take the ones they call. */
export interface Clients {
  accounts: Client<typeof AccountsService>;
  catalog: Client<typeof CatalogService>;
  inventory: Client<typeof InventoryService>;
  payments: Client<typeof PaymentsService>;
  cart: Client<typeof CartService>;
  orders: Client<typeof OrdersService>;
  webhooks: Client<typeof WebhooksService>;
}

export const createClients = (transport: Transport): Clients => ({
  accounts: serviceClient(AccountsService, transport),
  catalog: serviceClient(CatalogService, transport),
  inventory: serviceClient(InventoryService, transport),
  payments: serviceClient(PaymentsService, transport),
  cart: serviceClient(CartService, transport),
  orders: serviceClient(OrdersService, transport),
  webhooks: serviceClient(WebhooksService, transport),
});
