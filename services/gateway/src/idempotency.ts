import { createHash } from 'node:crypto';
import { AppError, type Database } from '@bazaar/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from './app.ts';
import { runHook, runSendHook } from './hook.ts';

export interface IdempotencyTables {
  idempotency_keys: {
    scope: string;
    key: string;
    method: string;
    path: string;
    request_hash: string;
    status_code: number | null;
    content_type: string | null;
    response_body: string | null;
    created_at: Date;
    completed_at: Date | null;
  };
}

interface Claim {
  scope: string;
  key: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: Claim;
  }
}

const MUTATING = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
const KEY = /^[\x21-\x7e]{1,255}$/;
const WAIT_MS = 10_000;
/** A key whose request never finished (the process died) may be taken over after this. */
const ABANDONED_AFTER_MS = 60_000;
const KEEP_MS = 48 * 3_600_000;

const scopeOf = (request: FastifyRequest): string => {
  const principal = request.principal;
  if (!principal) return 'anonymous';
  return principal.kind === 'operator' ? 'operator' : principal.tenantId;
};

const replay = (reply: FastifyReply, row: IdempotencyTables['idempotency_keys']) =>
  reply
    .code(row.status_code!)
    .header('idempotent-replayed', 'true')
    .type(row.content_type ?? 'application/json')
    .send(row.response_body ?? '');

/**
 * `Idempotency-Key` on every mutating request: the first request with a key runs and its response is
 * kept; a repeat gets that response back (marked `Idempotent-Replayed: true`), a repeat with another
 * body is refused, and a repeat that arrives while the first still runs waits for it. Server errors
 * are not kept, so the caller can retry them. Keys are scoped per tenant and kept 48 hours.
 */
export const registerIdempotency = (app: App, db: Database<IdempotencyTables>): (() => Promise<void>) => {
  const find = (scope: string, key: string) =>
    db.kysely
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('scope', '=', scope)
      .where('key', '=', key)
      .executeTakeFirst();

  const claimOrReplay = async (request: FastifyRequest, reply: FastifyReply, key: unknown) => {
    if (typeof key !== 'string' || !KEY.test(key)) {
      throw new AppError(
        'invalid_idempotency_key',
        400,
        'An Idempotency-Key is 1 to 255 printable ASCII characters.',
      );
    }
    const scope = scopeOf(request);
    const path = request.url;
    const hash = createHash('sha256')
      .update(`${request.method} ${path}\n${JSON.stringify(request.body ?? null)}`)
      .digest('hex');

    const claimed = await db.kysely
      .insertInto('idempotency_keys')
      .values({ scope, key, method: request.method, path, request_hash: hash, created_at: new Date() })
      .onConflict((oc) =>
        oc
          .columns(['scope', 'key'])
          .doUpdateSet({ request_hash: hash, method: request.method, path, created_at: new Date() })
          .where('idempotency_keys.status_code', 'is', null)
          .where('idempotency_keys.created_at', '<', new Date(Date.now() - ABANDONED_AFTER_MS)),
      )
      .returning('key')
      .executeTakeFirst();
    if (claimed) {
      request.idempotency = { scope, key };
      return;
    }

    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const row = await find(scope, key);
      if (!row)
        throw new AppError('idempotency_key_in_progress', 409, 'Retry: a request with this key just failed.');
      if (row.request_hash !== hash) {
        throw new AppError(
          'idempotency_key_reused',
          422,
          'This Idempotency-Key was used for a different request. Use a new key for a new request.',
        );
      }
      if (row.status_code !== null) return replay(reply, row);
      if (Date.now() > deadline) {
        throw new AppError(
          'idempotency_key_in_progress',
          409,
          'A request with this key is still running. Retry later.',
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  const keep = async (request: FastifyRequest, reply: FastifyReply, payload: unknown, claim: Claim) => {
    request.idempotency = undefined;
    const body =
      typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined;
    // Server errors are not kept, so the caller can retry; nor is a streamed body, which cannot be replayed.
    if (reply.statusCode >= 500 || body === undefined) {
      await db.kysely
        .deleteFrom('idempotency_keys')
        .where('scope', '=', claim.scope)
        .where('key', '=', claim.key)
        .execute();
      return payload;
    }
    await db.kysely
      .updateTable('idempotency_keys')
      .set({
        status_code: reply.statusCode,
        content_type: String(reply.getHeader('content-type') ?? 'application/json'),
        response_body: body,
        completed_at: new Date(),
      })
      .where('scope', '=', claim.scope)
      .where('key', '=', claim.key)
      .execute();
    return payload;
  };

  // Most requests carry no Idempotency-Key: for them both hooks are done at once.
  app.addHook('preHandler', (request, reply, done) =>
    runHook(() => {
      const key = request.headers['idempotency-key'];
      if (key === undefined || !MUTATING.has(request.method)) return;
      return claimOrReplay(request, reply, key).then(() => undefined);
    }, done),
  );
  app.addHook('onSend', (request, reply, payload, done) =>
    runSendHook(() => {
      const claim = request.idempotency;
      return claim ? keep(request, reply, payload, claim) : payload;
    }, done),
  );

  const sweep = setInterval(() => {
    db.kysely
      .deleteFrom('idempotency_keys')
      .where('created_at', '<', new Date(Date.now() - KEEP_MS))
      .execute()
      .catch((error: unknown) => app.log.warn({ err: error }, 'could not delete old idempotency keys'));
  }, 3_600_000);
  sweep.unref();
  return () => {
    clearInterval(sweep);
    return Promise.resolve();
  };
};
