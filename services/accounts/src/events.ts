/** The events accounts publishes, with their data. */
export interface AccountsEvents {
  'tenant.created': { id: string; name: string; mode: 'live' | 'test'; account_id: string };
  /** The account's plan or pinned API version changed; `tenant_ids` are its live and test tenants. */
  'tenant.updated': { id: string; tenant_ids: string[]; plan: string; api_version: string | null };
  'api_key.created': { id: string; kind: string };
  'api_key.revoked': { id: string; kind: string };
}
