/**
 * `npm run bench:vet`: vets a 43,000-row list with the real `partnerguard vet` (spawned) against
 * the local Web API server with 50 ms latency per request and Dataverse's service-protection
 * limits (6,000 requests per user in 5 minutes, answered 429 with Retry-After beyond), offline
 * against the same data as a feed, and beside them the one-query-per-account way (the control's
 * source, account by account, same concurrency), capped to the first 1,000 rows and extrapolated.
 * For each spawned run: requests, time, CPU, peak RSS, longest event-loop stall, 429s
 * (measured by bench/vet-probe.cjs, preloaded into the child). Prints numbers; asserts nothing.
 *
 * `BENCH_ROWS=1000000 npm run bench:vet` runs the same for a million rows (minutes: the emulator
 * behind the local server answers every query in this process), online and offline (the
 * offline list then names all million customers; the feed holds the first 43,000).
 */
import { execFile, execFileSync } from "child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { cpus, loadavg, tmpdir } from "os";
import { join } from "path";
import { DataverseEmulator } from "../src/emulator/dataverseEmulator";
import { TABLES } from "../src/emulator/fromFeed";
import { InjectedFault, startWebApiServer } from "../src/emulator/webApiServer";
import { Account, Association, AssociationStatusCodes, RelationshipTypeCodes } from "../src/schema";
import { HttpWebApi } from "../src/sources/node/httpWebApi";
import { readDataverse } from "../src/sources/dataverseSource";
import { pool } from "../src/sources/node/batchSource";

const ROWS = Number(process.env.BENCH_ROWS ?? process.env.ROWS ?? 43_000);
/** The service-protection limit of one user: requests per sliding 5-minute window. */
const WINDOW_REQUESTS = 6_000;
const WINDOW_MS = 5 * 60_000;
const BASELINE_CAP = 1_000;
const LATENCY_MS = 50;
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 16); // the CLI's default
const TOKEN = "bench-token";
const root = join(__dirname, "..");

const guid = (prefix: string, n: number) => `${prefix}000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

/** 43,000 customers in groups of 10 under 4,300 parents under 430 groups; ~1.3 associations each. */
export function dataset(ROWS: number): { emulator: DataverseEmulator; customers: string[]; feed: string } {
  const emulator = new DataverseEmulator(TABLES);
  // The same data as a partner feed, for the offline run (account numbers are not in the format).
  const feed = [
    "customerAccountId,customerName,parentAccountId,customerTenantId,partnerId,partnerName,relationshipType,status,startDate,endDate,externalReference,source",
  ];
  const declare = (id: string, name: string, parent = "") => feed.push(`${id},${name},${parent},,,,,,,,,`);
  const names = new Map<string, string>();
  const lookup = (id: string) => ({ $lookup: Account.logicalName, id });
  const customers: string[] = [];
  const groups = Math.ceil(ROWS / 100);
  for (let g = 0; g < groups; g++) {
    emulator.insert(Account.logicalName, { [Account.id]: guid("c3", g), [Account.name]: `Group ${g}` });
    declare(guid("c3", g), `Group ${g}`);
    names.set(guid("c3", g), `Group ${g}`);
  }
  for (let p = 0; p < Math.ceil(ROWS / 10); p++) {
    emulator.insert(Account.logicalName, {
      [Account.id]: guid("c2", p),
      [Account.name]: `Parent ${p}`,
      [Account.parent]: lookup(guid("c3", Math.floor(p / 10))),
    });
    declare(guid("c2", p), `Parent ${p}`, guid("c3", Math.floor(p / 10)));
    names.set(guid("c2", p), `Parent ${p}`);
  }
  for (let i = 0; i < 50; i++)
    emulator.insert(Account.logicalName, { [Account.id]: guid("b0", i), [Account.name]: `Partner ${i}` });
  const codes = Object.values(RelationshipTypeCodes);
  const types = Object.keys(RelationshipTypeCodes);
  let a = 0;
  const associate = (customer: string, n: number, active: boolean) => {
    feed.push(
      `${customer},${names.get(customer) ?? ""},,,${guid("b0", n % 50)},Partner ${n % 50},${types[n % types.length]},${active ? "active" : "inactive"},2024-01-01,,D-${a},registration`,
    );
    return emulator.insert(Association.logicalName, {
      [Association.id]: guid("d0", a++),
      [Association.customer]: lookup(customer),
      [Association.partner]: lookup(guid("b0", n % 50)),
      [Association.relationshipType]: codes[n % codes.length],
      [Association.status]: active ? AssociationStatusCodes.active : AssociationStatusCodes.inactive,
      [Association.start]: "2024-01-01",
    });
  };
  for (let i = 0; i < ROWS; i++) {
    const id = guid("c1", i);
    customers.push(id);
    declare(id, `Customer ${i}`, guid("c2", Math.floor(i / 10)));
    names.set(id, `Customer ${i}`);
    emulator.insert(Account.logicalName, {
      [Account.id]: id,
      [Account.name]: `Customer ${i}`,
      [Account.accountNumber]: `N-${i}`,
      [Account.parent]: lookup(guid("c2", Math.floor(i / 10))),
    });
    if (i % 3 === 0) associate(id, i, i % 2 === 0);
    if (i % 7 === 0) associate(id, i + 1, false);
  }
  for (let p = 0; p < Math.ceil(ROWS / 10); p += 5) associate(guid("c2", p), p, true);
  return { emulator, customers, feed: feed.join("\n") };
}

interface Probe {
  peakRssMB: number;
  eventLoopMaxMs: number;
  eventLoopP99Ms: number;
  cpuMs: number;
  wallMs: number;
}

export function spawnVet(
  args: string[],
  probeFile: string,
): Promise<{ code: number; stdout: string; stderr: string; ms: number; probe?: Probe }> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--require", join(__dirname, "vet-probe.cjs"), join(root, "bin/partnerguard.js"), ...args],
      {
        env: { ...process.env, PARTNERGUARD_ACCESS_TOKEN: TOKEN, CI: "1", PARTNERGUARD_BENCH_PROBE: probeFile },
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        let probe: Probe | undefined;
        try {
          probe = JSON.parse(readFileSync(probeFile, "utf8")) as Probe;
        } catch {
          probe = undefined;
        }
        resolve({
          code: error && typeof error.code === "number" ? error.code : 0,
          stdout,
          stderr,
          ms: Date.now() - started,
          probe,
        });
      },
    );
  });
}

/** Dataverse's per-user window: more than 6,000 requests in 5 minutes are answered 429 with Retry-After. */
export function serviceProtection() {
  const times: number[] = [];
  let first = 0;
  let throttled = 0;
  return {
    get throttled() {
      return throttled;
    },
    fault: (): InjectedFault | undefined => {
      const now = Date.now();
      while (first < times.length && times[first] <= now - WINDOW_MS) first++;
      if (times.length - first >= WINDOW_REQUESTS) {
        throttled++;
        const retryAfter = Math.ceil((times[first] + WINDOW_MS - now) / 1000);
        return {
          status: 429,
          headers: { "Retry-After": String(retryAfter) },
          body: {
            error: {
              code: "0x80072322",
              message: "Number of requests exceeded the limit of 6000 over time window of 300 seconds.",
            },
          },
        };
      }
      times.push(now);
      return undefined;
    },
  };
}

const mb = (n?: number) => (n === undefined ? "?" : `${n} MB`);
const sec = (ms?: number) => (ms === undefined ? "?" : `${(ms / 1000).toFixed(1)} s`);

async function main(): Promise<void> {
  execFileSync(process.execPath, [join(root, "scripts/build-cli.mjs")]);
  const t0 = Date.now();
  const { emulator, customers, feed } = dataset(ROWS);
  console.log(
    `dataset: ${ROWS} customers, ${emulator.table(Account.logicalName).length} accounts, ${emulator.table(Association.logicalName).length} associations (built in ${Date.now() - t0} ms)`,
  );
  const protection = serviceProtection();
  const server = await startWebApiServer({ emulator, token: TOKEN, latencyMs: LATENCY_MS, fault: protection.fault });
  const dir = mkdtempSync(join(tmpdir(), "pg-bench-"));
  try {
    // Mostly ids, some account numbers: both kinds of matching are on the clock.
    const list = ["accountId,accountNumber", ...customers.map((id, i) => (i % 20 === 0 ? `,N-${i}` : `${id},`))].join(
      "\n",
    );
    writeFileSync(join(dir, "list.csv"), list);

    const before = server.requests.length;
    const run = await spawnVet(
      [
        "vet",
        join(dir, "list.csv"),
        "--env",
        server.url,
        "--out",
        join(dir, "vetted.csv"),
        "--json",
        "--concurrency",
        String(CONCURRENCY),
      ],
      join(dir, "online.json"),
    );
    if (run.code !== 0) throw new Error(`vet exited ${run.code}: ${run.stderr}`);
    const out = JSON.parse(run.stdout) as {
      summary: { byOutreach: Record<string, number> };
      seconds: number;
      requests: { requests: number; retries: number; errorRetries: number; maxInFlight: number };
    };
    const batchedRequests = server.requests.length - before;

    // Offline: the same data as a feed file, vetted with the bundled binary (no server at all).
    // At a million rows the feed stays at 43,000 customers: the list is what grows.
    const feedRows = ROWS > 43_000 ? feedOf(feed, 43_000) : feed;
    writeFileSync(join(dir, "feed.csv"), feedRows);
    writeFileSync(join(dir, "ids.csv"), ["accountId", ...customers].join("\n"));
    const offline = await spawnVet(
      ["vet", join(dir, "ids.csv"), "--feed", join(dir, "feed.csv"), "--out", join(dir, "offline.csv"), "--json"],
      join(dir, "offline.json"),
    );
    if (offline.code !== 0) throw new Error(`vet --feed exited ${offline.code}: ${offline.stderr}`);
    const offlineOut = JSON.parse(offline.stdout) as { summary: { byOutreach: Record<string, number> } };

    const api = new HttpWebApi({ envUrl: server.url, getToken: async () => TOKEN, concurrency: CONCURRENCY });
    const sample = customers.slice(0, Number(process.env.BASELINE_ROWS ?? BASELINE_CAP));
    const b0 = Date.now();
    await pool(sample, CONCURRENCY, (id) => readDataverse(api, id));
    const baselineMs = Date.now() - b0;
    const perRow = baselineMs / sample.length;

    console.log(
      `latency injected: ${LATENCY_MS} ms per request; concurrency ${CONCURRENCY} (limit 52 per user); service protection: ${WINDOW_REQUESTS} requests / 5 min`,
    );
    console.log("");
    console.log("| way | rows | requests | 429s | time | CPU | peak RSS | longest event-loop stall | rows/s |");
    console.log("|---|---|---|---|---|---|---|---|---|");
    const p = run.probe;
    const o = offline.probe;
    console.log(
      `| batched (partnerguard vet, spawned) | ${ROWS} | ${batchedRequests} | ${protection.throttled} | ${sec(run.ms)} | ${sec(p?.cpuMs)} | ${mb(p?.peakRssMB)} | ${p?.eventLoopMaxMs ?? "?"} ms | ${Math.round(ROWS / (run.ms / 1000))} |`,
    );
    console.log(
      `| offline against the same data as a feed (\`vet --feed\`, spawned) | ${ROWS} | 0 | 0 | ${sec(offline.ms)} | ${sec(o?.cpuMs)} | ${mb(o?.peakRssMB)} | ${o?.eventLoopMaxMs ?? "?"} ms | ${Math.round(ROWS / (offline.ms / 1000))} |`,
    );
    console.log(
      `| one query per account (measured on the first ${sample.length} rows) | ${sample.length} | ${api.stats.requests} | | ${(baselineMs / 1000).toFixed(1)} s | | | | ${Math.round(1000 / perRow)} |`,
    );
    console.log(
      `| one query per account, extrapolated to ${ROWS} rows | ${ROWS} | ~${ROWS} | | ~${((perRow * ROWS) / 1000).toFixed(0)} s | | | | ${Math.round(1000 / perRow)} |`,
    );
    console.log("");
    console.log(
      `verdicts: ${JSON.stringify(out.summary.byOutreach)}; CLI saw ${out.requests.requests} requests (${out.requests.retries} × 429, ${out.requests.errorRetries} resent after errors), at most ${out.requests.maxInFlight} in flight (server saw ${server.maxInFlight}; limit 52)`,
    );
    const same = JSON.stringify(offlineOut.summary.byOutreach) === JSON.stringify(out.summary.byOutreach);
    console.log(
      `offline verdicts: ${JSON.stringify(offlineOut.summary.byOutreach)}${ROWS > 43_000 ? " (feed of the first 43,000 customers: the rest unmatched)" : ` (the same as online: ${same ? "yes" : "NO"})`}`,
    );
    console.log(`vet's own clock (reading the list to the summary): ${out.seconds.toFixed(1)} s`);
    const met = (ok: boolean) => (ok ? "met" : "MISSED");
    const perRequests = Math.round((batchedRequests / ROWS) * 43_000);
    console.log(
      `targets: ≤ 250 requests per 43,000 rows -> ${met(perRequests <= 250)} (${perRequests}); < 5 s -> ${met(run.ms < 5_000)} (${(run.ms / 1000).toFixed(1)} s, process start and CSV included); 0 × 429 -> ${met(protection.throttled === 0 && out.requests.retries === 0)}; peak RSS ≤ 300 MB -> ${met((p?.peakRssMB ?? Infinity) <= 300 && (o?.peakRssMB ?? Infinity) <= 300)}; event loop never blocked > 1 s -> ${met((p?.eventLoopMaxMs ?? Infinity) <= 1000)} (online); offline < 2 s -> ${met(offline.ms < 2000)} (${(offline.ms / 1000).toFixed(1)} s wall, ${sec(o?.cpuMs)} CPU)`,
    );
    console.log(
      `machine load (1/5/15 min): ${loadavg()
        .map((l) => l.toFixed(1))
        .join(" / ")} on ${cpus().length} cores`,
    );
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The feed's lines for the first `customers` customers: their groups, parents and associations. */
function feedOf(feed: string, customers: number): string {
  const keep = (n: string) => Number(n) < customers;
  return feed
    .split("\n")
    .filter((line, i) => {
      if (i === 0) return true;
      const m = /^c([123])000000-0000-4000-8000-(\d{12})/.exec(line);
      if (!m) return true;
      const n = Number(m[2]);
      return m[1] === "1" ? keep(m[2]) : m[1] === "2" ? n * 10 < customers : n * 100 < customers;
    })
    .join("\n");
}

// Run as `npm run bench:vet`; imported, it only lends its dataset.
if (require.main === module) void main();
