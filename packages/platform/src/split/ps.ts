import { existsSync, readFileSync } from 'node:fs';
import { loadConfig } from '../config.ts';
import { isAlive } from '../processes.ts';
import { findRunning } from '../runtime.ts';
import { processesFile, type ProcessInfo } from './supervisor.ts';

const uptime = (startedAt: string | null): string => {
  if (!startedAt) return '-';
  const seconds = Math.round((Date.now() - Date.parse(startedAt)) / 1000);
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${seconds % 60}s`;
  return `${Math.floor(seconds / 3600)}h${Math.floor((seconds % 3600) / 60)}m`;
};

/** A table of processes, one line each. */
export const formatProcesses = (processes: readonly ProcessInfo[]): string => {
  const rows = [
    ['SERVICE', 'REPLICA', 'PID', 'PORT', 'OPS PORT', 'STATE', 'RESTARTS', 'UP'],
    ...processes.map((p) => [
      p.service,
      String(p.replica),
      p.pid === null ? '-' : String(p.pid),
      String(p.port),
      String(p.ops_port),
      p.state,
      String(p.restarts),
      p.state === 'running' ? uptime(p.started_at) : '-',
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
};

/** `bazaar ps`: what runs on this data directory, process by process. */
export const psCommand = (json: boolean): number => {
  const config = loadConfig();
  const running = findRunning(config.dataDir);
  if (!running) {
    process.stderr.write(`Bazaar is not running on ${config.dataDir}. Start it with 'npx bazaar start'.\n`);
    return 1;
  }
  let processes: ProcessInfo[];
  if (running.topology === 'split' && existsSync(processesFile(config.dataDir))) {
    const saved = JSON.parse(readFileSync(processesFile(config.dataDir), 'utf8')) as {
      processes: ProcessInfo[];
    };
    // A pid the supervisor has not yet seen die is shown as it is.
    processes = saved.processes.map((p) =>
      p.pid !== null && !isAlive(p.pid) ? { ...p, state: 'restarting', pid: null } : p,
    );
  } else {
    const port = Number(new URL(running.gateway_url).port);
    processes = [
      {
        service: 'all-in-one',
        replica: 1,
        pid: running.pid,
        port,
        ops_port: port,
        state: 'running',
        restarts: 0,
        started_at: null,
      },
    ];
  }
  process.stdout.write(json ? `${JSON.stringify(processes, null, 2)}\n` : `${formatProcesses(processes)}\n`);
  return 0;
};
