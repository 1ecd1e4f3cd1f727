import { parseArgs } from 'node:util';
import { ConfigError } from '@bazaar/kit';
import {
  migrateCommand,
  openapiCommand,
  seedCommand,
  startCommand,
  tenantsCreateCommand,
} from './commands.ts';
import { VERSION } from '../version.ts';

const HELP = `bazaar ${VERSION}: a headless commerce platform

Usage: bazaar <command> [options]

Commands:
  start                  Run the platform (all services in one process, embedded PostgreSQL unless
                         DATABASE_URL is set). First start: creates a demo tenant and seeds its catalog.
  migrate                Create the service databases if missing and apply their migrations.
  seed                   Create the demo tenant and seed its catalog (resumes an interrupted seeding).
  tenants create <name>  Create a tenant and print its first secret and publishable keys.
  openapi                Print the OpenAPI document of the public API.

Options:
  --topology all-in-one  (start) The only topology this version runs.
  --products N           (seed) How many demo products (default BAZAAR_DEMO_PRODUCTS or 1000).
  -h, --help             Show this help.
  -v, --version          Show the version.

Settings (environment):
  PORT (8080), HOST (127.0.0.1), BAZAAR_DATA_DIR (.bazaar), DATABASE_URL, <SERVICE>_DATABASE_URL,
  BAZAAR_PG_PORT (5488), BAZAAR_DB_PREFIX (bazaar_), BAZAAR_SEED (true), BAZAAR_DEMO_PRODUCTS (1000),
  LOG_LEVEL (info), LOG_FORMAT (pretty on a terminal, else json)
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
        if (values.topology && values.topology !== 'all-in-one') {
          process.stderr.write(
            `Unknown topology '${values.topology}'. This version runs --topology all-in-one.\n`,
          );
          return 2;
        }
        return await startCommand();
      case 'migrate':
        return await migrateCommand();
      case 'seed':
        return await seedCommand(values.products);
      case 'tenants':
        if (rest[0] === 'create' && rest[1]) return await tenantsCreateCommand(rest.slice(1).join(' '));
        process.stderr.write(`Usage: bazaar tenants create <name>\n`);
        return 2;
      case 'openapi':
        return await openapiCommand();
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
