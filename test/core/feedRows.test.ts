/**
 * Feed rows as an admin reads the import report: the exact message for each kind of bad row, and
 * the values a good row carries into the rules.
 */
import { parseFeedDate } from "../../src/core/feed";
import { parseFeed, parseFeedCsv, parseFeedJson, sniffDelimiter } from "../../src/sources/feedFile";
import { RELATIONSHIP_TYPES } from "../../src/core/types";

const KEPT = " (association skipped; the account and its parent are kept)";
const good = {
  customerAccountId: "c1",
  customerName: "Contoso",
  parentAccountId: "p0",
  customerTenantId: "t1",
  partnerId: "pid",
  partnerName: "Partner",
  relationshipType: "pal",
  status: "active",
  startDate: "2020-01-01",
  endDate: "2030-01-01",
  externalReference: "R1",
  source: "feed",
};
const one = (row: Record<string, unknown>) => parseFeedJson(JSON.stringify([row]));

describe("a good row", () => {
  test("carries every column, trimmed", () => {
    const padded = Object.fromEntries(Object.entries(good).map(([k, v]) => [k, `  ${v} `]));
    expect(one(padded)).toEqual({
      rows: [
        {
          line: 1,
          customerAccountId: "c1",
          customerName: "Contoso",
          parentAccountId: "p0",
          customerTenantId: "t1",
          partner: {
            partnerId: "pid",
            partnerName: "Partner",
            relationshipType: "pal",
            status: "active",
            startDate: "2020-01-01",
            endDate: "2030-01-01",
            externalReference: "R1",
            source: "feed",
          },
        },
      ],
      errors: [],
    });
  });

  test("numbers and booleans are read as text; blanks and objects as absent", () => {
    const r = one({ ...good, customerAccountId: 42, customerName: true, externalReference: "  ", source: { x: 1 } });
    expect(r.errors).toEqual([]);
    expect(r.rows[0]).toMatchObject({ customerAccountId: "42", customerName: "true" });
    expect(r.rows[0].partner).toMatchObject({ externalReference: undefined, source: undefined });
  });

  test("a partner id alone or a partner name alone is a partner", () => {
    expect(one({ ...good, partnerName: "" }).rows[0].partner?.partnerId).toBe("pid");
    expect(one({ ...good, partnerId: "" }).rows[0].partner?.partnerName).toBe("Partner");
  });

  test("start and end on the same day, or without dates, is fine", () => {
    expect(one({ ...good, endDate: "2020-01-01" }).errors).toEqual([]);
    expect(one({ ...good, startDate: "", endDate: "" }).rows[0].partner).toMatchObject({
      startDate: undefined,
      endDate: undefined,
    });
  });
});

describe("a bad row, and what the report says", () => {
  test.each([
    ["no account", { customerAccountId: " " }, "customerAccountId is empty"],
    ["its own parent (any case)", { parentAccountId: "C1" }, "parentAccountId is the account itself"],
  ])("%s: the row is dropped", (_name, change, message) => {
    expect(one({ ...good, ...change })).toEqual({ rows: [], errors: [{ line: 1, message }] });
  });

  test.each([
    [
      "an unknown type",
      { relationshipType: "reseller" },
      `relationshipType "reseller" is not one of ${RELATIONSHIP_TYPES.join(", ")}`,
    ],
    ["no type", { relationshipType: "" }, `relationshipType "" is not one of ${RELATIONSHIP_TYPES.join(", ")}`],
    ["an unknown status", { status: "pending" }, 'status "pending" is not active or inactive'],
    ["no status", { status: undefined }, 'status "" is not active or inactive'],
    ["a start that is not a day", { startDate: "2026-02-30" }, 'startDate "2026-02-30" is not a day of the calendar'],
    ["an end that is not a day", { endDate: "2026-04-31" }, 'endDate "2026-04-31" is not a day of the calendar'],
    ["a start that is not ISO", { startDate: "01/02/2020" }, 'startDate "01/02/2020" is not an ISO 8601 date'],
    ["an end that is not ISO", { endDate: "2030-01-01 noon" }, 'endDate "2030-01-01 noon" is not an ISO 8601 date'],
    ["an end before the start", { endDate: "2019-12-31" }, "endDate 2019-12-31 is before startDate 2020-01-01"],
  ])("%s: the association is skipped, the account kept", (_name, change, message) => {
    expect(one({ ...good, ...change })).toEqual({
      rows: [
        { line: 1, customerAccountId: "c1", customerName: "Contoso", parentAccountId: "p0", customerTenantId: "t1" },
      ],
      errors: [{ line: 1, message: message + KEPT }],
    });
  });

  test("entries that are not objects are reported by index", () => {
    const r = parseFeedJson(JSON.stringify([null, [good], "c1", good]));
    expect(r.errors).toEqual([
      { line: 1, message: "not an object" },
      { line: 2, message: "not an object" },
      { line: 3, message: "not an object" },
    ]);
    expect(r.rows.map((x) => x.line)).toEqual([4]);
  });

  test("a JSON document that is not a list", () => {
    expect(parseFeedJson('{"customerAccountId":"c1"}')).toEqual({
      rows: [],
      errors: [{ line: 0, message: "JSON feed must be an array of objects" }],
    });
    const broken = parseFeedJson("[");
    expect(broken.rows).toEqual([]);
    expect(broken.errors).toHaveLength(1);
    expect(broken.errors[0].line).toBe(0);
    expect(broken.errors[0].message).toMatch(/^unreadable JSON: ./);
  });
});

describe("CSV", () => {
  const header = Object.keys(good).join(",");
  const line = Object.values(good).join(",");

  test("header names are trimmed, empty lines skipped, lines numbered as in the file", () => {
    const csv = [header.split(",").join(" , "), "", line, "", line.replace("R1", "R2")].join("\n");
    const r = parseFeedCsv(csv);
    expect(r.errors).toEqual([]);
    expect(r.rows.map((x) => [x.line, x.partner?.externalReference])).toEqual([
      [3, "R1"],
      [5, "R2"],
    ]);
  });

  test("a header read with tabs that lacks the account column says so, with the tab spelled out", () => {
    const r = parseFeedCsv("id\tname\n1\tx\n");
    expect(r).toEqual({
      rows: [],
      errors: [
        { line: 1, message: 'header (id <tab> name) has no customerAccountId column (read with delimiter "tab")' },
      ],
    });
  });

  test("a long header is cut at 120 characters in the message", () => {
    const long = Array.from({ length: 40 }, (_, i) => `column${i}`).join(";");
    const message = parseFeedCsv(`${long}\n${"x;".repeat(39)}x\n`).errors[0].message;
    expect(message).toBe(`header (${long.slice(0, 120)}) has no customerAccountId column (read with delimiter ";")`);
  });

  test("an empty file has no rows and no errors", () => {
    expect(parseFeedCsv("")).toEqual({ rows: [], errors: [] });
  });

  test("a file starting with [ (after a BOM and blank lines) is JSON", () => {
    const r = parseFeed(`\uFEFF \n  ${JSON.stringify([good])}`);
    expect(r.errors).toEqual([]);
    expect(r.rows[0].partner?.relationshipType).toBe("pal");
  });
});

describe("sniffDelimiter: the header's most frequent delimiter outside quotes", () => {
  test.each([
    ["a,b;c;d", ";"],
    ["a\tb\tc,d", "\t"],
    ['"a;b;c",d', ","],
    ["a,b\nc;d;e;f", ","],
    ["a,b\r\nc;d;e;f", ","],
    ["abc", ","],
    ["", ","],
    ['"x\ny;z;w",a;b;c', ";"],
  ])("%j -> %j", (text, delimiter) => {
    expect(sniffDelimiter(text)).toBe(delimiter);
  });
});

describe("parseFeedDate", () => {
  test("a day of the calendar is read; another is not", () => {
    expect(parseFeedDate("2024-02-29")).toBe(Date.parse("2024-02-29T00:00:00Z"));
    expect(parseFeedDate("2026-02-29")).toBeUndefined();
    expect(parseFeedDate("29/02/2024")).toBeUndefined();
  });
});

describe("feed edges", () => {
  const header = Object.keys(good).join(",");
  test("a date that only contains a day is not ISO (not 'not a day of the calendar')", () => {
    expect(one({ ...good, startDate: "x2026-01-01" }).errors[0].message).toBe(
      'startDate "x2026-01-01" is not an ISO 8601 date' + KEPT,
    );
  });
  test("a short row is read with the columns it has", () => {
    const r = parseFeedCsv(`${header}\nc9,Short\n`);
    expect(r).toEqual({ rows: [{ line: 2, customerAccountId: "c9", customerName: "Short" }], errors: [] });
  });
  test("an unreadable CSV names the line where reading stopped", () => {
    expect(parseFeedCsv(`${header}\nc1,"unterminated\n`).errors[0].line).toBe(2);
  });
  test.each([
    ["a,b\rc;d;e;f", ","],
    ["a,b,c;d", ","],
  ])("sniffing %j -> %j", (text, delimiter) => expect(sniffDelimiter(text)).toBe(delimiter));
});
