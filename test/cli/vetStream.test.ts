/**
 * `partnerguard vet` on lists longer than one batch, spawned for real: rows stream through in
 * order, duplicates are found across batches, a fault late in the file is a one-line error with
 * its line number and leaves no half-written --out behind.
 */
import { existsSync, readdirSync } from "fs";
import { parse } from "csv-parse/sync";
import { DEMO } from "../helpers/demo";
import { cliTestBed, DEMO_FEED, DEMO_NOW, demoServer, runCli } from "./helpers/cli";

const { tmp, serve } = cliTestBed();

/** Rows 2.. of a list: `n` accounts nobody has, with the given rows put at the given lines. */
function longList(n: number, at: Record<number, string>): string {
  const lines = ["Company,accountId"];
  for (let line = 2; line < n + 2; line++) {
    lines.push(at[line] ?? `Filler ${line},f0000000-0000-4000-8000-${String(line).padStart(12, "0")}`);
  }
  return lines.join("\n");
}

const rowsOf = (csv: string) => parse<Record<string, string>>(csv, { columns: true, bom: true });

describe("partnerguard vet, streamed", () => {
  test("a list of many batches: every row written in order, duplicates across batches named, JSON rows complete", async () => {
    const list = tmp.write(
      "long.csv",
      longList(25_000, {
        2: `Contoso,${DEMO.contoso}`,
        12_345: `=HYPERLINK("http://x"),${DEMO.fabrikamEurope}`,
        24_999: `Contoso again,${DEMO.contoso}`,
      }),
    );
    const run = await runCli(["vet", list, "--feed", DEMO_FEED, "--as-of", DEMO_NOW, "--out", "out.csv"], {
      cwd: tmp.dir,
    });
    expect(run.code).toBe(0);
    expect(run.stderr.trim()).toBe(
      `list line 24999: duplicate: same account id ${DEMO.contoso} as line 2 (vetted once, written for both)`,
    );
    const rows = rowsOf(tmp.read("out.csv"));
    expect(rows).toHaveLength(25_000);
    expect(rows[0]).toMatchObject({ Company: "Contoso", verdict: "blocked" });
    expect(rows[12_343]).toMatchObject({ Company: `'=HYPERLINK("http://x")`, verdict: "blocked" });
    expect(rows[12_343].reason).toContain("Inherited from Fabrikam Holdings");
    expect(rows[24_997]).toMatchObject({ Company: "Contoso again", verdict: "blocked" });
    expect(rows[5_000]).toMatchObject({ Company: "Filler 5002", verdict: "unverified" });
    expect(run.stdout).toMatch(/unverified\s+24997/);
    expect(run.stdout).toContain("… and 24977 more rows that could not be matched");

    const json = await runCli(["vet", list, "--feed", DEMO_FEED, "--as-of", DEMO_NOW, "--json", "--quiet"], {
      cwd: tmp.dir,
    });
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout) as { rows: { line: number; verdict: string }[]; summary: { rows: number } };
    expect(out.summary.rows).toBe(25_000);
    expect(out.rows.map((r) => r.line)).toEqual(Array.from({ length: 25_000 }, (_, i) => i + 2));
    expect(out.rows[24_997]).toMatchObject({ line: 24_999, verdict: "blocked", duplicateOf: 2 });
  });

  test.each([
    [
      "a quote never closed",
      `"Broken,${DEMO.contoso}`,
      /^Error: the list line 23456 is not readable CSV: .*line 23456/,
    ],
    ["a binary byte", `Bin\u0000ary,${DEMO.contoso}`, /^Error: the list \S+ line 23456: not a text file/],
  ])(
    "%s late in a long list: exit 2, one line with its line number, no --out left behind",
    async (_what, bad, message) => {
      const list = tmp.write("long.csv", longList(24_000, { 23_456: bad }));
      const run = await runCli(["vet", list, "--feed", DEMO_FEED, "--out", "out.csv"], { cwd: tmp.dir });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
      expect(run.stdout).toBe("");
      expect(existsSync(`${tmp.dir}/out.csv`)).toBe(false);
      expect(readdirSync(tmp.dir)).toEqual(["long.csv"]);
    },
  );

  test("online, batch after batch: an account in a later batch inherits as in the first (parents kept between batches)", async () => {
    const server = await serve(demoServer());
    const list = tmp.write(
      "long.csv",
      longList(21_000, { 2: `Fabrikam EU,${DEMO.fabrikamEurope}`, 20_500: `Litware,${DEMO.litware}` }),
    );
    const run = await runCli(["vet", list, "--env", server.url, "--as-of", DEMO_NOW, "--out", "out.csv"], {
      cwd: tmp.dir,
    });
    expect(run.code).toBe(0);
    const rows = rowsOf(tmp.read("out.csv"));
    expect(rows).toHaveLength(21_000);
    expect(rows[0].reason).toContain("Inherited from Fabrikam Holdings");
    expect(rows[20_498]).toMatchObject({ Company: "Litware", verdict: "blocked", matchedBy: "accountId" });
    // 21,000 ids in 500-id queries, three batches: a few dozen requests, not thousands.
    expect(server.requests.length).toBeLessThan(80);
  });
});
