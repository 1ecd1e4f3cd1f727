import { productStatus } from './2026-11-01-product-status.ts';
import type { VersionChange } from './change.ts';

/**
 * Every version of the public API, oldest first, with the changes it introduced. The last one is the
 * current API; the code serves only that one, and the changes translate to and from the older ones.
 */
export const VERSIONS: readonly { name: string; changes: readonly VersionChange[] }[] = [
  { name: '2026-06-01', changes: [] },
  { name: '2026-11-01', changes: [productStatus] },
];

export const KNOWN_VERSIONS: readonly string[] = VERSIONS.map((v) => v.name);
export const LATEST_VERSION: string = KNOWN_VERSIONS.at(-1)!;

export const isKnownVersion = (name: string): boolean => KNOWN_VERSIONS.includes(name);

/** The changes made after `version`, oldest first: what must be undone for a caller on it. */
export const changesSince = (version: string): VersionChange[] =>
  VERSIONS.filter((v) => v.name > version).flatMap((v) => v.changes);
