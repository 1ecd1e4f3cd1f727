import { Violations } from '@bazaar/kit';
import { utcDay } from './endpoint.ts';
import { GROUPINGS, type Grouping } from './store.ts';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** The longest range one request may read. */
const MAX_DAYS = 366;

export interface UsageQuery {
  from?: string;
  to?: string;
  group_by?: string;
}

export interface UsagePeriod {
  from: string;
  to: string;
  groupBy: Grouping[];
}

const isDate = (value: string): boolean => {
  const match = DATE.exec(value);
  if (!match) return false;
  const at = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(at.getTime()) && utcDay(at) === value;
};

const monthStart = (day: string) => `${day.slice(0, 7)}-01`;
const monthEnd = (day: string) => {
  const at = new Date(`${monthStart(day)}T00:00:00Z`);
  return utcDay(new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 0)));
};
const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/**
 * Reads `from`, `to` (UTC days, both included) and `group_by`. Without dates it is this month; with one
 * of them, that one's month. Every problem is reported at once, as field errors.
 */
export const parseUsageQuery = (query: UsageQuery, now = new Date()): UsagePeriod => {
  const violations = new Violations();
  for (const field of ['from', 'to'] as const) {
    const value = query[field];
    if (value !== undefined && !isDate(value)) {
      violations.add(
        field,
        'invalid_date',
        `'${field}' must be a date such as 2026-11-01 (YYYY-MM-DD, UTC).`,
      );
    }
  }
  const groupBy: Grouping[] = [];
  const raw = query.group_by ?? 'day';
  for (const part of raw === '' ? [] : raw.split(',').map((p) => p.trim())) {
    if (!(GROUPINGS as readonly string[]).includes(part)) {
      violations.add(
        'group_by',
        'invalid_group_by',
        `'group_by' is a comma-separated list of: ${GROUPINGS.join(', ')}; '${part}' is not one of them.`,
      );
    } else if (!groupBy.includes(part as Grouping)) {
      groupBy.push(part as Grouping);
    }
  }
  violations.throwIfAny();
  const from = query.from ?? monthStart(query.to ?? utcDay(now));
  const to = query.to ?? monthEnd(from);
  if (to < from) violations.add('to', 'invalid_range', `'to' (${to}) is before 'from' (${from}).`);
  else if (daysBetween(from, to) >= MAX_DAYS) {
    violations.add('to', 'range_too_long', `One request reads at most ${MAX_DAYS} days; split the range.`);
  }
  violations.throwIfAny();
  return { from, to, groupBy };
};
