import { parseArgs } from 'node:util';
import { graphqlSchemaSDL } from '@bazaar/gateway';
import { ConfigError } from '@bazaar/kit';
import {
  migrateCommand,
  openapiCommand,
  seedCommand,
  startCommand,
  tenantsCreateCommand,
} from './commands.ts';
import { psCommand } from '../split/ps.ts';
import { serveCommand } from '../split/serve.ts';
import { startSplitCommand } from '../split/start.ts';
import { VERSION } from '../version.ts';

const HELP = `bazaar ${VERSION}: a headless commerce platform

Usage: bazaar <command> [options]

Commands:
  start                  Run the platform (all services in one process, embedded PostgreSQL unless
                         DATABASE_URL is set). First start: creates a demo tenant and seeds its catalog.
  start --topology split Run every service as its own supervised process (needs NATS with JetStream).
  ps                     List the running platform's processes: service, replica, pid, port, state.
  serve <service>        Run one service as its own process (what split and Kubernetes run).
  migrate                Create the service databases if missing and apply their migrations.
  seed                   Create the demo tenant and seed its catalog (resumes an interrupted seeding).
  tenants create <name>  Create a tenant and print its first secret and publishable keys.
  openapi                Print the OpenAPI document of the public API.
  graphql-schema         Print the GraphQL schema (SDL).

Options:
  --topology NAME        (start) all-in-one (default) or split.
  --replicas LIST        (start --topology split) e.g. catalog=2,gateway=2 (default 1 each).
  --service NAME         (migrate) Only this service's database.
  --json                 (ps) Machine-readable output.
  --products N           (seed) How many demo products (default BAZAAR_DEMO_PRODUCTS or 1000).
  -h, --help             Show this help.
  -v, --version          Show the version.

Settings (environment):
  PORT (8080), HOST (127.0.0.1), BAZAAR_DATA_DIR (.bazaar), DATABASE_URL, <SERVICE>_DATABASE_URL,
  BAZAAR_PG_PORT (5488), BAZAAR_DB_PREFIX (bazaar_), BAZAAR_SEED (true), BAZAAR_DEMO_PRODUCTS (1000),
  LOG_LEVEL (info), LOG_FORMAT (pretty on a terminal, else json)
  Split: NATS_URL (nats://127.0.0.1:4222), BAZAAR_NATS_PREFIX (bazaar), REDIS_URL, RPC_PORT (50051),
  OPS_PORT (9090), <SERVICE>_URL (http://<service>:50051, comma-separated replicas),
  RPC_DEADLINE_MS (15000), RPC_READ_DEADLINE_MS (3000)
`;

export const main = async (argv: string[]): Promise<number> => {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
        topology: { type: 'string' },
        products: { type: 'string' },
        replicas: { type: 'string' },
        service: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\nRun 'bazaar --help' for usage.\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.version) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (values.help || !command) {
    process.stdout.write(HELP);
    return values.help ? 0 : 2;
  }
  try {
    switch (command) {
      case 'start':
        if (values.topology === 'split') return await startSplitCommand(values.replicas);
        if (values.topology && values.topology !== 'all-in-one') {
          process.stderr.write(`Unknown topology '${values.topology}'. Use all-in-one or split.\n`);
          return 2;
        }
        if (values.replicas) {
          process.stderr.write(`--replicas needs --topology split.\n`);
          return 2;
        }
        return await startCommand();
      case 'serve':
        return await serveCommand(rest[0]);
      case 'ps':
        return psCommand(values.json ?? false);
      case 'migrate':
        return await migrateCommand(values.service);
      case 'seed':
        return await seedCommand(values.products);
      case 'tenants':
        if (rest[0] === 'create' && rest[1]) return await tenantsCreateCommand(rest.slice(1).join(' '));
        process.stderr.write(`Usage: bazaar tenants create <name>\n`);
        return 2;
      case 'openapi':
        return await openapiCommand();
      case 'graphql-schema':
        process.stdout.write(`${graphqlSchemaSDL()}\n`);
        return 0;
      default:
        process.stderr.write(`Unknown command '${command}'. Run 'bazaar --help' for the list.\n`);
        return 2;
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`bazaar ${command} failed: ${(error as Error).message}\n`);
    return 1;
  }
};
