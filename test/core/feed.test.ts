import { readFileSync } from "fs";
import { join } from "path";
import { isCalendarDate } from "../../src/core/feed";
import { parseFeed, parseFeedCsv, parseFeedJson } from "../../src/sources/feedFile";

const HEADER =
  "customerAccountId,customerName,parentAccountId,customerTenantId,partnerId,partnerName,relationshipType,status,startDate,endDate,externalReference,source";

describe("partner feed parser", () => {
  test("the demo dataset parses without errors", () => {
    const r = parseFeed(readFileSync(join(__dirname, "../../data/demo-feed.csv"), "utf8"));
    expect(r.errors).toEqual([]);
    expect(r.rows.length).toBeGreaterThan(40);
  });

  test("a row without partner only declares an account and its parent", () => {
    const r = parseFeedCsv(`${HEADER}\nc2,Child,c1,,,,,,,,,\n`);
    expect(r.rows).toEqual([
      { line: 2, customerAccountId: "c2", customerName: "Child", parentAccountId: "c1", customerTenantId: undefined },
    ]);
  });

  test("bad rows are reported with their line numbers and the good ones kept", () => {
    const csv = [
      HEADER,
      "c1,Good,,,p1,Partner,pal,active,2020-01-01,,R1,feed",
      "c2,Bad type,,,p1,Partner,reseller,active,2020-01-01,,R2,feed",
      "c3,Bad status,,,p1,Partner,pal,pending,2020-01-01,,R3,feed",
      "c4,Bad date,,,p1,Partner,pal,active,01/02/2020,,R4,feed",
      ",No account,,,p1,Partner,pal,active,2020-01-01,,R5,feed",
      "c6,Ends first,,,p1,Partner,pal,active,2021-01-01,2020-01-01,R6,feed",
      "c7,Own parent,c7,,,,,,,,,",
      'c8,"Quoted, name",,,p1,"Partner ""Q""",pal,active,2020-01-01,,R8,feed',
    ].join("\n");
    const r = parseFeedCsv(csv);
    // A bad association keeps its account (and parent) declared; only rows without a usable account go.
    expect(r.rows.map((x) => [x.line, !!x.partner])).toEqual([
      [2, true],
      [3, false],
      [4, false],
      [5, false],
      [7, false],
      [9, true],
    ]);
    expect(r.rows[5].customerName).toBe("Quoted, name");
    expect(r.rows[5].partner?.partnerName).toBe('Partner "Q"');
    expect(r.errors.map((e) => e.line)).toEqual([3, 4, 5, 6, 7, 8]);
    expect(r.errors[0].message).toMatch(/relationshipType "reseller"/);
    expect(r.errors[2].message).toMatch(/startDate "01\/02\/2020"/);
  });

  test("a header without customerAccountId is refused as a whole", () => {
    expect(parseFeedCsv("id,name\n1,x\n").errors[0]).toEqual({
      line: 1,
      message: 'header (id,name) has no customerAccountId column (read with delimiter ",")',
    });
  });

  test("unreadable CSV reports the line", () => {
    const r = parseFeedCsv(`${HEADER}\nc1,"unterminated\n`);
    expect(r.rows).toEqual([]);
    expect(r.errors[0].message).toMatch(/unreadable CSV/);
  });

  test("JSON feeds use the same keys and report the index", () => {
    const r = parseFeedJson(
      JSON.stringify([
        {
          customerAccountId: "c1",
          partnerName: "P",
          relationshipType: "gdap",
          status: "active",
          startDate: "2024-01-01T10:00:00Z",
        },
        { customerAccountId: "c2", partnerName: "P", relationshipType: "gdap", status: "nope" },
        42,
      ]),
    );
    expect(r.rows.map((x) => [x.line, !!x.partner])).toEqual([
      [1, true],
      [2, false],
    ]);
    expect(r.errors.map((e) => e.line)).toEqual([2, 3]);
    expect(parseFeedJson("{").errors[0].message).toMatch(/unreadable JSON/);
    expect(parseFeedJson('{"a":1}').errors[0].message).toMatch(/array/);
  });
});

describe("partner feed as Excel saves it", () => {
  const rows = ["c1,Café Müller,,,p1,=HYPERLINK(1),pal,active,2024-01-01,,R1,feed"];

  test("semicolon and tab delimiters are sniffed from the header, a BOM is read", () => {
    for (const d of [";", "\t"]) {
      const csv = "\uFEFF" + [HEADER, ...rows].map((l) => l.replace(/,/g, d)).join("\r\n");
      const r = parseFeed(csv);
      expect(r.errors).toEqual([]);
      expect(r.rows[0]).toMatchObject({
        customerAccountId: "c1",
        customerName: "Café Müller",
        partner: { relationshipType: "pal" },
      });
    }
  });

  test("a given delimiter wins over the sniffed one", () => {
    const r = parseFeedCsv([HEADER, ...rows].join("\n"), { delimiter: ";" });
    expect(r.rows).toEqual([]);
    expect(r.errors[0].message).toMatch(/read with delimiter ";"/);
  });

  test("a day that does not exist is an error, not the next month; the account stays declared", () => {
    const r = parseFeedCsv([HEADER, "c1,Feb,p0,,p1,Partner,pal,active,2026-01-01,2026-02-30,R1,feed"].join("\n"));
    expect(r.errors).toEqual([
      {
        line: 2,
        message: expect.stringMatching(
          /endDate "2026-02-30" is not a day of the calendar.*account and its parent are kept/,
        ),
      },
    ]);
    expect(r.rows).toEqual([
      { line: 2, customerAccountId: "c1", customerName: "Feb", parentAccountId: "p0", customerTenantId: undefined },
    ]);
  });

  test("isCalendarDate", () => {
    expect(["2024-02-29", "2026-12-31", "2026-02-28T23:00:00Z"].map(isCalendarDate)).toEqual([true, true, true]);
    expect(["2026-02-29", "2026-04-31", "2026-13-01", "26-01-01"].map(isCalendarDate)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});
