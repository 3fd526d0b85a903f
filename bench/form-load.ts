/**
 * Form-load budget: bundle size, requests per form load, verdict time for 500 associations.
 * Prints numbers; asserts nothing. `npm run bench` (after `npm run build:prod` for the size).
 */
import { existsSync, readFileSync, statSync } from "fs";
import { join } from "path";
import { performance } from "perf_hooks";
import { gzipSync } from "zlib";
import { evaluate } from "../src/core/verdict";
import { DEFAULT_POLICY } from "../src/core/policy";
import { PartnerAssociation, RELATIONSHIP_TYPES } from "../src/core/types";
import { parseFeed } from "../src/core/feed";
import { emulatorFromFeed } from "../src/emulator/fromFeed";
import { resolveForForm } from "../src/sources/formResolution";
import { readDataverse } from "../src/sources/dataverseSource";
import { DataverseEmulator } from "../src/emulator/dataverseEmulator";
import { TABLES } from "../src/emulator/fromFeed";
import {
  Account,
  Association,
  AuditDecisionCodes,
  DecisionCodes,
  OutreachAudit,
  OutreachDecision,
  OutreachExceptionTable,
  WebResources,
} from "../src/schema";
import { WebApiHost } from "../src/sources/webApi";

const root = join(__dirname, "..");

function bundleSize(): string {
  const file = join(root, "out/controls/PartnerGuard/bundle.js");
  if (!existsSync(file)) return "n/a (run `npm run build:prod` first)";
  const text = readFileSync(file, "utf8");
  const mode = text.includes("eval(") ? "development build" : "production build";
  return `${sizeOf(file)} (${mode})`;
}

/** Bytes and gzipped bytes (what travels when the server compresses) of a built file. */
function sizeOf(file: string): string {
  if (!existsSync(file)) return "n/a (run `npm run build:prod` first)";
  return `${statSync(file).size.toLocaleString("en")} bytes, ${gzipSync(readFileSync(file)).length.toLocaleString("en")} gzipped`;
}

/** The web resources built beside the control: the Graph module is loaded only when Graph applies. */
function webResourceSize(name: string): string {
  return sizeOf(join(root, "out/webresources", name));
}

/** A session storage for Node: what the browser gives the control and the script. */
class MemoryStorage {
  private items = new Map<string, string>();
  getItem = (k: string) => this.items.get(k) ?? null;
  setItem = (k: string, v: string) => void this.items.set(k, v);
  removeItem = (k: string) => void this.items.delete(k);
}

/**
 * Requests for the first form load of a session and for the next one, with both faces asking:
 * the control and the command bar share one resolution (the same registry), the configuration
 * is cached in session storage after the first load.
 */
async function requestsPerLoad(): Promise<{ first: number; next: number }> {
  const { rows } = parseFeed(readFileSync(join(root, "data/demo-feed.csv"), "utf8"));
  const emulator = emulatorFromFeed(rows);
  const storage = new MemoryStorage();
  const account = "a1000000-0000-4000-8000-000000000001";
  const page = () => {
    const scope = {}; // a new page: a new window, nothing shared in memory
    const deps = { webApi: emulator, storage, scope };
    return Promise.all([
      resolveForForm(deps, account, undefined, false),
      resolveForForm(deps, account, undefined, false),
    ]);
  };
  await page();
  const first = emulator.requests.length;
  storage.removeItem(`partnerguard:resolution:${account}`); // the next form load, a minute later
  await page();
  return { first, next: emulator.requests.length - first };
}

/**
 * An account with history: 100 associations, 5 exception requests (each decided), 300 audit
 * entries. Joined on one account row these would multiply (100 x 5 x 300 = 150,000 rows, past the
 * 50,000-row limit); read as separate queries issued together they stay what they are.
 */
async function historyHeavyAccount(): Promise<{ requests: number; rows: number; inFlight: number; outcome: string }> {
  const emulator = new DataverseEmulator(TABLES, { latencyMs: 5 });
  const id = "c0000000-0000-4000-8000-000000000001";
  const lookup = (table: string, key: string) => ({ $lookup: table, id: key });
  const guid = (prefix: string, i: number) => `${prefix}0000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
  const recent = new Date(Date.now() - 86_400_000).toISOString();
  emulator.insert(Account.logicalName, { [Account.id]: id, [Account.name]: "History Heavy Ltd" });
  for (let i = 0; i < 100; i++) {
    emulator.insert(Association.logicalName, {
      [Association.id]: guid("d", i),
      [Association.customer]: lookup("account", id),
      [Association.relationshipType]: 100000006,
      [Association.status]: 100000001,
    });
  }
  for (let i = 0; i < 5; i++) {
    emulator.insert(OutreachExceptionTable.logicalName, {
      [OutreachExceptionTable.id]: guid("e", i),
      [OutreachExceptionTable.account]: lookup("account", id),
      createdon: recent,
    });
    emulator.insert(OutreachDecision.logicalName, {
      [OutreachDecision.id]: guid("f", i),
      [OutreachDecision.exception]: lookup(OutreachExceptionTable.logicalName, guid("e", i)),
      [OutreachDecision.decision]: DecisionCodes.rejected,
      createdon: recent,
    });
  }
  for (let i = 0; i < 300; i++) {
    emulator.insert(OutreachAudit.logicalName, {
      [OutreachAudit.id]: guid("a", i),
      [OutreachAudit.account]: lookup("account", id),
      [OutreachAudit.decision]: AuditDecisionCodes["engaged-partner"],
      createdon: recent,
    });
  }
  let rows = 0;
  const counting: WebApiHost = {
    retrieveMultipleRecords: async (entity, options) => {
      const result = await emulator.retrieveMultipleRecords(entity, options);
      rows += result.entities.length;
      return result;
    },
    createRecord: (entity, data) => emulator.createRecord(entity, data),
    updateRecord: (entity, key, data) => emulator.updateRecord(entity, key, data),
  };
  const outcome = await readDataverse(counting, id);
  return {
    requests: emulator.requests.length,
    rows,
    inFlight: emulator.maxInFlight,
    outcome: outcome.ok ? "read" : outcome.failure.kind,
  };
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
    evaluate({
      accountId: "acc",
      outcomes: [{ source: "Dataverse", sourceKind: "dataverse", ok: true, associations, notes: [] }],
      policy: DEFAULT_POLICY,
      now: Date.parse("2026-11-24"),
    });
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(runs / 2)], p95Ms: times[Math.floor(runs * 0.95)] };
}

async function main() {
  const requests = await requestsPerLoad();
  const heavy = await historyHeavyAccount();
  const time = verdictTime(500, 200);
  console.log("PartnerGuard form-load bench");
  console.log(`  bundle.js (control):                 ${bundleSize()}`);
  console.log(
    `  ${WebResources.graphScript} (MSAL + Graph client, loaded only when Graph applies): ${webResourceSize(WebResources.graphScript)}`,
  );
  console.log(
    `  ${WebResources.authRedirectScript} (sign-in redirect bridge): ${webResourceSize(WebResources.authRedirectScript)}`,
  );
  console.log(
    `  requests, first form load of a session: ${requests.first} (configuration + Dataverse's three queries, all in flight at once; control and command bar share them)`,
  );
  console.log(`  requests, next form load:              ${requests.next} (configuration cached for the session)`);
  console.log(
    `  account with 100 associations, 5 requests, 300 audit entries: ${heavy.requests} requests, ${heavy.inFlight} in flight at once (one round trip), ${heavy.rows} rows (${heavy.outcome})`,
  );
  console.log(
    `  verdict for 500 associations:        median ${time.medianMs.toFixed(2)} ms, p95 ${time.p95Ms.toFixed(2)} ms (200 runs)`,
  );
}

void main();
