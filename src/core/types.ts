/** Domain types of the rules of engagement. Pure data: no I/O, no host types. */

/** Relationship types in the default order of precedence (first wins). */
export const RELATIONSHIP_TYPES = [
  "csp-reseller",
  "csp-indirect-reseller",
  "cpor",
  "dpor",
  "pal",
  "deal-registration",
  "co-sell-referral",
  "gdap",
  "other",
] as const;

export type RelationshipType = (typeof RELATIONSHIP_TYPES)[number];

export function isRelationshipType(value: unknown): value is RelationshipType {
  // Stryker disable next-line ConditionalExpression: the list holds strings only
  return typeof value === "string" && (RELATIONSHIP_TYPES as readonly string[]).includes(value);
}

/** Where a piece of evidence was read. */
type SourceKind = "dataverse" | "graph" | "feed";

/** A problem in the data itself (not a failed source): shown to the user, never thrown. */
export interface DataNote {
  code:
    | "unknown-type"
    | "unknown-status"
    | "missing-start"
    | "bad-date"
    | "missing-partner"
    | "duplicate"
    | "parent-loop"
    | "too-deep"
    | "too-many-rows"
    | "bad-row"
    // A parent the data names but the answer left out (the caller cannot read it, or a feed does
    // not hold it): not an absent one. It makes the verdict "could not be verified" unless it blocks.
    | "unreadable-parent";
  /** The association the note is about, when there is one. */
  associationId?: string;
  /** Free detail (a raw value, a count, a line number); plain text, never HTML. */
  detail?: string;
  /** For a row of the account's hierarchy: how many levels above the account it sits. */
  depth?: number;
}

/** One piece of evidence that a partner serves a customer. */
export interface PartnerAssociation {
  id: string;
  /** The account the association is recorded on (the form's account or one of its ancestors). */
  customerAccountId: string;
  customerName?: string;
  partnerId?: string;
  partnerName?: string;
  /** `"unknown"` when the source carried a type code we do not know; `rawType` keeps it. */
  relationshipType: RelationshipType | "unknown";
  rawType?: string;
  /** `"unknown"` when the source carried a status we do not know. */
  status: "active" | "inactive" | "unknown";
  rawStatus?: string;
  /** ISO 8601 strings as read; parsed by the policy (malformed ones become notes). */
  startDate?: string;
  endDate?: string;
  /** Human label of the source, e.g. "Dataverse", "Partner feed", "Microsoft Graph". */
  source: string;
  sourceKind: SourceKind;
  externalReference?: string;
  partnerContactId?: string;
  partnerContactName?: string;
  /** 0 for the account itself, n for its n-th ancestor. */
  depth: number;
  /** When the source read it (Graph associations carry it). */
  readAt?: string;
  /** The source never carries dates for this kind of evidence (Graph contracts): no "missing start" note. */
  undated?: boolean;
}

/** Why a source could not answer. */
export const SOURCE_FAILURE_KINDS = [
  "timeout",
  "unauthorized",
  "forbidden",
  "throttled",
  "network",
  "malformed",
  "server",
  "not-found",
  "invalid-input",
  "not-connected",
  // Graph refused PartnerGuard's request itself (a 400 not about the account's data): for the admin.
  "request-refused",
  // More rows than one query may read (the platform's 50,000-row limit, or a bound of ours).
  "too-many-rows",
] as const;

export type SourceFailureKind = (typeof SOURCE_FAILURE_KINDS)[number];

export interface SourceFailure {
  kind: SourceFailureKind;
  /** Technical message for admins (plain text). */
  message: string;
}

/** What one source returned: evidence, or a typed failure. Errors are values. */
export type SourceOutcome =
  | {
      source: string;
      sourceKind: SourceKind;
      ok: true;
      associations: PartnerAssociation[];
      notes: DataNote[];
      /** Outreach exceptions read with the associations (Dataverse only). */
      exceptions?: OutreachException[];
      /** Recent partner engagements on the account (Dataverse only). */
      engagements?: Engagement[];
      /**
       * Set when the exception requests could not be read (Dataverse only). Exceptions only ever
       * open outreach: then none counts, and the associations read still decide.
       */
      exceptionsFailure?: SourceFailure;
      /**
       * Set when a part of the source could not be read (say Graph's contracts refused while its
       * GDAP relationships answered): what was read may be incomplete. The resolver decides what
       * that means for the verdict.
       */
      partialFailure?: SourceFailure;
    }
  | { source: string; sourceKind: SourceKind; ok: false; failure: SourceFailure };

/**
 * A seller's request for an outreach exception, as read from Dataverse. Who asked and when are
 * the server's `createdby`/`createdon`; the request itself never changes after creation.
 */
export interface OutreachException {
  id: string;
  accountId: string;
  /** `createdby`: the requester's user id (absent when it could not be read). */
  createdBy?: string;
  /** `createdonbehalfby`: who made the request as `createdBy` (impersonation); an author as much as `createdBy`. */
  createdOnBehalfBy?: string;
  /**
   * The account the request was made for (`pg_requestedforaccountid`, written on create, never
   * updatable). A request counts only for that account: Merge may move it to another.
   */
  requestedFor?: string;
  /** The requester's display name, when read. */
  requestedBy?: string;
  /** `createdon` (server-set). */
  createdOn?: string;
  requestedDays?: number;
  reason?: string;
  justification?: string;
  /** Every decision recorded on the request, as read. */
  decisions: ExceptionDecision[];
}

/** An approver's decision on a request: a row only approvers can create, and nobody can change. */
export interface ExceptionDecision {
  id: string;
  exceptionId: string;
  /** `"unknown"` when the choice value could not be read: it never approves. */
  decision: "approved" | "rejected" | "unknown";
  /** Days the approval lasts from `createdOn` (capped by the policy's `exceptions.maxDays`). */
  days?: number;
  /** `createdby`: the decider's user id; a decision without one does not count. */
  createdBy?: string;
  /** `createdonbehalfby`: who created the decision as `createdBy` (impersonation); an author too. */
  createdOnBehalfBy?: string;
  createdByName?: string;
  /** `createdon`: the moment of the decision, set by the server. */
  createdOn?: string;
  /** `pg_note`: what the approver wrote, plain text (shown to sellers as text, never as HTML). */
  note?: string;
}

/** Why a decision on a request does not count. */
export type IgnoredDecisionCode =
  | "own-request"
  | "unknown-decider"
  | "unreadable"
  | "after-lapse"
  | "unknown-requester"
  // The request names another account than the one it is on now (Merge moved it).
  | "other-account"
  // The approval counts, but not for the user the verdict is for: they gave it (or could not be told apart).
  | "own-approval"
  | "unknown-user";

/** A request as the rules judged it at `now`. */
export interface ExceptionState {
  request: OutreachException;
  status: "pending" | "approved" | "rejected" | "expired" | "lapsed";
  /** The counted decision behind `status` (absent while pending or lapsed). */
  decision?: ExceptionDecision;
  /** For an approval: when it stops allowing outreach. */
  validUntil?: string;
  /** Display name of the approver, when read. */
  approvedBy?: string;
  /** Decisions that exist but do not count, and why. */
  ignored: { decision: ExceptionDecision; code: IgnoredDecisionCode }[];
}

/** The latest time a seller engaged the partner on the account (from the audit trail). */
export interface Engagement {
  on: string;
  by?: string;
}

type EvidenceState = "active" | "future" | "history";

/** An association as the policy judged it. */
export interface Evidence {
  association: PartnerAssociation;
  state: EvidenceState;
  /** True when this evidence blocks direct outreach. */
  blocks: boolean;
  /** The moment protection ends (exclusive): after the end date, or at the end of a protection window. */
  effectiveEnd?: string;
  /** The last protected calendar day (`YYYY-MM-DD`), when the dates are date-only: what the card shows as "until". */
  lastDay?: string;
  /** True when `effectiveEnd` comes from a protection window rather than an end date. */
  windowed: boolean;
  expiringSoon: boolean;
  /** Set when the association sits on an ancestor of the account. */
  inheritedFrom?: { accountId: string; name?: string; depth: number };
}

type ReasonCode =
  | "active-partner"
  | "expiring-soon"
  | "history-only"
  | "no-associations"
  | "not-blocking-type"
  | "unknown-type-blocks"
  | "future-start"
  | "source-failed"
  | "fail-open"
  | "allowed-by-exception"
  | "exception-not-counted"
  | "hierarchy-ignored"
  | "data-note"
  // A row the data names could not be read (`note` says which): the verdict cannot be verified.
  | "unreadable"
  // The exception requests could not be read: no exception counts (`failure` says why).
  | "exceptions-unread";

/** A reason behind the verdict. Every reason names the evidence (or the source) behind it. */
export interface Reason {
  code: ReasonCode;
  evidenceIds: string[];
  source?: string;
  failure?: SourceFailure;
  note?: DataNote;
  /** For `exception-not-counted`: the decision that was ignored, and why. */
  ignoredDecision?: { decisionId: string; exceptionId: string; code: IgnoredDecisionCode; by?: string };
}

export type Outreach = "allowed" | "blocked" | "unverified";

export interface Verdict {
  accountId: string;
  outreach: Outreach;
  /** The active association of highest precedence (absent when nothing blocks). */
  partnerOfRecord?: Evidence;
  /** All evidence, partner of record first, then active, then the rest (history last). */
  evidence: Evidence[];
  reasons: Reason[];
  /** When the verdict will change by itself (a blocking end date, an exception's end). */
  expiresAt?: string;
  /** The approved exception that allows outreach, when one does. */
  exception?: ExceptionState;
  /** A request waiting for an approver, when there is one. */
  pendingException?: ExceptionState;
  /** The account's latest request, when an approver rejected it (exceptions.ts latestRejection). */
  rejectedException?: ExceptionState;
  /** The latest engagement of the partner on this account, when recent. */
  engagement?: Engagement;
  /** Sources consulted, and whether each answered. */
  sources: { source: string; ok: boolean }[];
  evaluatedAt: string;
}
