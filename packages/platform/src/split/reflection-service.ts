import { create, toBinary, type DescFile, type DescService } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import {
  ErrorResponseSchema,
  FileDescriptorResponseSchema,
  ListServiceResponseSchema,
  ServerReflection,
  type ServerReflectionRequest,
  type ServerReflectionResponse,
} from '@bazaar/contracts/grpc';
import type { ConnectRouter } from '@bazaar/kit';

type Answer = ServerReflectionResponse['messageResponse'];

const NOT_FOUND = 5;
const UNIMPLEMENTED = 12;

/** A file and everything it imports, each once: what a reflection client needs to decode it. */
const withDependencies = (file: DescFile, seen = new Set<string>()): Uint8Array[] => {
  if (seen.has(file.name)) return [];
  seen.add(file.name);
  return [
    toBinary(FileDescriptorProtoSchema, file.proto),
    ...file.dependencies.flatMap((dependency) => withDependencies(dependency, seen)),
  ];
};

/**
 * gRPC server reflection (v1), so tools such as grpcurl can list and call a service process's APIs
 * without its .proto files.
 */
export const reflectionRoutes = (router: ConnectRouter, services: readonly DescService[]) => {
  const files = new Map<string, DescFile>();
  const symbols = new Map<string, DescFile>();
  for (const service of services) {
    const file = service.file;
    files.set(file.name, file);
    for (const d of file.dependencies) files.set(d.name, d);
    symbols.set(service.typeName, file);
    for (const method of service.methods) symbols.set(`${service.typeName}.${method.name}`, file);
    for (const message of file.messages) symbols.set(message.typeName, file);
    for (const e of file.enums) symbols.set(e.typeName, file);
  }
  const fileAnswer = (file: DescFile | undefined, what: string): Answer =>
    file
      ? {
          case: 'fileDescriptorResponse',
          value: create(FileDescriptorResponseSchema, { fileDescriptorProto: withDependencies(file) }),
        }
      : {
          case: 'errorResponse',
          value: create(ErrorResponseSchema, { errorCode: NOT_FOUND, errorMessage: `${what} not found` }),
        };

  const answer = ({ messageRequest: request }: ServerReflectionRequest): Answer => {
    switch (request.case) {
      case 'listServices':
        return {
          case: 'listServicesResponse',
          value: create(ListServiceResponseSchema, { service: services.map((s) => ({ name: s.typeName })) }),
        };
      case 'fileByFilename':
        return fileAnswer(files.get(request.value), `file ${request.value}`);
      case 'fileContainingSymbol':
        return fileAnswer(symbols.get(request.value), `symbol ${request.value}`);
      default:
        return {
          case: 'errorResponse',
          value: create(ErrorResponseSchema, {
            errorCode: UNIMPLEMENTED,
            errorMessage: `${request.case ?? 'empty'} requests are not supported`,
          }),
        };
    }
  };

  router.service(ServerReflection, {
    serverReflectionInfo: async function* (requests) {
      for await (const request of requests) {
        yield { validHost: request.host, originalRequest: request, messageResponse: answer(request) };
      }
    },
  });
};
