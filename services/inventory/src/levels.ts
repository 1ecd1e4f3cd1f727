import { conflict, type NewEvent } from '@bazaar/kit';
import { inventoryEvent } from './events.ts';
import * as store from './store.ts';
import type { LevelRow, Trx } from './store.ts';

/** A change of one level, as amounts to add (negative to take away). */
export interface LevelChange {
  variant_id: string;
  location_id: string;
  on_hand: number;
  reserved: number;
}

const keyOf = (x: { variant_id: string; location_id: string }) => `${x.variant_id} ${x.location_id}`;

const availableBy = (rows: LevelRow[]) => {
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(r.variant_id, (totals.get(r.variant_id) ?? 0) + r.on_hand - r.reserved);
  return totals;
};

/**
 * Applies changes to levels the caller has locked with `store.lockLevels`: every row of every changed
 * variant, so that a variant's total is exact and `stock.depleted` is announced only when it moves to
 * zero. Answers the changed rows and the events to record with them.
 */
export const applyChanges = async (
  trx: Trx,
  tenantId: string,
  locked: LevelRow[],
  changes: LevelChange[],
): Promise<{ levels: LevelRow[]; events: NewEvent[] }> => {
  const merged = new Map<string, LevelChange>();
  for (const c of changes) {
    const seen = merged.get(keyOf(c));
    merged.set(
      keyOf(c),
      seen ? { ...c, on_hand: seen.on_hand + c.on_hand, reserved: seen.reserved + c.reserved } : c,
    );
  }
  const current = new Map(locked.map((r) => [keyOf(r), r]));
  const before = availableBy(locked);
  const applied: LevelChange[] = [];
  for (const change of merged.values()) {
    if (change.on_hand === 0 && change.reserved === 0) continue;
    const row = current.get(keyOf(change));
    if (!row) throw new Error(`level ${keyOf(change)} changed without being locked`);
    const onHand = row.on_hand + change.on_hand;
    const reserved = row.reserved + change.reserved;
    // The table's CHECKs would refuse this too, but as an internal error; this names the problem.
    if (onHand < 0 || reserved < 0 || reserved > onHand) {
      throw conflict(
        'insufficient_stock',
        `Variant '${row.variant_id}' has ${row.on_hand - row.reserved} available at location '${row.location_id}'.`,
      );
    }
    applied.push(change);
  }
  const levels = await store.changeLevels(trx, tenantId, applied);
  for (const level of levels) current.set(keyOf(level), level);
  const after = availableBy([...current.values()]);
  const events: NewEvent[] = levels.map((l) =>
    inventoryEvent('stock.changed', tenantId, {
      variant_id: l.variant_id,
      location_id: l.location_id,
      on_hand: l.on_hand,
      reserved: l.reserved,
      available: l.on_hand - l.reserved,
    }),
  );
  for (const [variantId, total] of after) {
    if (total === 0 && (before.get(variantId) ?? 0) > 0) {
      events.push(inventoryEvent('stock.depleted', tenantId, { variant_id: variantId }));
    }
  }
  return { levels, events };
};
