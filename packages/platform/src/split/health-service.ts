import { Health, HealthCheckResponse_ServingStatus as Status } from '@bazaar/contracts/grpc';
import { AppError, type ConnectRouter } from '@bazaar/kit';

/**
 * The standard gRPC health service: `""` (the whole process) and each served service name answer
 * SERVING while `ready()` holds, so Kubernetes gRPC probes and stock tools can ask.
 */
export const healthRoutes = (
  router: ConnectRouter,
  services: readonly string[],
  ready: () => Promise<boolean>,
) => {
  const known = new Set(['', ...services]);
  const status = async (service: string): Promise<Status> => {
    if (!known.has(service)) return Status.SERVICE_UNKNOWN;
    return (await ready()) ? Status.SERVING : Status.NOT_SERVING;
  };
  router.service(Health, {
    check: async ({ service }) => {
      if (!known.has(service)) throw new AppError('not_found', 404, `Unknown service '${service}'.`);
      return { status: await status(service) };
    },
    list: async () => {
      // One readiness answer for every name: they all report on this one process.
      const status = (await ready()) ? Status.SERVING : Status.NOT_SERVING;
      const statuses: Record<string, { status: Status }> = {};
      for (const service of known) statuses[service] = { status };
      return { statuses };
    },
    watch: async function* ({ service }, context) {
      let last: Status | undefined;
      while (!context.signal.aborted) {
        const current = await status(service);
        if (current !== last) yield { status: current };
        last = current;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    },
  });
};
