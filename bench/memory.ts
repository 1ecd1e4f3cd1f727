import { readdirSync, readFileSync } from 'node:fs';

/** Memory of processes, read from /proc (Linux). */

interface Proc {
  pid: number;
  ppid: number;
  name: string;
}

const readProc = (pid: number): Proc | undefined => {
  try {
    // "pid (name) state ppid …"; the name may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    return {
      pid,
      name: stat.slice(stat.indexOf('(') + 1, close),
      ppid: Number(stat.slice(close + 2).split(' ')[1]),
    };
  } catch {
    return undefined; // gone meanwhile
  }
};

export interface ProcessTree {
  /** The root and its descendants, PostgreSQL excluded. */
  node: number[];
  /** PostgreSQL servers under the root, with their backends. */
  postgres: number[];
}

/** The processes under `root`; a process named postgres, and all below it, counts as PostgreSQL. */
export const processTree = (root: number): ProcessTree => {
  const children = new Map<number, Proc[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const proc = readProc(Number(entry));
    if (proc) children.set(proc.ppid, [...(children.get(proc.ppid) ?? []), proc]);
  }
  const tree: ProcessTree = { node: [], postgres: [] };
  const visit = (pid: number, inPostgres: boolean) => {
    for (const child of children.get(pid) ?? []) {
      const postgres = inPostgres || child.name.startsWith('postgres');
      (postgres ? tree.postgres : tree.node).push(child.pid);
      visit(child.pid, postgres);
    }
  };
  if (readProc(root)) {
    tree.node.push(root);
    visit(root, false);
  }
  return tree;
};

/** A `kB` field of a /proc file, in bytes; 0 when the process is gone or the field is missing. */
const field = (file: string, name: string): number => {
  try {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(readFileSync(file, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
};

export const rss = (pids: number[]): number =>
  pids.reduce((sum, pid) => sum + field(`/proc/${pid}/status`, 'VmRSS'), 0);

/** Proportional set size: shared pages (PostgreSQL's shared buffers) counted once across processes. */
export const pss = (pids: number[]): number =>
  pids.reduce((sum, pid) => sum + field(`/proc/${pid}/smaps_rollup`, 'Pss'), 0);

/** Samples the summed RSS of `pids` every `everyMs` until stopped; `stop` answers the peak. */
export const sampleRss = (pids: number[], everyMs = 200): { stop(): number } => {
  let peak = 0;
  const sample = () => {
    peak = Math.max(peak, rss(pids));
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
};
