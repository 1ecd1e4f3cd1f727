import type { Clients } from '@bazaar/contracts/clients';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isStorefront, tenantOf } from './auth.ts';
import { cachedAnswer, type CachedAnswer, type ReadCache } from './read-cache.ts';

const JSON_TYPE = 'application/json; charset=utf-8';

/** Answers a kept answer, as it was first sent. */
export const sendCached = (reply: FastifyReply, answer: CachedAnswer): FastifyReply =>
  reply.type(JSON_TYPE).send(answer.body);

/**
 * Answers a read from the cache, or computes it, serializes it with the route's schema, keeps it (if
 * it is complete: a degraded answer is not kept) and answers it.
 */
export const cachedRead = async (
  request: FastifyRequest,
  reply: FastifyReply,
  cache: ReadCache,
  compute: () => Promise<{ payload: unknown; complete: boolean }>,
): Promise<FastifyReply> => {
  const tenantId = tenantOf(request);
  const key = `${isStorefront(request) ? 'storefront' : 'secret'} ${request.url}`;
  const hit = cache.get(tenantId, key);
  if (hit !== undefined) return sendCached(reply, hit);
  const generation = cache.generation(tenantId);
  const { payload, complete } = await compute();
  // The route's response schema serializes it, as it would any answer.
  const answer = cachedAnswer(reply.serialize(payload) as string);
  if (complete) cache.set(tenantId, key, answer, generation);
  return sendCached(reply, answer);
};

/** Units available now by variant, or undefined when inventory cannot answer (it is down or slow). */
export const availabilityOf = async (
  inventory: Clients['inventory'],
  tenantId: string,
  variantIds: readonly string[],
): Promise<Map<string, number> | undefined> => {
  if (variantIds.length === 0) return new Map();
  try {
    const { availability } = await inventory.getAvailability({ tenantId, variantIds: [...variantIds] });
    return new Map(availability.map((a) => [a.variantId, Number(a.available)]));
  } catch {
    return undefined;
  }
};

interface WithVariants {
  variants: { id: string }[];
}

/**
 * Adds to each variant the units available now, from inventory. When inventory cannot answer, the
 * products are still served, with `available: null` (unknown), and the answer is marked incomplete.
 */
export const withAvailability = async <P extends WithVariants>(
  inventory: Clients['inventory'],
  tenantId: string,
  products: P[],
): Promise<{
  products: (Omit<P, 'variants'> & { variants: (P['variants'][number] & { available: number | null })[] })[];
  complete: boolean;
}> => {
  const ids = products.flatMap((p) => p.variants.map((v) => v.id));
  const available = await availabilityOf(inventory, tenantId, ids);
  return {
    products: products.map((p) => ({
      ...p,
      variants: p.variants.map((v) => ({ ...v, available: available ? (available.get(v.id) ?? 0) : null })),
    })),
    complete: available !== undefined,
  };
};
