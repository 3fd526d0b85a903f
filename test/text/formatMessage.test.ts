import { formatMessage } from "../../src/text/translate";
import { strictTranslate } from "../helpers/strings";

describe("messages", () => {
  test("placeholders are filled; unknown ones stay visible", () => {
    expect(formatMessage("{a} and {b}", { a: "x" })).toBe("x and {b}");
  });

  test.each([
    [0, "ends today."],
    [1, "ends within 1 day."],
    [2, "ends within 2 days."],
    [30, "ends within 30 days."],
  ])("ICU plural with an exact case: %i -> %s", (days, text) => {
    expect(formatMessage("ends {days, plural, =0 {today} one {within # day} other {within # days}}.", { days })).toBe(
      text,
    );
  });

  test("a count given as text is still counted", () => {
    expect(formatMessage("{n, plural, one {# row} other {# rows}}", { n: "1" })).toBe("1 row");
  });

  test.each([1033, 1031])("the card's plural strings read right for one and for many (%i)", (lcid) => {
    const t = strictTranslate(lcid);
    const one = t("Reason_hierarchy-ignored", { count: 1 });
    const many = t("Reason_hierarchy-ignored", { count: 3 });
    expect(one).toMatch(
      lcid === 1033
        ? /^1 association of parent accounts .* was not counted\.$/
        : /^1 Zuordnung .* wurde nicht berücksichtigt\.$/,
    );
    expect(many).toMatch(
      lcid === 1033
        ? /^3 associations of parent accounts .* were not counted\.$/
        : /^3 Zuordnungen .* wurden nicht berücksichtigt\.$/,
    );
    expect(t("Reason_expiring-soon", { type: "DPOR", partner: "Harbor", days: 1 })).toMatch(
      lcid === 1033 ? /ends within 1 day\.$/ : /endet innerhalb von 1 Tag\.$/,
    );
    expect(t("Reason_expiring-soon", { type: "DPOR", partner: "Harbor", days: 0 })).toMatch(
      lcid === 1033 ? /ends today\.$/ : /endet heute\.$/,
    );
  });
});
