import { DEFAULT_POLICY, parsePolicy } from "../../src/core/policy";

describe("parsePolicy", () => {
  test("empty input gives the defaults and no problems", () => {
    expect(parsePolicy(undefined)).toEqual({ policy: DEFAULT_POLICY, problems: [] });
    expect(parsePolicy("")).toEqual({ policy: DEFAULT_POLICY, problems: [] });
  });

  test("the default policy: every type but other blocks, deal registrations protect 90 days, fail closed", () => {
    expect(DEFAULT_POLICY.relationshipTypes.filter((r) => !r.blocks).map((r) => r.type)).toEqual(["other"]);
    expect(DEFAULT_POLICY.relationshipTypes.find((r) => r.type === "deal-registration")?.protectionDays).toBe(90);
    expect(DEFAULT_POLICY.onSourceFailure).toBe("fail-closed");
    expect(DEFAULT_POLICY.hierarchy).toEqual({ enabled: true, maxDepth: 10 });
    expect(DEFAULT_POLICY.expiringSoonDays).toBe(30);
  });

  test("invalid JSON keeps the defaults and says why", () => {
    const r = parsePolicy("{ not json");
    expect(r.policy).toBe(DEFAULT_POLICY);
    expect(r.problems[0]).toMatch(/not valid JSON/);
  });

  test.each([
    [{ expiringSoonDays: -1 }, "expiringSoonDays"],
    [{ expiringSoonDays: "30" }, "expiringSoonDays"],
    [{ onSourceFailure: "maybe" }, "onSourceFailure"],
    [{ hierarchy: { maxDepth: 1000 } }, "hierarchy.maxDepth"],
    [{ relationshipTypes: [{ type: "bogus" }] }, "relationshipTypes[0].type"],
    [{ relationshipTypes: "csp" }, "relationshipTypes"],
    [{ sourceTimeoutMs: 60000 }, "sourceTimeoutMs"],
    [{ colour: "blue" }, "colour"],
  ])("%j is reported (%s) and the default kept", (input, path) => {
    const r = parsePolicy(JSON.stringify(input));
    expect(r.problems.some((p) => p.startsWith(path))).toBe(true);
  });

  test("a partial override keeps every other default", () => {
    const r = parsePolicy({ expiringSoonDays: 45, relationshipTypes: [{ type: "other", blocks: true }] });
    expect(r.problems).toEqual([]);
    expect(r.policy.expiringSoonDays).toBe(45);
    expect(r.policy.relationshipTypes[0]).toEqual({ type: "other", blocks: true });
    expect(r.policy.relationshipTypes).toHaveLength(9);
    expect(r.policy.onSourceFailure).toBe("fail-closed");
  });
});
