import { createHash, randomInt } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const LENGTH = 32;

export type Mode = 'live' | 'test';
/** Secret, restricted and publishable keys of a tenant. */
export type KeyPrefix = 'sk' | 'rk' | 'pk';

/** A new tenant key, `sk_live_…`, `rk_test_…`, `pk_live_…`: its kind, its mode and 32 base62 characters (about 190 bits). */
export const newKeySecret = (kind: KeyPrefix, mode: Mode): string => `${kind}_${mode}_${randomBody()}`;

/** A new operator key: `op_` and 32 base62 characters. */
export const newOperatorSecret = (): string => `op_${randomBody()}`;

const randomBody = (): string => {
  let body = '';
  for (let i = 0; i < LENGTH; i++) body += ALPHABET[randomInt(ALPHABET.length)];
  return body;
};

// `sk_…` and `pk_…` without a mode were issued before modes existed; they are live keys.
const SHAPE = /^(?:(?:sk|rk|pk)_(?:live|test)_|(?:sk|pk|op)_)[A-Za-z0-9]{32}$/;

export const isWellFormedSecret = (value: string): boolean => SHAPE.test(value);

/** The mode a key's text names; keys from before modes are live. */
export const modeOfSecret = (value: string): Mode => (value.slice(3, 8) === 'test_' ? 'test' : 'live');

/** Secrets are high-entropy, so a plain SHA-256 is enough to keep them unrecoverable at rest. */
export const hashSecret = (value: string): string => createHash('sha256').update(value).digest('hex');

/** What a list shows of a key: its kind, its mode and six characters; enough to recognise it, too little to use it. */
export const displayPrefix = (value: string): string =>
  /^(?:sk|rk|pk)_(?:live|test)_/.test(value) ? value.slice(0, 14) : value.slice(0, 10);
