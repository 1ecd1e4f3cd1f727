import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import type * as ApiReference from '@scalar/fastify-api-reference';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  AppError,
  checkHealth,
  metrics,
  recordHttpRequest,
  runInContext,
  traceHttpRequest,
  type HealthCheck,
  type Logger,
  type RequestTrace,
} from '@bazaar/kit';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
} from 'fastify';
import { createAjv } from './ajv.ts';
import { validationError, toProblem } from './problems.ts';
import { lazySerializers, lazyValidator } from './lazy-compile.ts';
import { ApiKey, Tenant } from './schemas/accounts.ts';
import { Cart } from './schemas/carts.ts';
import { Order } from './schemas/orders.ts';
import { Category } from './schemas/categories.ts';
import { ProblemSchema } from './schemas/common.ts';
import { Product } from './schemas/products.ts';

export type App = ReturnType<typeof typed>;
const typed = (app: FastifyInstance) => app.withTypeProvider<TypeBoxTypeProvider>();

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Maps anything thrown while serving a request to the AppError the caller sees. */
const asAppError = (
  error: FastifyError & { validationContext?: string },
  log: FastifyBaseLogger,
): AppError => {
  if (error instanceof AppError) return error;
  if (error.validation) return validationError(error.validation as never, error.validationContext ?? 'body');
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('malformed_json', 400, 'The body is not valid JSON.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type', 415, 'Send the body as application/json.');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('body_too_large', 413, 'The body is larger than 1 MiB.');
  }
  if (error instanceof SyntaxError || (error.statusCode === 400 && /JSON/i.test(error.message))) {
    return new AppError('malformed_json', 400, 'The body is not valid JSON.');
  }
  log.error({ err: error }, 'unhandled error');
  return new AppError(
    'internal',
    500,
    'Something went wrong on our side. Quote the request id if you report it.',
  );
};

export const sendProblem = (reply: FastifyReply, error: AppError): FastifyReply => {
  const retryAfter = error.extensions.retry_after;
  if (retryAfter !== undefined) void reply.header('retry-after', String(retryAfter));
  return reply
    .code(error.status)
    .type('application/problem+json')
    .send(JSON.stringify(toProblem(error, reply.request.id)));
};

let apiReference: Promise<typeof ApiReference> | undefined;

/**
 * The API reference page's plugin, a 4 MB module that took about 0.3 s of every start to load. A
 * process starts loading it early, while it waits on its database, and the gateway awaits the same
 * promise when it registers the page.
 */
const loadApiReference = () => (apiReference ??= import('@scalar/fastify-api-reference'));

/** Starts loading the page's plugin, for a process about to wait on its database; a failure surfaces where the gateway awaits it. */
export const startLoadingApiReference = (): void => void loadApiReference().catch(() => undefined);

export interface AppOptions {
  log: Logger;
  version: string;
  readiness: readonly HealthCheck[];
}

/**
 * The public HTTP edge without its routes: request ids, problem+json errors, strict validation
 * (no coercion of bodies, unknown fields refused), OpenAPI and the API reference.
 */
export const createApp = async ({ log, version, readiness }: AppOptions): Promise<App> => {
  // Typed as Fastify's logger so the instance keeps Fastify's default logger type.
  const logger: FastifyBaseLogger = log;
  const app = Fastify({
    loggerInstance: logger,
    // One line per request, written by the onResponse hook below.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given)
        ? given
        : `req_${randomUUID().replaceAll('-', '')}`;
    },
    routerOptions: { ignoreTrailingSlash: true },
    schemaController: lazySerializers,
  });

  const bodies = createAjv({ coerceTypes: false });
  const queries = createAjv({ coerceTypes: 'array' });
  app.setValidatorCompiler(({ schema, httpPart }) =>
    lazyValidator(httpPart === 'body' ? bodies : queries, schema as object),
  );

  for (const schema of [ProblemSchema, Product, Category, ApiKey, Tenant, Cart, Order]) app.addSchema(schema);

  const traces = new WeakMap<object, RequestTrace>();
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    const traced = traceHttpRequest({
      method: request.method,
      route: request.routeOptions.url,
      url: request.url,
      scheme: request.protocol,
      headers: request.headers,
    });
    traces.set(request, traced);
    traced.run(() => runInContext({ requestId: request.id }, done));
  });
  // Body parsing can lose the async context; restore it for the handler.
  app.addHook('preHandler', (request, _reply, done) => {
    const restore = () => runInContext({ requestId: request.id }, done);
    const traced = traces.get(request);
    return traced ? traced.run(restore) : restore();
  });
  app.addHook('onRequestAbort', (request, done) => {
    traces.get(request)?.end(499);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    traces.get(request)?.end(reply.statusCode);
    request.log.info(
      {
        method: request.method,
        url: request.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
    recordHttpRequest(
      request.routeOptions.url ?? 'unmatched',
      request.method,
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    done();
  });

  app.setErrorHandler((error: FastifyError, request, reply) =>
    sendProblem(reply, asAppError(error, request.log)),
  );
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      new AppError(
        'route_not_found',
        404,
        `There is no route ${request.method} ${request.url.split('?')[0]}.`,
      ),
    ),
  );

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Bazaar API',
        version,
        description:
          'The public API of Bazaar, a headless commerce platform. Authenticate with `Authorization: Bearer <key>`. ' +
          'Every account has a live and a test mode whose data never meets, and every key says its mode: ' +
          'secret keys (`sk_live_…`, `sk_test_…`) act with every scope from your server; restricted keys ' +
          '(`rk_live_…`, `rk_test_…`) only with the scopes they were given (403 `insufficient_scope` names the ' +
          'missing one); publishable keys (`pk_live_…`, `pk_test_…`) read the catalog and drive carts from ' +
          'storefronts. Requests are limited per key by the account’s plan (`RateLimit-Policy` and `RateLimit` ' +
          'headers; 429 `rate_limited` with `Retry-After`) and counted toward its monthly quota (429 ' +
          '`quota_exceeded`). `Bazaar-Version: YYYY-MM-DD` chooses the API version; every answer names the one ' +
          'used. Errors are `application/problem+json` documents with a stable `code`; lists are cursor-paginated.',
        license: { name: 'MIT', identifier: 'MIT' },
      },
      servers: [
        {
          url: 'https://api.bazaar.example',
          description: 'Your Bazaar; /openapi.json names the one serving it',
        },
      ],
      tags: [
        { name: 'Products', description: 'Products, their options, variants and prices.' },
        { name: 'Categories', description: 'Categories that group products.' },
        { name: 'API keys', description: 'The keys of the calling tenant.' },
        { name: 'Inventory', description: 'Locations, stock levels and the stock ledger.' },
        { name: 'Carts', description: 'Shopping carts and checkout, for storefronts.' },
        {
          name: 'Orders',
          description: 'Orders after checkout: fulfilments, cancellations, refunds, returns.',
        },
        { name: 'Payments', description: 'Payment intents behind orders.' },
        { name: 'Webhooks', description: 'Endpoints that receive events, their deliveries and replays.' },
        { name: 'Events', description: 'The event log: what happened in the shop, kept 30 days.' },
        { name: 'Tenants', description: 'Merchants on the platform (operator keys only).' },
        { name: 'Usage', description: 'Metered requests per key, endpoint and day: dashboards and billing.' },
      ],
      components: {
        securitySchemes: {
          apiKey: {
            type: 'http',
            scheme: 'bearer',
            description:
              'A secret (`sk_live_…`, `sk_test_…`), restricted (`rk_live_…`, `rk_test_…`), publishable ' +
              '(`pk_live_…`, `pk_test_…`) or operator (`op_…`) key.',
          },
        },
      },
      security: [{ apiKey: [] }],
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (json.$id as string | undefined) ?? `def-${i}`,
    },
  });

  const api = typed(app);

  api.get('/openapi.json', { schema: { hide: true }, config: { access: 'public' } }, (request) => {
    const document = app.swagger() as { servers?: unknown };
    return { ...document, servers: [{ url: `${request.protocol}://${request.host}` }] };
  });
  await app.register((await loadApiReference()).default, {
    routePrefix: '/docs',
    configuration: {
      url: '/openapi.json',
      pageTitle: 'Bazaar API reference',
      withDefaultFonts: false,
      showDeveloperTools: 'never',
      agent: { disabled: true },
      mcp: { disabled: true },
    },
  });

  api.get('/', { schema: { hide: true }, config: { access: 'public' } }, () => ({
    name: 'Bazaar',
    version,
    docs: '/docs',
    openapi: '/openapi.json',
  }));
  api.get(
    '/healthz',
    {
      config: { access: 'public' },
      schema: { hide: true },
    },
    () => ({ status: 'ok' }),
  );
  api.get(
    '/readyz',
    {
      config: { access: 'public' },
      // Probes for operators, not part of the public API document.
      schema: { hide: true },
    },
    async (_request, reply) => {
      const report = await checkHealth(readiness);
      return reply.code(report.status === 'ok' ? 200 : 503).send(report);
    },
  );
  api.get('/metrics', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) =>
    reply.type(metrics.contentType).send(await metrics.metrics()),
  );
  return api;
};
