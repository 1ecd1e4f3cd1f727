import type { Clients } from '@bazaar/contracts/clients';
import { AppError, decodeCursor, newId, page, recordEvents, Violations, type Database } from '@bazaar/kit';
import { applyChanges } from './levels.ts';
import type { AdjustInput, AdjustmentDoc, AdjustmentReason, AvailabilityDoc, LevelDoc } from './model.ts';
import * as store from './store.ts';
import type { InventoryTables } from './store.ts';
import { checkAdjustment } from './validation.ts';

const MAX_VARIANTS = 500;

const insufficient = (message: string) =>
  new AppError('insufficient_stock', 409, message, [{ field: 'delta', code: 'insufficient_stock', message }]);

export const createStock = (db: Database<InventoryTables>, catalog: Clients['catalog']) => {
  /** The variant must be in the catalog and the location the tenant's; both are reported at once. */
  const checkReferences = async (tenantId: string, input: AdjustInput) => {
    const [{ variants }, locationFound] = await Promise.all([
      catalog.getVariants({ tenantId, variantIds: [input.variant_id] }),
      db.tenant(tenantId, (trx) => store.locationExists(trx, tenantId, input.location_id)),
    ]);
    const v = new Violations();
    if (!variants.some((x) => x.id === input.variant_id)) {
      v.add('variant_id', 'unknown_variant', `There is no variant '${input.variant_id}'.`);
    }
    if (!locationFound)
      v.add('location_id', 'unknown_location', `There is no location '${input.location_id}'.`);
    v.throwIfAny();
  };

  return {
    /** Changes on-hand stock at one location and records it in the ledger, or changes nothing. */
    adjust: async (
      tenantId: string,
      input: AdjustInput,
    ): Promise<{ level: LevelDoc; adjustment: AdjustmentDoc }> => {
      const v = new Violations();
      checkAdjustment(v, input);
      v.throwIfAny();
      await checkReferences(tenantId, input);
      return db.tenant(tenantId, async (trx) => {
        await store.ensureLevel(trx, tenantId, input.variant_id, input.location_id);
        const locked = await store.lockLevels(trx, tenantId, [input.variant_id]);
        const row = locked.find((r) => r.location_id === input.location_id)!;
        const onHand = row.on_hand + input.delta;
        if (onHand < 0) {
          throw insufficient(`There are ${row.on_hand} units on hand; ${-input.delta} cannot be taken away.`);
        }
        if (onHand < row.reserved) {
          throw insufficient(
            `${row.reserved} of the ${row.on_hand} units on hand are reserved for orders; at most ${row.on_hand - row.reserved} can be taken away.`,
          );
        }
        const { levels, events } = await applyChanges(trx, tenantId, locked, [
          { variant_id: input.variant_id, location_id: input.location_id, on_hand: input.delta, reserved: 0 },
        ]);
        const adjustment = await store.insertAdjustment(trx, {
          id: newId('adj'),
          tenant_id: tenantId,
          variant_id: input.variant_id,
          location_id: input.location_id,
          delta: input.delta,
          reason: input.reason as AdjustmentReason,
          note: input.note,
          actor: input.actor,
          reference: '',
        });
        await recordEvents(trx, events);
        return { level: store.levelDoc(levels[0]!), adjustment: store.adjustmentDoc(adjustment) };
      });
    },

    /** Receives many variants into one location in one transaction: all of them, or none. */
    receive: async (
      tenantId: string,
      locationId: string,
      lines: { variant_id: string; quantity: number }[],
      note: string,
      actor: string,
    ): Promise<LevelDoc[]> => {
      const v = new Violations();
      if (lines.length === 0 || lines.length > MAX_VARIANTS) {
        v.add('lines', 'out_of_range', `Receive 1 to ${MAX_VARIANTS} lines at a time.`);
      }
      lines.forEach((line, i) => {
        if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > 1_000_000) {
          v.add(
            `lines/${i}/quantity`,
            'out_of_range',
            'A quantity received is a whole number from 1 to 1,000,000.',
          );
        }
      });
      v.throwIfAny();
      const ids = [...new Set(lines.map((l) => l.variant_id))];
      const [{ variants }, locationFound] = await Promise.all([
        catalog.getVariants({ tenantId, variantIds: ids }),
        db.tenant(tenantId, (trx) => store.locationExists(trx, tenantId, locationId)),
      ]);
      const known = new Set(variants.map((x) => x.id));
      lines.forEach((line, i) => {
        if (!known.has(line.variant_id)) {
          v.add(`lines/${i}/variant_id`, 'unknown_variant', `There is no variant '${line.variant_id}'.`);
        }
      });
      if (!locationFound) v.add('location_id', 'unknown_location', `There is no location '${locationId}'.`);
      v.throwIfAny();
      return db.tenant(tenantId, async (trx) => {
        for (const id of ids) await store.ensureLevel(trx, tenantId, id, locationId);
        const locked = await store.lockLevels(trx, tenantId, ids);
        const { levels, events } = await applyChanges(
          trx,
          tenantId,
          locked,
          lines.map((l) => ({
            variant_id: l.variant_id,
            location_id: locationId,
            on_hand: l.quantity,
            reserved: 0,
          })),
        );
        await store.recordAdjustments(
          trx,
          lines.map((l) => ({
            id: newId('adj'),
            tenant_id: tenantId,
            variant_id: l.variant_id,
            location_id: locationId,
            delta: l.quantity,
            reason: 'received',
            note,
            actor,
            reference: '',
          })),
        );
        await recordEvents(trx, events);
        return levels.map(store.levelDoc);
      });
    },

    levels: async (tenantId: string, variantIds: string[], locationId: string | undefined) => {
      const rows = await db.tenant(tenantId, (trx) =>
        store.listLevels(trx, tenantId, [...new Set(variantIds)].slice(0, MAX_VARIANTS), locationId),
      );
      return rows.map(store.levelDoc);
    },

    /** The ledger, oldest first. */
    adjustments: async (tenantId: string, variantId: string | undefined, limit: number, cursor: string) => {
      const after = cursor ? decodeCursor(cursor) : undefined;
      const rows = await db.tenant(tenantId, (trx) =>
        store.listAdjustments(trx, tenantId, variantId, after, limit + 1),
      );
      return page(rows.map(store.adjustmentDoc), limit);
    },

    /** Totals over all locations, one per asked variant (zeros for a variant never stocked). */
    availability: async (tenantId: string, variantIds: string[]): Promise<AvailabilityDoc[]> => {
      const ids = [...new Set(variantIds)].slice(0, MAX_VARIANTS);
      const rows = await db.tenantRead(tenantId, (trx) => store.totals(trx, tenantId, ids));
      const byId = new Map(rows.map((r) => [r.variant_id, r]));
      return ids.map((id) => {
        const t = byId.get(id);
        const onHand = t?.on_hand ?? 0;
        const reserved = t?.reserved ?? 0;
        return { variant_id: id, on_hand: onHand, reserved, available: onHand - reserved };
      });
    },
  };
};

export type Stock = ReturnType<typeof createStock>;
