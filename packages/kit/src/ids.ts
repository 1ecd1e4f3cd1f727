import { randomFillSync } from 'node:crypto';
import { monotonicFactory } from 'ulid';

// ulid asks the system for one random byte per character; ids are made on every write, so draw
// the bytes from a buffer refilled 4 KiB at a time.
const pool = new Uint8Array(4096);
let next = pool.length;
const randomFraction = (): number => {
  if (next === pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  return pool[next++]! / 256;
};

const ulid = monotonicFactory(randomFraction);

/** Prefixed, time-sortable, opaque ids: `prod_01jx…`. */
export const newId = (prefix: string): string => `${prefix}_${ulid().toLowerCase()}`;

const shape = /^[a-z]+_[0-9a-hjkmnp-tv-z]{26}$/;

export const isId = (prefix: string, value: string): boolean =>
  value.startsWith(`${prefix}_`) && shape.test(value);
