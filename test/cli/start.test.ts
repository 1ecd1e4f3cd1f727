import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { NODE_FLAGS } from '../../packages/platform/bin/node-flags.js';
import { freePort } from '../support/global-setup.ts';
import { runBazaar, type Run } from '../support/process.ts';

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const postgresPid = (dataDir: string) =>
  Number(readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);

const waitUntil = async (condition: () => boolean | Promise<boolean>, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return condition();
};

describe('bazaar start (all-in-one, embedded PostgreSQL)', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let base: string;
  let run: Run | undefined;
  let secretKey: string;

  const get = async (path: string, key = secretKey) => {
    const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${key}` } });
    return { status: response.status, body: (await response.json()) as any };
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'bazaar-cli-'));
    await chmod(dataDir, 0o755);
    const port = await freePort();
    env = { BAZAAR_DATA_DIR: dataDir, PORT: String(port), BAZAAR_PG_PORT: String(await freePort()) };
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    if (run && run.child.exitCode === null) {
      run.child.kill('SIGINT');
      await run.exited;
    }
  });

  it('starts on a fresh machine with a seeded demo tenant and prints where everything is', async () => {
    run = runBazaar(['start'], env);
    await run.waitFor(/Press Ctrl-C to stop/, 120_000);
    const output = run.output();
    expect(output).toContain(`API:          ${base}/v1`);
    expect(output).toContain(`API docs:     ${base}/docs`);
    expect(output).toMatch(/Operator key: op_[A-Za-z0-9]{32}/);
    secretKey = output.match(/secret key:\s+(sk_\S+)/)![1]!;
    expect(output).toMatch(/publishable key:\s+pk_\S+/);
    // Node runs with the platform's flags, which the command's shebang gives it.
    if (existsSync('/proc/self/cmdline')) {
      const argv = readFileSync(`/proc/${run.child.pid}/cmdline`, 'utf8').split('\0');
      expect(argv).toEqual(expect.arrayContaining(NODE_FLAGS));
    }

    let count = 0;
    let cursor = '';
    const currencies = new Set<string>();
    for (;;) {
      const page = await get(`/v1/products?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
      count += page.body.data.length;
      for (const product of page.body.data) {
        for (const variant of product.variants)
          for (const price of variant.prices) currencies.add(price.currency);
      }
      if (!page.body.has_more) break;
      cursor = page.body.next_cursor;
    }
    expect(count).toBe(1000);
    expect([...currencies]).toEqual(expect.arrayContaining(['USD', 'EUR']));
    const categories = await get('/v1/categories?limit=100');
    expect(categories.body.data.length).toBeGreaterThanOrEqual(10);
    const first = (await get('/v1/products?limit=1')).body.data[0];
    expect(first.options.length).toBeGreaterThan(0);
    expect(first.variants.length).toBeGreaterThan(1);
    expect(first.category_ids.length).toBeGreaterThan(0);
  });

  it('talks to its embedded PostgreSQL over a Unix socket in the data directory, and keeps TCP open', async () => {
    const runtime = JSON.parse(readFileSync(join(dataDir, 'runtime.json'), 'utf8')) as {
      postgres_url: string;
    };
    const socketUrl = new URL(runtime.postgres_url);
    expect(socketUrl.searchParams.get('host')).toBe(join(dataDir, 'pg'));
    const overSocket = new pg.Client({ connectionString: runtime.postgres_url });
    await overSocket.connect();
    try {
      // A Unix-socket session has no client address; every platform session should be one.
      const sessions = await overSocket.query<{ datname: string; tcp: boolean }>(
        `select datname, client_addr is not null as tcp from pg_stat_activity
          where datname like 'bazaar_%' and pid <> pg_backend_pid()`,
      );
      expect(sessions.rows.length).toBeGreaterThan(0);
      expect(sessions.rows.filter((s) => s.tcp)).toEqual([]);
    } finally {
      await overSocket.end();
    }
    socketUrl.searchParams.delete('host');
    const overTcp = new pg.Client({ connectionString: socketUrl.toString() });
    await overTcp.connect();
    expect((await overTcp.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    await overTcp.end();
  });

  it('creates tenants from the command line and over HTTP with the operator key', async () => {
    const cli = runBazaar(['tenants', 'create', 'Acme', 'Outfitters'], env);
    expect(await cli.exited).toBe(0);
    const key = cli.output().match(/secret key:\s+(sk_\S+)/)![1]!;
    expect(cli.output()).toContain('Tenant: Acme Outfitters (ten_');
    expect((await get('/v1/products', key)).body.data).toEqual([]);

    const operatorKey = (
      JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8')) as { operator_key: string }
    ).operator_key;
    const response = await fetch(`${base}/v1/tenants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${operatorKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Over HTTP' }),
    });
    expect(response.status).toBe(201);
  });

  it('leaves the events of a command run beside it to the running platform, whose caches hear them', async () => {
    const availableNow = async () =>
      ((await get('/v1/products?limit=1')).body.data[0].variants[0].available as number) ?? -1;
    const before = await availableNow(); // and now the listing is in the gateway's cache
    // As if receiving the demo stock had been interrupted: `bazaar seed` receives it again.
    const file = join(dataDir, 'credentials.json');
    const credentials = JSON.parse(readFileSync(file, 'utf8')) as { demo: Record<string, unknown> };
    credentials.demo.stocked = false;
    delete credentials.demo.stock_cursor;
    writeFileSync(file, JSON.stringify(credentials));
    const cli = runBazaar(['seed'], env);
    expect(await cli.exited, cli.output()).toBe(0);
    // The stock events reach the running gateway (its relays poll every second), which drops the
    // cached listing long before the cache's own minute runs out.
    expect(await waitUntil(async () => (await availableNow()) === before + 100, 15_000)).toBe(true);
  });

  it('stops cleanly on Ctrl-C, PostgreSQL included', async () => {
    const postgres = postgresPid(dataDir);
    expect(isAlive(postgres)).toBe(true);
    run!.child.kill('SIGINT');
    expect(await run!.exited).toBe(0);
    expect(await waitUntil(() => !isAlive(postgres), 10_000)).toBe(true);
    expect(existsSync(join(dataDir, 'runtime.json'))).toBe(false);
  });

  it('starts again on the same data without seeding again', async () => {
    run = runBazaar(['start'], env);
    await run.waitFor(/Press Ctrl-C to stop/);
    expect(run.output()).not.toContain('Seeding');
    expect(run.output()).not.toMatch(/Operator key: op_/);
    expect(run.output()).toContain(secretKey);
    expect((await get('/v1/products?limit=1')).body.has_more).toBe(true);
  });

  it('refuses a second platform on the same data directory', async () => {
    const second = runBazaar(['start'], { ...env, PORT: String(await freePort()) });
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain('already running');
  });

  it('recovers after being killed: a stale PostgreSQL and lock are cleaned up', async () => {
    const postgres = postgresPid(dataDir);
    run!.child.kill('SIGKILL');
    await run!.exited;
    expect(isAlive(postgres)).toBe(true);
    run = runBazaar(['start'], env);
    await run.waitFor(/Press Ctrl-C to stop/);
    expect(isAlive(postgres)).toBe(false);
    expect((await get('/v1/products?limit=1')).status).toBe(200);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
  });
});

describe('bazaar with DATABASE_URL', () => {
  it('uses that server, creating one database per service, and starts no embedded PostgreSQL', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'bazaar-cli-'));
    const prefix = `cli${Date.now().toString(36)}_`;
    const run = runBazaar(['migrate'], {
      BAZAAR_DATA_DIR: dataDir,
      DATABASE_URL: inject('postgresUrl'),
      BAZAAR_DB_PREFIX: prefix,
    });
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain('catalog: up to date');
    expect(existsSync(join(dataDir, 'pg'))).toBe(false);
    const client = new pg.Client({ connectionString: inject('postgresUrl') });
    await client.connect();
    const { rows } = await client.query<{ datname: string }>(
      'select datname from pg_database where datname like $1',
      [`${prefix}%`],
    );
    await client.end();
    expect(rows.map((r) => r.datname).sort()).toEqual(
      ['accounts', 'cart', 'catalog', 'gateway', 'inventory', 'orders', 'payments', 'webhooks'].map(
        (name) => `${prefix}${name}`,
      ),
    );
  });
});

describe('bazaar command line', () => {
  it('names a bad setting and exits', async () => {
    const run = runBazaar(['start'], { PORT: 'eighty' });
    expect(await run.exited).toBe(2);
    expect(run.output()).toContain(
      "Configuration error: PORT: expected a whole number from 0 to 65535, got 'eighty'.",
    );
  });

  it('explains a malformed DATABASE_URL without showing its password', async () => {
    const run = runBazaar(['migrate'], { DATABASE_URL: 'mysql://me:hunter2@db/x' });
    expect(await run.exited).toBe(2);
    expect(run.output()).toContain('DATABASE_URL');
    expect(run.output()).not.toContain('hunter2');
  });

  it('prints help', async () => {
    const run = runBazaar(['--help'], {});
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain('tenants create <name>');
  });
});
