import { JetStreamApiCodes, JetStreamApiError, StorageType, type JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { BusNames } from './names.ts';

export interface StreamLimits {
  retentionMs: number;
  deadRetentionMs: number;
  duplicateWindowMs: number;
  replicas: number;
}

const isApiError = (error: unknown, code: number) =>
  error instanceof JetStreamApiError && error.code === code;

/**
 * Creates a stream unless it exists. An existing stream is left as it is: its limits are an operator's
 * to change, and services started with different defaults must not fight over them.
 */
const ensureStream = async (
  jsm: JetStreamManager,
  name: string,
  subjects: string,
  maxAgeMs: number,
  limits: StreamLimits,
) => {
  try {
    await jsm.streams.info(name);
    return;
  } catch (error) {
    if (!isApiError(error, JetStreamApiCodes.StreamNotFound)) throw error;
  }
  try {
    await jsm.streams.add({
      name,
      subjects: [subjects],
      storage: StorageType.File,
      max_age: nanos(maxAgeMs),
      duplicate_window: nanos(Math.min(limits.duplicateWindowMs, maxAgeMs)),
      num_replicas: limits.replicas,
    });
  } catch (error) {
    // Another process created it between our look and our add.
    if (
      !(await jsm.streams.info(name).then(
        () => true,
        () => false,
      ))
    )
      throw error;
  }
};

export const ensureStreams = async (jsm: JetStreamManager, names: BusNames, limits: StreamLimits) => {
  await ensureStream(jsm, names.eventStream, names.eventSubjects, limits.retentionMs, limits);
  await ensureStream(jsm, names.deadStream, names.deadSubjects, limits.deadRetentionMs, limits);
};
