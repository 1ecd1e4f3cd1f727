/** The events accounts publishes, with their data. */
export interface AccountsEvents {
  'tenant.created': { id: string; name: string };
  'api_key.created': { id: string; kind: string };
  'api_key.revoked': { id: string; kind: string };
}
