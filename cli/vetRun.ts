/**
 * Vet a whole list: match rows to accounts (each match query brings the accounts' associations
 * and exceptions along), walk the hierarchy level by level (with the ancestors' associations),
 * then one verdict per distinct account with the same core as the control. See batchSource.
 */
import { evaluate } from "../src/core/verdict";
import { Policy } from "../src/core/policy";
import { Outreach, SourceFailure, Verdict } from "../src/core/types";
import {
  AccountInfo,
  BatchOptions,
  EvidenceStore,
  FetchXmlPager,
  MatchColumn,
  MatchResult,
  matchAccounts,
  outcomeFor,
  walkHierarchy,
} from "../src/sources/node/batchSource";
import { matchInStore } from "../src/sources/node/feedSource";
import { DATAVERSE_SOURCE } from "../src/sources/dataverseSource";
import { ListRow, MATCH_ORDER, VetList } from "./vetList";
import { Progress } from "./io";
import { mainReason, partnerLabel, t, typeLabel } from "./words";

export type MatchStatus = "matched" | "unmatched" | "ambiguous" | "invalid" | "no-key" | "failed";

export interface VettedRow {
  row: ListRow;
  status: MatchStatus;
  accountId?: string;
  candidates?: AccountInfo[];
  verdict?: Verdict;
  /** The row's outcome: the verdict's, or unverified when the row could not be matched. */
  outreach: Outreach;
  partnerOfRecord: string;
  relationshipType: string;
  reason: string;
  /** Why the row's lookup failed, when it did. */
  failure?: SourceFailure;
}

export interface VetOptions extends BatchOptions {
  policy: Policy;
  now: number;
  progress?: Progress;
}

const COLUMN_WORDS: Record<MatchColumn, string> = {
  accountId: "account id",
  accountNumber: "account number",
  tenantId: "customer tenant id",
  email: "email domain",
  domain: "web domain",
  name: "account name",
};

function unverified(row: ListRow, status: MatchStatus, reason: string, extra: Partial<VettedRow> = {}): VettedRow {
  return { row, status, outreach: "unverified", partnerOfRecord: "", relationshipType: "", reason, ...extra };
}

/** Dataverse, read in batches; or a feed already in memory (offline). */
export type VetSource = { pager: FetchXmlPager } | { store: EvidenceStore };

export async function vetList(source: VetSource, list: VetList, options: VetOptions): Promise<VettedRow[]> {
  const { progress } = options;
  const batch: BatchOptions = { ...options, onStep: () => progress?.tick() };
  const store = "store" in source ? source.store : new EvidenceStore();
  const at = new Date(options.now).toISOString();

  const matches = new Map<MatchColumn, MatchResult>();
  for (const column of MATCH_ORDER) {
    const values = [
      ...new Set(list.rows.flatMap((r) => (r.match?.column === column && "value" in r.match ? [r.match.value] : []))),
    ];
    if (!values.length) continue;
    progress?.phase(`matching by ${COLUMN_WORDS[column]}`);
    matches.set(
      column,
      "pager" in source
        ? await matchAccounts(source.pager, column, values, { ...batch, evidence: { store, at } })
        : matchInStore(store, column, values),
    );
  }
  if ("pager" in source) {
    progress?.phase("reading parent accounts");
    await walkHierarchy(source.pager, store, batch);
  }
  progress?.done();

  const verdicts = new Map<string, Verdict>();
  const verdictOf = (id: string) => {
    let v = verdicts.get(id);
    if (!v) {
      v = evaluate({ accountId: id, outcomes: [outcomeFor(id, store)], policy: options.policy, now: options.now });
      verdicts.set(id, v);
    }
    return v;
  };

  const vetRow = (row: ListRow): VettedRow => {
    const match = row.match;
    if (!match)
      return unverified(row, "no-key", "no account id, account number, tenant id, email, domain or name on this row");
    if ("invalid" in match) return unverified(row, "invalid", `cannot match: ${match.invalid}`);
    const found = matches.get(match.column);
    const failure: SourceFailure | undefined = found?.failed.get(match.value);
    if (failure)
      return unverified(
        row,
        "failed",
        t("Reason_source-failed", { source: DATAVERSE_SOURCE, failure: t(`Failure_${failure.kind}`) }),
        { failure },
      );
    const candidates = found?.byValue.get(match.value) ?? [];
    const what = `${COLUMN_WORDS[match.column]} ${match.value}`;
    if (!candidates.length) return unverified(row, "unmatched", `no account matches ${what}`);
    if (candidates.length > 1) {
      const names = candidates.slice(0, 5).map((c) => `${c.name ?? "(no name)"} ${c.id}`);
      return unverified(row, "ambiguous", `${candidates.length} accounts match ${what}: ${names.join("; ")}`, {
        candidates,
      });
    }
    const verdict = verdictOf(candidates[0].id);
    const por = verdict.partnerOfRecord;
    return {
      row,
      status: "matched",
      accountId: candidates[0].id,
      verdict,
      outreach: verdict.outreach,
      partnerOfRecord: por ? partnerLabel(por) : "",
      relationshipType: por ? typeLabel(por) : "",
      reason: mainReason(verdict),
    };
  };
  // Tens of thousands of verdicts are seconds of CPU: hand the event loop back now and then, so
  // a progress bar redraws and open keep-alive sockets are not left unserved for long.
  const out: VettedRow[] = [];
  for (let i = 0; i < list.rows.length; i++) {
    out.push(vetRow(list.rows[i]));
    if (i % 2000 === 1999) await new Promise((r) => setImmediate(r));
  }
  return out;
}

export interface VetSummary {
  rows: number;
  byOutreach: Record<Outreach, number>;
  byStatus: Partial<Record<MatchStatus, number>>;
  byColumn: Partial<Record<MatchColumn, number>>;
  topPartners: { partner: string; rows: number }[];
}

export function summarize(rows: VettedRow[]): VetSummary {
  const byOutreach: Record<Outreach, number> = { allowed: 0, blocked: 0, unverified: 0 };
  const byStatus: Partial<Record<MatchStatus, number>> = {};
  const byColumn: Partial<Record<MatchColumn, number>> = {};
  const partners = new Map<string, number>();
  for (const r of rows) {
    byOutreach[r.outreach]++;
    byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    if (r.row.match) byColumn[r.row.match.column] = (byColumn[r.row.match.column] ?? 0) + 1;
    if (r.outreach === "blocked" && r.partnerOfRecord)
      partners.set(r.partnerOfRecord, (partners.get(r.partnerOfRecord) ?? 0) + 1);
  }
  const topPartners = [...partners]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 10)
    .map(([partner, count]) => ({ partner, rows: count }));
  return { rows: rows.length, byOutreach, byStatus, byColumn, topPartners };
}

export { COLUMN_WORDS };
