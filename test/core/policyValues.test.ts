/**
 * The policy values the rules actually use: a value in range is used, one out of range (or of the
 * wrong kind) is reported and the default is used instead. Checked on the parsed policy and, for
 * the rules' numbers, on the verdict a seller sees.
 */
import { evaluate } from "../../src/core/verdict";
import { DEFAULT_POLICY, Policy, parsePolicy, precedenceOf, ruleFor } from "../../src/core/policy";
import { RELATIONSHIP_TYPES } from "../../src/core/types";
import { association, ok } from "../helpers/associations";

const DAY = 86_400_000;
const NOW = Date.parse("2026-11-24T12:00:00Z");

const verdictWith = (policy: Policy, overrides: Parameters<typeof association>[0]) =>
  evaluate({ accountId: "acc-1", outcomes: [ok([association(overrides)])], policy, now: NOW });

/** Read a dotted path ("exceptions.maxDays") of the parsed policy. */
function valueAt(policy: Policy, path: string): unknown {
  return path.split(".").reduce<unknown>((v, key) => (v as Record<string, unknown>)[key], policy);
}

/** `{ a: { b: value } }` for "a.b". */
function override(path: string, value: unknown): Record<string, unknown> {
  return path
    .split(".")
    .reverse()
    .reduce<unknown>((v, key) => ({ [key]: v }), value) as Record<string, unknown>;
}

describe.each([
  ["expiringSoonDays", 0, 365, 30],
  ["hierarchy.maxDepth", 0, 100, 10],
  ["sourceTimeoutMs", 500, 9000, 5000],
  ["freshnessSeconds", 0, 600, 30],
  ["exceptions.defaultDays", 1, 365, 14],
  ["exceptions.maxDays", 1, 365, 30],
  ["exceptions.minJustificationLength", 0, 2000, 20],
])("%s: a whole number from %i to %i, default %i", (path, min, max, fallback) => {
  // defaultDays above maxDays is clamped (tested below): keep the other one out of the way.
  const withRoom = (value: unknown) =>
    path === "exceptions.defaultDays"
      ? { exceptions: { defaultDays: value, maxDays: 365 } }
      : path === "exceptions.maxDays"
        ? { exceptions: { defaultDays: 1, maxDays: value } }
        : override(path, value);

  test.each([min, max])("%p is used as given", (value) => {
    const r = parsePolicy(JSON.stringify(withRoom(value)));
    expect(r.problems).toEqual([]);
    expect(valueAt(r.policy, path)).toBe(value);
  });

  test.each([min - 1, max + 1, min + 0.5, `${min}`, null, true])("%p is reported and the default used", (value) => {
    const r = parsePolicy(withRoom(value));
    expect(r.problems).toEqual([`${path}: expected a whole number from ${min} to ${max}`]);
    expect(valueAt(r.policy, path)).toBe(fallback);
  });

  test("left out, the default is used without a problem", () => {
    const r = parsePolicy({});
    expect(r.problems).toEqual([]);
    expect(valueAt(r.policy, path)).toBe(fallback);
  });
});

describe("choices and switches", () => {
  test.each([
    ["onSourceFailure", "fail-open", "fail-closed", "expected one of fail-closed, fail-open"],
    ["unknownRelationshipType", "ignore", "block", "expected one of block, ignore"],
  ])("%s: %s is used; anything else is reported and %s used", (key, valid, fallback, message) => {
    expect(parsePolicy({ [key]: valid })).toMatchObject({ problems: [], policy: { [key]: valid } });
    expect(parsePolicy({ [key]: fallback })).toMatchObject({ problems: [], policy: { [key]: fallback } });
    for (const bad of ["maybe", valid.toUpperCase(), 1, true]) {
      const r = parsePolicy({ [key]: bad });
      expect(r.problems).toEqual([`${key}: ${message}`]);
      expect(valueAt(r.policy, key)).toBe(fallback);
    }
  });

  test.each([
    ["hierarchy.enabled", true],
    ["graph.enabled", false],
  ])("%s: a boolean is used; anything else is reported and the default (%p) used", (path, fallback) => {
    for (const value of [true, false]) {
      const r = parsePolicy(override(path, value));
      expect(r.problems).toEqual([]);
      expect(valueAt(r.policy, path)).toBe(value);
    }
    for (const bad of ["false", 0, "yes"]) {
      const r = parsePolicy(override(path, bad));
      expect(r.problems).toEqual([`${path}: expected true or false`]);
      expect(valueAt(r.policy, path)).toBe(fallback);
    }
  });
});

describe("the values the verdict uses", () => {
  test("an invalid expiringSoonDays: the verdict warns 30 days ahead, as by default", () => {
    const { policy, problems } = parsePolicy({ expiringSoonDays: -1 });
    expect(problems).toHaveLength(1);
    expect(verdictWith(policy, { endDate: new Date(NOW + 30 * DAY).toISOString() }).partnerOfRecord?.expiringSoon).toBe(
      true,
    );
    expect(
      verdictWith(policy, { endDate: new Date(NOW + 30 * DAY + 1).toISOString() }).partnerOfRecord?.expiringSoon,
    ).toBe(false);
  });

  test("an invalid hierarchy depth: ten levels of ancestors count, as by default", () => {
    const { policy } = parsePolicy({ hierarchy: { maxDepth: 1000 } });
    expect(verdictWith(policy, { depth: 10 }).outreach).toBe("blocked");
    expect(verdictWith(policy, { depth: 11 }).outreach).toBe("allowed");
  });

  test("maxDepth 0: only the account's own associations count", () => {
    const { policy } = parsePolicy({ hierarchy: { maxDepth: 0 } });
    expect(verdictWith(policy, { depth: 0 }).outreach).toBe("blocked");
    const v = verdictWith(policy, { depth: 1 });
    expect(v.outreach).toBe("allowed");
    expect(v.reasons).toEqual([
      { code: "no-associations", evidenceIds: [] },
      { code: "hierarchy-ignored", evidenceIds: [], note: { code: "too-deep", detail: "1" } },
    ]);
  });

  test("the hierarchy switched off still counts the account's own associations", () => {
    const { policy } = parsePolicy({ hierarchy: { enabled: false } });
    const own = verdictWith(policy, { depth: 0 });
    expect(own.outreach).toBe("blocked");
    expect(own.partnerOfRecord?.inheritedFrom).toBeUndefined();
  });

  test("an invalid onSourceFailure: a failed source leaves the verdict unverified (fail closed)", () => {
    const { policy } = parsePolicy({ onSourceFailure: "open" });
    const v = evaluate({
      accountId: "acc-1",
      outcomes: [
        { source: "Dataverse", sourceKind: "dataverse", ok: false, failure: { kind: "timeout", message: "" } },
      ],
      policy,
      now: NOW,
    });
    expect(v.outreach).toBe("unverified");
  });

  test("an invalid unknownRelationshipType: an unknown type blocks, as by default", () => {
    const { policy } = parsePolicy({ unknownRelationshipType: "allow" });
    expect(verdictWith(policy, { relationshipType: "unknown" }).outreach).toBe("blocked");
  });
});

describe("exceptions.defaultDays never exceeds exceptions.maxDays", () => {
  test("larger: reported, and maxDays is used", () => {
    const r = parsePolicy({ exceptions: { defaultDays: 60, maxDays: 20 } });
    expect(r.problems).toEqual(["exceptions.defaultDays: larger than exceptions.maxDays; maxDays applies"]);
    expect(r.policy.exceptions).toEqual({ defaultDays: 20, maxDays: 20, minJustificationLength: 20 });
  });

  test("the default 14 days is clamped too when the admin lowers maxDays below it", () => {
    const r = parsePolicy({ exceptions: { maxDays: 7 } });
    expect(r.problems).toEqual(["exceptions.defaultDays: larger than exceptions.maxDays; maxDays applies"]);
    expect(r.policy.exceptions.defaultDays).toBe(7);
  });

  test("equal: used as given", () => {
    const r = parsePolicy({ exceptions: { defaultDays: 20, maxDays: 20 } });
    expect(r.problems).toEqual([]);
    expect(r.policy.exceptions.defaultDays).toBe(20);
  });

  test("the default policy is not changed by clamping", () => {
    parsePolicy({ exceptions: { maxDays: 3 } });
    expect(DEFAULT_POLICY.exceptions).toEqual({ defaultDays: 14, maxDays: 30, minJustificationLength: 20 });
  });
});

describe("relationship types", () => {
  const types = (policy: Policy) => policy.relationshipTypes.map((r) => r.type);

  test("the defaults: all types in precedence order, every one but other blocks, deal registrations 90 days", () => {
    expect(DEFAULT_POLICY.relationshipTypes).toEqual(
      RELATIONSHIP_TYPES.map((type) =>
        type === "deal-registration" ? { type, blocks: true, protectionDays: 90 } : { type, blocks: type !== "other" },
      ),
    );
  });

  test("listed types come first in the listed order; the others keep their default rule after them", () => {
    const r = parsePolicy({ relationshipTypes: [{ type: "gdap" }, { type: "pal", blocks: false }] });
    expect(r.problems).toEqual([]);
    expect(types(r.policy)).toEqual(["gdap", "pal", ...RELATIONSHIP_TYPES.filter((t) => t !== "gdap" && t !== "pal")]);
    expect(r.policy.relationshipTypes.slice(0, 2)).toEqual([
      { type: "gdap", blocks: true },
      { type: "pal", blocks: false },
    ]);
    expect(ruleFor(r.policy, "deal-registration")).toEqual({
      type: "deal-registration",
      blocks: true,
      protectionDays: 90,
    });
  });

  test("an empty list keeps the default rules", () => {
    expect(parsePolicy({ relationshipTypes: [] })).toEqual({ policy: { ...DEFAULT_POLICY }, problems: [] });
  });

  test("a window on a type that has none by default is used", () => {
    const r = parsePolicy({ relationshipTypes: [{ type: "pal", protectionDays: 10 }] });
    expect(r.problems).toEqual([]);
    expect(ruleFor(r.policy, "pal")).toEqual({ type: "pal", blocks: true, protectionDays: 10 });
  });

  test("the deal-registration window: used when valid, the default 90 days when not", () => {
    const valid = parsePolicy({ relationshipTypes: [{ type: "deal-registration", protectionDays: 3650 }] });
    expect(ruleFor(valid.policy, "deal-registration")?.protectionDays).toBe(3650);
    for (const bad of [0, 3651, 1.5, "30"]) {
      const r = parsePolicy({ relationshipTypes: [{ type: "deal-registration", protectionDays: bad }] });
      expect(r.problems).toEqual(["relationshipTypes[0].protectionDays: expected a whole number from 1 to 3650"]);
      expect(ruleFor(r.policy, "deal-registration")).toEqual({
        type: "deal-registration",
        blocks: true,
        protectionDays: 90,
      });
    }
    const oneDay = parsePolicy({ relationshipTypes: [{ type: "deal-registration", protectionDays: 1 }] });
    expect(ruleFor(oneDay.policy, "deal-registration")?.protectionDays).toBe(1);
  });

  test("an invalid blocks is reported and the type's default used", () => {
    const r = parsePolicy({
      relationshipTypes: [
        { type: "other", blocks: "yes" },
        { type: "pal", blocks: 0 },
      ],
    });
    expect(r.problems).toEqual([
      "relationshipTypes[0].blocks: expected true or false",
      "relationshipTypes[1].blocks: expected true or false",
    ]);
    expect(ruleFor(r.policy, "other")?.blocks).toBe(false);
    expect(ruleFor(r.policy, "pal")?.blocks).toBe(true);
  });

  test("an unknown type or a non-object entry is reported and skipped", () => {
    const r = parsePolicy({ relationshipTypes: [{ type: "reseller" }, "pal", null, { type: "pal" }] });
    const expected = `expected one of ${RELATIONSHIP_TYPES.join(", ")}`;
    expect(r.problems).toEqual([
      `relationshipTypes[0].type: ${expected}`,
      `relationshipTypes[1].type: ${expected}`,
      `relationshipTypes[2].type: ${expected}`,
    ]);
    expect(types(r.policy)[0]).toBe("pal");
    expect(r.policy.relationshipTypes).toHaveLength(RELATIONSHIP_TYPES.length);
  });

  test("a type listed twice: the first entry counts, the second is reported", () => {
    const r = parsePolicy({
      relationshipTypes: [
        { type: "pal", blocks: false },
        { type: "pal", blocks: true },
      ],
    });
    expect(r.problems).toEqual(["relationshipTypes[1].type: pal is listed twice; the first entry counts"]);
    expect(ruleFor(r.policy, "pal")?.blocks).toBe(false);
    expect(types(r.policy).filter((t) => t === "pal")).toHaveLength(1);
  });

  test("not a list: reported, default rules used", () => {
    const r = parsePolicy({ relationshipTypes: { type: "pal" } });
    expect(r.problems).toEqual(["relationshipTypes: expected a list"]);
    expect(r.policy.relationshipTypes).toEqual(DEFAULT_POLICY.relationshipTypes);
  });

  test("precedence: the position in the list; a type the policy does not list ranks last", () => {
    const { policy } = parsePolicy({ relationshipTypes: [{ type: "gdap" }] });
    expect(precedenceOf(policy, "gdap")).toBe(0);
    expect(precedenceOf(policy, "csp-reseller")).toBe(1);
    expect(precedenceOf(policy, "unknown")).toBe(RELATIONSHIP_TYPES.length);
    expect(ruleFor(policy, "unknown")).toBeUndefined();
  });
});

describe("the document as a whole", () => {
  test.each([undefined, null, ""])("%p: the defaults, nothing to report", (input) => {
    const r = parsePolicy(input);
    expect(r.policy).toBe(DEFAULT_POLICY);
    expect(r.problems).toEqual([]);
  });

  test.each([[[]], [42], ["[1]"], ['"text"'], [true]])("%p is not an object: reported, the defaults apply", (input) => {
    const r = parsePolicy(input);
    expect(r.policy).toBe(DEFAULT_POLICY);
    expect(r.problems).toEqual(["policy must be a JSON object; defaults apply"]);
  });

  test("invalid JSON: reported with the parser's message, the defaults apply", () => {
    const r = parsePolicy("{ not json");
    expect(r.policy).toBe(DEFAULT_POLICY);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatch(/^policy is not valid JSON \(.+\); defaults apply$/);
  });

  test("an empty object is the default policy", () => {
    expect(parsePolicy("{}")).toEqual({ policy: { ...DEFAULT_POLICY }, problems: [] });
  });

  test("unknown settings are reported and ignored; $schema is not a setting", () => {
    const r = parsePolicy({ $schema: "./policy.schema.json", colour: "blue", expiringSoon: 10 });
    expect(r.problems).toEqual(["colour: unknown setting, ignored", "expiringSoon: unknown setting, ignored"]);
    expect(r.policy).toEqual({ ...DEFAULT_POLICY });
  });

  test("every known setting at once, all valid: all used, nothing reported", () => {
    const input = {
      relationshipTypes: [{ type: "other", blocks: true }],
      expiringSoonDays: 10,
      hierarchy: { enabled: false, maxDepth: 3 },
      onSourceFailure: "fail-open",
      unknownRelationshipType: "ignore",
      graph: { enabled: true, listsUseImported: true },
      sourceTimeoutMs: 800,
      freshnessSeconds: 0,
      exceptions: { defaultDays: 2, maxDays: 4, minJustificationLength: 5 },
    };
    const r = parsePolicy(JSON.stringify(input));
    expect(r.problems).toEqual([]);
    expect(r.policy).toEqual({
      ...input,
      relationshipTypes: [{ type: "other", blocks: true }, ...DEFAULT_POLICY.relationshipTypes.slice(0, -1)],
    });
  });
});

describe("invalid values never weaken the protection", () => {
  test("an invalid window on a type that has none by default: reported, and the type stays open-ended", () => {
    const r = parsePolicy({ relationshipTypes: [{ type: "pal", protectionDays: 0 }] });
    expect(r.problems).toEqual(["relationshipTypes[0].protectionDays: expected a whole number from 1 to 3650"]);
    expect(ruleFor(r.policy, "pal")).toEqual({ type: "pal", blocks: true });
    const v = verdictWith(r.policy, { relationshipType: "pal", startDate: "2020-01-01" });
    expect(v.outreach).toBe("blocked");
    expect(v.partnerOfRecord).toMatchObject({ windowed: false, effectiveEnd: undefined });
  });

  test.each(["hierarchy", "graph", "exceptions"])(
    "%s that is not an object is reported and the defaults kept",
    (key) => {
      for (const bad of [false, "off", 3, ["enabled"]]) {
        const r = parsePolicy({ [key]: bad });
        expect(r.problems).toEqual([`${key}: expected an object`]);
        expect(valueAt(r.policy, key)).toEqual(valueAt(DEFAULT_POLICY, key));
      }
    },
  );
});
