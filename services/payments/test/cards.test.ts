import { describe, expect, it } from 'vitest';
import { isCardNumber, last4, passesLuhn } from '../src/cards.ts';

describe('card numbers', () => {
  it('accepts 12 to 19 digits that pass the Luhn check', () => {
    for (const number of [
      '4242424242424242',
      '4000000000000002',
      '5555555555554444',
      '378282246310005', // American Express, 15 digits
      '6011111111111117',
      '4000056655665556',
      '424242424242', // 12 digits
      '4242424242424242428', // 19 digits
    ]) {
      expect([number, isCardNumber(number)]).toEqual([number, true]);
    }
  });

  it('refuses a wrong check digit, a wrong length and anything but digits', () => {
    for (const number of [
      '4242424242424241',
      '4000000000000003',
      '42424242420', // 11 digits, passing Luhn
      '00000000000000000000', // 20 digits, passing Luhn
      '4242 4242 4242 4242',
      '4242-4242-4242-4242',
      '424242424242424a',
      '',
    ]) {
      expect([number, isCardNumber(number)]).toEqual([number, false]);
    }
  });

  it('doubles every second digit from the right', () => {
    expect(passesLuhn('79927398713')).toBe(true);
    expect(passesLuhn('79927398710')).toBe(false);
    expect(passesLuhn('18')).toBe(true);
    expect(passesLuhn('81')).toBe(false);
    expect(passesLuhn('')).toBe(false);
  });

  it('keeps the last four digits only', () => {
    expect(last4('4242424242424242')).toBe('4242');
    expect(last4('378282246310005')).toBe('0005');
  });
});
