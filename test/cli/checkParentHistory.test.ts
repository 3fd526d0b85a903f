/**
 * `partnerguard check` beside the verdict (issue 23): a parent change that dropped an inherited
 * partner of record, read from the account's audit history (the Web API's
 * RetrieveAttributeChangeHistory), where auditing is on; said as "not available" where it is not.
 * And `--as <user id>`, the user the verdict is for.
 *
 * The emulator's server does not answer RetrieveAttributeChangeHistory: where a test needs it,
 * it is answered here the way the documentation shows (learn.microsoft.com, power-apps/developer/
 * data-platform/auditing/retrieve-audit-data: an AuditDetailCollection of AttributeAuditDetail
 * with the audit record and the old and new values).
 */
import { WebApiServer } from "../../src/emulator/webApiServer";
import { Account } from "../../src/schema";
import { DEMO } from "../helpers/demo";
import { DEMO_NOW, buildCli, demoDataverse, demoServer, runCli } from "./helpers/cli";
import { parentHistoryPath } from "../../cli/parentHistory";

let server: WebApiServer | undefined;
beforeAll(buildCli);
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const FORMATTED = "@OData.Community.Display.V1.FormattedValue";
const CLEARED_ON = "2026-11-20T10:00:00Z";

/** The demo with Fabrikam Europe's parent cleared (it inherited Fabrikam Holdings' PAL until then). */
function escaped() {
  const emulator = demoDataverse();
  const child = emulator.table(Account.logicalName).find((r) => r[Account.id] === DEMO.fabrikamEurope);
  if (!child) throw new Error("no Fabrikam Europe in the demo");
  child[Account.parent] = null;
  return emulator;
}

/** Dataverse's answer to RetrieveAttributeChangeHistory for Fabrikam Europe's parentaccountid. */
const history = {
  "@odata.context": "$metadata#Microsoft.Dynamics.CRM.RetrieveAttributeChangeHistoryResponse",
  AuditDetailCollection: {
    MoreRecords: false,
    PagingCookie: "",
    TotalRecordCount: 1,
    AuditDetails: [
      {
        "@odata.type": "#Microsoft.Dynamics.CRM.AttributeAuditDetail",
        InvalidNewValueAttributes: [],
        LocLabelLanguageCode: 0,
        DeletedAttributes: { Count: 0, Keys: [], Values: [] },
        AuditRecord: {
          "@odata.type": "#Microsoft.Dynamics.CRM.audit",
          auditid: "aa000000-0000-4000-8000-000000000001",
          createdon: CLEARED_ON,
          operation: 2,
          action: 2,
          _userid_value: "11111111-1111-4111-8111-111111111111",
          [`_userid_value${FORMATTED}`]: "Avery Seller",
        },
        OldValue: {
          "@odata.type": "#Microsoft.Dynamics.CRM.account",
          _parentaccountid_value: DEMO.fabrikamHoldings,
          [`_parentaccountid_value${FORMATTED}`]: "Fabrikam Holdings",
        },
        NewValue: { "@odata.type": "#Microsoft.Dynamics.CRM.account" },
      },
    ],
  },
};

describe("partnerguard check: the account's parent history", () => {
  test("a cleared parent whose chain holds a partner of record is shown beside the verdict (who, when, which partner)", async () => {
    const path = parentHistoryPath(DEMO.fabrikamEurope);
    server = await demoServer({
      emulator: escaped(),
      fault: (r) =>
        r.method === "GET" && r.resource === decodeURIComponent(path) ? { status: 200, body: history } : undefined,
    });
    const text = await runCli(["check", DEMO.fabrikamEurope, "--env", server.url, "--as-of", DEMO_NOW]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^ALLOWED: /m); // the verdict is the account's as it is now
    expect(text.stdout).toContain(
      `Parent account changes (audit history):\n  - ${CLEARED_ON} by Avery Seller: Fabrikam Holdings (${DEMO.fabrikamHoldings}) -> no parent: the former parent's partner of record Northwind Partners (PAL) is no longer inherited`,
    );
    const json = JSON.parse(
      (await runCli(["check", DEMO.fabrikamEurope, "--env", server.url, "--as-of", DEMO_NOW, "--json"])).stdout,
    );
    expect(json.parentHistory).toEqual({
      changes: [
        {
          on: CLEARED_ON,
          by: "Avery Seller",
          from: DEMO.fabrikamHoldings,
          fromName: "Fabrikam Holdings",
          droppedPartner: "Northwind Partners (PAL)",
        },
      ],
    });
  });

  test("where the history cannot be read (auditing off, or not answered), check says so once and answers as before", async () => {
    server = await demoServer({ emulator: escaped() });
    const text = await runCli(["check", DEMO.fabrikamEurope, "--env", server.url, "--as-of", DEMO_NOW]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^ALLOWED: /m);
    expect(text.stdout).toMatch(
      /\nParent account history: not available \(not-found: .*\); it needs auditing on accounts\.\n/,
    );
    expect(server.requests.some((r) => r.resource.startsWith("RetrieveAttributeChangeHistory("))).toBe(true);
  });

  test("offline (a feed) there is no history to read", async () => {
    const run = await runCli(["check", DEMO.fabrikamEurope, "--feed", "data/demo-feed.csv", "--as-of", DEMO_NOW]);
    expect(run.stdout).not.toContain("Parent account");
  });
});

describe("partnerguard check --as", () => {
  test("names the user the verdict is for; a value that is not a user id is a usage error", async () => {
    server = await demoServer();
    const as = "22222222-2222-4222-8222-222222222222";
    const run = await runCli(["check", DEMO.contoso, "--env", server.url, "--as", `{${as.toUpperCase()}}`, "--json"]);
    expect(JSON.parse(run.stdout).userId).toBe(as);
    // Without --as: the signed-in user, from WhoAmI.
    expect(server.requests.some((r) => r.resource === "WhoAmI")).toBe(false);
    const signedIn = await runCli(["check", DEMO.contoso, "--env", server.url, "--json"]);
    expect(JSON.parse(signedIn.stdout).userId).toBe("00000000-0000-4000-a000-000000000001");
    const bad = await runCli(["check", DEMO.contoso, "--env", server.url, "--as", "Jordan"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("expected a user id (systemuserid)");
  });
});
