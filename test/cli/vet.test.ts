/** `partnerguard vet` (and --help everywhere), spawned for real against a Web API on 127.0.0.1. */
import { existsSync } from "fs";
import { join } from "path";
import { parse } from "csv-parse/sync";
import { DecisionCodes, OutreachDecision, OutreachExceptionTable } from "../../src/schema";
import { PERSONAS } from "../../src/emulator/personas";
import { DEMO } from "../helpers/demo";
import {
  cliTestBed,
  DEMO_FEED,
  DEMO_NOW,
  demoDataverse,
  demoServer,
  EXTRA,
  runCli,
  TOKEN,
  webApiServer,
} from "./helpers/cli";

const { tmp, serve } = cliTestBed();

const LIST = [
  "Company,Account ID,Account Number,Email,Website",
  `Contoso,${DEMO.contoso},,,`,
  `Fabrikam EU,${DEMO.fabrikamEurope},,,`,
  `Litware,${DEMO.litware},,,`,
  "Labs by number,,CL-0042,,",
  "Labs by email,,,jo@contosolabs.example,",
  "Woodgrove Foods,,,,",
  "Twins,,,,twins.example",
  "Nobody,,,,https://nobody.example",
  "Broken id,not-a-guid,,,",
].join("\n");

const rowsOf = (csv: string) => parse<Record<string, string>>(csv, { columns: true, bom: true });

describe("partnerguard --help", () => {
  test.each([[[]], [["vet"]], [["check"]], [["sync"]], [["pack"]]])(
    "%j --help prints usage and exits 0",
    async (args) => {
      const run = await runCli([...args, "--help"]);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Usage: partnerguard/);
    },
  );
});

describe("partnerguard vet", () => {
  test("vets every row against Dataverse in a few batched requests and writes them all", async () => {
    const server = await serve(demoServer());
    const list = tmp.write("list.csv", LIST);
    const run = await runCli(["vet", list, "--env", server.url, "--out", "vetted.csv", "--as-of", DEMO_NOW], {
      cwd: tmp.dir,
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const rows = rowsOf(tmp.read("vetted.csv"));
    expect(rows.map((r) => [r.Company, r.verdict, r.partnerOfRecord, r.matchedBy])).toEqual([
      ["Contoso", "blocked", "Harbor Computer Services", "accountId"],
      ["Fabrikam EU", "blocked", "Northwind Partners", "accountId"],
      ["Litware", "blocked", expect.any(String), "accountId"],
      ["Labs by number", "blocked", "Harbor Computer Services", "accountNumber"],
      ["Labs by email", "blocked", "Harbor Computer Services", "email"],
      ["Woodgrove Foods", "allowed", "", "name"],
      ["Twins", "unverified", "", "domain"],
      ["Nobody", "unverified", "", "domain"],
      ["Broken id", "unverified", "", "accountId"],
    ]);
    expect(rows[0]).toMatchObject({
      relationshipType: "CSP reseller",
      reason: "Harbor Computer Services holds an active CSP reseller.",
      "Account ID": DEMO.contoso,
    });
    expect(rows[1].reason).toContain("Inherited from Fabrikam Holdings");
    expect(rows[3].matchedAccountId).toBe(EXTRA.contosoLabs);
    expect(rows[6].reason).toMatch(/^2 accounts match web domain twins.example/);
    expect(rows[7].reason).toBe("no account matches web domain nobody.example");
    expect(rows[8].reason).toContain("not an account id");
    expect(run.stdout).toContain('account id (column "Account ID"): 4 rows');
    expect(run.stdout).toMatch(/blocked\s+5/);
    expect(run.stdout).toMatch(/unverified\s+3 {2}\(1 unmatched, 1 ambiguous, 1 invalid\)/);
    expect(run.stdout).toContain("Harbor Computer Services");
    // Batched: configuration, who is signed in, one query per match column (with the associations),
    // hierarchy levels, the matched accounts' requests and decisions; never one per row.
    const fetches = server.requests.map((r) => r.fetchXml ?? "");
    expect(fetches.filter((f) => f.includes('operator="in"')).length).toBeGreaterThan(3);
    expect(fetches.some((f) => f.includes('operator="eq-or-above"'))).toBe(false);
    expect(server.requests.filter((r) => r.entitySet === "pg_outreachexceptions")).toHaveLength(1);
    expect(server.requests.length).toBeLessThanOrEqual(11);
    expect(run.stdout + run.stderr).not.toContain(TOKEN);
  });

  test("offline against the feed gives the verdicts Dataverse gives, hierarchy included", async () => {
    const server = await serve(demoServer());
    const list = tmp.write("list.csv", [`accountId`, ...Object.values(DEMO)].join("\n"));
    const online = await runCli(["vet", list, "--env", server.url, "--out", "a.csv", "--as-of", DEMO_NOW], {
      cwd: tmp.dir,
    });
    const offline = await runCli(["vet", list, "--feed", DEMO_FEED, "--out", "b.csv", "--as-of", DEMO_NOW], {
      cwd: tmp.dir,
    });
    expect([online.code, offline.code]).toEqual([0, 0]);
    expect(tmp.read("b.csv")).toEqual(tmp.read("a.csv"));
    expect(rowsOf(tmp.read("b.csv")).map((r) => r.verdict)).toContain("allowed");
  });

  test("--as-of evaluates at another moment; --fail-on-blocked exits 1; --policy applies", async () => {
    const list = tmp.write("list.csv", `accountId\n${DEMO.fabrikamEurope}\n`);
    const later = await runCli(
      ["vet", list, "--feed", DEMO_FEED, "--as-of", "2027-07-01", "--fail-on-blocked", "--json"],
      { cwd: tmp.dir },
    );
    expect(later.code).toBe(0);
    expect(JSON.parse(later.stdout).summary.byOutreach).toEqual({ allowed: 1, blocked: 0, unverified: 0 });
    const now = await runCli(["vet", list, "--feed", DEMO_FEED, "--as-of", DEMO_NOW, "--fail-on-blocked"], {
      cwd: tmp.dir,
    });
    expect(now.code).toBe(1);
    const noHierarchy = tmp.write("policy.json", JSON.stringify({ hierarchy: { enabled: false } }));
    const flat = await runCli(
      ["vet", list, "--feed", DEMO_FEED, "--as-of", DEMO_NOW, "--policy", noHierarchy, "--fail-on-blocked"],
      { cwd: tmp.dir },
    );
    expect(flat.code).toBe(0);
  });

  test("an approval valid on the day allows the account, the same as on the card; --as-of after its end (createdon + 14 days) blocks again", async () => {
    const emulator = demoDataverse();
    // Recorded through the Web API as the people involved: the server stamps who and when.
    let now = Date.parse("2026-11-23T12:00:00Z");
    emulator.setOptions({ clock: () => now });
    const request = await emulator.as(PERSONAS.seller).createRecord(OutreachExceptionTable.logicalName, {
      [OutreachExceptionTable.name]: "Exception request: Contoso Pharmaceuticals",
      [`${OutreachExceptionTable.accountNav}@odata.bind`]: `/accounts(${DEMO.contoso})`,
      [OutreachExceptionTable.requestedFor]: DEMO.contoso,
      [OutreachExceptionTable.requestedDays]: 14,
    });
    now = Date.parse("2026-11-24T12:00:00Z");
    await emulator.as(PERSONAS.approver).createRecord(OutreachDecision.logicalName, {
      [OutreachDecision.name]: "Exception approved",
      [`${OutreachDecision.exceptionNav}@odata.bind`]: `/pg_outreachexceptions(${request.id})`,
      [OutreachDecision.decision]: DecisionCodes.approved,
      [OutreachDecision.days]: 14,
    });
    const server = await serve(webApiServer({ emulator, token: TOKEN }));
    const list = tmp.write("exc.csv", `accountId\n${DEMO.contoso}\n`);
    const env = { PARTNERGUARD_ACCESS_TOKEN: TOKEN };
    const during = await runCli(["vet", list, "--env", server.url, "--as-of", "2026-11-25", "--json"], {
      cwd: tmp.dir,
      env,
    });
    expect(JSON.parse(during.stdout).summary.byOutreach).toEqual({ allowed: 1, blocked: 0, unverified: 0 });
    const after = await runCli(["vet", list, "--env", server.url, "--as-of", "2026-12-09", "--json"], {
      cwd: tmp.dir,
      env,
    });
    expect(JSON.parse(after.stdout).summary.byOutreach).toEqual({ allowed: 0, blocked: 1, unverified: 0 });
    // check reads the same approval as of the same day: the two commands agree.
    const checkDuring = await runCli(["check", DEMO.contoso, "--env", server.url, "--as-of", "2026-11-25", "--json"], {
      cwd: tmp.dir,
      env,
    });
    expect(JSON.parse(checkDuring.stdout).verdict.outreach).toBe("allowed");
    const checkAfter = await runCli(["check", DEMO.contoso, "--env", server.url, "--as-of", "2026-12-09", "--json"], {
      cwd: tmp.dir,
      env,
    });
    expect(JSON.parse(checkAfter.stdout).verdict.outreach).toBe("blocked");
  });

  test("429 with Retry-After is honoured during a run; a failed account query is tried again before its rows become unverified", async () => {
    let accountQueries = 0;
    let throttled = 0;
    const server = await serve(
      demoServer({
        fault: (r) => {
          if (throttled++ < 2) return { status: 429, headers: { "Retry-After": "0" } };
          // One 500 (not retried by the HTTP layer): the chunk itself is read again.
          if (r.entitySet === "accounts" && accountQueries++ === 0)
            return { status: 500, body: { error: { code: "", message: "busy" } } };
          return undefined;
        },
      }),
    );
    const list = tmp.write("list.csv", `accountId\n${DEMO.contoso}\n${DEMO.woodgrove}\n`);
    const run = await runCli(["vet", list, "--env", server.url, "--json", "--as-of", DEMO_NOW], { cwd: tmp.dir });
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.requests.retries).toBe(2);
    expect(out.rows.map((r: { verdict: string }) => r.verdict)).toEqual(["blocked", "allowed"]);
  });

  test("an account query that keeps failing leaves its rows unverified, with the cause", async () => {
    const server = await serve(
      demoServer({
        fault: (r) =>
          r.entitySet === "accounts" ? { status: 503, body: { error: { code: "", message: "busy" } } } : undefined,
      }),
    );
    const list = tmp.write("list.csv", `accountId\n${DEMO.contoso}\n${DEMO.woodgrove}\n`);
    const run = await runCli(["vet", list, "--env", server.url, "--json", "--as-of", DEMO_NOW], { cwd: tmp.dir });
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.rows.map((r: { verdict: string }) => r.verdict)).toEqual(["unverified", "unverified"]);
    expect(out.rows[0].reason).toBe("Dataverse could not be read (service error).");
    // Each read: sent 3 times by the HTTP layer (2 retries after 503), the chunk tried twice.
    expect(out.requests.errorRetries).toBe(4);
  });

  test("usage and input errors exit 2; a refused sign-in exits 3", async () => {
    const list = tmp.write("list.csv", `accountId\n${DEMO.contoso}\n`);
    const cases: [string[], RegExp][] = [
      [["vet", list], /--env <url>.*or --feed/],
      [["vet", list, "--feed", DEMO_FEED, "--as-of", "yesterday"], /ISO 8601/],
      [["vet", "missing.csv", "--feed", DEMO_FEED], /cannot read the list/],
      [["vet", tmp.write("nocols.csv", "colour\nred\n"), "--feed", DEMO_FEED], /none of the columns/],
      [["vet", list, "--feed", tmp.write("bad.json", "[{")], /unusable.*unreadable JSON/],
      [["vet", list, "--feed", DEMO_FEED, "--policy", tmp.write("p.json", "{oops")], /not valid JSON/],
      [["vet", list, "--env", "http://example.com"], /https/],
      [["vet", list, "--feed", DEMO_FEED, "--concurrency", "100"], /1 to 52/],
      [["vet", list, "--bogus"], /unknown option/],
    ];
    const runs = await Promise.all(cases.map(([args]) => runCli(args, { cwd: tmp.dir })));
    cases.forEach(([args, message], i) => {
      expect({ args, code: runs[i].code }).toEqual({ args, code: 2 });
      expect(runs[i].stderr).toMatch(message);
    });
    const server = await serve(demoServer());
    const refused = await runCli(["vet", list, "--env", server.url], {
      cwd: tmp.dir,
      env: { PARTNERGUARD_ACCESS_TOKEN: "expired" },
    });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/HTTP 401/);
    expect(refused.stdout + refused.stderr).not.toContain("expired");
  });

  test("pack runs the real packer: outside a project it names what is missing, exit 2, nothing written", async () => {
    const run = await runCli(["pack", "--out-dir", "zips"], { cwd: tmp.dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/pack failed:/);
    expect(run.stderr).toMatch(/Solution\//);
    expect(existsSync(join(tmp.dir, "zips", "PartnerGuard_1.0.0_unmanaged.zip"))).toBe(false);
  });
});
