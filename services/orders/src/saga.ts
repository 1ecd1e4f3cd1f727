import type { Clients } from '@bazaar/contracts/clients';
import { AppError, periodic, recordEvents, type Database, type Logger, type NewEvent } from '@bazaar/kit';
import { sql } from 'kysely';
import { orderEvent } from './events.ts';
import type { Faults } from './faults.ts';
import * as store from './store.ts';
import type { OrderRow, OrdersTables } from './store.ts';

type Db = Database<OrdersTables>;
type StepResult = Omit<store.OrderChange, 'payment_method'>;

const TERMINAL = new Set(['done', 'failed']);

/** Whether the order's saga has ended, paid or failed. */
export const sagaEnded = (order: OrderRow): boolean => TERMINAL.has(order.saga_step);
const RESERVATION_TTL_SECONDS = 900;
const RECOVER_BATCH = 20;

export interface SagaOptions {
  /** How long a process owns an order's saga before another may take it over. */
  leaseMs: number;
  /** How often open sagas left by a crash are looked for. */
  recoverEveryMs: number;
}

/**
 * Checkout as a saga: reserve stock → authorize payment → place the order → capture → commit stock.
 * Every call it makes is idempotent by order id, so the order row is written only when the saga ends
 * (paid or failed) or turns to compensating: a process that dies anywhere is resumed from the last
 * write (by itself after a restart, or by another replica once the lease runs out), repeats the calls
 * harmlessly, and the order finishes or is compensated: stock released, authorization voided. What the
 * steps learn on the way (the payment intent, that the order was placed) travels in memory until then.
 */
export const createSaga = (db: Db, clients: Clients, faults: Faults, log: Logger, options: SagaOptions) => {
  const running = new Set<string>();

  /**
   * Writes what the saga learnt since the last write (the card number is forgotten), and `events` with
   * it. If another process ended the saga meanwhile (it took over once the lease ran out), its write
   * stands and is answered, and its events are the ones announced.
   */
  const save = (order: OrderRow, fields: StepResult, events: NewEvent[] = []) =>
    db.tenant(order.tenant_id, async (trx) => {
      const terminal = fields.saga_step !== undefined && TERMINAL.has(fields.saga_step);
      const updated = await store.updateOpenOrder(trx, order.tenant_id, order.id, {
        payment_intent_id: order.payment_intent_id,
        payment_status: order.payment_status,
        ...fields,
        payment_method: null,
        saga_lease_until: terminal ? null : new Date(Date.now() + options.leaseMs),
      });
      if (updated) await recordEvents(trx, events);
      return updated ?? (await store.findOrder(trx, order.tenant_id, order.id))!;
    });

  /** Turns the saga to compensating; a placed order not yet announced never will be. */
  const failWith = (order: OrderRow, code: string, reason: string, fields: StepResult = {}) =>
    save(order, { ...fields, saga_step: 'compensate', failure_code: code, failure_reason: reason });

  /** The names of the lines an out-of-stock error points at, by `lines/<i>` path or by variant id. */
  const soldOutNames = (lines: store.OrderLineRow[], error: AppError) =>
    lines
      .filter((line, i) =>
        error.errors.some(
          (e) =>
            new RegExp(`^lines/${i}(/|$)`).test(e.field) ||
            e.field.includes(line.variant_id) ||
            e.message.includes(line.variant_id),
        ),
      )
      .map((line) => line.name);

  /** Runs one step and answers the order as it stands after it. */
  const step = async (order: OrderRow, known?: store.OrderLineRow[]): Promise<OrderRow> => {
    const tenantId = order.tenant_id;
    faults.at(`${order.saga_step}:before`);
    switch (order.saga_step) {
      case 'reserve': {
        const lines = known ?? (await db.tenant(tenantId, (trx) => store.findLines(trx, tenantId, order.id)));
        try {
          await clients.inventory.reserve({
            tenantId,
            reference: order.id,
            lines: lines.map((l) => ({ variantId: l.variant_id, quantity: BigInt(l.quantity) })),
            ttlSeconds: RESERVATION_TTL_SECONDS,
          });
        } catch (error) {
          if (!(error instanceof AppError) || error.status >= 500) throw error;
          const names = error.code === 'out_of_stock' ? soldOutNames(lines, error) : [];
          return failWith(
            order,
            error.code,
            names.length > 0
              ? `Sorry, these sold out while you were checking out: ${names.join(', ')}.`
              : 'Some items in your cart are no longer available.',
          );
        }
        faults.at('reserve:after');
        // Not saved: resumed from 'reserve', the reservation is found again (one per reference).
        return { ...order, saga_step: 'authorize' };
      }
      case 'authorize': {
        const { paymentIntent } = await clients.payments.authorize({
          tenantId,
          reference: order.id,
          amount: BigInt(order.total),
          currency: order.currency,
          method: { type: 'card', cardNumber: order.payment_method?.card_number ?? '' },
        });
        faults.at('authorize:after');
        const intent = paymentIntent!;
        if (intent.status === 'failed') {
          return failWith(
            order,
            intent.failureCode || 'payment_failed',
            intent.failureMessage || 'The payment failed.',
            {
              payment_intent_id: intent.id,
              payment_status: 'failed',
            },
          );
        }
        return { ...order, saga_step: 'place', payment_intent_id: intent.id, payment_status: 'authorized' };
      }
      case 'place': {
        await clients.cart.markCheckedOut({ tenantId, cartId: order.cart_id, orderId: order.id });
        faults.at('place:after');
        return { ...order, saga_step: 'capture', status: 'placed' };
      }
      case 'capture': {
        try {
          await clients.payments.capture({ tenantId, paymentIntentId: order.payment_intent_id!, amount: 0n });
        } catch (error) {
          if (!(error instanceof AppError) || error.status >= 500) throw error;
          return failWith(order, error.code, 'The payment could not be completed. No money was taken.');
        }
        faults.at('capture:after');
        // Not saved: resumed from 'capture', capturing a captured intent changes nothing.
        return { ...order, saga_step: 'commit', payment_status: 'captured' };
      }
      case 'commit': {
        await clients.inventory.commitReservation({ tenantId, reference: order.id });
        faults.at('commit:after');
        return save(order, { saga_step: 'done', status: 'paid', payment_status: 'captured' }, [
          orderEvent('order.placed', tenantId, {
            id: order.id,
            email: order.email,
            total: order.total,
            currency: order.currency,
          }),
          orderEvent('order.paid', tenantId, { id: order.id, total: order.total, currency: order.currency }),
        ]);
      }
      case 'compensate': {
        await clients.inventory
          .releaseReservation({ tenantId, reference: order.id })
          .catch((error: unknown) => {
            // Nothing was reserved (the reservation itself failed): nothing to give back.
            if (!(error instanceof AppError && error.status === 404)) throw error;
          });
        if (order.payment_intent_id && order.payment_status === 'authorized') {
          await clients.payments.void({ tenantId, paymentIntentId: order.payment_intent_id });
        }
        faults.at('compensate:after');
        return save(
          order,
          {
            saga_step: 'failed',
            status: 'failed',
            payment_status: order.payment_status === 'authorized' ? 'voided' : order.payment_status,
          },
          [
            orderEvent('order.failed', tenantId, {
              id: order.id,
              failure_code: order.failure_code ?? '',
              failure_reason: order.failure_reason ?? '',
            }),
          ],
        );
      }
      default:
        return order;
    }
  };

  /**
   * Advances the saga until it ends. Throws if a step cannot run now; the lease then lets it be resumed.
   * `lines`, when the caller has them (it just wrote them), spare reading them again.
   */
  const run = async (order: OrderRow, lines?: store.OrderLineRow[]): Promise<OrderRow> => {
    if (running.has(order.id)) return order;
    running.add(order.id);
    try {
      let current = order;
      while (!TERMINAL.has(current.saga_step)) current = await step(current, lines);
      return current;
    } finally {
      running.delete(order.id);
    }
  };

  /** Takes over sagas whose lease ran out (their process died or gave up) and runs them. */
  const recover = async (): Promise<number> => {
    const claimed = await db.system(async (trx) => {
      const rows = await trx
        .selectFrom('orders')
        .selectAll()
        .where('saga_step', 'not in', ['done', 'failed'])
        .where((eb) => eb.or([eb('saga_lease_until', 'is', null), eb('saga_lease_until', '<', new Date())]))
        .orderBy('created_at')
        .limit(RECOVER_BATCH)
        .forUpdate()
        .skipLocked()
        .execute();
      const ids = rows.map((r) => r.id).filter((id) => !running.has(id));
      if (ids.length === 0) return [];
      return trx
        .updateTable('orders')
        .set({
          saga_lease_until: new Date(Date.now() + options.leaseMs),
          saga_attempts: sql`saga_attempts + 1`,
        })
        .where('id', 'in', ids)
        .returningAll()
        .execute();
    });
    for (const order of claimed) {
      await run(order).catch((error: unknown) =>
        log.warn(
          { err: error, order_id: order.id, step: order.saga_step },
          'checkout saga could not finish yet; will retry',
        ),
      );
    }
    return claimed.length;
  };

  const recovery = periodic(
    'saga recovery',
    recover,
    { batch: RECOVER_BATCH, everyMs: options.recoverEveryMs, firstAfterMs: 0 },
    log,
  );
  return { run, recover, start: recovery.start, stop: recovery.stop };
};

export type Saga = ReturnType<typeof createSaga>;
