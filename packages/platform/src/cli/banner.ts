import type { PlatformConfig } from '../config.ts';
import type { Credentials } from '../credentials.ts';
import { VERSION } from '../version.ts';

const out = (line = '') => process.stdout.write(`${line}\n`);

/** What a started platform prints, whatever its topology: where it is, and the keys to try it with. */
export const banner = (options: {
  topology: 'all-in-one' | 'split';
  url: string;
  config: PlatformConfig;
  operator: { value: string; created: boolean };
  demo: Credentials['demo'];
  /** Lines of the topology's own, after the keys (e.g. its processes). */
  more?: readonly string[];
}) => {
  const { topology, url, config, operator, demo, more = [] } = options;
  out();
  out(`Bazaar ${VERSION} is running (${topology}).`);
  out(`  API:          ${url}/v1`);
  out(`  API docs:     ${url}/docs`);
  out(`  OpenAPI:      ${url}/openapi.json`);
  out(
    `  Data:         ${config.dataDir}${config.databaseUrl ? '' : ` (embedded PostgreSQL on port ${config.embeddedPostgresPort})`}`,
  );
  if (demo) {
    out(`  Demo tenant:  ${demo.name} (${demo.tenant_id})`);
    out(`    secret key:       ${demo.secret_key}`);
    out(`    publishable key:  ${demo.publishable_key}`);
  }
  out(
    operator.created
      ? `  Operator key: ${operator.value}  (may create tenants; kept in ${config.dataDir}/credentials.json)`
      : `  Operator key: in ${config.dataDir}/credentials.json`,
  );
  for (const line of more) out(line);
  if (demo) {
    out();
    out(`Try: curl -H "Authorization: Bearer ${demo.secret_key}" "${url}/v1/products?limit=2"`);
  }
  out('Press Ctrl-C to stop.');
};
