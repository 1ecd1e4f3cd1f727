import { isId, newId } from '@bazaar/kit';
import { isCardNumber } from '../cards.ts';
import type { CallOptions, PaymentProvider, ProviderResult } from './provider.ts';

/** The widely known test card numbers, and what the test provider does with each. */
export const TEST_CARDS = {
  succeeds: '4242424242424242',
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
  /** Never answers: the caller's deadline runs out first. */
  timesOut: '4000000000000259',
} as const;

const declines: Record<string, { code: string; message: string }> = {
  [TEST_CARDS.declined]: { code: 'card_declined', message: 'Your card was declined.' },
  [TEST_CARDS.insufficientFunds]: {
    code: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
  },
};

export interface TestProviderOptions {
  /** How long the timeout card keeps a caller that does not give up waiting, before failing. */
  hangMs?: number;
  /** How many idempotency keys are remembered. */
  remember?: number;
}

const hang = (ms: number, signal: AbortSignal): Promise<never> =>
  new Promise((_, reject) => {
    const timer = setTimeout(() => reject(new Error('The test provider gave no answer.')), ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });

const refused = (code: string, message: string): ProviderResult => ({ ok: false, code, message });

const unknownRef = (ref: string) =>
  refused('no_such_authorization', `The provider knows no authorization '${ref}'.`);

/**
 * The built-in `test` provider: moves no money, but answers like a real provider for the test cards.
 * It keeps no record of authorizations, so an intent authorized before a restart can still be captured,
 * as with a real provider that keeps its own; it only recognises its references by their shape.
 */
export const createTestProvider = ({ hangMs = 60_000, remember = 10_000 }: TestProviderOptions = {}) => {
  const answered = new Map<string, ProviderResult>();

  const once = async (options: CallOptions, work: () => Promise<ProviderResult>): Promise<ProviderResult> => {
    const prior = answered.get(options.idempotencyKey);
    if (prior) return prior;
    const result = await work();
    answered.set(options.idempotencyKey, result);
    if (answered.size > remember) answered.delete(answered.keys().next().value as string);
    return result;
  };

  const provider: PaymentProvider = {
    name: 'test',
    authorize: (amount, _currency, card, options) =>
      once(options, async () => {
        if (card.number === TEST_CARDS.timesOut) return hang(hangMs, options.signal);
        if (!isCardNumber(card.number)) return refused('incorrect_number', 'Your card number is incorrect.');
        const decline = declines[card.number];
        if (decline) return refused(decline.code, decline.message);
        if (!(amount > 0)) return refused('invalid_amount', 'The amount must be positive.');
        return { ok: true, providerRef: newId('auth') };
      }),
    capture: (ref, amount, options) =>
      once(options, () =>
        Promise.resolve(
          !isId('auth', ref)
            ? unknownRef(ref)
            : amount > 0
              ? { ok: true, providerRef: newId('cap') }
              : refused('invalid_amount', 'The amount must be positive.'),
        ),
      ),
    void: (ref, options) =>
      once(options, () =>
        Promise.resolve(isId('auth', ref) ? { ok: true, providerRef: newId('void') } : unknownRef(ref)),
      ),
    refund: (ref, amount, options) =>
      once(options, () =>
        Promise.resolve(
          !isId('auth', ref)
            ? unknownRef(ref)
            : amount > 0
              ? { ok: true, providerRef: newId('re') }
              : refused('invalid_amount', 'The amount must be positive.'),
        ),
      ),
  };
  return provider;
};
