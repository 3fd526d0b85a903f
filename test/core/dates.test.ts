import { isCalendarDate, parseDate } from "../../src/core/dates";

describe("parseDate: ISO 8601 only", () => {
  test.each([
    ["2026-11-24", "2026-11-24T00:00:00.000Z"],
    ["  2026-11-24  ", "2026-11-24T00:00:00.000Z"],
    ["2026-11-24T10:00:00Z", "2026-11-24T10:00:00.000Z"],
    ["2026-11-24T10:00:00.5Z", "2026-11-24T10:00:00.500Z"],
    ["2026-11-24 10:00:00+01:00", "2026-11-24T09:00:00.000Z"],
    ["2026-11-24T10:00:00+0100", "2026-11-24T09:00:00.000Z"],
    ["2026-11-24T10:00:00-02:30", "2026-11-24T12:30:00.000Z"],
    ["2024-02-29", "2024-02-29T00:00:00.000Z"],
  ])("%p is %s", (text, instant) => {
    const ms = parseDate(text);
    expect(ms).toBeDefined();
    expect(new Date(ms as number).toISOString()).toBe(instant);
  });

  test.each([
    undefined,
    "",
    "   ",
    "24/11/2026",
    "11/24/2026",
    "2026-11-24x",
    "x2026-11-24",
    "26-11-24",
    "20261-11-24",
    "2026-1-24",
    "2026-11-4",
    "2026-11-24T",
    "2026-11-24X10:00:00Z",
    "2026-11-24T10:00:00Q",
    "2026-11-24T10:00:00*01:00",
    "2026-11-24T10:00:00+1",
    "2026-11-24T10h00",
    "Tue, 24 Nov 2026 10:00:00 GMT",
    "2026-11-24 10:00:00 GMT",
    "2026-02-30",
    "2025-02-29",
    "2026-04-31",
    "2026-13-01",
    "2026-00-10",
    "2026-11-00",
  ])("%p cannot be read", (text) => {
    expect(parseDate(text)).toBeUndefined();
  });
});

describe("isCalendarDate: the day named exists", () => {
  test.each(["2024-02-29", "2026-12-31", "2026-01-01", "2026-02-28T23:00:00Z", " 2026-06-30 ", "2000-02-29"])(
    "%p exists",
    (text) => expect(isCalendarDate(text)).toBe(true),
  );
  test.each([
    "2026-02-29",
    "1900-02-29",
    "2026-04-31",
    "2026-06-31",
    "2026-13-01",
    "2026-00-01",
    "2026-01-00",
    "2026-01-32",
    "26-01-01",
    "2026/01/01",
    "x2026-01-01",
    // Date.UTC reads years 0-99 as 1900-1999: such a day is not the one named.
    "0050-01-01",
    "0099-12-31",
  ])("%p does not", (text) => expect(isCalendarDate(text)).toBe(false));
});

test("a date-time without a zone is read (as the machine's local time, like Date.parse)", () => {
  expect(parseDate("2026-11-24T10:00:00")).toBe(new Date(2026, 10, 24, 10, 0, 0).getTime());
});
