/**
 * What a face reads back from session storage, parsed into typed values: a resolution another
 * frame of the page stored, or its "pending" marker. Anything that does not have the shape (another
 * version of PartnerGuard, a hand-edited value, a foreign key) reads as nothing, and the face
 * resolves itself. The policy inside is run through the policy's own parser: a stored value can
 * never carry a policy the parser would not produce.
 */
import { Reader, arrayOf, bool, everyOf, num, objectOf, oneOf, str } from "../core/json";
import { parsePolicy } from "../core/policy";
import {
  DataNote,
  Engagement,
  Evidence,
  ExceptionDecision,
  ExceptionState,
  IgnoredDecisionCode,
  OutreachException,
  PartnerAssociation,
  RELATIONSHIP_TYPES,
  Reason,
  SourceFailure,
  SOURCE_FAILURE_KINDS,
  Verdict,
} from "../core/types";
import { PartnerGuardConfig } from "./configSource";
import { Resolution } from "./resolver";

const failure: Reader<SourceFailure> = objectOf((f) => ({
  kind: f.req("kind", oneOf(SOURCE_FAILURE_KINDS)),
  message: f.req("message", str),
}));

const note: Reader<DataNote> = objectOf((f) => ({
  code: f.req(
    "code",
    everyOf<DataNote["code"]>()(
      "unknown-type",
      "unknown-status",
      "missing-start",
      "bad-date",
      "missing-partner",
      "duplicate",
      "parent-loop",
      "too-deep",
      "too-many-rows",
      "bad-row",
    ),
  ),
  associationId: f.opt("associationId", str),
  detail: f.opt("detail", str),
}));

const association: Reader<PartnerAssociation> = objectOf((f) => ({
  id: f.req("id", str),
  customerAccountId: f.req("customerAccountId", str),
  customerName: f.opt("customerName", str),
  partnerId: f.opt("partnerId", str),
  partnerName: f.opt("partnerName", str),
  relationshipType: f.req("relationshipType", oneOf([...RELATIONSHIP_TYPES, "unknown"] as const)),
  rawType: f.opt("rawType", str),
  status: f.req("status", everyOf<PartnerAssociation["status"]>()("active", "inactive", "unknown")),
  rawStatus: f.opt("rawStatus", str),
  startDate: f.opt("startDate", str),
  endDate: f.opt("endDate", str),
  source: f.req("source", str),
  sourceKind: f.req("sourceKind", everyOf<PartnerAssociation["sourceKind"]>()("dataverse", "graph", "feed")),
  externalReference: f.opt("externalReference", str),
  partnerContactId: f.opt("partnerContactId", str),
  partnerContactName: f.opt("partnerContactName", str),
  depth: f.req("depth", num),
  readAt: f.opt("readAt", str),
  undated: f.opt("undated", bool),
}));

const decision: Reader<ExceptionDecision> = objectOf((f) => ({
  id: f.req("id", str),
  exceptionId: f.req("exceptionId", str),
  decision: f.req("decision", everyOf<ExceptionDecision["decision"]>()("approved", "rejected", "unknown")),
  days: f.opt("days", num),
  createdBy: f.opt("createdBy", str),
  createdByName: f.opt("createdByName", str),
  createdOn: f.opt("createdOn", str),
  note: f.opt("note", str),
}));

const request: Reader<OutreachException> = objectOf((f) => ({
  id: f.req("id", str),
  accountId: f.req("accountId", str),
  createdBy: f.opt("createdBy", str),
  requestedBy: f.opt("requestedBy", str),
  createdOn: f.opt("createdOn", str),
  requestedDays: f.opt("requestedDays", num),
  reason: f.opt("reason", str),
  justification: f.opt("justification", str),
  decisions: f.req("decisions", arrayOf(decision)),
}));

const ignoredCode = everyOf<IgnoredDecisionCode>()(
  "own-request",
  "unknown-decider",
  "unreadable",
  "after-lapse",
  "unknown-requester",
);

const exceptionState: Reader<ExceptionState> = objectOf((f) => ({
  request: f.req("request", request),
  status: f.req("status", everyOf<ExceptionState["status"]>()("pending", "approved", "rejected", "expired", "lapsed")),
  decision: f.opt("decision", decision),
  validUntil: f.opt("validUntil", str),
  approvedBy: f.opt("approvedBy", str),
  ignored: f.req(
    "ignored",
    arrayOf(objectOf((g) => ({ decision: g.req("decision", decision), code: g.req("code", ignoredCode) }))),
  ),
}));

const engagement: Reader<Engagement> = objectOf((f) => ({ on: f.req("on", str), by: f.opt("by", str) }));

const evidence: Reader<Evidence> = objectOf((f) => ({
  association: f.req("association", association),
  state: f.req("state", everyOf<Evidence["state"]>()("active", "future", "history")),
  blocks: f.req("blocks", bool),
  effectiveEnd: f.opt("effectiveEnd", str),
  lastDay: f.opt("lastDay", str),
  windowed: f.req("windowed", bool),
  expiringSoon: f.req("expiringSoon", bool),
  inheritedFrom: f.opt(
    "inheritedFrom",
    objectOf((g) => ({ accountId: g.req("accountId", str), name: g.opt("name", str), depth: g.req("depth", num) })),
  ),
}));

const reason: Reader<Reason> = objectOf((f) => ({
  code: f.req(
    "code",
    everyOf<Reason["code"]>()(
      "active-partner",
      "expiring-soon",
      "history-only",
      "no-associations",
      "not-blocking-type",
      "unknown-type-blocks",
      "future-start",
      "source-failed",
      "fail-open",
      "allowed-by-exception",
      "exception-not-counted",
      "hierarchy-ignored",
      "data-note",
    ),
  ),
  evidenceIds: f.req("evidenceIds", arrayOf(str)),
  source: f.opt("source", str),
  failure: f.opt("failure", failure),
  note: f.opt("note", note),
  ignoredDecision: f.opt(
    "ignoredDecision",
    objectOf((g) => ({
      decisionId: g.req("decisionId", str),
      exceptionId: g.req("exceptionId", str),
      code: g.req("code", ignoredCode),
      by: g.opt("by", str),
    })),
  ),
}));

const readVerdict: Reader<Verdict> = objectOf((f) => ({
  accountId: f.req("accountId", str),
  outreach: f.req("outreach", everyOf<Verdict["outreach"]>()("allowed", "blocked", "unverified")),
  partnerOfRecord: f.opt("partnerOfRecord", evidence),
  evidence: f.req("evidence", arrayOf(evidence)),
  reasons: f.req("reasons", arrayOf(reason)),
  expiresAt: f.opt("expiresAt", str),
  exception: f.opt("exception", exceptionState),
  pendingException: f.opt("pendingException", exceptionState),
  rejectedException: f.opt("rejectedException", exceptionState),
  engagement: f.opt("engagement", engagement),
  sources: f.req("sources", arrayOf(objectOf((g) => ({ source: g.req("source", str), ok: g.req("ok", bool) })))),
  evaluatedAt: f.req("evaluatedAt", str),
}));

/** The policy as its own parser reads it; a value it would change or complain about does not read. */
const policy: Reader<PartnerGuardConfig["policy"]> = (value) => {
  if (value === undefined) return undefined;
  const parsed = parsePolicy(value);
  return parsed.problems.length === 0 && JSON.stringify(parsed.policy) === JSON.stringify(value)
    ? parsed.policy
    : undefined;
};

const config: Reader<PartnerGuardConfig> = objectOf((f) => ({
  policy: f.req("policy", policy),
  policyProblems: f.req("policyProblems", arrayOf(str)),
  graphEnabled: f.req("graphEnabled", bool),
  graphClientId: f.opt("graphClientId", str),
  graphTenantId: f.opt("graphTenantId", str),
  graphScopes: f.opt("graphScopes", arrayOf(str)),
  failure: f.opt("failure", failure),
}));

export const readResolution: Reader<Resolution> = objectOf((f) => ({
  verdict: f.req("verdict", readVerdict),
  config: f.req("config", config),
  tenantId: f.opt("tenantId", str),
  unaskedSources: f.req("unaskedSources", arrayOf(str)),
}));

/** What one frame shares with the others of its page load, per account. */
export type StoredState =
  | { state: "pending"; page: string; owner: string; until: number; tenantId: string; sources: string[] }
  | { state: "settled"; page: string; at: number; tenantId: string; sources: string[]; resolution: Resolution };

export const readStoredState: Reader<StoredState> = (value) =>
  objectOf<StoredState>((f) => {
    const common = {
      page: f.req("page", str),
      tenantId: f.req("tenantId", str),
      sources: f.req("sources", arrayOf(str)),
    };
    return f.req("state", oneOf(["pending", "settled"] as const)) === "pending"
      ? { state: "pending", ...common, owner: f.req("owner", str), until: f.req("until", num) }
      : { state: "settled", ...common, at: f.req("at", num), resolution: f.req("resolution", readResolution) };
  })(value);
