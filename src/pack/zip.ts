/**
 * Deterministic zip: same entries, same bytes. Entries keep the given order, names use `/`,
 * and every entry carries one fixed timestamp. The date is built from local-time parts because
 * zip stores local DOS time: a UTC date would shift with the machine's time zone.
 */
import { Zippable, unzipSync, zipSync } from "fflate";

const FIXED_TIME = new Date(2000, 0, 1, 0, 0, 0);

export function zipEntries(entries: Map<string, Uint8Array>): Uint8Array {
  const data: Zippable = {};
  for (const [name, bytes] of entries) {
    if (name.includes("\\")) throw new Error(`zip entry ${name} must use / as separator`);
    data[name] = [bytes, { mtime: FIXED_TIME, level: 6 }];
  }
  return zipSync(data);
}

/** Entry name → bytes, for the checks and the tests. */
export function unzipEntries(zip: Uint8Array): Map<string, Uint8Array> {
  return new Map(Object.entries(unzipSync(zip)));
}
