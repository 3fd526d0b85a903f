/**
 * The verdict as it is stored on the account for views and lists (issue 24; written by
 * `partnerguard sync --verdicts`). A stored verdict is nobody's in particular, so it is derived
 * from a verdict evaluated for **no user** (`evaluate` without `userId`), where an approved
 * exception opens outreach for nobody and shows as "exception-not-counted" with the code
 * `unknown-user`: that is exactly an approval that opens outreach for every seller but its own
 * authors, stored as `allowed-by-exception`. Pure: the faces turn the codes into words.
 *
 * - `unverified` whenever the verdict could not be verified, and also when a fail-open policy
 *   allowed outreach only because a source failed: a stored verdict never says "allowed" for an
 *   account nobody could check.
 * - `blocked` names the partner of record, its relationship type and the last protected day;
 *   `allowed-by-exception` names them too (the partner is still the partner of record).
 * - The last protected day is the calendar day (in the caller's `utcOffsetMinutes`) in which the
 *   protection of every blocking association has ended: none while one of them has no end.
 */
import { RelationshipType, Verdict } from "./types";

export type StoredOutreach = "allowed" | "blocked" | "unverified" | "allowed-by-exception";

export interface StoredVerdictValue {
  outreach: StoredOutreach;
  /** The partner of record's account id, when it has one. */
  partnerId?: string;
  /** The partner's name as the evidence names it. */
  partnerName?: string;
  relationshipType?: RelationshipType;
  /** `YYYY-MM-DD`: the last day of the protection; absent while it has no end (or nothing protects). */
  protectedUntil?: string;
}

/** The stored form of a verdict evaluated for no user (see above). */
export function storedVerdict(verdict: Verdict, utcOffsetMinutes = 0): StoredVerdictValue {
  const failOpen = verdict.reasons.some((r) => r.code === "fail-open");
  if (verdict.outreach === "unverified" || (verdict.outreach === "allowed" && failOpen))
    return { outreach: "unverified" };
  const por = verdict.partnerOfRecord;
  if (verdict.outreach === "allowed" || !por) return { outreach: "allowed" };
  // An approval that counts for everyone but its authors: the core names it `unknown-user` when
  // the verdict is for nobody (verdict.ts); any other ignored decision does not open outreach.
  const byException = verdict.reasons.some(
    (r) => r.code === "exception-not-counted" && r.ignoredDecision?.code === "unknown-user",
  );
  const type = por.association.relationshipType;
  const stored: StoredVerdictValue = {
    outreach: byException ? "allowed-by-exception" : "blocked",
    partnerId: por.association.partnerId,
    partnerName: por.association.partnerName,
    relationshipType: type === "unknown" ? undefined : type,
  };
  // The protection ends when every blocking association's has (what `expiresAt` says for a blocked
  // verdict); its last day is the day of the moment just before, on the caller's calendar.
  const ends = verdict.evidence.filter((e) => e.blocks).map((e) => e.effectiveEnd);
  if (ends.length && ends.every((e) => e !== undefined)) {
    const end = Math.max(...ends.map((e) => Date.parse(e ?? "")));
    stored.protectedUntil = new Date(end - 1 + utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
  }
  return stored;
}

/** Whether two stored verdicts say the same (absent and empty values alike). */
export function sameStoredVerdict(a: StoredVerdictValue, b: StoredVerdictValue): boolean {
  const norm = (v: string | undefined) => (v === undefined || v === "" ? undefined : v.toLowerCase());
  return (
    a.outreach === b.outreach &&
    norm(a.partnerId) === norm(b.partnerId) &&
    (a.partnerName ?? "") === (b.partnerName ?? "") &&
    a.relationshipType === b.relationshipType &&
    a.protectedUntil === b.protectedUntil
  );
}
