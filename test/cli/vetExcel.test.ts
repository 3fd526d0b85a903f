/**
 * `partnerguard vet` with lists as sales ops have them (Excel, other systems) and every input it
 * cannot use: the real binary, spawned, offline against the demo feed or against a local Web API.
 */
import { spawn } from "child_process";
import { existsSync, readFileSync } from "fs";
import { join } from "path";
import { parse } from "csv-parse/sync";
import { DEMO } from "../helpers/demo";
import { makeTranslate, reasonText, verdictLine } from "../../src/text/verdictText";
import { Verdict } from "../../src/core/types";
import { BIN, cliTestBed, DEMO_FEED, DEMO_NOW, demoServer, EXTRA, ROOT, runCli, TOKEN } from "./helpers/cli";

const { tmp, serve } = cliTestBed();

const BOM = "\uFEFF";

describe("Excel-safe output", () => {
  test("cells that start a formula are written as text, with a BOM and CRLF, in the list's own delimiter", async () => {
    // What Excel writes in most of Europe: semicolons, BOM, CRLF; umlauts and formula-looking cells.
    const list =
      BOM +
      [
        "Firma;Account ID;Notiz",
        `"=HYPERLINK(""http://x"";""y"")";${DEMO.contoso};+cmd|' /C calc'!A0`,
        `Müller & Söhne;${DEMO.woodgrove};@SUM(1+1)`,
        `-2+3;${DEMO.fabrikamEurope};\tTab`,
      ].join("\r\n");
    const file = tmp.write("liste.csv", list);
    const run = await runCli(["vet", file, "--feed", DEMO_FEED, "--as-of", DEMO_NOW, "--out", "geprueft.csv"], {
      cwd: tmp.dir,
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const out = tmp.read("geprueft.csv");
    expect(out.startsWith(BOM)).toBe(true);
    expect(out).toContain("\r\n");
    const rows = parse<Record<string, string>>(out, { columns: true, bom: true, delimiter: ";" });
    expect(rows.map((r) => [r.Firma, r.Notiz, r.verdict])).toEqual([
      [`'=HYPERLINK("http://x";"y")`, "'+cmd|' /C calc'!A0", "blocked"],
      ["Müller & Söhne", "'@SUM(1+1)", "allowed"],
      ["'-2+3", "'\tTab", "blocked"],
    ]);
    // No cell of the file starts a formula.
    const table: string[][] = parse(out, { bom: true, delimiter: ";" });
    const cells = table.flat();
    expect(cells.filter((c) => /^[=+\-@\t\r]/.test(c))).toEqual([]);
  });

  test("partner names from a feed are escaped too; --no-bom leaves the BOM out; --delimiter tab", async () => {
    const feed = tmp.write(
      "feed.csv",
      [
        "customerAccountId,customerName,parentAccountId,customerTenantId,partnerId,partnerName,relationshipType,status,startDate,endDate,externalReference,source",
        `c1000000-0000-4000-8000-000000000009,Evil Customer,,,b1000000-0000-4000-8000-000000000009,"=cmd|' /C calc'!A0",pal,active,2024-01-01,,R1,feed`,
      ].join("\n"),
    );
    const list = tmp.write("list.tsv", `name\tnote\nEvil Customer\tx\n`);
    const run = await runCli(
      ["vet", list, "--feed", feed, "--as-of", DEMO_NOW, "--out", "out.tsv", "--no-bom", "--delimiter", "tab"],
      { cwd: tmp.dir },
    );
    expect(run.code).toBe(0);
    const out = tmp.read("out.tsv");
    expect(out.startsWith(BOM)).toBe(false);
    const [row] = parse<Record<string, string>>(out, { columns: true, delimiter: "\t" });
    expect(row).toMatchObject({
      name: "Evil Customer",
      verdict: "blocked",
      partnerOfRecord: "'=cmd|' /C calc'!A0",
      matchedBy: "name",
    });
  });
});

describe("matching lists from other systems", () => {
  test("by customer tenant id and by web domain in any spelling; each row says how it matched", async () => {
    const server = await serve(demoServer());
    const list = tmp.write(
      "list.csv",
      [
        "Company,Tenant,Web",
        ",,HTTPS://WWW.ContosoLabs.example/de/kontakt?x=1",
        ",,Jo Doe <jo@contosolabs.example>",
        "Woodgrove   FOODS,,",
        "Twin Traders,,",
      ].join("\n"),
    );
    const run = await runCli(["vet", list, "--env", server.url, "--as-of", DEMO_NOW, "--out", "out.csv"], {
      cwd: tmp.dir,
    });
    expect(run.code).toBe(0);
    const rows = parse<Record<string, string>>(tmp.read("out.csv"), { columns: true, bom: true });
    expect(rows.map((r) => [r.matchedBy, r.verdict, r.matchedAccountId])).toEqual([
      ["domain", "blocked", EXTRA.contosoLabs],
      ["domain", "blocked", EXTRA.contosoLabs],
      ["name", "allowed", DEMO.woodgrove],
      // Two accounts carry this name: could not be verified, never a guess.
      ["name", "unverified", ""],
    ]);
    expect(rows[3].reason).toMatch(/^2 accounts match account name twin traders/);
  });

  test("a value with a character no XML can hold is refused on its own row; the rest of its query is answered", async () => {
    const server = await serve(demoServer());
    // Excel's "CSV UTF-8" starts with a BOM; the control characters come from another system's export.
    const list = tmp.write(
      "list.csv",
      BOM + ["Company,Account number", "Woodgrove Foods,", "Con\u0001toso,", ",ab\fcd"].join("\n"),
    );
    const run = await runCli(["vet", list, "--env", server.url, "--as-of", DEMO_NOW, "--out", "out.csv"], {
      cwd: tmp.dir,
    });
    const rows = parse<Record<string, string>>(tmp.read("out.csv"), { columns: true, bom: true });
    expect(rows.map((r) => [r.verdict, r.matchedAccountId])).toEqual([
      ["allowed", DEMO.woodgrove],
      ["unverified", ""],
      ["unverified", ""],
    ]);
    expect(rows[1].reason).toMatch(
      /holds a character \(U\+0001\) that no Dataverse query can carry \(XML forbids it\)/,
    );
    expect(rows[2].reason).toMatch(/holds a character \(U\+000C\)/);
    expect(run.stderr).not.toMatch(/400|malformed|network/i);
  });

  test("German headers (Firma, Webseite, E-Mail-Adresse) are understood; a bare quote inside a cell is text", async () => {
    const list = tmp.write(
      "messe.csv",
      BOM + ["Firma;Webseite;E-Mail-Adresse", "Fabrikam Europe GmbH;;", '=HYPERLINK("http://x");;'].join("\r\n"),
    );
    const run = await runCli(["vet", list, "--feed", DEMO_FEED, "--as-of", DEMO_NOW, "--out", "out.csv"], {
      cwd: tmp.dir,
    });
    expect(run.code).toBe(0);
    const rows = parse<Record<string, string>>(tmp.read("out.csv"), { columns: true, bom: true, delimiter: ";" });
    expect(rows.map((r) => [r.Firma, r.matchedBy, r.verdict])).toEqual([
      ["Fabrikam Europe GmbH", "name", "blocked"],
      ['\'=HYPERLINK("http://x")', "name", "unverified"],
    ]);
  });

  test("a tenant id column matches the account's customer tenant id", async () => {
    const feed = tmp.write(
      "feed.csv",
      [
        "customerAccountId,customerName,parentAccountId,customerTenantId,partnerId,partnerName,relationshipType,status,startDate,endDate,externalReference,source",
        "c1000000-0000-4000-8000-000000000007,Tenant Co,,7e000000-0000-4000-8000-00000000000a,b1000000-0000-4000-8000-000000000009,Adatum,gdap,active,2024-01-01,,R1,feed",
      ].join("\n"),
    );
    const list = tmp.write(
      "list.csv",
      "Customer Tenant ID,Company\n7E000000-0000-4000-8000-00000000000A,Something else\n",
    );
    const run = await runCli(["vet", list, "--feed", feed, "--as-of", DEMO_NOW, "--json"], { cwd: tmp.dir });
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.rows[0]).toMatchObject({
      matchedBy: "tenantId",
      verdict: "blocked",
      accountId: "c1000000-0000-4000-8000-000000000007",
    });
  });
});

describe("unusable input: one line with the line number, exit 2 (never 1, which means blocked)", () => {
  test.each([
    [
      "a binary file as the list",
      () => [
        "vet",
        tmp.write("list.xlsx", Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x0a, 0x00, 0x00]).toString("latin1")),
        "--feed",
        DEMO_FEED,
      ],
      /the list .*list\.xlsx line 1: not a text file/,
    ],
    [
      "a binary file as the feed",
      () => [
        "vet",
        tmp.write("l.csv", `accountId\n${DEMO.contoso}\n`),
        "--feed",
        tmp.write("feed.bin", "customerAccountId\nabc\u0000\u0001\u0002"),
      ],
      /the feed .*feed\.bin line 2: not a text file/,
    ],
    [
      "a list whose header has no known column",
      () => ["vet", tmp.write("l.csv", "colour;size\nred;1\n"), "--feed", DEMO_FEED],
      /list line 1: the header \(colour;size\) has none of the columns.*delimiter ";"/,
    ],
    [
      "a feed with the wrong header",
      () => ["vet", tmp.write("l.csv", `accountId\n${DEMO.contoso}\n`), "--feed", tmp.write("f.csv", "id,name\n1,x\n")],
      /feed .* unusable: line 1: header \(id,name\) has no customerAccountId/,
    ],
    [
      "an impossible --as-of",
      () => ["vet", tmp.write("l.csv", `accountId\n${DEMO.contoso}\n`), "--feed", DEMO_FEED, "--as-of", "2026-02-30"],
      /2026-02-30 is not a day of the calendar/,
    ],
    [
      "an impossible check --as-of",
      () => ["check", DEMO.contoso, "--feed", DEMO_FEED, "--as-of", "2026-04-31"],
      /2026-04-31 is not a day of the calendar/,
    ],
    [
      "an unknown --delimiter",
      () => ["vet", tmp.write("l.csv", `accountId\n${DEMO.contoso}\n`), "--feed", DEMO_FEED, "--delimiter", "|"],
      /expected "," ";" or "tab"/,
    ],
    [
      "unreadable CSV",
      () => ["vet", tmp.write("l.csv", `accountId\n"${DEMO.contoso}\n`), "--feed", DEMO_FEED],
      /the list line \d+ is not readable CSV/,
    ],
  ])("%s", async (_what, args, message) => {
    const run = await runCli(args(), { cwd: tmp.dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    // One line (plus commander's "(add --help for usage)" hint for option errors), no echo of raw bytes.
    expect(
      run.stderr
        .trim()
        .split("\n")
        .filter((l) => !l.startsWith("(add --help")).length,
    ).toBe(1);
    expect(run.stderr).not.toContain("\u0000");
  });

  test("duplicate rows are named with their line numbers on stderr, vetted once and written for both", async () => {
    const list = tmp.write(
      "l.csv",
      ["accountId,name", `${DEMO.contoso},a`, `${DEMO.woodgrove},b`, `${DEMO.contoso.toUpperCase()},c`].join("\n"),
    );
    const run = await runCli(["vet", list, "--feed", DEMO_FEED, "--as-of", DEMO_NOW, "--out", "out.csv"], {
      cwd: tmp.dir,
    });
    expect(run.code).toBe(0);
    expect(run.stderr.trim()).toBe(
      `list line 4: duplicate: same account id ${DEMO.contoso} as line 2 (vetted once, written for both)`,
    );
    expect(parse(tmp.read("out.csv"), { columns: true, bom: true })).toHaveLength(3);
  });

  test("a feed row with a bad association keeps its account: the row matches and its children still inherit", async () => {
    const feed = tmp.write(
      "feed.csv",
      [
        "customerAccountId,customerName,parentAccountId,customerTenantId,partnerId,partnerName,relationshipType,status,startDate,endDate,externalReference,source",
        "c1000000-0000-4000-8000-000000000001,Parent Co,,,b1000000-0000-4000-8000-000000000009,Adatum,pal,active,2021-01-01,2020-01-01,R1,feed",
        "c1000000-0000-4000-8000-000000000001,Parent Co,,,b1000000-0000-4000-8000-000000000009,Adatum,dpor,active,2021-01-01,,R2,feed",
        "c1000000-0000-4000-8000-000000000002,Child Co,c1000000-0000-4000-8000-000000000003,,b1000000-0000-4000-8000-000000000009,Adatum,pal,active,2021-01-01,2020-01-01,R3,feed",
        "c1000000-0000-4000-8000-000000000003,Middle Co,c1000000-0000-4000-8000-000000000001,,,,,,,,,",
      ].join("\n"),
    );
    const list = tmp.write("l.csv", "name\nChild Co\n");
    const run = await runCli(["vet", list, "--feed", feed, "--as-of", DEMO_NOW, "--json"], { cwd: tmp.dir });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/line 2: endDate 2020-01-01 is before startDate 2021-01-01/);
    expect(JSON.parse(run.stdout).rows[0]).toMatchObject({
      matchedBy: "name",
      status: "matched",
      verdict: "blocked",
      partnerOfRecord: "Adatum",
    });
  });
});

describe("pipes and paths", () => {
  test("a reader that closes the pipe early (| head) ends the run quietly: exit 0, no stack trace", async () => {
    const rows = Array.from({ length: 4000 }, (_, i) => (i % 2 ? DEMO.contoso : DEMO.woodgrove));
    const list = tmp.write("big.csv", ["accountId", ...rows].join("\n"));
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [BIN, "vet", list, "--feed", DEMO_FEED, "--as-of", DEMO_NOW, "--json", "--quiet"],
        { cwd: tmp.dir, env: { PATH: process.env.PATH, PARTNERGUARD_ACCESS_TOKEN: TOKEN } },
      );
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      // What `head -c 100` does: read a little, then close the read end.
      child.stdout.once("data", () => child.stdout.destroy());
      child.on("close", (code) => resolve({ code, stderr }));
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  });

  test("pack --out-dir takes an absolute path as it is", async () => {
    const target = join(tmp.dir, "zips");
    const run = await runCli(["pack", "--out-dir", target], { cwd: ROOT });
    expect(run.code).toBe(0);
    expect(existsSync(join(target, "PartnerGuard_1.0.0_managed.zip"))).toBe(true);
    // join(cwd, "/tmp/…") would have written under the repo instead.
    expect(existsSync(join(ROOT, target))).toBe(false);
  });
});

describe("one vocabulary", () => {
  test("check and vet say the card's sentences (src/text/verdictText with the 1033 strings), and what they cannot see", async () => {
    const resx = readFileSync(join(ROOT, "PartnerGuard/strings/PartnerGuard.1033.resx"), "utf8");
    const strings = new Map(
      [...resx.matchAll(/<data name="([^"]+)"[^>]*>\s*<value>([^<]*)<\/value>/g)].map((m) => [
        m[1],
        m[2].replace(/&amp;/g, "&"),
      ]),
    );
    const t = makeTranslate((key) => strings.get(key) ?? key);
    const check = await runCli(["check", DEMO.litware, "--feed", DEMO_FEED, "--as-of", DEMO_NOW, "--json"], {
      cwd: tmp.dir,
    });
    expect(check.code).toBe(0);
    const { verdict, unseen } = JSON.parse(check.stdout) as { verdict: Verdict; unseen: string[] };
    const cardSays = verdict.reasons
      .map((r) => reasonText(t, verdict, r, Date.parse(DEMO_NOW)))
      .filter((x): x is string => !!x);
    expect(cardSays).toContain("The deal registration of Adatum Solutions ends within 15 days.");
    const text = await runCli(["check", DEMO.litware, "--feed", DEMO_FEED, "--as-of", DEMO_NOW], { cwd: tmp.dir });
    for (const sentence of cardSays) expect(text.stdout).toContain(sentence);
    expect(text.stdout).toContain(verdictLine(t, verdict, "en-GB"));
    expect(unseen.join(" ")).toMatch(/Microsoft Graph .* not read offline/);
    expect(text.stdout).toMatch(/Not seen: Microsoft Graph/);
    const list = tmp.write("l.csv", `accountId\n${DEMO.litware}\n`);
    const vet = await runCli(["vet", list, "--feed", DEMO_FEED, "--as-of", DEMO_NOW, "--json"], { cwd: tmp.dir });
    expect(cardSays).toContain(JSON.parse(vet.stdout).rows[0].reason);
    expect(JSON.parse(vet.stdout).unseen).toEqual(unseen);
  });
});
