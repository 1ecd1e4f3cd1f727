import { createHash, randomInt } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const LENGTH = 32;

export type SecretKind = 'sk' | 'pk' | 'op';

/** A new secret: its kind's prefix and 32 base62 characters (about 190 bits). */
export const newSecret = (kind: SecretKind): string => {
  let body = '';
  for (let i = 0; i < LENGTH; i++) body += ALPHABET[randomInt(ALPHABET.length)];
  return `${kind}_${body}`;
};

export const isWellFormedSecret = (value: string): boolean => /^(sk|pk|op)_[A-Za-z0-9]{32}$/.test(value);

/** Secrets are high-entropy, so a plain SHA-256 is enough to keep them unrecoverable at rest. */
export const hashSecret = (value: string): string => createHash('sha256').update(value).digest('hex');

/** What a list shows of a key: enough to recognise it, too little to use it. */
export const displayPrefix = (value: string): string => value.slice(0, 10);
