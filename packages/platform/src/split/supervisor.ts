import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@bazaar/kit';
import { waitUntilDead } from '../processes.ts';
import { NODE_FLAGS } from '../../bin/node-flags.js';

const BAZAAR = fileURLToPath(new URL('../../bin/bazaar.js', import.meta.url));

/**
 * A supervisor run with `--cpu-prof` (as the benchmark runs it) has each process it starts write a
 * profile too, to the same directory, named after its service and replica.
 */
export const profilingFlags = (execArgv: readonly string[], service: string, replica: number): string[] => {
  if (!execArgv.includes('--cpu-prof')) return [];
  const dir = execArgv.filter((a) => a.startsWith('--cpu-prof-dir='));
  return ['--cpu-prof', ...dir, `--cpu-prof-name=${service}-${replica}-${Date.now()}.cpuprofile`];
};

export type ProcessState = 'starting' | 'running' | 'restarting' | 'stopping' | 'stopped';

/** One replica of one service, as `bazaar ps` shows it. */
export interface ProcessInfo {
  service: string;
  replica: number;
  pid: number | null;
  /** The port it serves on: the private API for a service, the public API for a gateway. */
  port: number;
  /** Its probe and metrics port. */
  ops_port: number;
  state: ProcessState;
  restarts: number;
  started_at: string | null;
}

export interface ProcessSpec {
  service: string;
  replica: number;
  port: number;
  opsPort: number;
  env: Record<string, string>;
}

interface Managed {
  spec: ProcessSpec;
  info: ProcessInfo;
  child?: ChildProcess;
  failures: number;
  timer?: NodeJS.Timeout;
}

export const processesFile = (dataDir: string) => join(dataDir, 'processes.json');

const readyUrl = (spec: ProcessSpec) => `http://127.0.0.1:${spec.opsPort}/readyz`;

/**
 * Runs each replica as its own `bazaar serve` process and keeps it running: a process that exits is
 * started again after a backoff that grows with quick successive failures (0.5 s doubling to 10 s,
 * forgiven after 30 s up). Every change of state is written to processes.json for `bazaar ps`.
 */
export const createSupervisor = (options: {
  dataDir: string;
  log: Logger;
  forward: (line: string) => void;
}) => {
  const { dataDir, log, forward } = options;
  const managed: Managed[] = [];
  let stopping = false;

  const save = async () => {
    await mkdir(dataDir, { recursive: true });
    await writeFile(
      processesFile(dataDir),
      JSON.stringify({ supervisor: process.pid, processes: managed.map((m) => m.info) }, null, 2),
      { mode: 0o600 },
    );
  };
  const changed = (m: Managed, patch: Partial<ProcessInfo>) => {
    Object.assign(m.info, patch);
    save().catch((error: unknown) => log.warn({ err: error }, 'could not write processes.json'));
  };

  const launch = (m: Managed) => {
    const { spec } = m;
    const profiling = profilingFlags(process.execArgv, spec.service, spec.replica);
    const child = spawn(process.execPath, [...NODE_FLAGS, ...profiling, BAZAAR, 'serve', spec.service], {
      env: { ...process.env, ...spec.env, BAZAAR_REPLICA: String(spec.replica) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    m.child = child;
    const startedAt = Date.now();
    changed(m, { pid: child.pid ?? null, state: 'starting', started_at: new Date(startedAt).toISOString() });
    for (const stream of [child.stdout, child.stderr]) {
      let rest = '';
      stream.on('data', (chunk: Buffer) => {
        const lines = (rest + chunk.toString()).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) if (line) forward(line);
      });
    }
    void waitReady(spec, () => m.child === child && child.exitCode === null).then((ready) => {
      if (ready && m.child === child) changed(m, { state: 'running' });
    });
    child.once('exit', (code, signal) => {
      if (m.child !== child) return;
      m.child = undefined;
      if (stopping) {
        changed(m, { state: 'stopped', pid: null });
        return;
      }
      m.failures = Date.now() - startedAt > 30_000 ? 1 : m.failures + 1;
      const delay = Math.min(10_000, 500 * 2 ** (m.failures - 1));
      log.warn(
        { service: spec.service, replica: spec.replica, code, signal, restart_in_ms: delay },
        'process exited; restarting',
      );
      changed(m, { state: 'restarting', pid: null, restarts: m.info.restarts + 1 });
      m.timer = setTimeout(() => launch(m), delay);
    });
  };

  return {
    processes: (): readonly ProcessInfo[] => managed.map((m) => m.info),
    /** Starts the replicas and resolves once each answers its readiness probe. */
    start: async (specs: readonly ProcessSpec[], timeoutMs = 180_000): Promise<void> => {
      const started = specs.map((spec) => {
        const m: Managed = {
          spec,
          failures: 0,
          info: {
            service: spec.service,
            replica: spec.replica,
            pid: null,
            port: spec.port,
            ops_port: spec.opsPort,
            state: 'starting',
            restarts: 0,
            started_at: null,
          },
        };
        managed.push(m);
        launch(m);
        return m;
      });
      const deadline = Date.now() + timeoutMs;
      while (started.some((m) => m.info.state !== 'running')) {
        if (Date.now() > deadline) {
          const late = started.filter((m) => m.info.state !== 'running');
          throw new Error(
            `${late.map((m) => `${m.spec.service}#${m.spec.replica}`).join(', ')} did not become ready in ${timeoutMs / 1000} s; see the log lines above.`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    /** SIGTERM to every process of `services` (all when omitted), SIGKILL for any still up after `graceMs`. */
    stop: async (services?: readonly string[], graceMs = 15_000): Promise<void> => {
      stopping = true;
      const targets = managed.filter((m) => !services || services.includes(m.spec.service));
      for (const m of targets) clearTimeout(m.timer);
      await Promise.all(
        targets.map(async (m) => {
          const child = m.child;
          if (!child?.pid) return changed(m, { state: 'stopped', pid: null });
          changed(m, { state: 'stopping' });
          child.kill('SIGTERM');
          if (!(await waitUntilDead(child.pid, graceMs))) child.kill('SIGKILL');
        }),
      );
    },
    /** For an exit that cannot wait: every process killed at once. */
    kill: () => {
      stopping = true;
      for (const m of managed) m.child?.kill('SIGKILL');
    },
    clear: () => rm(processesFile(dataDir), { force: true }),
  };
};

const waitReady = async (spec: ProcessSpec, alive: () => boolean): Promise<boolean> => {
  while (alive()) {
    const ok = await fetch(readyUrl(spec), { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
};

export type Supervisor = ReturnType<typeof createSupervisor>;
