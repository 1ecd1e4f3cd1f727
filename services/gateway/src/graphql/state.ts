import type { Clients } from '@bazaar/contracts/clients';
import type { Category as CategoryMessage } from '@bazaar/contracts/catalog';
import DataLoader from 'dataloader';
import type { FastifyRequest } from 'fastify';
import { tenantOf } from '../auth.ts';
import { availabilityOf } from '../reads.ts';
import { requireScope } from '../scopes.ts';

/**
 * What one GraphQL request carries through its resolvers: who asks, the scopes its answer needed, and
 * loaders that gather the internal calls of a whole query into one call each.
 */
export interface RequestState {
  request: FastifyRequest;
  tenantId: () => string;
  /** Refuses the request unless its key has `scope`, and remembers that the answer needed it. */
  require: (scope: string) => void;
  /** The scopes checked so far: a cached answer is served again only to keys that have them all. */
  scopes: Set<string>;
  /** Set when part of the answer is degraded (inventory unreachable): such an answer is not cached. */
  incomplete: boolean;
  /** Units available per variant, from one inventory call per query. */
  availability: DataLoader<string, number | null>;
  /** The tenant's categories by id, from one listing per query. */
  categories: DataLoader<string, CategoryMessage | null>;
}

const CATEGORY_PAGE = 100;

export const createRequestState = (request: FastifyRequest, clients: Clients): RequestState => {
  const tenantId = () => tenantOf(request);
  const state: RequestState = {
    request,
    tenantId,
    scopes: new Set(),
    incomplete: false,
    require: (scope) => {
      requireScope(request, scope);
      state.scopes.add(scope);
    },
    availability: new DataLoader(async (ids) => {
      const available = await availabilityOf(clients.inventory, tenantId(), ids);
      // As REST: the products are still served, availability unknown.
      if (!available) state.incomplete = true;
      return ids.map((id) => (available ? (available.get(id) ?? 0) : null));
    }),
    categories: new DataLoader(async (ids) => {
      const byId = new Map<string, CategoryMessage>();
      let cursor = '';
      do {
        const page = await clients.catalog.listCategories({
          tenantId: tenantId(),
          limit: CATEGORY_PAGE,
          cursor,
        });
        for (const category of page.categories) byId.set(category.id, category);
        cursor = page.nextCursor;
      } while (cursor !== '' && ids.some((id) => !byId.has(id)));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  };
  return state;
};
