/**
 * A status line for long steps. On a terminal it is rewritten in place; elsewhere (CI, a pipe) an
 * update is printed at most every few seconds so logs stay short.
 */
const tty = process.stdout.isTTY;
const QUIET_MS = 5_000;
let shown = '';
let printedAt = 0;

const clear = () => {
  if (tty && shown) process.stdout.write('\r\x1b[2K');
  shown = '';
};

/** Replaces the status line. */
export const status = (text: string): void => {
  if (tty) {
    const width = process.stdout.columns || 100;
    process.stdout.write(`\r\x1b[2K${text.slice(0, width - 1)}`);
    shown = text;
  } else if (Date.now() - printedAt >= QUIET_MS) {
    process.stdout.write(`${text}\n`);
    printedAt = Date.now();
  }
};

/** Prints a line that stays, clearing any status line first. */
export const say = (text = ''): void => {
  clear();
  process.stdout.write(`${text}\n`);
  printedAt = 0;
};
