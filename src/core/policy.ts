/**
 * The policy is data: admins override it with the JSON environment variable of the solution.
 * `parsePolicy` turns untrusted JSON into a complete policy, keeping defaults for anything
 * missing and reporting every value it had to ignore.
 */
import { isObject } from "./json";
import { RELATIONSHIP_TYPES, RelationshipType, isRelationshipType } from "./types";

interface RelationshipRule {
  type: RelationshipType;
  /** Whether an active association of this type makes a partner of record. */
  blocks: boolean;
  /** Protection window in days from the start when the association has no end date. */
  protectionDays?: number;
}

export interface Policy {
  /** In precedence order: the first blocking type present wins. */
  relationshipTypes: RelationshipRule[];
  /** An active association ending within this many days warns "expiring soon". */
  expiringSoonDays: number;
  hierarchy: { enabled: boolean; maxDepth: number };
  /** What a source that fails or times out means for the verdict. */
  onSourceFailure: "fail-closed" | "fail-open";
  /** An active association with a type code we do not know: block (safe) or ignore. */
  unknownRelationshipType: "block" | "ignore";
  /**
   * `listsUseImported`: where Graph cannot be asked live (grid selections, the gated out-of-box
   * commands), the Graph evidence `partnerguard sync --graph` imported into Dataverse stands in for
   * the live answer. Off (the default), such an account with Graph on is "could not be verified".
   */
  graph: { enabled: boolean; listsUseImported: boolean };
  /** Budget for all sources together on form load, in milliseconds. */
  sourceTimeoutMs: number;
  /** How long a verdict already resolved in the window is reused (moving between records, both faces). */
  freshnessSeconds: number;
  exceptions: { defaultDays: number; maxDays: number; minJustificationLength: number };
}

export const DEFAULT_POLICY: Policy = Object.freeze({
  relationshipTypes: RELATIONSHIP_TYPES.map((type) => ({
    type,
    blocks: type !== "other",
    ...(type === "deal-registration" ? { protectionDays: 90 } : {}),
  })),
  expiringSoonDays: 30,
  hierarchy: { enabled: true, maxDepth: 10 },
  onSourceFailure: "fail-closed",
  unknownRelationshipType: "block",
  graph: { enabled: false, listsUseImported: false },
  sourceTimeoutMs: 5000,
  freshnessSeconds: 30,
  exceptions: { defaultDays: 14, maxDays: 30, minJustificationLength: 20 },
});

interface PolicyParseResult {
  policy: Policy;
  /** One line per ignored value, e.g. `expiringSoonDays: expected a number from 0 to 365`. */
  problems: string[];
}

type Json = Record<string, unknown>;

function intIn(
  obj: Json,
  key: string,
  min: number,
  max: number,
  fallback: number,
  problems: string[],
  path: string,
): number {
  const value = obj[key];
  if (value === undefined) return fallback;
  // Stryker disable next-line ConditionalExpression: Number.isInteger is false for anything but a number
  if (typeof value === "number" && Number.isInteger(value) && value >= min && value <= max) return value;
  problems.push(`${path}${key}: expected a whole number from ${min} to ${max}`);
  return fallback;
}

function oneOf<T extends string>(
  obj: Json,
  key: string,
  allowed: readonly T[],
  fallback: T,
  problems: string[],
  path = "",
): T {
  const value = obj[key];
  if (value === undefined) return fallback;
  // Stryker disable next-line ConditionalExpression: the allowed list holds strings only
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
  problems.push(`${path}${key}: expected one of ${allowed.join(", ")}`);
  return fallback;
}

function bool(obj: Json, key: string, fallback: boolean, problems: string[], path: string): boolean {
  const value = obj[key];
  if (value === undefined) return fallback;
  if (typeof value === "boolean") return value;
  problems.push(`${path}${key}: expected true or false`);
  return fallback;
}

/** A nested settings object; anything else is reported and its defaults apply. */
function section(obj: Json, key: string, problems: string[]): Json {
  const value = obj[key];
  if (value === undefined) return {};
  if (isObject(value)) return value;
  problems.push(`${key}: expected an object`);
  return {};
}

function parseRelationshipTypes(value: unknown, problems: string[]): RelationshipRule[] {
  if (value === undefined) return DEFAULT_POLICY.relationshipTypes;
  if (!Array.isArray(value)) {
    problems.push("relationshipTypes: expected a list");
    return DEFAULT_POLICY.relationshipTypes;
  }
  const rules: RelationshipRule[] = [];
  value.forEach((item: unknown, index) => {
    const path = `relationshipTypes[${index}].`;
    if (!isObject(item) || !isRelationshipType(item.type)) {
      problems.push(`${path}type: expected one of ${RELATIONSHIP_TYPES.join(", ")}`);
      return;
    }
    if (rules.some((r) => r.type === item.type)) {
      problems.push(`${path}type: ${item.type} is listed twice; the first entry counts`);
      return;
    }
    const fallback = DEFAULT_POLICY.relationshipTypes.find((r) => r.type === item.type);
    const rule: RelationshipRule = {
      type: item.type,
      // Stryker disable next-line OptionalChaining,LogicalOperator,BooleanLiteral: a valid type always has a default rule
      blocks: bool(item, "blocks", fallback?.blocks ?? true, problems, path),
    };
    // An invalid window falls back to the type's default window, which for most types is none
    // (open-ended): never to a window the admin did not ask for.
    // Stryker disable next-line OptionalChaining: a valid type always has a default rule
    const days = intIn(item, "protectionDays", 1, 3650, fallback?.protectionDays ?? 0, problems, path);
    if (days > 0) rule.protectionDays = days;
    rules.push(rule);
  });
  // Types the admin left out keep their default rule, after the listed ones.
  for (const rule of DEFAULT_POLICY.relationshipTypes) {
    if (!rules.some((r) => r.type === rule.type)) rules.push(rule);
  }
  return rules;
}

/** Parse the policy JSON (a string, or an already parsed value). Never throws. */
export function parsePolicy(input: unknown): PolicyParseResult {
  const problems: string[] = [];
  let raw = input;
  if (raw === undefined || raw === null || raw === "") return { policy: DEFAULT_POLICY, problems };
  if (typeof raw === "string") {
    try {
      raw = JSON.parse(raw) as unknown;
    } catch (e) {
      return {
        policy: DEFAULT_POLICY,
        problems: [`policy is not valid JSON (${(e as Error).message}); defaults apply`],
      };
    }
  }
  if (!isObject(raw)) return { policy: DEFAULT_POLICY, problems: ["policy must be a JSON object; defaults apply"] };
  const d = DEFAULT_POLICY;
  const hierarchy = section(raw, "hierarchy", problems);
  const graph = section(raw, "graph", problems);
  const exceptions = section(raw, "exceptions", problems);
  const known = new Set([
    "relationshipTypes",
    "expiringSoonDays",
    "hierarchy",
    "onSourceFailure",
    "unknownRelationshipType",
    "graph",
    "sourceTimeoutMs",
    "freshnessSeconds",
    "exceptions",
    "$schema",
  ]);
  for (const key of Object.keys(raw)) if (!known.has(key)) problems.push(`${key}: unknown setting, ignored`);
  const policy: Policy = {
    relationshipTypes: parseRelationshipTypes(raw.relationshipTypes, problems),
    expiringSoonDays: intIn(raw, "expiringSoonDays", 0, 365, d.expiringSoonDays, problems, ""),
    hierarchy: {
      enabled: bool(hierarchy, "enabled", d.hierarchy.enabled, problems, "hierarchy."),
      maxDepth: intIn(hierarchy, "maxDepth", 0, 100, d.hierarchy.maxDepth, problems, "hierarchy."),
    },
    onSourceFailure: oneOf(raw, "onSourceFailure", ["fail-closed", "fail-open"] as const, d.onSourceFailure, problems),
    unknownRelationshipType: oneOf(
      raw,
      "unknownRelationshipType",
      ["block", "ignore"] as const,
      d.unknownRelationshipType,
      problems,
    ),
    graph: {
      enabled: bool(graph, "enabled", d.graph.enabled, problems, "graph."),
      listsUseImported: bool(graph, "listsUseImported", d.graph.listsUseImported, problems, "graph."),
    },
    sourceTimeoutMs: intIn(raw, "sourceTimeoutMs", 500, 9000, d.sourceTimeoutMs, problems, ""),
    freshnessSeconds: intIn(raw, "freshnessSeconds", 0, 600, d.freshnessSeconds, problems, ""),
    exceptions: {
      defaultDays: intIn(exceptions, "defaultDays", 1, 365, d.exceptions.defaultDays, problems, "exceptions."),
      maxDays: intIn(exceptions, "maxDays", 1, 365, d.exceptions.maxDays, problems, "exceptions."),
      minJustificationLength: intIn(
        exceptions,
        "minJustificationLength",
        0,
        2000,
        d.exceptions.minJustificationLength,
        problems,
        "exceptions.",
      ),
    },
  };
  if (policy.exceptions.defaultDays > policy.exceptions.maxDays) {
    problems.push("exceptions.defaultDays: larger than exceptions.maxDays; maxDays applies");
    policy.exceptions.defaultDays = policy.exceptions.maxDays;
  }
  return { policy, problems };
}

/** Precedence rank of a type under the policy (lower wins); unknown types rank last. */
export function precedenceOf(policy: Policy, type: RelationshipType | "unknown"): number {
  const index = policy.relationshipTypes.findIndex((r) => r.type === type);
  return index === -1 ? policy.relationshipTypes.length : index;
}

export function ruleFor(policy: Policy, type: RelationshipType | "unknown"): RelationshipRule | undefined {
  return policy.relationshipTypes.find((r) => r.type === type);
}
