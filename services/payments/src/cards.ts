/** Card numbers: checked before anything is written, and never kept beyond their last four digits. */

const DIGITS = /^[0-9]{12,19}$/;

/** The Luhn (mod 10) checksum every card number carries in its last digit. */
export const passesLuhn = (digits: string): boolean => {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length > 0 && sum % 10 === 0;
};

/** 12 to 19 digits that pass the Luhn check. */
export const isCardNumber = (value: string): boolean => DIGITS.test(value) && passesLuhn(value);

export const last4 = (cardNumber: string): string => cardNumber.slice(-4);
