/**
 * `npm run bench:vet`: vets a 43,000-row list with the real `partnerguard vet` (spawned) against
 * the local Web API server with 50 ms latency per request, and beside it the one-query-per-account
 * way (the control's source, account by account, same concurrency), capped to the first 1,000 rows
 * and extrapolated. Prints numbers; asserts nothing.
 */
import { execFile, execFileSync } from "child_process";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { DataverseEmulator } from "../src/emulator/dataverseEmulator";
import { TABLES } from "../src/emulator/fromFeed";
import { startWebApiServer } from "../src/emulator/webApiServer";
import { Account, Association, AssociationStatusCodes, RelationshipTypeCodes } from "../src/schema";
import { HttpWebApi } from "../src/sources/node/httpWebApi";
import { readDataverse } from "../src/sources/dataverseSource";
import { pool } from "../src/sources/node/batchSource";

const ROWS = Number(process.env.ROWS ?? 43_000);
const BASELINE_CAP = 1_000;
const LATENCY_MS = 50;
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 16); // the CLI's default
const TOKEN = "bench-token";
const root = join(__dirname, "..");

const guid = (prefix: string, n: number) => `${prefix}000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

/** 43,000 customers in groups of 10 under 4,300 parents under 430 groups; ~1.3 associations each. */
export function dataset(): { emulator: DataverseEmulator; customers: string[]; feed: string } {
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

function spawnVet(args: string[]): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(root, "bin/partnerguard.js"), ...args],
      { env: { ...process.env, PARTNERGUARD_ACCESS_TOKEN: TOKEN, CI: "1" }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({
          code: error && typeof error.code === "number" ? error.code : 0,
          stdout,
          stderr,
          ms: Date.now() - started,
        }),
    );
  });
}

async function main(): Promise<void> {
  execFileSync(process.execPath, [join(root, "scripts/build-cli.mjs")]);
  const t0 = Date.now();
  const { emulator, customers, feed } = dataset();
  console.log(
    `dataset: ${ROWS} customers, ${emulator.table(Account.logicalName).length} accounts, ${emulator.table(Association.logicalName).length} associations (built in ${Date.now() - t0} ms)`,
  );
  const server = await startWebApiServer({ emulator, token: TOKEN, latencyMs: LATENCY_MS });
  const dir = mkdtempSync(join(tmpdir(), "pg-bench-"));
  try {
    // Mostly ids, some account numbers: both kinds of matching are on the clock.
    const list = ["accountId,accountNumber", ...customers.map((id, i) => (i % 20 === 0 ? `,N-${i}` : `${id},`))].join(
      "\n",
    );
    writeFileSync(join(dir, "list.csv"), list);

    const before = server.requests.length;
    const run = await spawnVet([
      "vet",
      join(dir, "list.csv"),
      "--env",
      server.url,
      "--out",
      join(dir, "vetted.csv"),
      "--json",
      "--concurrency",
      String(CONCURRENCY),
    ]);
    if (run.code !== 0) throw new Error(`vet exited ${run.code}: ${run.stderr}`);
    const out = JSON.parse(run.stdout) as {
      summary: { byOutreach: Record<string, number> };
      seconds: number;
      requests: { requests: number; retries: number; errorRetries: number; maxInFlight: number };
    };
    const batchedRequests = server.requests.length - before;

    // Offline: the same data as a feed file, vetted with the bundled binary (no server at all).
    writeFileSync(join(dir, "feed.csv"), feed);
    writeFileSync(join(dir, "ids.csv"), ["accountId", ...customers].join("\n"));
    const offline = await spawnVet([
      "vet",
      join(dir, "ids.csv"),
      "--feed",
      join(dir, "feed.csv"),
      "--out",
      join(dir, "offline.csv"),
      "--json",
    ]);
    if (offline.code !== 0) throw new Error(`vet --feed exited ${offline.code}: ${offline.stderr}`);
    const offlineOut = JSON.parse(offline.stdout) as { summary: { byOutreach: Record<string, number> } };

    const api = new HttpWebApi({ envUrl: server.url, getToken: async () => TOKEN, concurrency: CONCURRENCY });
    const sample = customers.slice(0, Number(process.env.BASELINE_ROWS ?? BASELINE_CAP));
    const b0 = Date.now();
    await pool(sample, CONCURRENCY, (id) => readDataverse(api, id));
    const baselineMs = Date.now() - b0;
    const perRow = baselineMs / sample.length;

    console.log(`latency injected: ${LATENCY_MS} ms per request; concurrency ${CONCURRENCY} (limit 52 per user)`);
    console.log("");
    console.log("| way | rows | requests | time | rows/s |");
    console.log("|---|---|---|---|---|");
    console.log(
      `| batched (partnerguard vet, spawned) | ${ROWS} | ${batchedRequests} | ${(run.ms / 1000).toFixed(1)} s | ${Math.round(ROWS / (run.ms / 1000))} |`,
    );
    console.log(
      `| offline against the same data as a feed (\`vet --feed\`, spawned) | ${ROWS} | 0 | ${(offline.ms / 1000).toFixed(1)} s | ${Math.round(ROWS / (offline.ms / 1000))} |`,
    );
    console.log(
      `| one query per account (measured on the first ${sample.length} rows) | ${sample.length} | ${api.stats.requests} | ${(baselineMs / 1000).toFixed(1)} s | ${Math.round(1000 / perRow)} |`,
    );
    console.log(
      `| one query per account, extrapolated to ${ROWS} rows | ${ROWS} | ~${ROWS} | ~${((perRow * ROWS) / 1000).toFixed(0)} s | ${Math.round(1000 / perRow)} |`,
    );
    console.log("");
    console.log(
      `verdicts: ${JSON.stringify(out.summary.byOutreach)}; CLI saw ${out.requests.requests} requests (${out.requests.retries} × 429, ${out.requests.errorRetries} resent after errors), at most ${out.requests.maxInFlight} in flight (server saw ${server.maxInFlight}; limit 52)`,
    );
    console.log(
      `offline verdicts: ${JSON.stringify(offlineOut.summary.byOutreach)} (the same as online: ${JSON.stringify(offlineOut.summary.byOutreach) === JSON.stringify(out.summary.byOutreach) ? "yes" : "NO"}); target < 2 s -> ${offline.ms < 2000 ? "met" : "MISSED"}`,
    );
    console.log(`vet's own clock (reading the list to the summary): ${out.seconds.toFixed(1)} s`);
    const met = (ok: boolean) => (ok ? "met" : "MISSED");
    console.log(
      `target ≤ 250 requests -> ${met(batchedRequests <= 250)} (${batchedRequests}); < 5 s -> ${met(run.ms < 5_000)} (${(run.ms / 1000).toFixed(1)} s, process start and CSV included); 0 × 429 -> ${met(out.requests.retries === 0)}`,
    );
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// Run as `npm run bench:vet`; imported, it only lends its dataset.
if (require.main === module) void main();
