import { randomBytes } from 'node:crypto';

/** A Standard Webhooks signing secret: `whsec_` and base64 of 24 random bytes. */
export const newSecret = (): string => `whsec_${randomBytes(24).toString('base64')}`;
