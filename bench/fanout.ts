import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Request } from 'autocannon';
import { listAll, sendExpecting, sendJson, type RequestSpec } from './api.ts';
import { fire, outcomes, percentile, type LoadSettings, type Measurement } from './load.ts';
import { sampleRss } from './memory.ts';
import type { Check, Load, ScenarioContext } from './scenarios.ts';
import { idOf } from './sequence.ts';

/**
 * webhook-fanout: publishes events as fast as the API takes them to webhook endpoints on local
 * receivers, nine healthy ones (200 at once) and a dead one, and measures the lag from each event's
 * commit (its `timestamp`, the event's occurred_at) to its arrival at each healthy receiver. The dead
 * receiver accepts connections and never answers: every attempt to it holds one of the worker's slots
 * until the attempt times out, which is what must not delay the healthy ones.
 */

const HEALTHY = 9;
/** Waiting for deliveries ends when none arrived for this long, or after MAX_WAIT_MS in all. */
const STALL_MS = 30_000;
const MAX_WAIT_MS = 600_000;
const POLL_MS = 500;

/** What a receiver gets (services/webhooks/src/model.ts, payloadOf). */
interface Delivered {
  type?: string;
  timestamp?: string;
  data?: { data?: { id?: unknown } };
}

interface Receiver {
  /** webhook-id → the id of what its event announces (the cart), when it committed and first arrived. */
  first: Map<string, { subject: string; committed: number; at: number }>;
  /** The subjects of the events it got. */
  subjects: Set<string>;
  /** Arrivals of a webhook-id it already had. */
  duplicates: number;
  /** Arrivals of other event types, or without a webhook-id or a readable body. */
  other: number;
}

const listen = (listener: RequestListener) =>
  new Promise<Server>((resolve, reject) => {
    const server = createServer(listener).once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });

const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;

const shut = (server: Server) =>
  new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });

/** Answers 200 as soon as the body is in; the arrival is when the request's headers were. */
const healthyReceiver = async (type: string) => {
  const receiver: Receiver = { first: new Map(), subjects: new Set(), duplicates: 0, other: 0 };
  const server = await listen((request, response) => {
    const at = Date.now();
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      response.writeHead(200).end();
      const id = request.headers['webhook-id'];
      if (typeof id === 'string' && receiver.first.has(id)) {
        receiver.duplicates++;
        return;
      }
      let body: Delivered = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString()) as Delivered;
      } catch {
        // counted below
      }
      const subject = body.data?.data?.id;
      const committed = Date.parse(body.timestamp ?? '');
      if (typeof id !== 'string' || body.type !== type || typeof subject !== 'string' || !committed) {
        receiver.other++;
        return;
      }
      receiver.first.set(id, { subject, committed, at });
      receiver.subjects.add(subject);
    });
  });
  return { server, receiver };
};

/**
 * The load: `publish` (a call answering the id of what its one event of `type` announces, in the
 * event's data.id) sent `events` times by autocannon, and the measurement of its deliveries.
 */
export const fanoutLoad = (api: ScenarioContext, publish: RequestSpec, type: string): Load => {
  const { url, secretKey, signal, status, events } = api;
  /** Ids answered by the calls that succeeded: each event's subject. */
  const published = new Set<string>();
  let lastAnswer = 0;
  let verdict: Check | undefined;
  const requests: Request[] = [
    {
      method: publish.method,
      path: publish.path,
      body: publish.body,
      onResponse: (code, body) => {
        lastAnswer = Date.now();
        const id = code >= 200 && code < 300 ? idOf(body) : undefined;
        if (id) published.add(id);
      },
    },
  ];

  const measure = async (settings: LoadSettings, pids: number[]): Promise<Measurement> => {
    status('webhook-fanout: starting the receivers and their webhook endpoints…');
    const healthy = await Promise.all(Array.from({ length: HEALTHY }, () => healthyReceiver(type)));
    let deadAttempts = 0;
    const dead = await listen(() => {
      deadAttempts++; // and never answers
    });
    const servers = [...healthy.map((h) => h.server), dead];
    const receivers = healthy.map((h) => h.receiver);
    const endpoints: string[] = [];
    /** Deletes the endpoints, which drops the dead one's pending deliveries; answers those it could not. */
    const removeEndpoints = async () => {
      const failed: string[] = [];
      for (let id = endpoints.pop(); id; id = endpoints.pop()) {
        const path = `/v1/webhook-endpoints/${id}`;
        const answer = await sendJson(url, secretKey, 'DELETE', path, undefined, signal).catch(
          () => undefined,
        );
        if (answer?.status !== 200) failed.push(`${id} (${answer?.status ?? 'no answer'})`);
      }
      return failed;
    };
    try {
      const targets = [...servers.map(urlOf).entries()];
      for (const [index, target] of targets) {
        const description = `bench webhook-fanout ${index < HEALTHY ? `healthy ${index + 1}` : 'dead'}`;
        const body = { url: target, description, enabled_events: [type] };
        const created = await sendExpecting<{ id: string }>(
          url,
          secretKey,
          'POST',
          '/v1/webhook-endpoints',
          body,
          201,
          signal,
        );
        endpoints.push(created.id);
      }

      const memory = sampleRss(pids);
      const began = Date.now();
      const arrived = () => receivers.reduce((sum, r) => sum + r.first.size, 0);
      const result = await fire(
        {
          url,
          connections: Math.min(settings.connections, events),
          amount: events,
          headers: publish.headers,
          requests,
        },
        signal,
        () =>
          status(
            `webhook-fanout: publishing ${events} events, ${published.size} so far; ` +
              `${arrived()} healthy deliveries`,
          ),
      );
      signal.throwIfAborted();

      // Until every healthy receiver has every event, or deliveries stop coming.
      const expected = published.size * HEALTHY;
      const missingAt = (r: Receiver) => [...published].filter((s) => !r.subjects.has(s)).length;
      const waitBegan = Date.now();
      let missing = expected;
      let progress = { arrived: -1, at: waitBegan };
      for (;;) {
        missing = receivers.reduce((sum, r) => sum + missingAt(r), 0);
        const now = Date.now();
        if (arrived() !== progress.arrived) progress = { arrived: arrived(), at: now };
        if (missing === 0 || now - progress.at > STALL_MS || now - waitBegan > MAX_WAIT_MS) break;
        status(
          `webhook-fanout: ${expected - missing}/${expected} healthy deliveries, ` +
            `${deadAttempts} attempts at the dead receiver (${Math.round((now - waitBegan) / 1000)} s)`,
        );
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        signal.throwIfAborted();
      }
      const peak = memory.stop();
      const gaveUp =
        missing === 0
          ? ''
          : Date.now() - waitBegan > MAX_WAIT_MS
            ? `; gave up after waiting ${MAX_WAIT_MS / 1000} s`
            : `; gave up after ${STALL_MS / 1000} s without a new delivery`;

      const ours = receivers.flatMap((r) => [...r.first.values()].filter((a) => published.has(a.subject)));
      const lags = ours.map((a) => a.at - a.committed).sort((a, b) => a - b);
      const lastDelivery = ours.reduce((last, a) => Math.max(last, a.at), began);
      const spanS = (lastDelivery - began) / 1000;
      // More first arrivals than subjects: an event announced a subject another one had announced.
      const repeated = ours.length - (expected - missing);
      const duplicates = receivers.reduce((sum, r) => sum + r.duplicates, 0);
      // The runner's sample call publishes an event too, which may reach the first endpoints created.
      const foreign = receivers.flatMap((r) =>
        [...r.first.values()].filter((a) => !published.has(a.subject)),
      );
      const earlier = foreign.filter((a) => a.committed < began).length;
      const other = receivers.reduce((sum, r) => sum + r.other, 0) + foreign.length - earlier;

      status(`webhook-fanout: counting the ${type} events in the event log…`);
      const logged = await listAll<{ data: { id?: unknown } }>(
        url,
        secretKey,
        `/v1/events?type=${type}&created_gte=${encodeURIComponent(new Date(began).toISOString())}&limit=100`,
        signal,
      );
      const loggedOurs = logged.filter((e) => typeof e.data.id === 'string' && published.has(e.data.id));
      const loggedSubjects = new Set(loggedOurs.map((e) => e.data.id));
      const unlogged = published.size - loggedSubjects.size;
      const loggedTwice = loggedOurs.length - loggedSubjects.size;

      const undeleted = await removeEndpoints();
      const p99 = percentile(lags, 99);
      const calls = result.requests.total;
      const failedCalls = calls - published.size;
      verdict = {
        line:
          `webhook-fanout check: ${expected - missing}/${expected} healthy deliveries, ${missing} missing, ` +
          `p99 lag ${Math.round(p99)} ms` +
          (repeated ? `, ${repeated} subjects announced twice` : '') +
          (unlogged || loggedTwice
            ? `, event log: ${unlogged} calls without an event, ${loggedTwice} with two or more`
            : ''),
        detail:
          `${published.size} ${type} events from ${calls} ${publish.method} ${publish.path}` +
          (failedCalls ? ` (${failedCalls} failed)` : '') +
          `, ${loggedSubjects.size} of them in the event log; ${HEALTHY} healthy receivers, ` +
          (missing === 0 && !repeated
            ? 'each got every event exactly once after dedupe by webhook-id'
            : `missing ${receivers.map(missingAt).join('/')} of them${gaveUp}`) +
          `; ${duplicates} duplicate deliveries (a webhook-id again)` +
          (earlier ? `, ${earlier} of an event from before the load (the sample call's)` : '') +
          (other ? `, ${other} of other events` : '') +
          '; ' +
          `the dead receiver (accepts, never answers) saw ${deadAttempts} attempts` +
          (undeleted.length ? `; could not delete endpoints ${undeleted.join(', ')}` : ''),
        problems: missing + repeated + unlogged + loggedTwice,
      };
      return {
        requests_per_s: spanS ? ours.length / spanS : 0,
        p50_ms: percentile(lags, 50),
        p99_ms: p99,
        ...outcomes(result),
        duration_s: spanS,
        peak_rss_bytes: peak,
        fanout: {
          unit: 'deliveries',
          events: published.size,
          events_per_s: lastAnswer > began ? published.size / ((lastAnswer - began) / 1000) : 0,
          healthy_receivers: HEALTHY,
          expected,
          deliveries: ours.length,
          missing,
          duplicates,
          max_lag_ms: lags.at(-1) ?? 0,
          dead_attempts: deadAttempts,
        },
      };
    } finally {
      // What runs next is spared the dead endpoint's backlog, also when this one failed.
      if (!signal.aborted) await removeEndpoints();
      await Promise.all(servers.map(shut));
    }
  };

  return {
    headers: publish.headers,
    requests,
    sample: publish,
    summary:
      `${events.toLocaleString('en-US')} × ${publish.method} ${publish.path}, one ${type} each, ` +
      `to ${HEALTHY} healthy receivers and a dead one`,
    measure,
    check: () =>
      Promise.resolve(
        verdict ?? {
          line: 'webhook-fanout check: not measured',
          detail: 'the load did not run',
          problems: 1,
        },
      ),
  };
};
