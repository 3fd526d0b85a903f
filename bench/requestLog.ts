/**
 * What the client benches (selection, email, contacts) record about each Web API request: its
 * table, when it started and answered, and (a copy of) the answer; and how many round trips a log
 * of requests took.
 */
import { Row, WebApiHost } from "../src/sources/webApi";

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
