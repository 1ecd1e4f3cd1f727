/** What a payment provider answers: a reference to what it did, or why it refused. */
export type ProviderResult = { ok: true; providerRef: string } | { ok: false; code: string; message: string };

export interface Card {
  number: string;
}

export interface CallOptions {
  /** Aborted when the service stops waiting for the answer. */
  signal: AbortSignal;
  /** The same key on a repeated call makes the provider answer the first result instead of acting twice. */
  idempotencyKey: string;
}

/** The port every payment provider adapter implements. Amounts are minor units of `currency`. */
export interface PaymentProvider {
  readonly name: string;
  authorize(amount: number, currency: string, card: Card, options: CallOptions): Promise<ProviderResult>;
  capture(providerRef: string, amount: number, options: CallOptions): Promise<ProviderResult>;
  void(providerRef: string, options: CallOptions): Promise<ProviderResult>;
  refund(providerRef: string, amount: number, options: CallOptions): Promise<ProviderResult>;
}
