import { describe, expect, it } from 'vitest';
import { allocate } from '../src/allocate.ts';

const level = (variant_id: string, location_id: string, on_hand: number, reserved = 0) => ({
  variant_id,
  location_id,
  on_hand,
  reserved,
});

describe('allocate', () => {
  it('takes from the location with the most available first', () => {
    const { allocations, shortages } = allocate(
      [{ variant_id: 'v', quantity: 2 }],
      [level('v', 'a', 3), level('v', 'b', 9, 5), level('v', 'c', 6)],
    );
    expect(shortages).toEqual([]);
    expect(allocations).toEqual([{ variant_id: 'v', location_id: 'c', quantity: 2 }]);
  });

  it('splits a line across locations, largest first, ties by location', () => {
    const { allocations } = allocate(
      [{ variant_id: 'v', quantity: 7 }],
      [level('v', 'b', 3), level('v', 'a', 3), level('v', 'c', 2)],
    );
    expect(allocations).toEqual([
      { variant_id: 'v', location_id: 'a', quantity: 3 },
      { variant_id: 'v', location_id: 'b', quantity: 3 },
      { variant_id: 'v', location_id: 'c', quantity: 1 },
    ]);
  });

  it('reports every line short of stock, counting only what is not reserved', () => {
    const { shortages } = allocate(
      [
        { variant_id: 'v', quantity: 3 },
        { variant_id: 'w', quantity: 1 },
        { variant_id: 'x', quantity: 1 },
      ],
      [level('v', 'a', 4, 2), level('w', 'a', 1, 1), level('x', 'a', 1)],
    );
    expect(shortages).toEqual([
      { variant_id: 'v', requested: 3, available: 2 },
      { variant_id: 'w', requested: 1, available: 0 },
    ]);
  });

  it('takes exactly what is available', () => {
    const { allocations, shortages } = allocate([{ variant_id: 'v', quantity: 4 }], [level('v', 'a', 5, 1)]);
    expect(shortages).toEqual([]);
    expect(allocations).toEqual([{ variant_id: 'v', location_id: 'a', quantity: 4 }]);
  });
});
