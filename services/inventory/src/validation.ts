import { isId, type Violations } from '@bazaar/kit';
import {
  MANUAL_REASONS,
  RESTOCK_REASONS,
  type AdjustInput,
  type QuantityLine,
  type ReserveInput,
  type RestockInput,
} from './model.ts';

export const LIMITS = {
  name: 200,
  code: 32,
  note: 500,
  actor: 100,
  reference: 200,
  idempotencyKey: 255,
  lines: 500,
  delta: 1_000_000,
  quantity: 1_000_000,
  ttlSeconds: 86_400,
} as const;

export const DEFAULT_TTL_SECONDS = 900;

export const CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

const text = (v: Violations, field: string, value: string, max: number, required: boolean): void => {
  if (required && value.trim().length === 0) v.add(field, 'missing_field', `'${field}' must not be empty.`);
  if (value.length > max) v.add(field, 'too_long', `'${field}' must be at most ${max} characters.`);
};

const oneOf = (v: Violations, field: string, value: string, allowed: readonly string[]): void => {
  if (!allowed.includes(value)) {
    v.add(field, 'invalid_value', `'${field}' must be one of: ${allowed.join(', ')}.`);
  }
};

const id = (v: Violations, field: string, prefix: string, value: string, what: string): void => {
  if (value === '') v.add(field, 'missing_field', `'${field}' is required.`);
  else if (!isId(prefix, value)) v.add(field, 'invalid_id', `'${value}' is not ${what} id.`);
};

export const checkLocation = (v: Violations, name: string, code: string | undefined): void => {
  text(v, 'name', name, LIMITS.name, true);
  if (code === undefined) return;
  if (code.length > LIMITS.code)
    v.add('code', 'too_long', `'code' must be at most ${LIMITS.code} characters.`);
  else if (!CODE_PATTERN.test(code)) {
    v.add(
      'code',
      'invalid_code',
      'A location code is letters, digits, - and _, starting with a letter or digit.',
    );
  }
};

export const checkAdjustment = (v: Violations, a: AdjustInput): void => {
  id(v, 'variant_id', 'var', a.variant_id, 'a variant');
  id(v, 'location_id', 'loc', a.location_id, 'a location');
  if (a.delta === 0) v.add('delta', 'invalid_value', `'delta' must not be zero: it is the change in units.`);
  else if (!Number.isSafeInteger(a.delta) || Math.abs(a.delta) > LIMITS.delta) {
    v.add(
      'delta',
      'out_of_range',
      `'delta' must be a whole number from -${LIMITS.delta} to ${LIMITS.delta}.`,
    );
  }
  oneOf(v, 'reason', a.reason, MANUAL_REASONS);
  text(v, 'note', a.note, LIMITS.note, false);
  text(v, 'actor', a.actor, LIMITS.actor, true);
};

const checkLines = (v: Violations, lines: QuantityLine[], required: boolean): void => {
  if (required && lines.length === 0) v.add('lines', 'missing_field', 'Name at least one line.');
  if (lines.length > LIMITS.lines) v.add('lines', 'too_many', `At most ${LIMITS.lines} lines at a time.`);
  lines.forEach((line, i) => {
    id(v, `lines/${i}/variant_id`, 'var', line.variant_id, 'a variant');
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 1 || line.quantity > LIMITS.quantity) {
      v.add(
        `lines/${i}/quantity`,
        'out_of_range',
        `A quantity is a whole number from 1 to ${LIMITS.quantity}.`,
      );
    }
  });
};

const reference = (v: Violations, value: string): void => text(v, 'reference', value, LIMITS.reference, true);

export const checkReserve = (v: Violations, r: ReserveInput): void => {
  reference(v, r.reference);
  checkLines(v, r.lines, true);
  if (!Number.isInteger(r.ttl_seconds) || r.ttl_seconds < 1 || r.ttl_seconds > LIMITS.ttlSeconds) {
    v.add('ttl_seconds', 'out_of_range', `'ttl_seconds' must be from 1 to ${LIMITS.ttlSeconds}.`);
  }
};

export const checkReference = (v: Violations, value: string): void => reference(v, value);

export const checkRestock = (v: Violations, r: RestockInput): void => {
  reference(v, r.reference);
  checkLines(v, r.lines, false);
  oneOf(v, 'reason', r.reason, RESTOCK_REASONS);
  text(v, 'idempotency_key', r.idempotency_key, LIMITS.idempotencyKey, true);
};
