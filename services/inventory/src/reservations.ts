import {
  AppError,
  conflict,
  newId,
  recordEvents,
  Violations,
  type Database,
  type Logger,
  type NewEvent,
} from '@bazaar/kit';
import { allocate } from './allocate.ts';
import { inventoryEvent } from './events.ts';
import { applyChanges } from './levels.ts';
import type {
  AdjustmentReason,
  LevelDoc,
  QuantityLine,
  ReservationDoc,
  ReserveInput,
  RestockInput,
} from './model.ts';
import * as store from './store.ts';
import type { AllocationRow, InventoryTables, ReservationRow, Trx } from './store.ts';
import { checkReference, checkReserve, checkRestock } from './validation.ts';

/**
 * Who the ledger names for rows written on a reservation's behalf. The private API does not say who
 * calls; its contract says a reference is an order id, so the orders service is the one acting.
 */
export const SAGA_ACTOR = 'orders';

/** Reservations past their expiry released per sweep pass. */
export const SWEEP_BATCH = 100;

/** Lines of the same variant summed, each remembering the request lines it came from. */
const merge = (lines: QuantityLine[]) => {
  const byVariant = new Map<string, QuantityLine & { indexes: number[] }>();
  lines.forEach((line, i) => {
    const seen = byVariant.get(line.variant_id);
    if (seen) {
      seen.quantity += line.quantity;
      seen.indexes.push(i);
    } else byVariant.set(line.variant_id, { ...line, indexes: [i] });
  });
  return [...byVariant.values()];
};

const notFound = (reference: string) =>
  new AppError('reservation_not_found', 404, `There is no reservation for reference '${reference}'.`);

const variantsOf = (allocations: AllocationRow[]) => [...new Set(allocations.map((a) => a.variant_id))];

export const createReservations = (db: Database<InventoryTables>, log: Logger) => {
  const locked = async (trx: Trx, tenantId: string, reference: string) => {
    const row = await store.findReservation(trx, tenantId, reference, true);
    if (!row) throw notFound(reference);
    return { row, allocations: await store.findAllocations(trx, tenantId, row.id) };
  };

  /** Gives a reservation's held units back and closes it with `status`. */
  const giveBack = async (
    trx: Trx,
    row: ReservationRow,
    allocations: AllocationRow[],
    status: 'released' | 'expired',
    extra: NewEvent[] = [],
  ): Promise<ReservationDoc> => {
    const levels = await store.lockLevels(trx, row.tenant_id, variantsOf(allocations));
    const { events } = await applyChanges(
      trx,
      row.tenant_id,
      levels,
      allocations.map((a) => ({ ...a, on_hand: 0, reserved: -a.quantity })),
    );
    const updated = await store.setReservationStatus(trx, row.tenant_id, row.id, status);
    await recordEvents(trx, [...events, ...extra]);
    return store.reservationDoc(updated, allocations);
  };

  return {
    /**
     * Holds every line or none. The first call for a reference decides; later calls answer what it
     * holds (or held), whatever they ask.
     */
    reserve: (tenantId: string, input: ReserveInput): Promise<ReservationDoc> => {
      const v = new Violations();
      checkReserve(v, input);
      v.throwIfAny();
      const lines = merge(input.lines);
      return db.tenant(tenantId, async (trx) => {
        // A concurrent call for the same reference waits here until this one commits or rolls back.
        const row = await store.insertReservation(
          trx,
          { id: newId('res'), tenant_id: tenantId, reference: input.reference },
          input.ttl_seconds,
        );
        if (!row) {
          const existing = await store.findReservation(trx, tenantId, input.reference, false);
          return store.reservationDoc(existing!, await store.findAllocations(trx, tenantId, existing!.id));
        }
        const levels = await store.lockLevels(
          trx,
          tenantId,
          lines.map((l) => l.variant_id),
        );
        const { allocations, shortages } = allocate(lines, levels);
        if (shortages.length > 0) {
          const errors = shortages.flatMap((s) =>
            lines
              .find((l) => l.variant_id === s.variant_id)!
              .indexes.map((i) => ({
                field: `lines/${i}/quantity`,
                code: 'out_of_stock',
                message: `Variant '${s.variant_id}' has ${s.available} available; ${s.requested} requested.`,
              })),
          );
          throw new AppError(
            'out_of_stock',
            409,
            `Not enough stock of ${shortages.map((s) => `'${s.variant_id}'`).join(', ')}. Nothing was reserved.`,
            errors,
          );
        }
        const rows = allocations.map((a) => ({
          ...a,
          reservation_id: row.id,
          tenant_id: tenantId,
          restocked: 0,
        }));
        await store.insertAllocations(trx, rows);
        const { events } = await applyChanges(
          trx,
          tenantId,
          levels,
          allocations.map((a) => ({ ...a, on_hand: 0, reserved: a.quantity })),
        );
        await recordEvents(trx, events);
        return store.reservationDoc(row, rows);
      });
    },

    /**
     * Turns held units into sold ones and writes them in the ledger. A reservation past its expiry that
     * the sweeper has not reached still holds its units, so it can still be committed.
     */
    commit: (tenantId: string, reference: string): Promise<ReservationDoc> => {
      const v = new Violations();
      checkReference(v, reference);
      v.throwIfAny();
      return db.tenant(tenantId, async (trx) => {
        const { row, allocations } = await locked(trx, tenantId, reference);
        if (row.status === 'committed') return store.reservationDoc(row, allocations);
        if (row.status !== 'active') {
          throw conflict(
            'reservation_not_active',
            `The reservation for '${reference}' was ${row.status}; it holds no stock to commit.`,
          );
        }
        const levels = await store.lockLevels(trx, tenantId, variantsOf(allocations));
        const { events } = await applyChanges(
          trx,
          tenantId,
          levels,
          allocations.map((a) => ({ ...a, on_hand: -a.quantity, reserved: -a.quantity })),
        );
        await store.recordAdjustments(
          trx,
          allocations.map((a) => ({
            id: newId('adj'),
            tenant_id: tenantId,
            variant_id: a.variant_id,
            location_id: a.location_id,
            delta: -a.quantity,
            reason: 'sold',
            note: '',
            actor: SAGA_ACTOR,
            reference,
          })),
        );
        const updated = await store.setReservationStatus(trx, tenantId, row.id, 'committed');
        await recordEvents(trx, events);
        return store.reservationDoc(updated, allocations);
      });
    },

    /** Gives the held units back. Releasing a reservation that no longer holds any changes nothing. */
    release: (tenantId: string, reference: string): Promise<ReservationDoc> => {
      const v = new Violations();
      checkReference(v, reference);
      v.throwIfAny();
      return db.tenant(tenantId, async (trx) => {
        const { row, allocations } = await locked(trx, tenantId, reference);
        if (row.status === 'committed') {
          throw conflict(
            'reservation_committed',
            `The reservation for '${reference}' was committed: its units are sold. Restock them instead.`,
          );
        }
        if (row.status !== 'active') return store.reservationDoc(row, allocations);
        return giveBack(trx, row, allocations, 'released');
      });
    },

    /**
     * Puts units sold under the reference back at the locations they were taken from, at most as many
     * as were sold and not yet put back. Applied once per idempotency key.
     */
    restock: (tenantId: string, input: RestockInput): Promise<LevelDoc[]> => {
      const v = new Violations();
      checkRestock(v, input);
      v.throwIfAny();
      const lines = merge(input.lines);
      const request = {
        reference: input.reference,
        reason: input.reason,
        lines: lines
          .map((l) => ({ variant_id: l.variant_id, quantity: l.quantity }))
          .sort((a, b) => a.variant_id.localeCompare(b.variant_id)),
      };
      return db.tenant(tenantId, async (trx) => {
        // Locking the reservation serialises restocks of one reference, so the limit below holds.
        const { row, allocations } = await locked(trx, tenantId, input.reference);
        const wanted = allocations.filter((a) => lines.some((l) => l.variant_id === a.variant_id));
        const claimed = await store.claimRestock(trx, {
          tenant_id: tenantId,
          idempotency_key: input.idempotency_key,
          reference: input.reference,
          request,
        });
        if (!claimed) {
          const previous = await store.findRestock(trx, tenantId, input.idempotency_key);
          if (!sameRestock(previous.request, request)) {
            throw new AppError(
              'idempotency_key_reused',
              422,
              'This idempotency key was used for a different restock. Use a new key for a new restock.',
            );
          }
          return (await store.levelsAt(trx, tenantId, wanted)).map(store.levelDoc);
        }

        const problems = new Violations();
        for (const line of lines) {
          const sold =
            row.status === 'committed'
              ? allocations
                  .filter((a) => a.variant_id === line.variant_id)
                  .reduce((sum, a) => sum + a.quantity - a.restocked, 0)
              : 0;
          if (line.quantity > sold) {
            for (const i of line.indexes) {
              problems.add(
                `lines/${i}/quantity`,
                'restock_exceeds_sold',
                `${sold} units of '${line.variant_id}' sold under '${input.reference}' can be restocked; ${line.quantity} asked.`,
              );
            }
          }
        }
        problems.throwIfAny(409);

        const changes: { variant_id: string; location_id: string; quantity: number }[] = [];
        for (const line of lines) {
          let left = line.quantity;
          for (const a of wanted.filter((x) => x.variant_id === line.variant_id)) {
            const quantity = Math.min(left, a.quantity - a.restocked);
            if (quantity <= 0) continue;
            changes.push({ variant_id: a.variant_id, location_id: a.location_id, quantity });
            left -= quantity;
          }
        }
        const levels = await store.lockLevels(trx, tenantId, variantsOf(wanted));
        const { levels: changed, events } = await applyChanges(
          trx,
          tenantId,
          levels,
          changes.map((c) => ({ ...c, on_hand: c.quantity, reserved: 0 })),
        );
        for (const c of changes) {
          await store.addRestocked(trx, tenantId, row.id, c.variant_id, c.location_id, c.quantity);
        }
        await store.recordAdjustments(
          trx,
          changes.map((c) => ({
            id: newId('adj'),
            tenant_id: tenantId,
            variant_id: c.variant_id,
            location_id: c.location_id,
            delta: c.quantity,
            reason: input.reason as AdjustmentReason,
            note: '',
            actor: SAGA_ACTOR,
            reference: input.reference,
          })),
        );
        await recordEvents(trx, events);
        return changed.map(store.levelDoc);
      });
    },

    /**
     * One sweep: releases active reservations past their expiry, across tenants. Each runs in its own
     * tenant transaction and is skipped while another worker (a commit, another replica) holds it.
     * Answers how many it expired.
     */
    expireDue: async (): Promise<number> => {
      const due = await store.dueReservations(db.kysely, SWEEP_BATCH);
      let expired = 0;
      for (const { id, tenant_id: tenantId } of due) {
        try {
          const done = await db.tenant(tenantId, async (trx) => {
            const row = await store.lockDue(trx, tenantId, id);
            if (!row) return false;
            const allocations = await store.findAllocations(trx, tenantId, row.id);
            await giveBack(trx, row, allocations, 'expired', [
              inventoryEvent('reservation.expired', tenantId, { reference: row.reference }),
            ]);
            return true;
          });
          if (done) expired += 1;
        } catch (error) {
          log.warn({ err: error, reservation_id: id }, 'could not expire a reservation; will retry');
        }
      }
      return expired;
    },
  };
};

const sameRestock = (a: store.RestockRecord, b: store.RestockRecord): boolean => {
  const lines = (r: store.RestockRecord) => r.lines.map((l) => `${l.variant_id}:${l.quantity}`).join(',');
  return a.reference === b.reference && a.reason === b.reason && lines(a) === lines(b);
};

export type Reservations = ReturnType<typeof createReservations>;
