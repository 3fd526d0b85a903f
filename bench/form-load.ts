/**
 * Form-load budget: bundle size, requests per form load, verdict time for 500 associations.
 * Prints numbers; asserts nothing. `npm run bench` (after `npm run build:prod` for the size).
 */
import { existsSync, readFileSync, statSync } from "fs";
import { join } from "path";
import { performance } from "perf_hooks";
import { evaluate } from "../src/core/verdict";
import { DEFAULT_POLICY } from "../src/core/policy";
import { PartnerAssociation, RELATIONSHIP_TYPES } from "../src/core/types";
import { parseFeed } from "../src/core/feed";
import { emulatorFromFeed } from "../src/emulator/fromFeed";
import { resolveVerdict } from "../src/sources/resolver";
import { configFromValues } from "../src/sources/configSource";

const root = join(__dirname, "..");

function bundleSize(): string {
  const file = join(root, "out/controls/PartnerGuard/bundle.js");
  if (!existsSync(file)) return "n/a (run `npm run build:prod` first)";
  const text = readFileSync(file, "utf8");
  const mode = text.includes("eval(") ? "development build" : "production build";
  return `${statSync(file).size} bytes (${mode})`;
}

async function requestsPerLoad(): Promise<{ first: number; cached: number }> {
  const { rows } = parseFeed(readFileSync(join(root, "data/demo-feed.csv"), "utf8"));
  const emulator = emulatorFromFeed(rows);
  await resolveVerdict({ webApi: emulator }, "a1000000-0000-4000-8000-000000000001");
  const first = emulator.requests.length;
  const again = emulatorFromFeed(rows);
  await resolveVerdict({ webApi: again, loadConfig: async () => configFromValues(new Map()) }, "a1000000-0000-4000-8000-000000000001");
  return { first, cached: again.requests.length };
}

function verdictTime(count: number, runs: number): { medianMs: number; p95Ms: number } {
  const associations: PartnerAssociation[] = Array.from({ length: count }, (_, i) => ({
    id: `as-${i}`,
    customerAccountId: "acc",
    partnerId: `p-${i % 37}`,
    partnerName: `Partner ${i % 37}`,
    relationshipType: RELATIONSHIP_TYPES[i % RELATIONSHIP_TYPES.length],
    status: i % 3 === 0 ? "active" : "inactive",
    startDate: `20${10 + (i % 15)}-0${1 + (i % 9)}-1${i % 10}`,
    endDate: i % 4 === 0 ? undefined : `20${20 + (i % 9)}-0${1 + (i % 9)}-1${i % 10}`,
    source: "bench",
    sourceKind: "dataverse",
    depth: i % 4,
  }));
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    evaluate({ accountId: "acc", outcomes: [{ source: "Dataverse", sourceKind: "dataverse", ok: true, associations, notes: [] }], policy: DEFAULT_POLICY, now: Date.parse("2026-11-24") });
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(runs / 2)], p95Ms: times[Math.floor(runs * 0.95)] };
}

async function main() {
  const requests = await requestsPerLoad();
  const time = verdictTime(500, 200);
  console.log("PartnerGuard form-load bench");
  console.log(`  bundle.js (control):                 ${bundleSize()}`);
  console.log(`  requests per form load (first):      ${requests.first} (configuration + Dataverse, in parallel)`);
  console.log(`  requests per form load (config cached): ${requests.cached}`);
  console.log(`  verdict for 500 associations:        median ${time.medianMs.toFixed(2)} ms, p95 ${time.p95Ms.toFixed(2)} ms (200 runs)`);
}

void main();
