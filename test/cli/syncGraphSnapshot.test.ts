/**
 * `partnerguard sync --graph --full-snapshot`, spawned for real against a Web API and a Graph on
 * 127.0.0.1: Graph-sync associations that Graph no longer returns are set inactive, but only for
 * accounts Graph answered in full (fail-safe), and never those of another source.
 */
import { DataverseEmulator } from "../../src/emulator/dataverseEmulator";
import { WebApiServer } from "../../src/emulator/webApiServer";
import {
  Account,
  Association,
  AssociationSourceCodes,
  AssociationStatusCodes,
  RelationshipTypeCodes,
} from "../../src/schema";
import { GraphServer, startGraphServer } from "../graph/graphServer";
import { CUSTOMER, EMPTY_CUSTOMER, PARTNER, contract, gdap, graphData, FORBIDDEN } from "../graph/fixtures";
import { DEMO_NOW, buildCli, demoDataverse, demoServer, runCli } from "./helpers/cli";
import { graphRowName } from "../../cli/graphDesired";

const FORBIDDEN_TENANT = "0c1d2e3f-4a5b-4c6d-8e7f-809112233445";
/** A tenant Graph answers with a relationship it cannot read (no id): a data note. */
const NOTED_TENANT = "1e2f3a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b";
/** The demo's Proseware Inc: a real tenant, for which Graph has nothing for this partner any more. */
const PROSEWARE = { id: "a1000000-0000-4000-8000-000000000020", tenant: "4b827261-d21f-4aa9-b7db-7fa1f56fb163" };
/** The demo's Alpine Ski House holds an active Graph-sync row (AS-GDAP-2) but no tenant id. */
const ALPINE = "a1000000-0000-4000-8000-000000000006";

const ACCOUNTS = {
  contoso: { id: "d1000000-0000-4000-8000-000000000001", name: "Contoso Graph Customer", tenant: CUSTOMER },
  locked: { id: "d1000000-0000-4000-8000-000000000002", name: "Locked Customer", tenant: FORBIDDEN_TENANT },
  bad: { id: "d1000000-0000-4000-8000-000000000003", name: "Typo Customer", tenant: "contoso.onmicrosoft" },
  partner: { id: "d1000000-0000-4000-8000-000000000004", name: "Harbor Computer Services", tenant: PARTNER },
  partial: { id: "d1000000-0000-4000-8000-000000000005", name: "Partial Customer", tenant: EMPTY_CUSTOMER },
  noted: { id: "d1000000-0000-4000-8000-000000000006", name: "Noted Customer", tenant: NOTED_TENANT },
  former: { id: "d1000000-0000-4000-8000-000000000007", name: "Former Tenant Customer", tenant: undefined },
};

/** Associations in Dataverse before the run, by external reference. */
const ROWS = {
  /** Graph still returns it: stays active. */
  kept: { id: "f2000000-0000-4000-8000-000000000001", account: ACCOUNTS.contoso.id, ref: "Contoso admin" },
  /** Graph (which answered Contoso in full) no longer returns it: set inactive. */
  lost: { id: "f2000000-0000-4000-8000-000000000002", account: ACCOUNTS.contoso.id, ref: "Contoso lost admin" },
  /** Graph answers Proseware in full with nothing: set inactive, Proseware stops being blocked. */
  proseware: { id: "f2000000-0000-4000-8000-000000000003", account: PROSEWARE.id, ref: "Proseware admin" },
  /** Graph could not be read (fully) for these accounts: kept. */
  locked: { id: "f2000000-0000-4000-8000-000000000004", account: ACCOUNTS.locked.id, ref: "Locked admin" },
  partial: { id: "f2000000-0000-4000-8000-000000000005", account: ACCOUNTS.partial.id, ref: "Partial admin" },
  noted: { id: "f2000000-0000-4000-8000-000000000006", account: ACCOUNTS.noted.id, ref: "Noted admin" },
  bad: { id: "f2000000-0000-4000-8000-000000000007", account: ACCOUNTS.bad.id, ref: "Typo admin" },
  /** The account has no tenant id any more: Graph was not asked, kept. */
  former: { id: "f2000000-0000-4000-8000-000000000008", account: ACCOUNTS.former.id, ref: "Former admin" },
  /** Other sources on an account Graph answered in full: never touched by a Graph snapshot. */
  feed: {
    id: "f2000000-0000-4000-8000-000000000009",
    account: ACCOUNTS.contoso.id,
    ref: "PC-CONTOSO-1",
    source: AssociationSourceCodes.feed,
  },
  registration: {
    id: "f2000000-0000-4000-8000-00000000000a",
    account: ACCOUNTS.contoso.id,
    ref: "DR-CONTOSO-1",
    source: AssociationSourceCodes.manual,
  },
};
type RowName = keyof typeof ROWS;

let web: WebApiServer | undefined;
let graph: GraphServer | undefined;
let emulator: DataverseEmulator;
beforeAll(buildCli);
afterEach(async () => {
  await web?.close();
  await graph?.close();
  web = graph = undefined;
});

const lookup = (id: string) => ({ $lookup: Account.logicalName, id });

/** The tenant id an account carries now (a GUID), by account id. */
const TENANT_OF = new Map<string, string>(
  [...Object.values(ACCOUNTS), PROSEWARE]
    .filter((a) => a.tenant && /^[0-9a-f-]{36}$/.test(a.tenant))
    .map((a) => [a.id, a.tenant as string]),
);

/** An association row as it stands before the run; `syncedFor` is the tenant its name records (by default its account's). */
interface SeedRow {
  id: string;
  account: string;
  ref: string;
  source?: number;
  syncedFor?: string | null;
}

async function start(
  extra: { accounts?: { id: string; name: string; tenant?: string }[]; rows?: SeedRow[] } = {},
): Promise<{ env: Record<string, string>; args: string[] }> {
  emulator = demoDataverse();
  for (const a of [...Object.values(ACCOUNTS), ...(extra.accounts ?? [])])
    emulator.insert(Account.logicalName, {
      [Account.id]: a.id,
      [Account.name]: a.name,
      ...(a.tenant ? { [Account.tenantId]: a.tenant } : {}),
    });
  for (const row of [...Object.values(ROWS), ...(extra.rows ?? [])] as SeedRow[]) {
    // A row the sync wrote records the tenant it was read for in its name (graphRowName).
    const syncedFor = row.syncedFor === undefined ? TENANT_OF.get(row.account) : (row.syncedFor ?? undefined);
    emulator.insert(Association.logicalName, {
      [Association.id]: row.id,
      [Association.name]: syncedFor
        ? graphRowName("Harbor Computer Services", { id: row.account, name: row.ref, tenantId: syncedFor })
        : `Harbor Computer Services – ${row.ref}`,
      [Association.customer]: lookup(row.account),
      [Association.partner]: lookup(ACCOUNTS.partner.id),
      [Association.relationshipType]: RelationshipTypeCodes.gdap,
      [Association.status]: AssociationStatusCodes.active,
      [Association.start]: "2025-01-01",
      [Association.source]: row.source ?? AssociationSourceCodes.graph,
      [Association.externalReference]: row.ref,
    });
  }
  web = await demoServer({ emulator });
  const data = graphData(
    [
      gdap("active", { displayName: "Contoso admin" }),
      gdap("terminated", { displayName: "Contoso old admin", endDateTime: "2025-06-30T23:59:59Z" }),
      // Graph hands over a relationship of the noted tenant it cannot read (no id): a data note.
      gdap("active", { id: undefined, displayName: "Noted admin", customer: { tenantId: NOTED_TENANT } }),
    ],
    [contract("ResellerPartner")],
  );
  data.tenants.push(
    { tenantId: PROSEWARE.tenant, displayName: "Proseware Inc", defaultDomainName: "proseware.onmicrosoft.com" },
    { tenantId: NOTED_TENANT, displayName: "Noted Inc", defaultDomainName: "noted.onmicrosoft.com" },
  );
  graph = await startGraphServer(data, {
    fault: (path) =>
      // No access at all to one customer; to another, the contracts are refused while GDAP answers.
      (path.includes(FORBIDDEN_TENANT) && !path.includes("findTenantInformation")) ||
      (path.startsWith("/contracts") && path.includes(EMPTY_CUSTOMER))
        ? FORBIDDEN
        : undefined,
  });
  return {
    env: {
      PARTNERGUARD_GRAPH_URL: graph.baseUrl,
      PARTNERGUARD_GRAPH_TOKEN: "graph-test-token",
      PARTNERGUARD_GRAPH_TENANT_ID: PARTNER,
    },
    args: ["sync", "--graph", "--env", web.url, "--full-snapshot"],
  };
}

const statusOf = (name: RowName) =>
  emulator.table(Association.logicalName).find((r) => r[Association.id] === ROWS[name].id)?.[Association.status];
const writes = () => web?.requests.filter((r) => r.method !== "GET") ?? [];
/** PATCHes by id (the deactivations), as the ids they address. */
const patchedIds = () =>
  writes()
    .map((r) => /^pg_partnerassociations\(([0-9a-f-]{36})\)$/.exec(r.resource)?.[1])
    .filter((id): id is string => id !== undefined);
const ACTIVE = AssociationStatusCodes.active;
const INACTIVE = AssociationStatusCodes.inactive;

interface SnapshotJson {
  setInactive: number;
  keptGraphNotRead: number;
  keptNoTenantId: number;
  stale: { id: string; externalReference: string; accountId: string }[];
  kept: { id: string; externalReference: string; accountId: string; reason: string }[];
  keptTenantChanged: number;
  tenantChanged: { accountId: string; name?: string; tenantId?: string; syncedFor: string[] }[];
}

describe("partnerguard sync --graph --full-snapshot", () => {
  test("--dry-run lists what would be set inactive and what is kept, counts them, and writes nothing", async () => {
    const { env, args } = await start();
    const dry = await runCli([...args, "--dry-run"], { env });
    // The account Graph refused keeps its exit code.
    expect(dry.code).toBe(5);
    expect(writes()).toHaveLength(0);
    expect(dry.stdout).toContain(
      `account Contoso Graph Customer (${ACCOUNTS.contoso.id}): set inactive Contoso lost admin (no longer in Microsoft Graph)`,
    );
    expect(dry.stdout).toContain(
      `account Proseware Inc (${PROSEWARE.id}): set inactive Proseware admin (no longer in Microsoft Graph)`,
    );
    expect(dry.stdout).toContain(
      `account Locked Customer (${ACCOUNTS.locked.id}): keep Locked admin (Graph could not be read for this account)`,
    );
    expect(dry.stdout).toContain(
      `account ${ACCOUNTS.former.id}: keep Former admin (the account has no tenant id any more: Graph was not asked)`,
    );
    expect(dry.stdout).not.toMatch(/set inactive (Contoso admin|PC-CONTOSO-1|DR-CONTOSO-1)\b/);
    expect(dry.stdout).toMatch(
      /, 2 would be set inactive \(no longer in Microsoft Graph\), 4 kept because Graph could not be read for their account, 2 kept because their account has no tenant id/,
    );

    const json = await runCli([...args, "--dry-run", "--json"], { env });
    expect(json.code).toBe(5);
    expect(writes()).toHaveLength(0);
    const out = JSON.parse(json.stdout) as SnapshotJson;
    expect(out).toMatchObject({ dryRun: true, setInactive: 2, keptGraphNotRead: 4, keptNoTenantId: 2 });
    expect(out.stale.map((x) => x.externalReference).sort()).toEqual(["Contoso lost admin", "Proseware admin"]);
    expect(out.stale).toContainEqual({
      id: ROWS.lost.id,
      externalReference: "Contoso lost admin",
      accountId: ACCOUNTS.contoso.id,
    });
    for (const name of Object.keys(ROWS) as RowName[]) expect(statusOf(name)).toBe(ACTIVE);
  });

  test("a Graph association Graph no longer returns for an account it answered in full is set inactive; one still in Graph stays active", async () => {
    const { env, args } = await start();
    const check = () =>
      runCli(["check", PROSEWARE.id, "--env", web?.url ?? "", "--as-of", DEMO_NOW, "--json"]).then(
        (r) => (JSON.parse(r.stdout) as { verdict: { outreach: string } }).verdict.outreach,
      );
    expect(await check()).toBe("blocked");

    const run = await runCli([...args, "--json"], { env });
    expect(run.code).toBe(5);
    const out = JSON.parse(run.stdout) as SnapshotJson;
    expect(out.setInactive).toBe(2);
    expect(statusOf("lost")).toBe(INACTIVE);
    expect(statusOf("proseware")).toBe(INACTIVE);
    expect(statusOf("kept")).toBe(ACTIVE);
    expect(patchedIds().sort()).toEqual([ROWS.lost.id, ROWS.proseware.id].sort());
    for (const p of writes().filter((r) => /\([0-9a-f-]{36}\)$/.test(r.resource)))
      expect(p.body).toEqual({ [Association.status]: INACTIVE });
    // The partner that lost Proseware no longer blocks it.
    expect(await check()).toBe("allowed");

    // A second run finds nothing more to set inactive.
    const again = await runCli([...args, "--json"], { env });
    expect(JSON.parse(again.stdout)).toMatchObject({ setInactive: 0, keptGraphNotRead: 4, keptNoTenantId: 2 });
    expect(statusOf("kept")).toBe(ACTIVE);
  });

  test("an account Graph could not read (refused, a part missing, a row it could not read, a bad tenant id) keeps its associations; exit 5 stays", async () => {
    const { env, args } = await start();
    const run = await runCli(args, { env });
    expect(run.code).toBe(5);
    expect(run.stderr).toContain(
      `account Locked Customer (${ACCOUNTS.locked.id}), tenant ${FORBIDDEN_TENANT}: Graph failed`,
    );
    expect(run.stderr).toContain(`account Partial Customer (${ACCOUNTS.partial.id}): part of Microsoft Graph not read`);
    expect(run.stderr).toContain(`account Noted Customer (${ACCOUNTS.noted.id}): a GDAP relationship without an id`);
    expect(run.stdout).toMatch(
      /, 2 set inactive \(no longer in Microsoft Graph\), 4 kept because Graph could not be read for their account, 2 kept because their account has no tenant id/,
    );
    for (const name of ["locked", "partial", "noted", "bad", "former"] as const) expect(statusOf(name)).toBe(ACTIVE);
    expect(
      emulator.table(Association.logicalName).find((r) => r[Association.externalReference] === "AS-GDAP-2")?.[
        Association.status
      ],
    ).toBe(ACTIVE);
    // In the same run, the account Graph answered in full lost its stale association.
    expect(statusOf("lost")).toBe(INACTIVE);

    const json = await runCli([...args, "--dry-run", "--json"], { env });
    const out = JSON.parse(json.stdout) as SnapshotJson;
    const reasons = Object.fromEntries(out.kept.map((k) => [k.externalReference, k.reason]));
    expect(reasons).toEqual({
      "Locked admin": "graph-not-read",
      "Partial admin": "graph-not-read",
      "Noted admin": "graph-not-read",
      "Typo admin": "graph-not-read",
      "Former admin": "no-tenant-id",
      "AS-GDAP-2": "no-tenant-id",
    });
    expect(out.kept.find((k) => k.externalReference === "AS-GDAP-2")?.accountId).toBe(ALPINE);
  });

  test("feed and registration associations are never touched by a Graph snapshot", async () => {
    const { env, args } = await start();
    const feedRows = () =>
      emulator
        .table(Association.logicalName)
        .filter((r) => r[Association.source] !== AssociationSourceCodes.graph)
        .map((r) => [r[Association.id], r[Association.status]]);
    const before = feedRows();
    const run = await runCli(args, { env });
    expect(run.code).toBe(5);
    expect(statusOf("feed")).toBe(ACTIVE);
    expect(statusOf("registration")).toBe(ACTIVE);
    expect(feedRows()).toEqual(before);
    const touched = new Set(patchedIds());
    expect(touched.has(ROWS.feed.id) || touched.has(ROWS.registration.id)).toBe(false);
    // The snapshot did run: the stale Graph association of the same account was set inactive.
    expect(touched.has(ROWS.lost.id)).toBe(true);
    expect(statusOf("lost")).toBe(INACTIVE);
  });
  test("an account whose tenant id changed since its associations were synced loses none of them, and is listed", async () => {
    // Someone swapped the account's tenant id for another tenant, which Graph answers in full (with
    // nothing for this partner): the relationships synced for the old tenant are not "ended".
    const OLD_TENANT = "7c0ffee0-0000-4000-8000-00000000000a";
    const swapped = { id: "d1000000-0000-4000-8000-0000000000a1", name: "Swapped Customer", tenant: PROSEWARE.tenant };
    const legacy = { id: "d1000000-0000-4000-8000-0000000000a2", name: "Legacy Customer", tenant: PROSEWARE.tenant };
    const { env, args } = await start({
      accounts: [swapped, legacy],
      rows: [
        {
          id: "f2000000-0000-4000-8000-0000000000a1",
          account: swapped.id,
          ref: "Swapped admin",
          syncedFor: OLD_TENANT,
        },
        // Synced before the tenant was recorded in the name: whether it changed cannot be told.
        { id: "f2000000-0000-4000-8000-0000000000a2", account: legacy.id, ref: "Legacy admin", syncedFor: null },
      ],
    });
    const statusOfId = (id: string) =>
      emulator.table(Association.logicalName).find((r) => r[Association.id] === id)?.[Association.status];

    const text = await runCli(args, { env });
    expect(text.code).toBe(5);
    expect(text.stdout).toContain(
      `account Swapped Customer (${swapped.id}): tenant id ${PROSEWARE.tenant} now, its Graph associations were synced for ${OLD_TENANT}: none of them set inactive`,
    );
    expect(text.stdout).toContain(
      `account Legacy Customer (${legacy.id}): tenant id ${PROSEWARE.tenant} now, its Graph associations were synced for (not recorded): none of them set inactive`,
    );
    expect(text.stdout).toMatch(
      /, 2 kept because they were synced for another tenant than their account's now \(2 accounts listed above\)/,
    );
    expect(statusOfId("f2000000-0000-4000-8000-0000000000a1")).toBe(ACTIVE);
    expect(statusOfId("f2000000-0000-4000-8000-0000000000a2")).toBe(ACTIVE);
    // The same run still ends what ended for the tenant it was synced for.
    expect(statusOf("proseware")).toBe(INACTIVE);
    expect(statusOf("lost")).toBe(INACTIVE);

    const json = JSON.parse((await runCli([...args, "--dry-run", "--json"], { env })).stdout) as SnapshotJson;
    expect(json.keptTenantChanged).toBe(2);
    expect(json.tenantChanged).toEqual([
      { accountId: swapped.id, name: "Swapped Customer", tenantId: PROSEWARE.tenant, syncedFor: [OLD_TENANT] },
      { accountId: legacy.id, name: "Legacy Customer", tenantId: PROSEWARE.tenant, syncedFor: ["(not recorded)"] },
    ]);
    expect(Object.fromEntries(json.kept.map((k) => [k.externalReference, k.reason]))).toMatchObject({
      "Swapped admin": "tenant-changed",
      "Legacy admin": "tenant-unknown",
    });
  });
});
