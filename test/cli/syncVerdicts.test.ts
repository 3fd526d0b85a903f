/**
 * `partnerguard sync --verdicts`, spawned for real against the Web API server, signed in as the
 * command line's application user (PartnerGuard Administrator, the "PartnerGuard command line"
 * field security profile and the account privileges docs/admin.md lists), the shipped roles and
 * field security enforced by the emulator.
 */
import { DataverseEmulator } from "../../src/emulator/dataverseEmulator";
import { PERSONAS } from "../../src/emulator/personas";
import { WebApiServer } from "../../src/emulator/webApiServer";
import {
  Account,
  Association,
  DecisionCodes,
  OutreachDecision,
  OutreachExceptionTable,
  RelationshipTypeCodes,
  StoredOutreachCodes,
  StoredVerdict,
} from "../../src/schema";
import { ExitCode } from "../../cli/exitCodes";
import { Io } from "../../cli/io";
import { main } from "../../cli/main";
import { DEMO } from "../helpers/demo";
import { DEMO_NOW, buildCli, demoDataverse, runCli, webApiServer, TOKEN } from "./helpers/cli";

// Each test spawns the command two or three times: on a busy machine that is more than jest's 20 s.
jest.setTimeout(90_000);

const APP = "app-user-token";
const SELLER = "seller-token";
const HARBOR = "b1000000-0000-4000-8000-000000000001";
const NORTHWIND = "b1000000-0000-4000-8000-000000000002";
const ORPHAN = "f1000000-0000-4000-8000-000000000001";
const GONE_PARENT = "f1000000-0000-4000-8000-0000000000ff";
const as = (token: string) => ({ env: { PARTNERGUARD_ACCESS_TOKEN: token } });

let emulator: DataverseEmulator;
let server: WebApiServer | undefined;
beforeAll(buildCli);
beforeEach(() => {
  emulator = demoDataverse();
  // An account whose parent is named but not there (deleted, or never readable): fail closed.
  emulator.insert(Account.logicalName, {
    [Account.id]: ORPHAN,
    [Account.name]: "Orphan Ltd",
    [Account.parent]: { $lookup: Account.logicalName, id: GONE_PARENT },
  });
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: Partial<Parameters<typeof webApiServer>[0]> = {}) {
  server = await webApiServer({
    emulator,
    token: TOKEN,
    users: { [APP]: PERSONAS.commandLine, [SELLER]: PERSONAS.seller },
    ...options,
  });
  return server.url;
}

const row = (id: string) => emulator.table(Account.logicalName).find((r) => r[Account.id] === id) ?? {};
const batches = () => server?.requests.filter((r) => r.method === "POST" && r.resource === "$batch") ?? [];

interface Summary {
  accounts: number;
  changed: number;
  written: number;
  unchanged: number;
  failed: number;
  requests: number;
  byOutreach: Record<string, number>;
  changes: { accountId: string; from: unknown; to: { outreach: string } }[];
  failures: { accountId: string; status?: number; message: string }[];
}

test("stores every account's verdict, then a second run writes nothing", async () => {
  const url = await start();
  const first = await runCli(["sync", "--verdicts", "--env", url, "--as-of", DEMO_NOW, "--json"], as(APP));
  expect(first.stderr).toBe("");
  expect(first.code).toBe(0);
  const summary = JSON.parse(first.stdout) as Summary;
  const accounts = emulator.table(Account.logicalName).length;
  expect(summary).toMatchObject({ accounts, changed: accounts, written: accounts, unchanged: 0, failed: 0 });
  // Whole tables, a page each here, and the writes in one $batch: a handful of requests in all.
  expect(summary.requests).toBeLessThanOrEqual(8);
  expect(batches()).toHaveLength(1);

  expect(row(DEMO.contoso)).toMatchObject({
    [StoredVerdict.outreach]: StoredOutreachCodes.blocked,
    [StoredVerdict.partner]: { $lookup: Account.logicalName, id: HARBOR },
    [StoredVerdict.partnerName]: "Harbor Computer Services",
    [StoredVerdict.relationshipType]: RelationshipTypeCodes["csp-reseller"],
    [StoredVerdict.protectedUntil]: null, // open-ended
  });
  // The PAL's last day, inherited by the child account.
  for (const id of [DEMO.fabrikamHoldings, DEMO.fabrikamEurope])
    expect(row(id)).toMatchObject({
      [StoredVerdict.outreach]: StoredOutreachCodes.blocked,
      [StoredVerdict.partner]: { $lookup: Account.logicalName, id: NORTHWIND },
      [StoredVerdict.relationshipType]: RelationshipTypeCodes.pal,
      [StoredVerdict.protectedUntil]: "2027-06-30",
    });
  expect(row(DEMO.woodgrove)).toMatchObject({
    [StoredVerdict.outreach]: StoredOutreachCodes.allowed,
    [StoredVerdict.partner]: null,
    [StoredVerdict.partnerName]: null,
  });
  expect(row(ORPHAN)[StoredVerdict.outreach]).toBe(StoredOutreachCodes.unverified);
  const computedOn = row(DEMO.contoso)[StoredVerdict.computedOn];
  expect(typeof computedOn).toBe("string");

  const second = await runCli(["sync", "--verdicts", "--env", url, "--as-of", DEMO_NOW, "--json"], as(APP));
  expect(second.code).toBe(0);
  expect(JSON.parse(second.stdout)).toMatchObject({ changed: 0, written: 0, unchanged: accounts });
  expect(batches()).toHaveLength(1);
  expect(row(DEMO.contoso)[StoredVerdict.computedOn]).toBe(computedOn); // the time it last changed
});

test("--dry-run prints what would change and writes nothing", async () => {
  const url = await start();
  const dry = await runCli(["sync", "--verdicts", "--env", url, "--as-of", DEMO_NOW, "--dry-run"], as(APP));
  expect(dry.code).toBe(0);
  expect(dry.stdout).toContain(
    `account ${DEMO.contoso}: (none stored) -> Blocked: partner of record (Harbor Computer Services, CSP reseller)`,
  );
  expect(dry.stdout).toMatch(/changed \(would be written\), 0 unchanged/);
  expect(server?.requests.filter((r) => r.method !== "GET")).toEqual([]);
  expect(row(DEMO.contoso)[StoredVerdict.outreach]).toBeUndefined();
});

test("an approved exception is stored as allowed by exception; --as-of past its end, as blocked again", async () => {
  const seller = emulator.as(PERSONAS.seller);
  const approver = emulator.as(PERSONAS.approver);
  const request = await seller.createRecord(OutreachExceptionTable.logicalName, {
    [OutreachExceptionTable.name]: "Exception request",
    [`${OutreachExceptionTable.accountNav}@odata.bind`]: `/accounts(${DEMO.contoso})`,
    [OutreachExceptionTable.requestedFor]: DEMO.contoso,
    [OutreachExceptionTable.justification]: "The customer's CIO asked us to call directly about the renewal.",
    [OutreachExceptionTable.requestedDays]: 14,
  });
  await approver.createRecord(OutreachDecision.logicalName, {
    [OutreachDecision.name]: "Approved",
    [`${OutreachDecision.exceptionNav}@odata.bind`]: `/pg_outreachexceptions(${request.id})`,
    [OutreachDecision.decision]: DecisionCodes.approved,
    [OutreachDecision.days]: 14,
  });
  const url = await start();
  const now = await runCli(["sync", "--verdicts", "--env", url, "--json"], as(APP));
  expect(now.code).toBe(0);
  expect(row(DEMO.contoso)).toMatchObject({
    [StoredVerdict.outreach]: StoredOutreachCodes["allowed-by-exception"],
    [StoredVerdict.partnerName]: "Harbor Computer Services",
  });
  const later = new Date(Date.now() + 20 * 86_400_000).toISOString();
  const after = await runCli(["sync", "--verdicts", "--env", url, "--as-of", later, "--json"], as(APP));
  expect(after.code).toBe(0);
  const summary = JSON.parse(after.stdout) as Summary;
  expect(summary.changes.find((c) => c.accountId === DEMO.contoso)?.to.outreach).toBe("blocked");
  expect(row(DEMO.contoso)[StoredVerdict.outreach]).toBe(StoredOutreachCodes.blocked);
});

test("an account refused mid-run is reported with its reason, the others are written, and the next run finishes it", async () => {
  // The service refuses the update of one account (as a plug-in or a lock would); nothing else fails.
  emulator.setOptions({
    fault: (r) =>
      r.operation === "updateRecord" && r.options === DEMO.woodgrove
        ? { status: 403, message: "The account is locked by a running process." }
        : undefined,
  });
  const url = await start();
  const run = await runCli(
    ["sync", "--verdicts", "--env", url, "--as-of", DEMO_NOW, "--batch-size", "3", "--json"],
    as(APP),
  );
  expect(run.code).toBe(ExitCode.environment);
  const summary = JSON.parse(run.stdout) as Summary;
  expect(summary.failures).toEqual([
    { accountId: DEMO.woodgrove, status: 403, message: "HTTP 403: The account is locked by a running process." },
  ]);
  expect(summary.written).toBe(summary.changed - 1);
  expect(row(DEMO.woodgrove)[StoredVerdict.outreach]).toBeUndefined();
  expect(row(DEMO.contoso)[StoredVerdict.outreach]).toBe(StoredOutreachCodes.blocked);

  // An account deleted after the run read it: its update answers 404, never recreates it.
  emulator.setOptions({ fault: undefined });
  await emulator.deleteRecord(Account.logicalName, DEMO.alpine);
  const again = await runCli(["sync", "--verdicts", "--env", url, "--as-of", DEMO_NOW, "--json"], as(APP));
  expect(again.code).toBe(0);
  expect(JSON.parse(again.stdout)).toMatchObject({ changed: 1, written: 1, failed: 0 });
  expect(row(DEMO.woodgrove)[StoredVerdict.outreach]).toBe(StoredOutreachCodes.allowed);
});

test("a batch lost on the way is reported for its accounts, and a re-run writes exactly those", async () => {
  let posts = 0;
  const url = await start({
    fault: (r) =>
      r.method === "POST" && r.resource === "$batch" && ++posts === 2
        ? { status: 503, body: { error: { code: "", message: "Service unavailable" } } }
        : undefined,
  });
  const run = await runCli(
    ["sync", "--verdicts", "--env", url, "--as-of", DEMO_NOW, "--batch-size", "4", "--concurrency", "1", "--json"],
    as(APP),
  );
  expect(run.code).toBe(ExitCode.environment);
  const summary = JSON.parse(run.stdout) as Summary;
  expect(summary.failures).toHaveLength(4);
  expect(summary.failures[0].message).toMatch(/the batch failed: .*503/);
  const again = await runCli(["sync", "--verdicts", "--env", url, "--as-of", DEMO_NOW, "--json"], as(APP));
  expect(again.code).toBe(0);
  expect(JSON.parse(again.stdout)).toMatchObject({ changed: 4, written: 4 });
});

test("associations that cannot be read make every account 'could not be verified', never allowed", async () => {
  const url = await start({
    fault: (r) =>
      r.method === "GET" && r.entitySet === Association.entitySet
        ? { status: 403, body: { error: { code: "0x80040220", message: "missing prvReadpg_PartnerAssociation" } } }
        : undefined,
  });
  const run = await runCli(["sync", "--verdicts", "--env", url, "--as-of", DEMO_NOW, "--json"], as(APP));
  expect(run.code).toBe(ExitCode.environment);
  const summary = JSON.parse(run.stdout) as Summary;
  expect(summary.byOutreach).toEqual({
    allowed: 0,
    blocked: 0,
    unverified: summary.accounts,
    "allowed-by-exception": 0,
  });
  expect(row(DEMO.woodgrove)[StoredVerdict.outreach]).toBe(StoredOutreachCodes.unverified);
});

test("a seller cannot store verdicts: every write is refused (403), nothing is stored, and the command says so", async () => {
  const url = await start();
  const run = await runCli(["sync", "--verdicts", "--env", url, "--as-of", DEMO_NOW, "--json"], as(SELLER));
  expect(run.code).toBe(ExitCode.environment);
  const summary = JSON.parse(run.stdout) as Summary;
  expect(summary.written).toBe(0);
  expect(summary.failures.length).toBe(summary.changed);
  // The seller's roles do not write accounts; with Write they would meet field security (test/security).
  expect(summary.failures[0].message).toMatch(/HTTP 403: .*(missing prvWriteAccount|secured field)/);
  expect(row(DEMO.contoso)[StoredVerdict.outreach]).toBeUndefined();
});

test("usage: --verdicts takes no feed, --graph or --full-snapshot; --as-of belongs to --verdicts", async () => {
  const url = await start();
  expect((await runCli(["sync", "feed.csv", "--verdicts", "--env", url], as(APP))).code).toBe(ExitCode.usage);
  expect((await runCli(["sync", "--verdicts", "--graph", "--env", url], as(APP))).code).toBe(ExitCode.usage);
  expect((await runCli(["sync", "feed.csv", "--as-of", DEMO_NOW, "--env", url], as(APP))).code).toBe(ExitCode.usage);
  expect((await runCli(["sync", "--verdicts", "--batch-size", "1001", "--env", url], as(APP))).code).toBe(
    ExitCode.usage,
  );
});

test("relationships that ended leave an account allowed, with nothing of the partner stored", async () => {
  // Tailspin Toys: a CSP reseller relationship ended on 2025-06-30, a deal registration inactive.
  const url = await start();
  expect((await runCli(["sync", "--verdicts", "--env", url, "--as-of", DEMO_NOW], as(APP))).code).toBe(0);
  expect(row(DEMO.tailspin)).toMatchObject({
    [StoredVerdict.outreach]: StoredOutreachCodes.allowed,
    [StoredVerdict.partner]: null,
    [StoredVerdict.relationshipType]: null,
    [StoredVerdict.protectedUntil]: null,
  });
  // As of a day the relationship was still in force, the same account is blocked until its last day.
  expect((await runCli(["sync", "--verdicts", "--env", url, "--as-of", "2025-06-01"], as(APP))).code).toBe(0);
  expect(row(DEMO.tailspin)).toMatchObject({
    [StoredVerdict.outreach]: StoredOutreachCodes.blocked,
    [StoredVerdict.partner]: { $lookup: Account.logicalName, id: HARBOR },
    [StoredVerdict.protectedUntil]: "2025-06-30",
  });
});

test("on a terminal, a progress bar names each phase; --json has none", async () => {
  const url = await start();
  const phases: string[] = [];
  const io = (): Io => ({
    out: () => undefined,
    err: () => undefined,
    progress: () => ({ phase: (name) => phases.push(name), tick: () => undefined, done: () => undefined }),
    env: { PARTNERGUARD_ACCESS_TOKEN: APP },
    cwd: process.cwd(),
  });
  expect(await main(["sync", "--verdicts", "--env", url, "--as-of", DEMO_NOW], io)).toBe(0);
  expect(phases).toEqual([
    "reading accounts",
    "reading exception requests",
    "reading partner associations (parents)",
    "judging",
    "reading partner associations (the other accounts) and judging them",
  ]);
  phases.length = 0;
  expect(await main(["sync", "--verdicts", "--env", url, "--as-of", DEMO_NOW, "--json"], io)).toBe(0);
  expect(phases).toEqual([]);
});
