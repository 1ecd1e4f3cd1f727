/** Inventory's own shapes, as its private API returns them. */
export const ADJUSTMENT_REASONS = ['received', 'sold', 'returned', 'corrected'] as const;
export type AdjustmentReason = (typeof ADJUSTMENT_REASONS)[number];

/** Reasons a person may give; `sold` rows come only from committed reservations. */
export const MANUAL_REASONS: readonly AdjustmentReason[] = ['received', 'returned', 'corrected'];
export const RESTOCK_REASONS: readonly AdjustmentReason[] = ['returned', 'corrected'];

export type ReservationStatus = 'active' | 'committed' | 'released' | 'expired';

export interface LocationDoc {
  id: string;
  name: string;
  code: string;
  created_at: string;
}

export interface LevelDoc {
  variant_id: string;
  location_id: string;
  on_hand: number;
  reserved: number;
  available: number;
  updated_at: string;
}

export interface AdjustmentDoc {
  id: string;
  variant_id: string;
  location_id: string;
  delta: number;
  reason: AdjustmentReason;
  note: string;
  actor: string;
  reference: string;
  created_at: string;
}

export interface AvailabilityDoc {
  variant_id: string;
  on_hand: number;
  reserved: number;
  available: number;
}

export interface AllocationDoc {
  variant_id: string;
  location_id: string;
  quantity: number;
}

export interface ReservationDoc {
  id: string;
  reference: string;
  status: ReservationStatus;
  expires_at: string;
  lines: AllocationDoc[];
}

export interface AdjustInput {
  variant_id: string;
  location_id: string;
  delta: number;
  reason: string;
  note: string;
  actor: string;
}

export interface QuantityLine {
  variant_id: string;
  quantity: number;
}

export interface ReserveInput {
  reference: string;
  lines: QuantityLine[];
  ttl_seconds: number;
}

export interface RestockInput {
  reference: string;
  lines: QuantityLine[];
  reason: string;
  idempotency_key: string;
}
