// pg's own conversion of a parameter to what it sends (Dates, arrays, JSON, Buffers), which its
// public API applies only inside Client.query.
declare module 'pg/lib/utils.js' {
  export function prepareValue(value: unknown): string | Buffer | null;
}
