import { describe, expect, it } from 'vitest';
import {
  AppError,
  ConfigError,
  decodeCursor,
  encodeCursor,
  isAmount,
  isCurrency,
  isId,
  minorUnitDigits,
  newId,
  page,
  Settings,
} from '../src/index.ts';

describe('ids', () => {
  it('are prefixed, opaque and sort by creation', () => {
    const ids = Array.from({ length: 1000 }, () => newId('prod'));
    expect(ids.every((id) => isId('prod', id))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(isId('cat', ids[0]!)).toBe(false);
  });
});

describe('money', () => {
  it('knows ISO 4217 currencies and their minor units', () => {
    expect(isCurrency('USD')).toBe(true);
    expect(isCurrency('usd')).toBe(false);
    expect(isCurrency('XYZ')).toBe(false);
    expect(minorUnitDigits('USD')).toBe(2);
    expect(minorUnitDigits('JPY')).toBe(0);
  });

  it('takes only whole, non-negative amounts of minor units', () => {
    expect(isAmount(1999)).toBe(true);
    expect(isAmount(0)).toBe(true);
    expect(isAmount(-1)).toBe(false);
    expect(isAmount(19.99)).toBe(false);
    expect(isAmount(Number.MAX_SAFE_INTEGER)).toBe(false);
  });
});

describe('settings', () => {
  it('names the setting that is wrong and what it accepts', () => {
    const settings = new Settings({ PORT: '80a', MODE: 'fast', FLAG: 'maybe', DB: 'mysql://x' });
    expect(() => settings.int('PORT', 8080, { min: 0, max: 65535 })).toThrow(
      new ConfigError('PORT', "expected a whole number from 0 to 65535, got '80a'."),
    );
    expect(() => settings.oneOf('MODE', 'slow', ['slow', 'safe'])).toThrow(
      /MODE: expected one of slow, safe/,
    );
    expect(() => settings.bool('FLAG', false)).toThrow(/FLAG/);
    expect(() => settings.url('DB', ['postgres:'])).toThrow(/DB: expected a postgres: URL/);
    expect(settings.int('MISSING', 7, { min: 0, max: 10 })).toBe(7);
  });
});

describe('pagination', () => {
  it('round-trips cursors and refuses malformed ones', () => {
    const id = newId('prod');
    expect(decodeCursor(encodeCursor(id))).toBe(id);
    expect(() => decodeCursor('garbage')).toThrow(AppError);
  });

  it('trims the extra row and says whether there is more', () => {
    const rows = [{ id: 'a_1' }, { id: 'a_2' }, { id: 'a_3' }];
    expect(page(rows, 2)).toEqual({
      items: rows.slice(0, 2),
      hasMore: true,
      nextCursor: encodeCursor('a_2'),
    });
    expect(page(rows, 3)).toEqual({ items: rows, hasMore: false, nextCursor: '' });
  });
});
