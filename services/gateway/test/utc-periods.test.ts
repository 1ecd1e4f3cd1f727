import { describe, expect, it } from 'vitest';
import { utcDay, utcMonth } from '../src/metering/endpoint.ts';

describe('the UTC day and month usage is counted in', () => {
  it('moves on at midnight UTC, and back for an earlier moment', () => {
    expect(utcDay(new Date('2026-11-30T23:59:59.999Z'))).toBe('2026-11-30');
    expect(utcMonth(new Date('2026-11-30T23:59:59.999Z'))).toBe('2026-11');
    expect(utcDay(new Date('2026-12-01T00:00:00.000Z'))).toBe('2026-12-01');
    expect(utcMonth(new Date('2026-12-01T00:00:00.000Z'))).toBe('2026-12');
    expect(utcDay(new Date('2026-11-30T12:00:00.000+13:00'))).toBe('2026-11-29');
    expect(utcDay(new Date('1969-12-31T23:00:00.000Z'))).toBe('1969-12-31');
  });

  it('refuses a date that is not one', () => {
    expect(() => utcDay(new Date('not a date'))).toThrow(RangeError);
  });
});
