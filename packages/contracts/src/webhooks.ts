export * from './gen/bazaar/webhooks/v1/webhooks_pb.ts';
