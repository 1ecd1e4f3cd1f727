/**
 * Where events live in NATS. One stream holds every service's events, on subjects
 * `<prefix>.events.<source>.<type>`; dead letters go to `<prefix>.dead.<consumer>` in a stream of their own.
 */
export interface BusNames {
  eventStream: string;
  eventSubjects: string;
  deadStream: string;
  deadSubjects: string;
  subjectOf(source: string, type: string): string;
  deadSubjectOf(consumer: string): string;
}

import { createHash } from 'node:crypto';

/** A consumer or stream name, and a subject token, allow neither dots, wildcards nor whitespace. */
export const safeToken = (value: string): string => value.replace(/[^A-Za-z0-9_-]/g, '_');

export const busNames = (prefix: string): BusNames => {
  const root = safeToken(prefix).toLowerCase();
  const upper = root.toUpperCase();
  return {
    eventStream: `${upper}_EVENTS`,
    eventSubjects: `${root}.events.>`,
    deadStream: `${upper}_DEAD`,
    deadSubjects: `${root}.dead.>`,
    // An event type keeps its dots: `order.placed` becomes two tokens, which filters can match.
    subjectOf: (source, type) =>
      `${root}.events.${safeToken(source)}.${type.split('.').map(safeToken).join('.')}`,
    deadSubjectOf: (consumer) => `${root}.dead.${safeToken(consumer)}`,
  };
};

/**
 * The NATS consumer of a subscription: its name and the types it wants. Replicas with the same types share
 * it. A release that changes the types gets a consumer of its own, so an old replica cannot pass over
 * (acknowledge without handling) an event of a type only the new one wants; the inbox, keyed by the
 * subscription's name, makes the overlap harmless.
 */
export const consumerNameOf = (consumer: string, types: readonly string[] | '*'): string => {
  const wanted = types === '*' ? '*' : [...new Set(types)].sort().join(',');
  return `${safeToken(consumer)}_${createHash('sha256').update(wanted).digest('hex').slice(0, 8)}`;
};
