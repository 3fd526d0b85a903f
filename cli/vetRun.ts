/**
 * Vet a whole list: match rows to accounts, walk the hierarchy, read associations (all batched,
 * see batchSource), then one verdict per distinct account with the same core as the control.
 */
import { evaluate } from "../src/core/verdict";
import { Policy } from "../src/core/policy";
import { Outreach, SourceFailure, Verdict } from "../src/core/types";
import {
  AccountInfo,
  BatchOptions,
  DEFAULT_CHUNK,
  DOMAIN_CHUNK,
  FetchXmlPager,
  MatchColumn,
  matchAccounts,
  outcomeFor,
  readAssociations,
  readExceptions,
  walkHierarchy,
} from "../src/sources/node/batchSource";
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
  email: "email domain",
  domain: "web domain",
  name: "account name",
};

function unverified(row: ListRow, status: MatchStatus, reason: string, extra: Partial<VettedRow> = {}): VettedRow {
  return { row, status, outreach: "unverified", partnerOfRecord: "", relationshipType: "", reason, ...extra };
}

export async function vetList(pager: FetchXmlPager, list: VetList, options: VetOptions): Promise<VettedRow[]> {
  const { progress } = options;
  const batch: BatchOptions = { ...options, onStep: () => progress?.tick() };
  const chunk = options.chunkSize ?? DEFAULT_CHUNK;

  const matches = new Map<MatchColumn, Awaited<ReturnType<typeof matchAccounts>>>();
  for (const column of MATCH_ORDER) {
    const values = [...new Set(list.rows.flatMap((r) => (r.match?.column === column && "value" in r.match ? [r.match.value] : [])))];
    if (!values.length) continue;
    const size = column === "email" || column === "domain" ? Math.min(chunk, DOMAIN_CHUNK) : chunk;
    progress?.phase(`matching by ${COLUMN_WORDS[column]}`, Math.ceil(values.length / size));
    matches.set(column, await matchAccounts(pager, column, values, batch));
  }

  const matched = new Map<string, AccountInfo>();
  for (const m of matches.values()) for (const list_ of m.byValue.values()) if (list_.length === 1) matched.set(list_[0].id, list_[0]);
  progress?.phase("reading parent accounts");
  const hierarchy = await walkHierarchy(pager, [...matched.values()], batch);
  const ids = [...hierarchy.accounts.keys()];
  progress?.phase("reading partner associations", Math.ceil(ids.length / chunk));
  const associations = await readAssociations(pager, ids, batch);
  // Exceptions are the account's own (never inherited), so only the matched accounts are asked.
  const exceptions = await readExceptions(pager, [...matched.keys()], { ...batch, now: options.now });
  progress?.done();

  const verdicts = new Map<string, Verdict>();
  const verdictOf = (id: string) => {
    let v = verdicts.get(id);
    if (!v) {
      v = evaluate({ accountId: id, outcomes: [outcomeFor(id, hierarchy, associations)], policy: options.policy, now: options.now, exceptions: exceptions.get(id) ?? [] });
      verdicts.set(id, v);
    }
    return v;
  };

  return list.rows.map((row): VettedRow => {
    const match = row.match;
    if (!match) return unverified(row, "no-key", "no account id, number, email, domain or name on this row");
    if ("invalid" in match) return unverified(row, "invalid", `cannot match: ${match.invalid}`);
    const found = matches.get(match.column);
    const failure: SourceFailure | undefined = found?.failed.get(match.value);
    if (failure) return unverified(row, "failed", t("Reason_source-failed", { source: DATAVERSE_SOURCE, failure: t(`Failure_${failure.kind}`) }), { failure });
    const candidates = found?.byValue.get(match.value) ?? [];
    const what = `${COLUMN_WORDS[match.column]} ${match.value}`;
    if (!candidates.length) return unverified(row, "unmatched", `no account matches ${what}`);
    if (candidates.length > 1) {
      const names = candidates.slice(0, 5).map((c) => `${c.name ?? "(no name)"} ${c.id}`);
      return unverified(row, "ambiguous", `${candidates.length} accounts match ${what}: ${names.join("; ")}`, { candidates });
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
  });
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
    if (r.outreach === "blocked" && r.partnerOfRecord) partners.set(r.partnerOfRecord, (partners.get(r.partnerOfRecord) ?? 0) + 1);
  }
  const topPartners = [...partners]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 10)
    .map(([partner, count]) => ({ partner, rows: count }));
  return { rows: rows.length, byOutreach, byStatus, byColumn, topPartners };
}

export { COLUMN_WORDS };
