import type { LineRow } from './store.ts';

export interface Totals {
  subtotal: number;
  tax_total: number;
  shipping_total: number;
  discount_total: number;
  total: number;
}

export const lineTotal = (line: Pick<LineRow, 'unit_amount' | 'quantity'>): number =>
  line.unit_amount * line.quantity;

/** The total is always the sum of the lines, adjusted by tax, shipping and discounts (none yet). */
export const totalsOf = (lines: readonly Pick<LineRow, 'unit_amount' | 'quantity'>[]): Totals => {
  const subtotal = lines.reduce((sum, line) => sum + lineTotal(line), 0);
  const tax_total = 0;
  const shipping_total = 0;
  const discount_total = 0;
  return {
    subtotal,
    tax_total,
    shipping_total,
    discount_total,
    total: subtotal + tax_total + shipping_total - discount_total,
  };
};
