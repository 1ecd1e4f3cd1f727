import type { AllocationDoc, QuantityLine } from './model.ts';

export interface Shortage {
  variant_id: string;
  requested: number;
  available: number;
}

/**
 * Takes each line from the locations with the most available units first, splitting a line across
 * locations when one is not enough. Pure: the caller holds the locks on `levels`.
 */
export const allocate = (
  lines: QuantityLine[],
  levels: { variant_id: string; location_id: string; on_hand: number; reserved: number }[],
): { allocations: AllocationDoc[]; shortages: Shortage[] } => {
  const allocations: AllocationDoc[] = [];
  const shortages: Shortage[] = [];
  for (const line of lines) {
    const candidates = levels
      .filter((l) => l.variant_id === line.variant_id && l.on_hand - l.reserved > 0)
      .map((l) => ({ location_id: l.location_id, available: l.on_hand - l.reserved }))
      .sort((a, b) => b.available - a.available || a.location_id.localeCompare(b.location_id));
    const available = candidates.reduce((sum, c) => sum + c.available, 0);
    if (available < line.quantity) {
      shortages.push({ variant_id: line.variant_id, requested: line.quantity, available });
      continue;
    }
    let left = line.quantity;
    for (const c of candidates) {
      if (left === 0) break;
      const quantity = Math.min(left, c.available);
      allocations.push({ variant_id: line.variant_id, location_id: c.location_id, quantity });
      left -= quantity;
    }
  }
  return { allocations, shortages };
};
