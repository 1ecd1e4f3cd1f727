/** Money is an integer of minor units with its ISO 4217 currency. */
export interface Money {
  amount: number;
  currency: string;
}

const currencies = new Set(Intl.supportedValuesOf('currency'));

export const isCurrency = (code: string): boolean => currencies.has(code);

/** How many decimal places the currency's minor unit has (2 for USD, 0 for JPY). */
export const minorUnitDigits = (currency: string): number =>
  new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;

export const MAX_AMOUNT = 1_000_000_000_000;

export const isAmount = (amount: number): boolean =>
  Number.isSafeInteger(amount) && amount >= 0 && amount <= MAX_AMOUNT;
