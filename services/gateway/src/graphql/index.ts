import type { Clients } from '@bazaar/contracts/clients';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import mercurius from 'mercurius';
import type { App } from '../app.ts';
import { tenantOf } from '../auth.ts';
import type { ReadCache } from '../read-cache.ts';
import { answerFromCache, cacheKeyOf, isCacheable, keepAnswer, operationNameOf } from './cache.ts';
import { formatErrors } from './errors.ts';
import { EXPLORER_CSS, EXPLORER_HTML, EXPLORER_JS } from './explorer.ts';
import { checkLimits } from './limits.ts';
import { createResolvers, type Context } from './resolvers.ts';
import { executableSchema } from './schema.ts';
import { createRequestState, type RequestState } from './state.ts';

export { graphqlSchemaSDL } from './schema.ts';

export const GRAPHQL_PATH = '/graphql';

interface Pending {
  state: RequestState;
  /** Set when the answer may be cached: where, and the cache generation before it was computed. */
  keep?: { tenantId: string; key: string; generation: number };
  failed?: boolean;
}

/**
 * GraphQL at /graphql, in a scope of its own (mercurius sets the error handler of the scope it is
 * registered in; REST keeps its problem+json handler). The gateway's onRequest hooks (keys, rate
 * limits) run for it as for REST; /graphql takes publishable keys, and each resolver checks what the REST
 * route it mirrors checks.
 */
export const registerGraphql = async (app: App, clients: Clients, reads: ReadCache): Promise<void> => {
  const schema = executableSchema(createResolvers(clients, reads));
  const pending = new WeakMap<FastifyRequest, Pending>();

  await app.register(async (scope: FastifyInstance) => {
    scope.addHook('onRoute', (route) => {
      if (route.url === GRAPHQL_PATH) {
        route.config = { ...route.config, access: 'storefront' };
        // Documented in the README and by introspection, not in the OpenAPI document.
        route.schema = { ...route.schema, hide: true };
      }
    });

    await scope.register(mercurius, {
      schema,
      path: GRAPHQL_PATH,
      graphiql: false,
      ide: false,
      jit: 1,
      context: (request): Context => {
        const state = createRequestState(request, clients);
        pending.set(request, { state });
        return { gql: state };
      },
      errorFormatter: (execution, context) =>
        formatErrors(execution, context as unknown as { reply?: FastifyReply }),
    });

    scope.graphql.addHook('preExecution', (graphqlSchema, document, context, variables) => {
      const request = context.reply.request;
      const operationName = operationNameOf(request);
      checkLimits(graphqlSchema, document, operationName, variables as Record<string, unknown> | undefined);
      const entry = pending.get(request);
      const key = cacheKeyOf(request);
      if (entry && key !== undefined && isCacheable(document, operationName)) {
        const tenantId = tenantOf(request);
        entry.keep = { tenantId, key, generation: reads.generation(tenantId) };
      }
      return Promise.resolve();
    });
    scope.graphql.addHook('onResolution', (execution, context) => {
      const entry = pending.get(context.reply.request);
      if (entry && execution.errors && execution.errors.length > 0) entry.failed = true;
      return Promise.resolve();
    });

    scope.addHook('preHandler', async (request, reply) => {
      if (request.routeOptions.url === GRAPHQL_PATH && answerFromCache(request, reply, reads)) return reply;
      return undefined;
    });
    scope.addHook('onSend', async (request, reply, payload) => {
      const entry = pending.get(request);
      const keep = entry?.keep;
      if (entry && keep && !entry.failed && !entry.state.incomplete && reply.statusCode === 200) {
        if (typeof payload === 'string') {
          keepAnswer(reads, keep.tenantId, keep.key, keep.generation, entry.state.scopes, payload);
        }
      }
      return payload;
    });

    const page = (path: string, type: string, body: string) =>
      scope.get(path, { config: { access: 'public' }, schema: { hide: true } }, (_request, reply) =>
        reply.type(type).send(body),
      );
    page('/graphiql', 'text/html; charset=utf-8', EXPLORER_HTML);
    page('/graphiql/explorer.js', 'text/javascript; charset=utf-8', EXPLORER_JS);
    page('/graphiql/explorer.css', 'text/css; charset=utf-8', EXPLORER_CSS);
  });
};
