import { readFileSync } from "fs";
import { join } from "path";
import { parseFeed, parseFeedCsv, parseFeedJson } from "../../src/core/feed";

const HEADER = "customerAccountId,customerName,parentAccountId,customerTenantId,partnerId,partnerName,relationshipType,status,startDate,endDate,externalReference,source";

describe("partner feed parser", () => {
  test("the demo dataset parses without errors", () => {
    const r = parseFeed(readFileSync(join(__dirname, "../../data/demo-feed.csv"), "utf8"));
    expect(r.errors).toEqual([]);
    expect(r.rows.length).toBeGreaterThan(40);
  });

  test("a row without partner only declares an account and its parent", () => {
    const r = parseFeedCsv(`${HEADER}\nc2,Child,c1,,,,,,,,,\n`);
    expect(r.rows).toEqual([{ line: 2, customerAccountId: "c2", customerName: "Child", parentAccountId: "c1", customerTenantId: undefined }]);
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
    expect(r.rows.map((x) => x.line)).toEqual([2, 9]);
    expect(r.rows[1].customerName).toBe("Quoted, name");
    expect(r.rows[1].partner?.partnerName).toBe('Partner "Q"');
    expect(r.errors.map((e) => e.line)).toEqual([3, 4, 5, 6, 7, 8]);
    expect(r.errors[0].message).toMatch(/relationshipType "reseller"/);
    expect(r.errors[2].message).toMatch(/startDate "01\/02\/2020"/);
  });

  test("a header without customerAccountId is refused as a whole", () => {
    expect(parseFeedCsv("id,name\n1,x\n").errors[0]).toEqual({ line: 1, message: "header has no customerAccountId column" });
  });

  test("unreadable CSV reports the line", () => {
    const r = parseFeedCsv(`${HEADER}\nc1,"unterminated\n`);
    expect(r.rows).toEqual([]);
    expect(r.errors[0].message).toMatch(/unreadable CSV/);
  });

  test("JSON feeds use the same keys and report the index", () => {
    const r = parseFeedJson(
      JSON.stringify([
        { customerAccountId: "c1", partnerName: "P", relationshipType: "gdap", status: "active", startDate: "2024-01-01T10:00:00Z" },
        { customerAccountId: "c2", partnerName: "P", relationshipType: "gdap", status: "nope" },
        42,
      ]),
    );
    expect(r.rows).toHaveLength(1);
    expect(r.errors.map((e) => e.line)).toEqual([2, 3]);
    expect(parseFeedJson("{").errors[0].message).toMatch(/unreadable JSON/);
    expect(parseFeedJson('{"a":1}').errors[0].message).toMatch(/array/);
  });
});
