export * from './gen/bazaar/payments/v1/payments_pb.ts';
