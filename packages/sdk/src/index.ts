export { createBazaar, type Bazaar } from './bazaar.ts';
export { DEFAULT_BASE_URL, type ApiClient, type BazaarOptions, type CallOptions } from './client.ts';
export {
  AuthenticationError,
  BazaarError,
  ConflictError,
  ConnectionError,
  InvalidRequestError,
  NotFoundError,
  PaymentError,
  PermissionError,
  RateLimitError,
  ServerError,
  type FieldError,
  type Problem,
} from './errors.ts';
export { AutoPager, type ListPage, type PageQuery } from './pagination.ts';
export type * from './types.ts';
export type { components, operations, paths } from './generated/openapi.ts';
