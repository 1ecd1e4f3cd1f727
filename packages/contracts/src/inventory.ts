export * from './gen/bazaar/inventory/v1/inventory_pb.ts';
