export * from './gen/bazaar/orders/v1/orders_pb.ts';
