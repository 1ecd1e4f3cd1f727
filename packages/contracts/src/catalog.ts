export * from './gen/bazaar/catalog/v1/catalog_pb.ts';
