import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const PROTO = fileURLToPath(new URL('../../proto/', import.meta.url));

/** Clients made the way any gRPC user makes them: @grpc/grpc-js from our .proto files, nothing of ours. */
export const stockGrpc = (address: string) => {
  const definition = protoLoader.loadSync(
    ['bazaar/catalog/v1/catalog.proto', 'grpc/health/v1/health.proto', 'grpc/reflection/v1/reflection.proto'],
    { includeDirs: [PROTO], longs: String, enums: String, defaults: true, oneofs: true },
  );
  const root = grpc.loadPackageDefinition(definition) as any;
  const credentials = grpc.credentials.createInsecure();
  const unary =
    (client: any, method: string) =>
    (request: unknown): Promise<any> =>
      new Promise((resolve, reject) =>
        client[method](request, (error: grpc.ServiceError | null, response: unknown) =>
          error ? reject(error) : resolve(response),
        ),
      );
  const catalog = new root.bazaar.catalog.v1.CatalogService(address, credentials);
  const health = new root.grpc.health.v1.Health(address, credentials);
  const reflection = new root.grpc.reflection.v1.ServerReflection(address, credentials);
  return {
    listProducts: unary(catalog, 'ListProducts'),
    getProduct: unary(catalog, 'GetProduct'),
    check: unary(health, 'Check'),
    /** The services the server lists through reflection. */
    listServices: (): Promise<string[]> =>
      new Promise((resolve, reject) => {
        const stream = reflection.ServerReflectionInfo();
        stream.on('data', (response: any) => {
          resolve(response.listServicesResponse.service.map((s: { name: string }) => s.name));
          stream.end();
        });
        stream.on('error', reject);
        stream.write({ listServices: '*' });
      }),
    close: () => {
      for (const client of [catalog, health, reflection]) client.close();
    },
  };
};
