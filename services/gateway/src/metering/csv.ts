import type { UsageRow } from './store.ts';

const cell = (value: string | number | undefined): string => {
  const text = value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** RFC 4180 CSV: a header line, then one line per row, CRLF-terminated. */
export const toCsv = (columns: readonly string[], rows: readonly UsageRow[]): string =>
  [columns, ...rows.map((row) => columns.map((c) => row[c]))]
    .map((line) => `${line.map(cell).join(',')}\r\n`)
    .join('');
