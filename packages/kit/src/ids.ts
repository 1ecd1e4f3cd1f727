import { monotonicFactory } from 'ulid';

const ulid = monotonicFactory();

/** Prefixed, time-sortable, opaque ids: `prod_01jx…`. */
export const newId = (prefix: string): string => `${prefix}_${ulid().toLowerCase()}`;

const shape = /^[a-z]+_[0-9a-hjkmnp-tv-z]{26}$/;

export const isId = (prefix: string, value: string): boolean =>
  value.startsWith(`${prefix}_`) && shape.test(value);
