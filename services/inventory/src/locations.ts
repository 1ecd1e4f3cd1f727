import {
  conflict,
  decodeCursor,
  isUniqueViolation,
  newId,
  page,
  Violations,
  type Database,
} from '@bazaar/kit';
import type { LocationDoc } from './model.ts';
import * as store from './store.ts';
import type { InventoryTables } from './store.ts';
import { checkLocation, LIMITS } from './validation.ts';

/** A code made from the name: `Main warehouse` → `MAIN-WAREHOUSE`. */
export const codeFrom = (name: string): string =>
  name
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toUpperCase()
    .slice(0, LIMITS.code - 4)
    .replace(/-+$/, '') || 'LOC';

const firstFree = (base: string, taken: Set<string>): string => {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
};

export const createLocations = (db: Database<InventoryTables>) => ({
  /** A location; without a code, one is made from the name. */
  create: (tenantId: string, name: string, code: string | undefined): Promise<LocationDoc> => {
    const v = new Violations();
    checkLocation(v, name, code);
    v.throwIfAny();
    return db
      .tenant(tenantId, async (trx) => {
        const base = code ?? codeFrom(name);
        const free = code ?? firstFree(base, await store.takenCodes(trx, tenantId, base));
        const row = await store.insertLocation(trx, {
          id: newId('loc'),
          tenant_id: tenantId,
          name: name.trim(),
          code: free,
        });
        return store.locationDoc(row);
      })
      .catch((error: unknown) => {
        if (isUniqueViolation(error, store.CODE_CONSTRAINT)) {
          throw conflict(
            'location_code_taken',
            code === undefined
              ? 'Another location was just given the code made from this name; try again.'
              : `Another location already has the code '${code}'.`,
            'code',
          );
        }
        throw error;
      });
  },

  list: async (tenantId: string, limit: number, cursor: string) => {
    const after = cursor ? decodeCursor(cursor) : undefined;
    const rows = await db.tenant(tenantId, (trx) => store.listLocations(trx, tenantId, after, limit + 1));
    return page(rows.map(store.locationDoc), limit);
  },
});

export type Locations = ReturnType<typeof createLocations>;
