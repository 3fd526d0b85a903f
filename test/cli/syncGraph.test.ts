/**
 * `partnerguard sync --graph`, spawned for real against a Web API and a Graph on 127.0.0.1.
 * The Graph client sends no Authorization header over plain http, so the token comes from
 * PARTNERGUARD_GRAPH_TOKEN (the test-only static token path); MSAL is covered in test/graph.
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
import { CUSTOMER, PARTNER, contract, gdap, graphData } from "../graph/fixtures";
import { buildCli, demoDataverse, demoServer, runCli } from "./helpers/cli";

const FORBIDDEN_TENANT = "0c1d2e3f-4a5b-4c6d-8e7f-809112233445";
const ACCOUNTS = {
  contoso: {
    id: "d1000000-0000-4000-8000-000000000001",
    name: "Contoso Graph Customer",
    tenant: CUSTOMER,
  },
  locked: {
    id: "d1000000-0000-4000-8000-000000000002",
    name: "Locked Customer",
    tenant: FORBIDDEN_TENANT,
  },
  bad: {
    id: "d1000000-0000-4000-8000-000000000003",
    name: "Typo Customer",
    tenant: "contoso.onmicrosoft",
  },
  partner: {
    id: "d1000000-0000-4000-8000-000000000004",
    name: "Harbor Computer Services",
    tenant: PARTNER,
  },
};

let web: WebApiServer | undefined;
let graph: GraphServer | undefined;
let emulator: DataverseEmulator;
beforeAll(buildCli);
afterEach(async () => {
  await web?.close();
  await graph?.close();
  web = graph = undefined;
});

async function start(
  accounts: (typeof ACCOUNTS)[keyof typeof ACCOUNTS][],
): Promise<{ env: Record<string, string>; args: string[] }> {
  emulator = demoDataverse();
  for (const a of accounts)
    emulator.insert(Account.logicalName, {
      [Account.id]: a.id,
      [Account.name]: a.name,
      [Account.tenantId]: a.tenant,
    });
  web = await demoServer({ emulator });
  const data = graphData(
    [
      gdap("active", { displayName: "Contoso admin" }),
      gdap("terminated", {
        displayName: "Contoso old admin",
        endDateTime: "2025-06-30T23:59:59Z",
      }),
      gdap("approvalPending"),
    ],
    [contract("ResellerPartner")],
  );
  // The demo data's Proseware account names a real tenant too: Graph knows it, with nothing for this partner.
  data.tenants.push({
    tenantId: "4b827261-d21f-4aa9-b7db-7fa1f56fb163",
    displayName: "Proseware Inc",
    defaultDomainName: "proseware.onmicrosoft.com",
  });
  graph = await startGraphServer(data, {
    // The partner app has no access to one customer: Graph answers 403 on its lists.
    fault: (path) =>
      path.includes(FORBIDDEN_TENANT) && !path.includes("findTenantInformation")
        ? {
            status: 403,
            headers: { "Content-Type": "application/json" },
            body: {
              error: {
                code: "Authorization_RequestDenied",
                message: "Insufficient privileges to complete the operation.",
              },
            },
          }
        : undefined,
  });
  return {
    env: {
      PARTNERGUARD_GRAPH_URL: graph.baseUrl,
      PARTNERGUARD_GRAPH_TOKEN: "graph-test-token",
      PARTNERGUARD_GRAPH_TENANT_ID: PARTNER,
    },
    args: ["sync", "--graph", "--env", web.url],
  };
}

const ours = new Set(Object.values(ACCOUNTS).map((a) => a.id));
/** Graph rows of this test's accounts (the demo data holds Graph rows of its own). */
const graphRows = () =>
  emulator
    .table(Association.logicalName)
    .filter(
      (r) =>
        r[Association.source] === AssociationSourceCodes.graph &&
        ours.has((r[Association.customer] as { id: string }).id),
    );
const writes = () => web?.requests.filter((r) => r.method !== "GET") ?? [];

describe("partnerguard sync --graph", () => {
  test("imports GDAP relationships and contracts of every account with a tenant id; dry run writes nothing; the second run changes nothing", async () => {
    const { env, args } = await start([ACCOUNTS.contoso, ACCOUNTS.bad, ACCOUNTS.partner]);

    const dry = await runCli([...args, "--dry-run"], { env });
    expect(dry.code).toBe(0);
    expect(writes()).toHaveLength(0);
    expect(dry.stdout).toContain("Plan from Microsoft Graph (dry run: nothing is written):");
    expect(dry.stdout).toContain(`account Contoso Graph Customer (${ACCOUNTS.contoso.id}): create Contoso admin`);
    expect(dry.stdout).toMatch(/3 would be created, 0 would be updated, 0 unchanged/);
    expect(dry.stderr).toContain(
      `account Typo Customer (${ACCOUNTS.bad.id}): tenant id "contoso.onmicrosoft" is not a GUID (skipped)`,
    );

    const first = await runCli([...args, "--json"], { env });
    expect(first.code).toBe(0);
    // Proseware (the demo's tenant account), Contoso, the typo and the partner itself.
    expect(JSON.parse(first.stdout)).toMatchObject({
      accounts: 4,
      readFromGraph: 2,
      graphFailed: 0,
      badTenantIds: 1,
      created: 3,
      updated: 0,
      unchanged: 0,
    });
    const rows = graphRows();
    expect(rows).toHaveLength(3);
    const byRef = new Map(rows.map((r) => [r[Association.externalReference], r]));
    expect(byRef.get("Contoso admin")).toMatchObject({
      [Association.relationshipType]: RelationshipTypeCodes.gdap,
      [Association.status]: AssociationStatusCodes.active,
      [Association.start]: "2025-02-10",
      [Association.end]: "2027-02-10",
      // The name records the tenant the row was read for (--full-snapshot compares it).
      [Association.name]: `Harbor Computer Services – Contoso Graph Customer (tenant ${ACCOUNTS.contoso.tenant})`,
      [Association.customer]: expect.objectContaining({
        id: ACCOUNTS.contoso.id,
      }),
      [Association.partner]: expect.objectContaining({
        id: ACCOUNTS.partner.id,
      }),
    });
    expect(byRef.get("Contoso old admin")).toMatchObject({
      [Association.status]: AssociationStatusCodes.inactive,
      [Association.end]: "2025-06-30",
    });
    const contractRow = [...byRef.entries()].find(
      ([ref]) => typeof ref === "string" && ref.startsWith("contract "),
    )?.[1];
    expect(contractRow).toMatchObject({
      [Association.relationshipType]: RelationshipTypeCodes["csp-reseller"],
      [Association.status]: AssociationStatusCodes.active,
    });
    expect(web?.requests.filter((r) => r.method === "PATCH").map((r) => r.resource)).toContain(
      `pg_partnerassociations(pg_source=${AssociationSourceCodes.graph},pg_externalreference='Contoso admin')`,
    );

    const patches = writes().length;
    const second = await runCli([...args, "--json"], { env });
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({
      created: 0,
      updated: 0,
      unchanged: 3,
    });
    expect(writes()).toHaveLength(patches);
  });

  test("an account Graph refuses (403) is reported with its kind and exit 5; the others still import", async () => {
    const { env, args } = await start([ACCOUNTS.locked, ACCOUNTS.contoso]);
    const run = await runCli(args, { env });
    expect(run.code).toBe(5);
    expect(run.stderr).toContain(
      `account Locked Customer (${ACCOUNTS.locked.id}), tenant ${FORBIDDEN_TENANT}: Graph failed (forbidden):`,
    );
    expect(run.stderr).toMatch(/Authorization_RequestDenied/);
    expect(run.stderr).toMatch(
      /Error: Microsoft Graph could not be read for 1 of 3 accounts \(the others were imported\)/,
    );
    expect(run.stdout).toMatch(
      /3 accounts with a tenant id: 2 read from Graph, 1 Graph failed, 0 bad tenant ids\. 3 created/,
    );
    expect(graphRows().map((r) => (r[Association.customer] as { id: string }).id)).toEqual([
      ACCOUNTS.contoso.id,
      ACCOUNTS.contoso.id,
      ACCOUNTS.contoso.id,
    ]);
  });

  test("--graph with a feed is a usage error; missing Graph credentials are a usage error", async () => {
    const both = await runCli(["sync", "feed.csv", "--graph", "--env", "https://contoso.crm.dynamics.com"]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/either a feed file or --graph, not both/);
    const noCredentials = await runCli(["sync", "--graph", "--env", "https://contoso.crm.dynamics.com"]);
    expect(noCredentials.code).toBe(2);
    expect(noCredentials.stderr).toMatch(/PARTNERGUARD_GRAPH_CLIENT_SECRET/);
    const plainHttp = await runCli(
      ["sync", "--graph", "--env", "https://contoso.crm.dynamics.com", "--graph-url", "http://graph.example"],
      {
        env: { PARTNERGUARD_GRAPH_TOKEN: "t" },
      },
    );
    expect(plainHttp.code).toBe(2);
    expect(plainHttp.stderr).toMatch(/must start with https/);
  });
});
