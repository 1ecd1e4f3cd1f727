import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Response } from './api.ts';

/** Starts ceiling-server.ts in its own process, serving `response`, and answers its URL. */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SERVER = fileURLToPath(new URL('ceiling-server.ts', import.meta.url));

export interface Ceiling {
  url: string;
  pid: number;
}

export const startCeiling = (response: Response): { ready: Promise<Ceiling>; stop: () => Promise<void> } => {
  // cwd is the repository, where `--import tsx` finds tsx.
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER, response.contentType], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true, // so a Ctrl-C in the terminal reaches the runner only
  });
  let output = '';
  const exited = new Promise<string>((resolve) => {
    child.once('error', (error) => resolve(error.message));
    child.once('exit', (code, signal) => resolve(signal ? `killed by ${signal}` : `exit code ${code}`));
  });
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stdin.end(response.body);

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const ready = new Promise<Ceiling>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      output += `${line}\n`;
      const port = /^listening on (\d+)$/.exec(line)?.[1];
      if (port) resolve({ url: `http://127.0.0.1:${port}`, pid: child.pid ?? 0 });
    });
    void exited.then((how) =>
      reject(new Error(`The ceiling server (${SERVER}) stopped (${how}) before it listened:\n${output}`)),
    );
  });
  ready.catch(() => undefined); // the caller gets the rejection from `ready`
  return { ready, stop };
};
