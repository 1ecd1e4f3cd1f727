import { connect } from '@nats-io/transport-node';
import { createLogger, stopOnSignals } from '@bazaar/kit';
import { loadConfig, SERVICE_NAMES, type PlatformConfig } from '../config.ts';
import { openServiceDatabase, startPostgres } from '../databases.ts';
import { ensureOperatorKey } from '../operator.ts';
import { announceRunning, clearRunning, findRunning } from '../runtime.ts';
import { ensureDemoTenant } from '../seed/seed.ts';
import { DATABASES } from '../services.ts';
import { VERSION } from '../version.ts';
import { banner } from '../cli/banner.ts';
import { networkClients } from './clients.ts';
import { openFrontDoor, type FrontDoor } from './front-door.ts';
import { portPicker } from './ports.ts';
import { formatProcesses } from './ps.ts';
import { loadSplitSettings } from './settings.ts';
import { createSupervisor, type ProcessSpec } from './supervisor.ts';

const out = (line = '') => process.stdout.write(`${line}\n`);

/** `catalog=2,gateway=2` → how many replicas each service runs (1 unless named). */
export const parseReplicas = (value: string | undefined): Record<string, number> => {
  const replicas: Record<string, number> = Object.fromEntries(SERVICE_NAMES.map((name) => [name, 1]));
  for (const part of (value ?? '').split(',').filter(Boolean)) {
    const [name, count] = part.split('=');
    const n = Number(count);
    if (
      !name ||
      !(SERVICE_NAMES as readonly string[]).includes(name) ||
      !Number.isInteger(n) ||
      n < 1 ||
      n > 16
    ) {
      throw new Error(
        `--replicas takes service=count pairs (count 1 to 16), e.g. catalog=2,gateway=2; got '${part}'. Services: ${SERVICE_NAMES.join(', ')}.`,
      );
    }
    replicas[name] = n;
  }
  return replicas;
};

const checkNats = async (url: string): Promise<void> => {
  try {
    const nc = await connect({ servers: url, timeout: 3_000, reconnect: false });
    await nc.close();
  } catch {
    throw new Error(
      `Cannot reach NATS at ${url}. The split topology needs a NATS server with JetStream: start one (nats-server -js), or set NATS_URL.`,
    );
  }
};

/**
 * `bazaar start --topology split`: every service as its own process (as many replicas as asked),
 * supervised and restarted when they fail, events over NATS JetStream, the embedded PostgreSQL unless
 * DATABASE_URL is set, and the public API on PORT in front of the gateway replicas.
 */
export const startSplitCommand = async (replicasOption: string | undefined): Promise<number> => {
  const config: PlatformConfig = loadConfig();
  const settings = loadSplitSettings();
  const replicas = parseReplicas(replicasOption);
  const log = createLogger({ level: config.logLevel, pretty: config.prettyLogs }).child({
    service: 'supervisor',
  });
  const running = findRunning(config.dataDir);
  if (running) {
    throw new Error(
      `Bazaar is already running on ${config.dataDir} (pid ${running.pid}, ${running.gateway_url}). Stop it first, or set BAZAAR_DATA_DIR to another directory.`,
    );
  }
  await checkNats(settings.natsUrl);

  out(`Starting Bazaar ${VERSION} (split): ${SERVICE_NAMES.map((s) => `${s}×${replicas[s]}`).join(', ')}`);
  const postgres = await startPostgres(config, log);
  const supervisor = createSupervisor({ dataDir: config.dataDir, log, forward: (line) => out(line) });
  let door: FrontDoor | undefined;
  const stop = async () => {
    await door?.close();
    await supervisor.stop(['gateway']);
    await supervisor.stop();
    await postgres.stop();
    await supervisor.clear();
    await clearRunning(config.dataDir);
  };
  stopOnSignals(stop, log, () => {
    supervisor.kill();
    postgres.kill();
  });

  try {
    // Migrated once here, so replicas do not queue on the migration lock as they start.
    for (const module of DATABASES) {
      const db = await openServiceDatabase(postgres.url, config, module as never, log);
      await db.close();
    }
    out('  databases migrated');

    const specs: ProcessSpec[] = [];
    const serviceUrls: Record<string, string> = {};
    const freePort = portPicker();
    for (const name of SERVICE_NAMES) {
      for (let replica = 1; replica <= replicas[name]!; replica++) {
        const port = await freePort();
        specs.push({
          service: name,
          replica,
          port,
          opsPort: name === 'gateway' ? port : await freePort(),
          env: {},
        });
      }
      if (name !== 'gateway') {
        serviceUrls[`${name.toUpperCase()}_URL`] = specs
          .filter((s) => s.service === name)
          .map((s) => `http://127.0.0.1:${s.port}`)
          .join(',');
      }
    }
    for (const spec of specs) {
      spec.env = {
        ...serviceUrls,
        DATABASE_URL: postgres.url,
        NATS_URL: settings.natsUrl,
        BAZAAR_NATS_PREFIX: settings.natsPrefix,
        HOST: '127.0.0.1',
        LOG_FORMAT: config.prettyLogs ? 'pretty' : 'json',
        ...(spec.service === 'gateway'
          ? { PORT: String(spec.port) }
          : { RPC_PORT: String(spec.port), OPS_PORT: String(spec.opsPort) }),
      };
    }
    await supervisor.start(specs.filter((s) => s.service !== 'gateway'));
    out('  services ready');
    await supervisor.start(specs.filter((s) => s.service === 'gateway'));
    const gatewayPorts = () =>
      supervisor
        .processes()
        .filter((p) => p.service === 'gateway' && p.state === 'running')
        .map((p) => p.port);
    door = await openFrontDoor(config.host, config.port, gatewayPorts);
    const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    const url = `http://${host}:${door.port}`;
    await announceRunning(config.dataDir, {
      postgres_url: postgres.url,
      gateway_url: url,
      topology: 'split',
    });

    // The supervisor reads the replicas' addresses as its children do.
    const clients = networkClients(loadSplitSettings({ ...process.env, ...serviceUrls }), log);
    const operator = await ensureOperatorKey(clients.accounts, config.dataDir);
    const demo = config.seed
      ? await ensureDemoTenant(clients, config.dataDir, config.demoProducts, (line) => out(line))
      : undefined;
    banner({
      topology: 'split',
      url,
      config,
      operator,
      demo,
      more: [
        `  NATS:         ${settings.natsUrl}`,
        '',
        formatProcesses(supervisor.processes()),
        "'npx bazaar ps' lists the processes.",
      ],
    });
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
  return new Promise<number>(() => undefined);
};
