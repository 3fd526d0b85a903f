/**
 * What a face reads back from session storage, checked against its type before use: a resolution
 * another frame of the page stored, or its "pending" marker. Anything that does not have the shape
 * (another version of PartnerGuard, a hand-edited value, a foreign key) reads as nothing, and the
 * face resolves itself. The policy inside is run through the policy's own parser: a stored value can
 * never carry a policy the parser would not produce.
 */
import { ShapeOf, all, conforms, many, maybe } from "../core/json";
import { parsePolicy } from "../core/policy";
import {
  DataNote,
  Evidence,
  ExceptionDecision,
  ExceptionState,
  IgnoredDecisionCode,
  OutreachException,
  PartnerAssociation,
  RELATIONSHIP_TYPES,
  Reason,
  SOURCE_FAILURE_KINDS,
  SourceFailure,
  Verdict,
} from "../core/types";
import { PartnerGuardConfig } from "./configSource";
import { Resolution } from "./resolver";

const S = "s";
const N = "n";
const B = "b";
const optS = maybe<string>(S);
const optN = maybe<number>(N);

const failure: ShapeOf<SourceFailure> = { kind: SOURCE_FAILURE_KINDS, message: S };

const note: ShapeOf<DataNote> = {
  code: all<DataNote["code"]>()(
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
    "unreadable-parent",
  ),
  associationId: optS,
  detail: optS,
  depth: optN,
};

const association: ShapeOf<PartnerAssociation> = {
  id: S,
  customerAccountId: S,
  customerName: optS,
  partnerId: optS,
  partnerName: optS,
  relationshipType: [...RELATIONSHIP_TYPES, "unknown"],
  rawType: optS,
  status: all<PartnerAssociation["status"]>()("active", "inactive", "unknown"),
  rawStatus: optS,
  startDate: optS,
  endDate: optS,
  source: S,
  sourceKind: all<PartnerAssociation["sourceKind"]>()("dataverse", "graph", "feed"),
  externalReference: optS,
  partnerContactId: optS,
  partnerContactName: optS,
  depth: N,
  readAt: optS,
  undated: maybe<boolean>(B),
};

const decision: ShapeOf<ExceptionDecision> = {
  id: S,
  exceptionId: S,
  decision: all<ExceptionDecision["decision"]>()("approved", "rejected", "unknown"),
  days: optN,
  createdBy: optS,
  createdOnBehalfBy: optS,
  createdByName: optS,
  createdOn: optS,
  note: optS,
};

const request: ShapeOf<OutreachException> = {
  id: S,
  accountId: S,
  createdBy: optS,
  createdOnBehalfBy: optS,
  requestedFor: optS,
  requestedBy: optS,
  createdOn: optS,
  requestedDays: optN,
  reason: optS,
  justification: optS,
  decisions: many<ExceptionDecision>(decision),
};

const ignoredCode = all<IgnoredDecisionCode>()(
  "own-request",
  "unknown-decider",
  "unreadable",
  "after-lapse",
  "unknown-requester",
  "other-account",
  "own-approval",
  "unknown-user",
);

const exceptionState: ShapeOf<ExceptionState> = {
  request,
  status: all<ExceptionState["status"]>()("pending", "approved", "rejected", "expired", "lapsed"),
  decision: maybe<ExceptionDecision>(decision),
  validUntil: optS,
  approvedBy: optS,
  ignored: many<ExceptionState["ignored"][number]>({ decision, code: ignoredCode }),
};
const optState = maybe<ExceptionState>(exceptionState);

const evidence: ShapeOf<Evidence> = {
  association,
  state: all<Evidence["state"]>()("active", "future", "history"),
  blocks: B,
  effectiveEnd: optS,
  lastDay: optS,
  windowed: B,
  expiringSoon: B,
  inheritedFrom: maybe<NonNullable<Evidence["inheritedFrom"]>>({ accountId: S, name: optS, depth: N }),
};

const reason: ShapeOf<Reason> = {
  code: all<Reason["code"]>()(
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
    "unreadable",
    "exceptions-unread",
  ),
  evidenceIds: many<string>(S),
  source: optS,
  failure: maybe<SourceFailure>(failure),
  note: maybe<DataNote>(note),
  ignoredDecision: maybe<NonNullable<Reason["ignoredDecision"]>>({
    decisionId: S,
    exceptionId: S,
    code: ignoredCode,
    by: optS,
  }),
};

const verdict: ShapeOf<Verdict> = {
  accountId: S,
  outreach: all<Verdict["outreach"]>()("allowed", "blocked", "unverified"),
  partnerOfRecord: maybe<Evidence>(evidence),
  evidence: many<Evidence>(evidence),
  reasons: many<Reason>(reason),
  expiresAt: optS,
  exception: optState,
  pendingException: optState,
  rejectedException: optState,
  engagement: maybe<NonNullable<Verdict["engagement"]>>({ on: S, by: optS }),
  sources: many<Verdict["sources"][number]>({ source: S, ok: B }),
  evaluatedAt: S,
};

/** The configuration as stored: its policy is checked by the policy's own parser, not by shape. */
type StoredConfig = Omit<PartnerGuardConfig, "policy"> & { policy?: unknown };
type StoredResolution = Omit<Resolution, "config"> & { config: StoredConfig };

const resolution: ShapeOf<StoredResolution> = {
  verdict,
  config: {
    policy: maybe<unknown>({}),
    policyProblems: many<string>(S),
    graphEnabled: B,
    graphClientId: optS,
    graphTenantId: optS,
    graphScopes: maybe<string[]>(many<string>(S)),
    failure: maybe<SourceFailure>(failure),
  },
  tenantId: optS,
  unaskedSources: many<string>(S),
};

/** A resolution as PartnerGuard stored it, or undefined; its policy must be one the parser produces unchanged. */
export function readResolution(value: unknown): Resolution | undefined {
  if (!conforms<StoredResolution>(value, resolution)) return undefined;
  const parsed = parsePolicy(value.config.policy);
  if (parsed.problems.length || JSON.stringify(parsed.policy) !== JSON.stringify(value.config.policy)) return undefined;
  return { ...value, config: { ...value.config, policy: parsed.policy } };
}

/** What one frame shares with the others of its page load, per account. */
export type StoredState =
  | { state: "pending"; page: string; owner: string; until: number; tenantId: string; sources: string[] }
  | { state: "settled"; page: string; at: number; tenantId: string; sources: string[]; resolution: Resolution };

type Pending = Extract<StoredState, { state: "pending" }>;
type Settled = Omit<Extract<StoredState, { state: "settled" }>, "resolution"> & { resolution: unknown };
const pending: ShapeOf<Pending> = {
  state: ["pending"],
  page: S,
  owner: S,
  until: N,
  tenantId: S,
  sources: many<string>(S),
};
const settled: ShapeOf<Settled> = {
  state: ["settled"],
  page: S,
  at: N,
  tenantId: S,
  sources: many<string>(S),
  resolution: maybe<unknown>({}),
};

export function readStoredState(value: unknown): StoredState | undefined {
  if (conforms<Pending>(value, pending)) return value;
  if (!conforms<Settled>(value, settled)) return undefined;
  const read = readResolution(value.resolution);
  return read ? { ...value, resolution: read } : undefined;
}
