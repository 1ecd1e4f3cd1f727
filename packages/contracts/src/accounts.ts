export * from './gen/bazaar/accounts/v1/accounts_pb.ts';
