import { formatMessage } from "../../src/text/translate";

const ROWS = "{n, plural, one {# row} other {# rows}}";

describe("placeholders", () => {
  test("every placeholder is filled, including falsy values", () => {
    expect(formatMessage("{a}{b} and {a}", { a: 0, b: "" })).toBe("0 and 0");
  });
  test("without params the text is unchanged; names are words only", () => {
    expect(formatMessage("{a} {a-b} { a }")).toBe("{a} {a-b} { a }");
    expect(formatMessage("{a-b}", { "a-b": "x" })).toBe("{a-b}");
  });
  test("in a message with a plural, plain placeholders are filled too (unknown ones stay)", () => {
    expect(formatMessage(`{who} has ${ROWS} in {where}.`, { who: "Avery", n: 2 })).toBe("Avery has 2 rows in {where}.");
  });
});

describe("plurals", () => {
  test("every # is the number", () => {
    expect(formatMessage("{n, plural, other {# of #}}", { n: 3 })).toBe("3 of 3");
  });
  test("exact cases of more than one digit", () => {
    const t = "{n, plural, =10 {ten} =1 {exactly one} other {#}}";
    expect(formatMessage(t, { n: 10 })).toBe("ten");
    expect(formatMessage(t, { n: 1 })).toBe("exactly one");
    expect(formatMessage(t, { n: 11 })).toBe("11");
  });
  test("cases may be written without spaces between them", () => {
    expect(formatMessage("{n, plural, one{# row}other{# rows}}", { n: 1 })).toBe("1 row");
    expect(formatMessage("{n, plural, one{# row}other{# rows}}", { n: 4 })).toBe("4 rows");
  });
  test("the locale's plural categories are used", () => {
    const t = "{n, plural, one {# one} few {# few} many {# many} other {# other}}";
    expect(formatMessage(t, { n: 0 }, "fr")).toBe("0 one");
    expect(formatMessage(t, { n: 0 }, "en")).toBe("0 other");
    expect(formatMessage(t, { n: 0 })).toBe("0 other");
    expect(formatMessage(t, { n: 2 }, "pl")).toBe("2 few");
    expect(formatMessage(t, { n: 5 }, "pl")).toBe("5 many");
  });
  test("a value that is not a number takes the other case and is shown as given", () => {
    expect(formatMessage(ROWS, { n: "many" })).toBe("many rows");
    expect(formatMessage(ROWS, {})).toBe(" rows");
  });
  test("without an other case, an unmatched number gives nothing", () => {
    expect(formatMessage("[{n, plural, one {# row}}]", { n: 2 })).toBe("[]");
  });
  test("a plural that is never closed is shown as written", () => {
    expect(formatMessage("{n, plural, one {# row}", { n: 1 })).toBe("{n, plural, one {# row}");
  });
  test("text around two plurals", () => {
    expect(formatMessage(`a ${ROWS}, b {m, plural, one {# day} other {# days}}.`, { n: 1, m: 3 })).toBe(
      "a 1 row, b 3 days.",
    );
  });
});
