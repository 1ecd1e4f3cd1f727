import { sendLater } from '@bazaar/kit';
import { sql, type ColumnType, type Generated, type Kysely, type Selectable, type Transaction } from 'kysely';
import type {
  AdjustmentDoc,
  AdjustmentReason,
  AllocationDoc,
  LevelDoc,
  LocationDoc,
  QuantityLine,
  ReservationDoc,
  ReservationStatus,
} from './model.ts';

type Json<T> = ColumnType<T, string, string>;

/** What a restock asked for, kept to tell a replay from a reused key. */
export interface RestockRecord {
  reference: string;
  reason: string;
  lines: QuantityLine[];
}

export interface InventoryTables {
  locations: {
    id: string;
    tenant_id: string;
    name: string;
    code: string;
    created_at: Generated<Date>;
  };
  stock_levels: {
    tenant_id: string;
    variant_id: string;
    location_id: string;
    on_hand: Generated<number>;
    reserved: Generated<number>;
    updated_at: Generated<Date>;
  };
  stock_adjustments: {
    id: string;
    tenant_id: string;
    variant_id: string;
    location_id: string;
    delta: number;
    reason: AdjustmentReason;
    note: string;
    actor: string;
    reference: string;
    created_at: Generated<Date>;
  };
  reservations: {
    id: string;
    tenant_id: string;
    reference: string;
    status: ReservationStatus;
    expires_at: Date;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  reservation_allocations: {
    reservation_id: string;
    tenant_id: string;
    variant_id: string;
    location_id: string;
    quantity: number;
    restocked: Generated<number>;
  };
  restocks: {
    tenant_id: string;
    idempotency_key: string;
    reference: string;
    request: Json<RestockRecord>;
    created_at: Generated<Date>;
  };
}

export type Trx = Transaction<InventoryTables>;
export type LocationRow = Selectable<InventoryTables['locations']>;
export type LevelRow = Selectable<InventoryTables['stock_levels']>;
export type AdjustmentRow = Selectable<InventoryTables['stock_adjustments']>;
export type ReservationRow = Selectable<InventoryTables['reservations']>;
export type AllocationRow = Selectable<InventoryTables['reservation_allocations']>;

export const CODE_CONSTRAINT = 'locations_code_unique';

// Locations

export const insertLocation = (trx: Trx, row: Omit<LocationRow, 'created_at'>) =>
  trx.insertInto('locations').values(row).returningAll().executeTakeFirstOrThrow();

export const listLocations = (trx: Trx, tenantId: string, after: string | undefined, limit: number) => {
  let query = trx
    .selectFrom('locations')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('id')
    .limit(limit);
  if (after) query = query.where('id', '>', after);
  return query.execute();
};

export const locationExists = async (trx: Trx, tenantId: string, id: string): Promise<boolean> =>
  (await trx
    .selectFrom('locations')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst()) !== undefined;

/** Codes already used that equal `base` or extend it with a number (`MAIN-2`). */
export const takenCodes = async (trx: Trx, tenantId: string, base: string): Promise<Set<string>> => {
  const rows = await trx
    .selectFrom('locations')
    .select('code')
    .where('tenant_id', '=', tenantId)
    .where((eb) => eb.or([eb('code', '=', base), eb('code', 'like', `${base}-%`)]))
    .execute();
  return new Set(rows.map((r) => r.code));
};

// Stock levels

/** Makes sure the level row exists, so that it can be locked. */
export const ensureLevel = async (trx: Trx, tenantId: string, variantId: string, locationId: string) => {
  await trx
    .insertInto('stock_levels')
    .values({ tenant_id: tenantId, variant_id: variantId, location_id: locationId })
    .onConflict((oc) => oc.doNothing())
    .execute();
};

/**
 * Locks every level row of the variants. All writers lock in this one order (variant, then location),
 * so two transactions never wait on each other in a cycle.
 */
export const lockLevels = (trx: Trx, tenantId: string, variantIds: string[]): Promise<LevelRow[]> =>
  variantIds.length === 0
    ? Promise.resolve([])
    : trx
        .selectFrom('stock_levels')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('variant_id', 'in', variantIds)
        .orderBy('variant_id')
        .orderBy('location_id')
        .forUpdate()
        .execute();

/** Adds each change's amounts to its level, in one statement; answers the levels in the changes' order. */
export const changeLevels = async (
  trx: Trx,
  tenantId: string,
  changes: { variant_id: string; location_id: string; on_hand: number; reserved: number }[],
): Promise<LevelRow[]> => {
  if (changes.length === 0) return [];
  const values = changes.map(
    (c) => sql`(${c.variant_id}::text, ${c.location_id}::text, ${c.on_hand}::int8, ${c.reserved}::int8)`,
  );
  const { rows } = await sql<LevelRow>`
    update stock_levels as l
    set on_hand = l.on_hand + c.on_hand, reserved = l.reserved + c.reserved, updated_at = now()
    from (values ${sql.join(values)}) as c (variant_id, location_id, on_hand, reserved)
    where l.tenant_id = ${tenantId} and l.variant_id = c.variant_id and l.location_id = c.location_id
    returning l.*`.execute(trx);
  const byKey = new Map(rows.map((r) => [`${r.variant_id} ${r.location_id}`, r]));
  return changes.map((c) => {
    const row = byKey.get(`${c.variant_id} ${c.location_id}`);
    if (!row) throw new Error(`no stock level ${c.variant_id} at ${c.location_id}`);
    return row;
  });
};

export const listLevels = (
  trx: Trx,
  tenantId: string,
  variantIds: string[],
  locationId: string | undefined,
): Promise<LevelRow[]> => {
  if (variantIds.length === 0) return Promise.resolve([]);
  let query = trx
    .selectFrom('stock_levels')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('variant_id', 'in', variantIds)
    .orderBy('variant_id')
    .orderBy('location_id');
  if (locationId !== undefined) query = query.where('location_id', '=', locationId);
  return query.execute();
};

export const levelsAt = (
  trx: Trx,
  tenantId: string,
  pairs: { variant_id: string; location_id: string }[],
): Promise<LevelRow[]> =>
  pairs.length === 0
    ? Promise.resolve([])
    : trx
        .selectFrom('stock_levels')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where((eb) =>
          eb.or(
            pairs.map((p) =>
              eb.and([eb('variant_id', '=', p.variant_id), eb('location_id', '=', p.location_id)]),
            ),
          ),
        )
        .orderBy('variant_id')
        .orderBy('location_id')
        .execute();

export const totals = (trx: Trx, tenantId: string, variantIds: string[]) =>
  variantIds.length === 0
    ? Promise.resolve([])
    : trx
        .selectFrom('stock_levels')
        .select([
          'variant_id',
          sql<number>`sum(on_hand)::int8`.as('on_hand'),
          sql<number>`sum(reserved)::int8`.as('reserved'),
        ])
        .where('tenant_id', '=', tenantId)
        .where('variant_id', 'in', variantIds)
        .groupBy('variant_id')
        .execute();

// The ledger

export const insertAdjustment = (trx: Trx, row: Omit<AdjustmentRow, 'created_at'>) =>
  trx.insertInto('stock_adjustments').values(row).returningAll().executeTakeFirstOrThrow();

/** Adds to the ledger; sent with the transaction's next statement. */
export const recordAdjustments = async (trx: Trx, rows: Omit<AdjustmentRow, 'created_at'>[]) => {
  if (rows.length > 0) await sendLater(trx, trx.insertInto('stock_adjustments').values(rows));
};

export const listAdjustments = (
  trx: Trx,
  tenantId: string,
  variantId: string | undefined,
  after: string | undefined,
  limit: number,
): Promise<AdjustmentRow[]> => {
  let query = trx
    .selectFrom('stock_adjustments')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('id')
    .limit(limit);
  if (variantId !== undefined) query = query.where('variant_id', '=', variantId);
  if (after) query = query.where('id', '>', after);
  return query.execute();
};

// Reservations

/** Inserts the reservation unless one exists for the reference; answers the new row, or nothing. */
export const insertReservation = (
  trx: Trx,
  row: { id: string; tenant_id: string; reference: string },
  ttlSeconds: number,
): Promise<ReservationRow | undefined> =>
  trx
    .insertInto('reservations')
    .values({
      ...row,
      status: 'active',
      expires_at: sql<Date>`now() + make_interval(secs => ${ttlSeconds})`,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'reference']).doNothing())
    .returningAll()
    .executeTakeFirst();

export const findReservation = (
  trx: Trx,
  tenantId: string,
  reference: string,
  lock: boolean,
): Promise<ReservationRow | undefined> => {
  const query = trx
    .selectFrom('reservations')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('reference', '=', reference);
  return (lock ? query.forUpdate() : query).executeTakeFirst();
};

export const setReservationStatus = (
  trx: Trx,
  tenantId: string,
  id: string,
  status: ReservationStatus,
): Promise<ReservationRow> =>
  trx
    .updateTable('reservations')
    .set({ status, updated_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();

export const findAllocations = (
  trx: Trx,
  tenantId: string,
  reservationId: string,
): Promise<AllocationRow[]> =>
  trx
    .selectFrom('reservation_allocations')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('reservation_id', '=', reservationId)
    .orderBy('variant_id')
    .orderBy('location_id')
    .execute();

/** Sent with the transaction's next statement. */
export const insertAllocations = async (trx: Trx, rows: Omit<AllocationRow, 'restocked'>[]) => {
  if (rows.length > 0) await sendLater(trx, trx.insertInto('reservation_allocations').values(rows));
};

export const addRestocked = async (
  trx: Trx,
  tenantId: string,
  reservationId: string,
  variantId: string,
  locationId: string,
  quantity: number,
) => {
  await trx
    .updateTable('reservation_allocations')
    .set((eb) => ({ restocked: eb('restocked', '+', quantity) }))
    .where('tenant_id', '=', tenantId)
    .where('reservation_id', '=', reservationId)
    .where('variant_id', '=', variantId)
    .where('location_id', '=', locationId)
    .execute();
};

/** Active reservations past their expiry, across tenants: the sweeper's work list. */
export const dueReservations = (db: Kysely<InventoryTables>, limit: number) =>
  db
    .selectFrom('reservations')
    .select(['id', 'tenant_id'])
    .where('status', '=', 'active')
    .where('expires_at', '<=', sql<Date>`now()`)
    .orderBy('expires_at')
    .limit(limit)
    .execute();

/** The reservation if it is still due and no one else is working on it. */
export const lockDue = (trx: Trx, tenantId: string, id: string): Promise<ReservationRow | undefined> =>
  trx
    .selectFrom('reservations')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .where('status', '=', 'active')
    .where('expires_at', '<=', sql<Date>`now()`)
    .forUpdate()
    .skipLocked()
    .executeTakeFirst();

// Restocks

/** Records the key; answers false when it was already applied. */
export const claimRestock = async (
  trx: Trx,
  row: { tenant_id: string; idempotency_key: string; reference: string; request: RestockRecord },
): Promise<boolean> =>
  (await trx
    .insertInto('restocks')
    .values({ ...row, request: JSON.stringify(row.request) })
    .onConflict((oc) => oc.columns(['tenant_id', 'idempotency_key']).doNothing())
    .returning('idempotency_key')
    .executeTakeFirst()) !== undefined;

export const findRestock = (trx: Trx, tenantId: string, key: string) =>
  trx
    .selectFrom('restocks')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('idempotency_key', '=', key)
    .executeTakeFirstOrThrow();

// Documents

export const locationDoc = (row: LocationRow): LocationDoc => ({
  id: row.id,
  name: row.name,
  code: row.code,
  created_at: row.created_at.toISOString(),
});

export const levelDoc = (row: LevelRow): LevelDoc => ({
  variant_id: row.variant_id,
  location_id: row.location_id,
  on_hand: row.on_hand,
  reserved: row.reserved,
  available: row.on_hand - row.reserved,
  updated_at: row.updated_at.toISOString(),
});

export const adjustmentDoc = (row: AdjustmentRow): AdjustmentDoc => ({
  id: row.id,
  variant_id: row.variant_id,
  location_id: row.location_id,
  delta: row.delta,
  reason: row.reason,
  note: row.note,
  actor: row.actor,
  reference: row.reference,
  created_at: row.created_at.toISOString(),
});

export const allocationDoc = (row: AllocationRow): AllocationDoc => ({
  variant_id: row.variant_id,
  location_id: row.location_id,
  quantity: row.quantity,
});

export const reservationDoc = (row: ReservationRow, allocations: AllocationRow[]): ReservationDoc => ({
  id: row.id,
  reference: row.reference,
  status: row.status,
  expires_at: row.expires_at.toISOString(),
  lines: allocations.map(allocationDoc),
});
