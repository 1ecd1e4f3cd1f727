import { eventMaker } from '@bazaar/kit';
/** The events webhooks publishes, with their data. */
export interface WebhooksEvents {
  /** An endpoint was disabled after a 410 Gone or after failing for too long. */
  'webhook.endpoint_disabled': { endpoint_id: string; url: string; reason: string };
  /** Sent on demand to one endpoint, to try it. */
  'webhook.test': { endpoint_id: string; message: string };
}

export const webhooksEvent = eventMaker<WebhooksEvents>();
