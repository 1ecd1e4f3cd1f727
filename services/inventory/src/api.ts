import { InventoryService } from '@bazaar/contracts/inventory';
import { pageSize, type ConnectRouter } from '@bazaar/kit';
import type { Locations } from './locations.ts';
import type { AdjustmentDoc, LevelDoc, LocationDoc, QuantityLine, ReservationDoc } from './model.ts';
import type { Reservations } from './reservations.ts';
import type { Stock } from './stock.ts';
import { DEFAULT_TTL_SECONDS } from './validation.ts';

const locationMessage = (doc: LocationDoc) => ({ ...doc, createdAt: doc.created_at });

const levelMessage = (doc: LevelDoc) => ({
  variantId: doc.variant_id,
  locationId: doc.location_id,
  onHand: BigInt(doc.on_hand),
  reserved: BigInt(doc.reserved),
  available: BigInt(doc.available),
  updatedAt: doc.updated_at,
});

const adjustmentMessage = (doc: AdjustmentDoc) => ({
  id: doc.id,
  variantId: doc.variant_id,
  locationId: doc.location_id,
  delta: BigInt(doc.delta),
  reason: doc.reason,
  note: doc.note,
  actor: doc.actor,
  reference: doc.reference,
  createdAt: doc.created_at,
});

const reservationMessage = (doc: ReservationDoc) => ({
  reservation: {
    id: doc.id,
    reference: doc.reference,
    status: doc.status,
    expiresAt: doc.expires_at,
    lines: doc.lines.map((l) => ({
      variantId: l.variant_id,
      locationId: l.location_id,
      quantity: BigInt(l.quantity),
    })),
  },
});

const lines = (ls: { variantId: string; quantity: bigint }[]): QuantityLine[] =>
  ls.map((l) => ({ variant_id: l.variantId, quantity: Number(l.quantity) }));

/** The private API of inventory. */
export const inventoryRoutes =
  (locations: Locations, stock: Stock, reservations: Reservations) => (router: ConnectRouter) =>
    router.service(InventoryService, {
      createLocation: async ({ tenantId, name, code }) => ({
        location: locationMessage(await locations.create(tenantId, name, code || undefined)),
      }),
      listLocations: async ({ tenantId, limit, cursor }) => {
        const result = await locations.list(tenantId, pageSize(limit), cursor);
        return { locations: result.items.map(locationMessage), nextCursor: result.nextCursor };
      },
      adjustStock: async ({ tenantId, variantId, locationId, delta, reason, note, actor }) => {
        const { level, adjustment } = await stock.adjust(tenantId, {
          variant_id: variantId,
          location_id: locationId,
          delta: Number(delta),
          reason,
          note,
          actor,
        });
        return { level: levelMessage(level), adjustment: adjustmentMessage(adjustment) };
      },
      receiveStock: async ({ tenantId, locationId, lines, note, actor }) => ({
        levels: (
          await stock.receive(
            tenantId,
            locationId,
            lines.map((l) => ({ variant_id: l.variantId, quantity: Number(l.quantity) })),
            note,
            actor,
          )
        ).map(levelMessage),
      }),
      listStockLevels: async ({ tenantId, variantIds, locationId }) => ({
        levels: (await stock.levels(tenantId, variantIds, locationId)).map(levelMessage),
      }),
      listAdjustments: async ({ tenantId, variantId, limit, cursor }) => {
        const result = await stock.adjustments(tenantId, variantId, pageSize(limit), cursor);
        return { adjustments: result.items.map(adjustmentMessage), nextCursor: result.nextCursor };
      },
      getAvailability: async ({ tenantId, variantIds }) => ({
        availability: (await stock.availability(tenantId, variantIds)).map((a) => ({
          variantId: a.variant_id,
          onHand: BigInt(a.on_hand),
          reserved: BigInt(a.reserved),
          available: BigInt(a.available),
        })),
      }),
      reserve: async ({ tenantId, reference, lines: ls, ttlSeconds }) =>
        reservationMessage(
          await reservations.reserve(tenantId, {
            reference,
            lines: lines(ls),
            ttl_seconds: ttlSeconds === 0 ? DEFAULT_TTL_SECONDS : ttlSeconds,
          }),
        ),
      commitReservation: async ({ tenantId, reference }) =>
        reservationMessage(await reservations.commit(tenantId, reference)),
      releaseReservation: async ({ tenantId, reference }) =>
        reservationMessage(await reservations.release(tenantId, reference)),
      restock: async ({ tenantId, reference, lines: ls, reason, idempotencyKey }) => ({
        levels: (
          await reservations.restock(tenantId, {
            reference,
            lines: lines(ls),
            reason,
            idempotency_key: idempotencyKey,
          })
        ).map(levelMessage),
      }),
    });
