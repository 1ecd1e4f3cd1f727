/** A request as a version change may rewrite it: the parsed body and query, before validation. */
export interface VersionedRequest {
  body: unknown;
  query: Record<string, unknown>;
}

/**
 * One change to the API, listed under the version that made it. Integrations on an earlier version still see the API as it
 * was: their requests are rewritten into the current shape before validation, and the current answers
 * are rewritten back into the old shape after serialization. Both are keyed by endpoint
 * (`GET /v1/products/{id}`) and work on plain JSON.
 */
export interface VersionChange {
  /** What changed, for the changelog. */
  summary: string;
  /** Old request shape to current. */
  requests?: Record<string, (request: VersionedRequest) => VersionedRequest>;
  /** Current response shape to old; `status` lets a change rewrite problem documents too. */
  responses?: Record<string, (body: unknown, status: number) => unknown>;
}

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A copy of `value` with `from` named `to`, keeping the other members in place. */
export const renameMember = (value: unknown, from: string, to: string): unknown => {
  if (!isObject(value) || !(from in value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k === from ? to : k, v]));
};
