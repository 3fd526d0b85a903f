/**
 * The rules of engagement: associations + policy + now -> verdict with reasons.
 * Pure: the same input gives the same verdict, and nothing here reads a clock or the network.
 */
import { Policy, precedenceOf, ruleFor } from "./policy";
import { addDays, dayStart, isDateOnly, parseDate } from "./dates";
import { authoredBy, judgeException, latestRejection, userKey } from "./exceptions";
import {
  DataNote,
  Engagement,
  Evidence,
  ExceptionState,
  OutreachException,
  PartnerAssociation,
  Reason,
  SourceOutcome,
  Verdict,
} from "./types";

export { parseDate };

const DAY_MS = 24 * 60 * 60 * 1000;

export interface VerdictInput {
  accountId: string;
  outcomes: SourceOutcome[];
  policy: Policy;
  /** The moment the policy is evaluated at (ISO string or epoch ms). */
  now: string | number;
  /**
   * The seller's clock, in minutes ahead of UTC at `now` (default 0: UTC). Date-only values are
   * calendar days in the seller's terms: a start date protects from the start of that day, an end
   * date is the last protected day (outreach opens when the seller's next day begins).
   */
  utcOffsetMinutes?: number;
  /** Requests recorded for the account, with their decisions; only an approval that counts opens outreach. */
  exceptions?: OutreachException[];
  /**
   * The user the verdict is for (the signed-in user's `systemuserid`). An approval never opens
   * outreach for one of its authors; without a user, no approval opens outreach.
   */
  userId?: string;
}

function isBlank(value: string | undefined): boolean {
  return value === undefined || value.trim() === "";
}

/** Same partner, type, dates, source and reference: the same evidence recorded twice. */
// Stryker disable StringLiteral,MethodExpression: an absent field only needs one common text, and both cases compare alike
function contentKey(a: PartnerAssociation): string {
  // One concatenation (no array per association): the fields lower-cased, absent ones empty, joined by "|".
  const lower = (v: string | undefined) => (v ?? "").toLowerCase();
  return (
    lower(a.customerAccountId) +
    "|" +
    lower(a.partnerId ?? a.partnerName) +
    "|" +
    lower(a.relationshipType) +
    "|" +
    lower(a.startDate) +
    "|" +
    lower(a.endDate) +
    "|" +
    lower(a.sourceKind) +
    "|" +
    lower(a.externalReference)
  );
}
// Stryker restore StringLiteral,MethodExpression

/**
 * When an association's protection begins and ends. Date-only values (what Dataverse's date-only
 * columns and feeds hold) are whole days of the seller's calendar: the start day is protected from
 * its first moment, the end date is the last protected day, and a window of N days covers N days.
 * Values with a time are moments and are taken as they are.
 */
function protection(a: PartnerAssociation, rule: ReturnType<typeof ruleFor>, offset: number) {
  const start = isDateOnly(a.startDate) ? dayStart(a.startDate, offset) : parseDate(a.startDate);
  if (isDateOnly(a.endDate))
    return { start, end: dayStart(addDays(a.endDate, 1), offset), lastDay: a.endDate.trim(), windowed: false };
  const end = parseDate(a.endDate);
  // A malformed end date cannot prove the association ended: treat it as open (the safe side).
  // Stryker disable next-line ConditionalExpression: an end that reads is never blank, so `end !== undefined` adds nothing to `!isBlank`
  if (end !== undefined || !isBlank(a.endDate) || rule?.protectionDays === undefined || start === undefined)
    return { start, end, lastDay: undefined, windowed: false };
  if (isDateOnly(a.startDate)) {
    const lastDay = addDays(a.startDate, rule.protectionDays - 1);
    return { start, end: dayStart(addDays(lastDay, 1), offset), lastDay, windowed: true };
  }
  return { start, end: start + rule.protectionDays * DAY_MS, lastDay: undefined, windowed: true };
}

function judge(a: PartnerAssociation, policy: Policy, now: number, offset: number, notes: DataNote[]): Evidence {
  if (!isBlank(a.startDate) && parseDate(a.startDate) === undefined)
    notes.push({ code: "bad-date", associationId: a.id, detail: `start ${a.startDate}` });
  if (!isBlank(a.endDate) && parseDate(a.endDate) === undefined)
    notes.push({ code: "bad-date", associationId: a.id, detail: `end ${a.endDate}` });
  if (isBlank(a.startDate) && !a.undated) notes.push({ code: "missing-start", associationId: a.id });
  if (a.relationshipType === "unknown") notes.push({ code: "unknown-type", associationId: a.id, detail: a.rawType });
  if (a.status === "unknown") notes.push({ code: "unknown-status", associationId: a.id, detail: a.rawStatus });
  if (isBlank(a.partnerName)) notes.push({ code: "missing-partner", associationId: a.id, detail: a.partnerId });

  const rule = ruleFor(policy, a.relationshipType);
  const { start, end: effectiveEnd, lastDay, windowed } = protection(a, rule, offset);
  const inheritedFrom =
    a.depth > 0 ? { accountId: a.customerAccountId, name: a.customerName, depth: a.depth } : undefined;
  const end = effectiveEnd === undefined ? undefined : new Date(effectiveEnd).toISOString();
  // Each evidence object is written out in full (the same keys in the same order): an object spread
  // here was a third of the time of a verdict.

  // Unknown status counts as active: a status we cannot read must not open outreach.
  const activeStatus = a.status !== "inactive";
  // Stryker disable next-line ConditionalExpression: `undefined <= now` is false, so the undefined check cannot change the outcome
  if (!activeStatus || (effectiveEnd !== undefined && effectiveEnd <= now)) {
    return evidenceOf(a, end, lastDay, windowed, inheritedFrom, "history", false, false);
  }
  // Stryker disable next-line ConditionalExpression: `undefined > now` is false, so the undefined check cannot change the outcome
  if (start !== undefined && start > now)
    return evidenceOf(a, end, lastDay, windowed, inheritedFrom, "future", false, false);
  // Stryker disable next-line OptionalChaining,LogicalOperator,BooleanLiteral: every known type has a rule (parsePolicy and DEFAULT_POLICY list them all)
  const blocks = a.relationshipType === "unknown" ? policy.unknownRelationshipType === "block" : (rule?.blocks ?? true);
  // Stryker disable next-line ConditionalExpression: without an end, `undefined - now` is NaN and never within the days
  const expiringSoon = blocks && effectiveEnd !== undefined && effectiveEnd - now <= policy.expiringSoonDays * DAY_MS;
  return evidenceOf(a, end, lastDay, windowed, inheritedFrom, "active", blocks, expiringSoon);
}

function evidenceOf(
  association: PartnerAssociation,
  effectiveEnd: string | undefined,
  lastDay: string | undefined,
  windowed: boolean,
  inheritedFrom: Evidence["inheritedFrom"],
  state: Evidence["state"],
  blocks: boolean,
  expiringSoon: boolean,
): Evidence {
  return { association, effectiveEnd, lastDay, windowed, inheritedFrom, state, blocks, expiringSoon };
}

function compareEvidence(policy: Policy) {
  const stateRank = { active: 0, future: 1, history: 2 } as const;
  return (x: Evidence, y: Evidence): number => {
    if (x.blocks !== y.blocks) return x.blocks ? -1 : 1;
    if (x.state !== y.state) return stateRank[x.state] - stateRank[y.state];
    const p =
      precedenceOf(policy, x.association.relationshipType) - precedenceOf(policy, y.association.relationshipType);
    if (p !== 0) return p;
    // Ties go to the most recent start; a missing start sorts last.
    const sx = parseDate(x.association.startDate) ?? -Infinity;
    const sy = parseDate(y.association.startDate) ?? -Infinity;
    if (sx !== sy) return sy - sx;
    // Then to the nearest account (the account's own before its parent's), then stable by id.
    if (x.association.depth !== y.association.depth) return x.association.depth - y.association.depth;
    return x.association.id.localeCompare(y.association.id);
  };
}

/** The account's requests as the rules judge them at `now` (requests made after `now` do not exist yet). */
function judgeRequests(
  exceptions: OutreachException[],
  accountId: string,
  policy: Policy,
  now: number,
): ExceptionState[] {
  // Stryker disable next-line ConditionalExpression,BlockStatement: a shortcut; the filters below give [] for no exceptions too
  if (!exceptions.length) return [];
  const seen = new Set<string>();
  return exceptions
    .filter((e) => e.accountId.toLowerCase() === accountId.toLowerCase())
    .filter((e) => !seen.has(e.id) && seen.add(e.id))
    .filter((e) => (parseDate(e.createdOn) ?? -Infinity) <= now)
    .map((e) => judgeException(e, policy, now));
}

/**
 * `new Date(ms).toISOString()`, remembered for the last moment asked: a list is judged at one
 * moment, thousands of times, and formatting the date was a tenth of a verdict's time.
 */
let lastIso: { ms: number; iso: string } | undefined;
function isoString(ms: number): string {
  // Stryker disable next-line ConditionalExpression: a memo; formatting again gives the same string
  if (lastIso?.ms !== ms) lastIso = { ms, iso: new Date(ms).toISOString() };
  return lastIso.iso;
}

export function evaluate(input: VerdictInput): Verdict {
  const { policy, accountId } = input;
  const now = typeof input.now === "number" ? input.now : Date.parse(input.now);
  const reasons: Reason[] = [];
  const notes: DataNote[] = [];
  const seenIds = new Set<string>();
  const seenContent = new Set<string>();
  const associations: PartnerAssociation[] = [];
  let hierarchyIgnored = 0;
  const exceptions: OutreachException[] = [...(input.exceptions ?? [])];
  const engagements: Engagement[] = [];
  const unread: Reason[] = [];
  // A parent (or its associations) this many levels up does not count under the policy.
  const beyond = (depth = 0) => depth > 0 && (!policy.hierarchy.enabled || depth > policy.hierarchy.maxDepth);

  for (const outcome of input.outcomes) {
    if (!outcome.ok) {
      reasons.push({ code: "source-failed", evidenceIds: [], source: outcome.source, failure: outcome.failure });
      continue;
    }
    // Exceptions only open outreach: unread, none counts, and the associations still decide.
    if (outcome.exceptionsFailure)
      unread.push({
        code: "exceptions-unread",
        evidenceIds: [],
        source: outcome.source,
        failure: outcome.exceptionsFailure,
      });
    // Loops rather than push(...spread): most outcomes bring none, and a spread call costs even then.
    for (const note of outcome.notes) {
      if (note.code !== "unreadable-parent") notes.push(note);
      // A parent named but not read (beyond the caller's read depth): what it holds cannot be ruled
      // out, unless the policy would not count it anyway (a parent beyond the hierarchy's depth).
      else if (!beyond(note.depth)) reasons.push({ code: "unreadable", evidenceIds: [], note });
    }
    if (outcome.exceptions) for (const e of outcome.exceptions) exceptions.push(e);
    if (outcome.engagements) for (const e of outcome.engagements) engagements.push(e);
    for (const a of outcome.associations) {
      if (seenIds.has(a.id)) continue; // the same row read twice (joins, pages): not a data problem
      seenIds.add(a.id);
      if (beyond(a.depth)) {
        hierarchyIgnored++;
        continue;
      }
      const key = contentKey(a);
      if (seenContent.has(key)) {
        notes.push({ code: "duplicate", associationId: a.id });
        continue;
      }
      seenContent.add(key);
      associations.push(a);
    }
  }

  const evidence = associations
    .map((a) => judge(a, policy, now, input.utcOffsetMinutes ?? 0, notes))
    .sort(compareEvidence(policy));
  const blocking = evidence.filter((e) => e.blocks);
  // A source that failed, or a parent it could not read (the only reasons so far).
  const failed = reasons.length > 0;
  const partnerOfRecord = blocking[0];

  for (const e of blocking) {
    const id = e.association.id;
    reasons.push({
      code: e.association.relationshipType === "unknown" ? "unknown-type-blocks" : "active-partner",
      evidenceIds: [id],
    });
    if (e.expiringSoon) reasons.push({ code: "expiring-soon", evidenceIds: [id] });
  }
  const activeNonBlocking = evidence.filter((e) => e.state === "active" && !e.blocks).map((e) => e.association.id);
  if (activeNonBlocking.length) reasons.push({ code: "not-blocking-type", evidenceIds: activeNonBlocking });
  const future = evidence.filter((e) => e.state === "future").map((e) => e.association.id);
  if (future.length) reasons.push({ code: "future-start", evidenceIds: future });
  const history = evidence.filter((e) => e.state === "history").map((e) => e.association.id);
  if (history.length && !blocking.length) reasons.push({ code: "history-only", evidenceIds: history });
  if (!evidence.length && !failed) reasons.push({ code: "no-associations", evidenceIds: [] });
  if (hierarchyIgnored) {
    reasons.push({
      code: "hierarchy-ignored",
      evidenceIds: [],
      note: { code: "too-deep", detail: String(hierarchyIgnored) },
    });
  }
  for (const note of notes)
    reasons.push({ code: "data-note", evidenceIds: note.associationId ? [note.associationId] : [], note });

  let outreach: Verdict["outreach"];
  let exception: ExceptionState | undefined;
  let expiresAt: string | undefined;
  const requests = judgeRequests(exceptions, accountId, policy, now);
  if (blocking.length) {
    // An approval opens outreach for everyone but its own authors (whoever approved cannot use it).
    const user = userKey(input.userId);
    exception = requests
      .filter((r) => r.status === "approved" && user && !authoredBy(r.decision, user))
      .sort((a, b) => (parseDate(b.validUntil) ?? 0) - (parseDate(a.validUntil) ?? 0))[0];
    if (exception) {
      outreach = "allowed";
      expiresAt = exception.validUntil;
      reasons.unshift({ code: "allowed-by-exception", evidenceIds: blocking.map((e) => e.association.id) });
    } else {
      // An approval that exists but does not count is said out loud, so nobody waits on it.
      for (const r of requests) {
        const ignored = [...r.ignored];
        if (r.status === "approved" && r.decision)
          ignored.push({ decision: r.decision, code: user ? "own-approval" : "unknown-user" });
        for (const { decision, code } of ignored) {
          if (decision.decision !== "approved") continue;
          reasons.push({
            code: "exception-not-counted",
            evidenceIds: [],
            ignoredDecision: { decisionId: decision.id, exceptionId: r.request.id, code, by: decision.createdByName },
          });
        }
      }
      for (const r of unread) reasons.push(r);
      outreach = "blocked";
      // The verdict lifts by itself only when every blocking association has an end.
      const ends = blocking.map((e) => (e.effectiveEnd === undefined ? undefined : Date.parse(e.effectiveEnd)));
      if (ends.every((x) => x !== undefined)) expiresAt = new Date(Math.max(...ends)).toISOString();
    }
  } else if (failed) {
    if (policy.onSourceFailure === "fail-open") {
      outreach = "allowed";
      reasons.push({ code: "fail-open", evidenceIds: [] });
    } else {
      outreach = "unverified";
    }
  } else {
    outreach = "allowed";
  }

  const pendingException = requests
    .filter((r) => r.status === "pending")
    .sort((a, b) => (parseDate(b.request.createdOn) ?? 0) - (parseDate(a.request.createdOn) ?? 0))[0];
  const engagement = engagements.sort((a, b) => b.on.localeCompare(a.on))[0];
  const rejectedException = latestRejection(requests);

  return {
    accountId,
    outreach,
    pendingException,
    rejectedException,
    engagement,
    partnerOfRecord,
    evidence,
    reasons,
    expiresAt,
    exception,
    sources: input.outcomes.map((o) => ({ source: o.source, ok: o.ok })),
    evaluatedAt: isoString(now),
  };
}
