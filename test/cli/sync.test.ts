/** `partnerguard sync` and `check`, spawned for real against a Web API on 127.0.0.1. */
import { DEMO } from "../helpers/demo";
import { cliTestBed, DEMO_FEED, DEMO_NOW, demoServer, runCli } from "./helpers/cli";

const { tmp, serve } = cliTestBed();

const HEADER =
  "customerAccountId,customerName,parentAccountId,customerTenantId,partnerId,partnerName,relationshipType,status,startDate,endDate,externalReference,source";
const C = DEMO.woodgrove;
const P = "b1000000-0000-4000-8000-000000000001";
const GOOD = [
  `${C},Woodgrove Foods,,,${P},Harbor Computer Services,dpor,active,2026-01-01,,DPOR-1,Partner Center feed`,
  `${C},Woodgrove Foods,,,${P},Harbor Computer Services,pal,inactive,2020-01-01,2021-01-01,PAL-1,Partner Center feed`,
];
const BAD = [
  `${C},Woodgrove Foods,,,${P},Harbor,resale,active,2026-01-01,,X-1,feed`, // line 4: unknown type
  `${C},Woodgrove Foods,,,${P},Harbor,pal,paused,2026-01-01,,X-2,feed`, // 5: unknown status
  `${C},Woodgrove Foods,,,${P},Harbor,pal,active,01/02/2026,,X-3,feed`, // 6: not ISO
  `${C},Woodgrove Foods,,,${P},Harbor,pal,active,2026-02-01,2026-01-01,X-4,feed`, // 7: end before start
  `,Nobody,,,${P},Harbor,pal,active,2026-01-01,,X-5,feed`, // 8: no customer
  `${C},Woodgrove Foods,${C},,,,,,,,,`, // 9: parent is itself
  `not-a-guid,Woodgrove Foods,,,${P},Harbor,pal,active,2026-01-01,,X-6,feed`, // 10: customer not a GUID
  `${C},Woodgrove Foods,,,${P},Harbor,pal,active,2026-01-01,,,feed`, // 11: no reference
  `${C},Woodgrove Foods,,,${P},Harbor,pal,active,2026-01-01,,DPOR-1,Partner Center feed`, // 12: duplicate key of line 2
  `${C},Woodgrove Foods,,,${P},Harbor,pal,active,2026-01-01,,A/B,feed`, // 13: key character refused
  `${C},Woodgrove Foods,,,partner-x,Harbor,pal,active,2026-01-01,,X-7,feed`, // 14: partner not a GUID
];

describe("partnerguard sync", () => {
  test("bad rows are reported by line and skipped; dry run writes nothing; the second run changes nothing", async () => {
    const server = await serve(demoServer());
    const feed = tmp.write("feed.csv", [HEADER, ...GOOD, ...BAD].join("\n"));
    const dry = await runCli(["sync", feed, "--env", server.url, "--dry-run"]);
    expect(dry.code).toBe(0);
    const lines = [...dry.stderr.matchAll(/line (\d+):/g)].map((m) => Number(m[1]));
    expect(lines).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(dry.stderr).toMatch(/line 12: same source and externalReference "DPOR-1" as line 2/);
    expect(dry.stdout).toContain("line 2: create DPOR-1");
    expect(dry.stdout).toMatch(/2 would be created, 0 would be updated, 0 unchanged, 11 bad rows skipped/);
    expect(server.requests.filter((r) => r.method !== "GET")).toHaveLength(0);

    const first = await runCli(["sync", feed, "--env", server.url, "--json"]);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ created: 2, updated: 0, unchanged: 0, skipped: 11 });
    expect(server.requests.filter((r) => r.method === "PATCH").map((r) => r.resource)).toEqual(
      expect.arrayContaining(["pg_partnerassociations(pg_source=100000001,pg_externalreference='DPOR-1')"]),
    );

    const patchesBefore = server.requests.filter((r) => r.method === "PATCH").length;
    const second = await runCli(["sync", feed, "--env", server.url, "--json"]);
    expect(JSON.parse(second.stdout)).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    expect(server.requests.filter((r) => r.method === "PATCH").length).toBe(patchesBefore);

    // The synced association now decides the account's verdict.
    const check = await runCli(["check", C, "--env", server.url, "--as-of", DEMO_NOW]);
    expect(check.stdout).toContain(
      "Partner of record: Harbor Computer Services — DPOR since 1 Jan 2026. Direct outreach is disabled.",
    );

    const changed = tmp.write(
      "changed.json",
      JSON.stringify([
        {
          customerAccountId: C,
          customerName: "Woodgrove Foods",
          partnerId: P,
          partnerName: "Harbor Computer Services",
          relationshipType: "dpor",
          status: "inactive",
          startDate: "2026-01-01",
          endDate: "2026-06-30",
          externalReference: "DPOR-1",
          source: "Partner Center feed",
        },
      ]),
    );
    const third = await runCli(["sync", changed, "--env", server.url, "--json"]);
    const out = JSON.parse(third.stdout);
    expect(out).toMatchObject({ created: 0, updated: 1 });
    expect(out.plan[0].changes).toEqual(["pg_associationstatus", "pg_enddate"]);
  });

  test("a write the service refuses exits 3", async () => {
    const server = await serve(demoServer());
    const unknownAccount = "f0000000-0000-4000-8000-000000000001";
    const feed = tmp.write(
      "feed.csv",
      [HEADER, `${unknownAccount},Ghost,,,${P},Harbor,pal,active,2026-01-01,,G-1,feed`].join("\n"),
    );
    const run = await runCli(["sync", feed, "--env", server.url]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/line 2: not written: .*Does Not Exist/);
  });
});

describe("partnerguard check", () => {
  test("prints the card's words and the evidence, or JSON", async () => {
    const human = await runCli(["check", "Fabrikam Europe GmbH", "--feed", DEMO_FEED, "--as-of", DEMO_NOW]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(
      "BLOCKED: Partner of record: Northwind Partners — PAL since 1 Jul 2021. Direct outreach is disabled. Inherited from Fabrikam Holdings.",
    );
    expect(human.stdout).toMatch(/Evidence\n {2}- Northwind Partners — PAL · since 1 Jul 2021 · until 30 Jun 2027/);
    const json = await runCli(["check", DEMO.tailspin, "--feed", DEMO_FEED, "--as-of", DEMO_NOW, "--json"]);
    expect(JSON.parse(json.stdout).verdict).toMatchObject({ outreach: "allowed", accountId: DEMO.tailspin });
  });

  test("an unknown account exits 2; a Dataverse that answers 503 exits 3 with the unverified verdict", async () => {
    const unknown = await runCli(["check", "No Such Company", "--feed", DEMO_FEED]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no account matches "No Such Company"/);
    const server = await serve(
      demoServer({
        fault: (r) =>
          r.fetchXml?.includes("eq-or-above")
            ? { status: 503, body: { error: { code: "", message: "down" } } }
            : undefined,
      }),
    );
    const down = await runCli(["check", DEMO.contoso, "--env", server.url]);
    expect(down.code).toBe(3);
    expect(down.stdout).toContain("UNVERIFIED: Partner status could not be verified. Outreach stays disabled.");
    expect(down.stdout).toContain("Dataverse could not be read (service error).");
  });
});

describe("partnerguard sync: dates", () => {
  test("a feed's timestamps are written to the date-only columns as days (Edm.Date refuses a time part)", async () => {
    const server = await serve(demoServer());
    const feed = tmp.write(
      "feed.csv",
      [
        HEADER,
        `${C},Woodgrove Foods,,,${P},Harbor Computer Services,dpor,active,2026-01-01T10:30:00Z,2026-12-31T23:00:00+02:00,DPOR-9,feed`,
      ].join("\n"),
    );
    const run = await runCli(["sync", feed, "--env", server.url]);
    expect(run.code).toBe(0);
    const [patch] = server.requests.filter((r) => r.method === "PATCH");
    expect(patch.body).toMatchObject({ pg_startdate: "2026-01-01", pg_enddate: "2026-12-31" });
    const again = await runCli(["sync", feed, "--env", server.url, "--json"]);
    expect(JSON.parse(again.stdout)).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
  });
});

describe("partnerguard sync --full-snapshot", () => {
  test("active associations of the feed's sources that it no longer holds are set inactive; other sources are left alone", async () => {
    const server = await serve(demoServer());
    await runCli(["sync", tmp.write("first.csv", [HEADER, ...GOOD].join("\n")), "--env", server.url]);
    // The partner lost Woodgrove: the next complete feed of that source no longer has DPOR-1.
    const next = tmp.write(
      "next.csv",
      [
        HEADER,
        `${C},Woodgrove Foods,,,${P},Harbor Computer Services,pal,inactive,2020-01-01,2021-01-01,PAL-1,Partner Center feed`,
      ].join("\n"),
    );
    const patches = () => server?.requests.filter((r) => r.method === "PATCH") ?? [];
    const before = patches().length;

    const dry = await runCli(["sync", next, "--env", server.url, "--full-snapshot", "--dry-run", "--json"]);
    expect(dry.code).toBe(0);
    const plan = JSON.parse(dry.stdout) as { stale: { id: string; externalReference: string }[]; setInactive: number };
    expect(plan.stale.map((x) => x.externalReference)).toContain("DPOR-1");
    expect(patches()).toHaveLength(before);

    const run = await runCli(["sync", next, "--env", server.url, "--full-snapshot", "--json"]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).setInactive).toBe(plan.stale.length);
    const deactivations = patches().slice(before);
    expect(deactivations).toHaveLength(plan.stale.length);
    for (const p of deactivations) expect(p.body).toEqual({ pg_associationstatus: 100000001 });
    // Registration and Graph rows are another source's snapshot: untouched.
    const ids = new Set(plan.stale.map((x) => x.id));
    expect(deactivations.every((p) => ids.has(/\(([0-9a-f-]{36})\)/.exec(p.resource)?.[1] ?? ""))).toBe(true);

    // Woodgrove is no longer blocked by the partner that lost it.
    const check = await runCli(["check", C, "--env", server.url, "--as-of", DEMO_NOW, "--json"]);
    expect(JSON.parse(check.stdout).verdict.outreach).toBe("allowed");
    const again = await runCli(["sync", next, "--env", server.url, "--full-snapshot", "--json"]);
    expect(JSON.parse(again.stdout).setInactive).toBe(0);
  });

  test("a feed with skipped rows is refused as a snapshot (exit 2, nothing written)", async () => {
    const server = await serve(demoServer());
    const run = await runCli([
      "sync",
      tmp.write("bad.csv", [HEADER, ...GOOD, BAD[0]].join("\n")),
      "--env",
      server.url,
      "--full-snapshot",
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--full-snapshot: 1 rows of .* were skipped/);
    expect(server.requests.filter((r) => r.method !== "GET")).toHaveLength(0);
  });
});
