export * from './gen/bazaar/cart/v1/cart_pb.ts';
