import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isAlive, startedAt } from './processes.ts';

/** What a running platform tells other `bazaar` commands about itself. */
export interface RuntimeInfo {
  pid: number;
  /** When the process started (see `startedAt`), where that is known. */
  started?: string;
  postgres_url: string;
  gateway_url: string;
  topology?: 'all-in-one' | 'split';
}

const file = (dataDir: string) => join(dataDir, 'runtime.json');

/**
 * The platform running on this data directory, if one is. A file left by a killed run is ignored,
 * also when its pid has since gone to another process.
 */
export const findRunning = (dataDir: string): RuntimeInfo | undefined => {
  if (!existsSync(file(dataDir))) return undefined;
  try {
    const info = JSON.parse(readFileSync(file(dataDir), 'utf8')) as RuntimeInfo;
    if (info.pid === process.pid || !isAlive(info.pid, 'node')) return undefined;
    const started = startedAt(info.pid);
    return info.started === undefined || started === undefined || started === info.started ? info : undefined;
  } catch {
    return undefined;
  }
};

export const announceRunning = async (dataDir: string, info: Omit<RuntimeInfo, 'pid'>): Promise<void> => {
  await mkdir(dataDir, { recursive: true });
  await writeFile(
    file(dataDir),
    JSON.stringify({ pid: process.pid, started: startedAt(process.pid), ...info }),
    { mode: 0o600 },
  );
};

export const clearRunning = async (dataDir: string): Promise<void> => {
  if (findRunning(dataDir) === undefined) await rm(file(dataDir), { force: true });
};
