/**
 * What the client benches (selection, email, contacts) record about each Web API request: its
 * table, when it started and answered, and (a copy of) the answer; and how many round trips a log
 * of requests took.
 */
import { Row, WebApiHost } from "../src/sources/webApi";
import { BatchTransport } from "../src/sources/webApiBatch";

export interface Timed {
  entity: string;
  start: number;
  end: number;
  answer: { entities: Row[]; nextLink?: string };
}

/** The host, recording when each request started and answered, and what it answered. */
export function recording(host: WebApiHost, log: Timed[]): WebApiHost {
  return {
    ...host,
    retrieveMultipleRecords: async (entity, options, maxPageSize) => {
      const start = performance.now();
      const answer = await host.retrieveMultipleRecords(entity, options, maxPageSize);
      log.push({ entity, start, end: performance.now(), answer: JSON.parse(JSON.stringify(answer)) });
      return answer;
    },
  };
}

/** A `$batch` transport, recording each batch as one request named by the tables it reads: `$batch(contacts, accounts, …)`. */
export function recordingBatch(post: BatchTransport, log: Timed[]): BatchTransport {
  return async (body, headers) => {
    const start = performance.now();
    const answer = await post(body, headers);
    const sets = body
      .split("\r\n")
      .filter((line) => line.startsWith("GET "))
      .map((line) => line.slice(4).split("?")[0].split("/").pop());
    log.push({ entity: `$batch(${sets.join(", ")})`, start, end: performance.now(), answer: { entities: [] } });
    return answer;
  };
}

/** Sequential waves: a request that starts after an earlier one answered begins a new round trip. */
export function roundTrips(log: readonly Timed[]): number {
  let trips = 0;
  let waveEnd = -Infinity;
  for (const r of [...log].sort((a, b) => a.start - b.start)) {
    if (r.start >= waveEnd) {
      trips++;
      waveEnd = r.end;
    } else waveEnd = Math.min(waveEnd, r.end);
  }
  return trips;
}
