export * from './gen/grpc/health/v1/health_pb.ts';
export * from './gen/grpc/reflection/v1/reflection_pb.ts';
