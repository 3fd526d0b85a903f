/**
 * Vet a list, batch by batch as it streams in: match rows to accounts (each match query brings
 * the accounts' associations and exceptions along), walk the hierarchy level by level (with the
 * ancestors' associations), then one verdict per distinct account with the same core as the
 * control. See batchSource. Counts for the summary are added up as batches pass.
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
import { ListRow, MATCH_ORDER } from "./vetList";
import { Row } from "../src/sources/webApi";
import { localUtcOffsetMinutes } from "../src/sources/resolver";
import { Progress } from "./io";
import { mainReason, partnerLabel, t, typeLabel } from "./words";

type MatchStatus = "matched" | "unmatched" | "ambiguous" | "invalid" | "no-key" | "failed";

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
type VetSource = { pager: FetchXmlPager } | { store: EvidenceStore };

/** Rows vetted per batch online: large enough to fill 500-value queries, small enough for bounded memory. */
export const BATCH_ROWS = 5_000;
/** Offline no query needs filling: smaller batches die young, before V8 moves them to its old generation. */
export const OFFLINE_BATCH_ROWS = 2_000;
/**
 * Ancestors kept between batches (their rows included), the least recently used dropped first:
 * consecutive batches of a list share parents, and a parent read once need not be read again.
 */
const ANCESTOR_CACHE = 5_000;

/**
 * Vets a list batch by batch: each batch is matched (the match queries bring the accounts'
 * associations and exceptions along), its missing ancestors are read level by level (or taken
 * from the cache of ancestors earlier batches read), and each distinct account gets one verdict.
 * Nothing of a batch outlives it but the ancestor cache, so memory does not grow with the list.
 */
export class VetSession {
  private readonly ancestors = new Map<string, { account: AccountInfo; rows: Row[] }>();
  private readonly at: string;
  private readonly utcOffset: number;

  constructor(
    private readonly source: VetSource,
    private readonly options: VetOptions,
  ) {
    this.at = new Date(options.now).toISOString();
    this.utcOffset = localUtcOffsetMinutes(options.now);
  }

  async vetBatch(rows: ListRow[]): Promise<VettedRow[]> {
    const { progress } = this.options;
    const batch: BatchOptions = { ...this.options, onStep: () => progress?.tick() };
    const online = "pager" in this.source ? this.source.pager : undefined;
    const store = "store" in this.source ? this.source.store : new EvidenceStore();

    const valuesBy = new Map<MatchColumn, Set<string>>();
    for (const r of rows) {
      const m = r.match;
      if (!m || !("value" in m)) continue;
      let set = valuesBy.get(m.column);
      if (!set) valuesBy.set(m.column, (set = new Set()));
      set.add(m.value);
    }
    const matches = new Map<MatchColumn, MatchResult>();
    const columns = MATCH_ORDER.filter((c) => valuesBy.has(c));
    if (online) {
      progress?.phase(`matching by ${columns.map((c) => COLUMN_WORDS[c]).join(", ")}`);
      // The columns' queries share the host's request limit: run them side by side.
      await Promise.all(
        columns.map(async (column) => {
          const values = [...(valuesBy.get(column) as Set<string>)];
          matches.set(
            column,
            await matchAccounts(online, column, values, { ...batch, evidence: { store, at: this.at } }),
          );
        }),
      );
      progress?.phase("reading parent accounts");
      this.seedAncestors(store);
      const known = new Set(store.accounts.keys());
      await walkHierarchy(online, store, batch);
      for (const [id, account] of store.accounts) {
        if (!known.has(id)) this.remember(account, store.rows.get(id) ?? []);
      }
    } else {
      for (const column of columns)
        matches.set(column, matchInStore(store, column, [...(valuesBy.get(column) as Set<string>)]));
    }
    progress?.done();

    const verdicts = new Map<string, Verdict>();
    const verdictOf = (id: string) => {
      let v = verdicts.get(id);
      if (!v) {
        v = evaluate({
          accountId: id,
          outcomes: [outcomeFor(id, store)],
          policy: this.options.policy,
          now: this.options.now,
          // Date-only end dates are whole days of the calendar the command runs in, as in `check`.
          utcOffsetMinutes: this.utcOffset,
        });
        verdicts.set(id, v);
      }
      return v;
    };
    // Thousands of verdicts are a second of CPU: hand the event loop back now and then, so a
    // progress bar redraws and open keep-alive sockets are not left unserved for long.
    const out: VettedRow[] = [];
    for (let i = 0; i < rows.length; i++) {
      out.push(vetRow(rows[i], matches, verdictOf));
      if (i % 1000 === 999) await new Promise((r) => setImmediate(r));
    }
    return out;
  }

  /** Put the cached ancestors of the batch's accounts into its store, so they are not read again. */
  private seedAncestors(store: EvidenceStore): void {
    let wanted = [...store.accounts.values()];
    while (wanted.length) {
      const next: AccountInfo[] = [];
      for (const account of wanted) {
        const parent = account.parentId;
        if (!parent || store.accounts.has(parent)) continue;
        const cached = this.ancestors.get(parent);
        if (!cached) continue;
        this.ancestors.delete(parent); // most recently used goes last
        this.ancestors.set(parent, cached);
        store.put(cached.account, cached.rows);
        next.push(cached.account);
      }
      wanted = next;
    }
  }

  private remember(account: AccountInfo, rows: Row[]): void {
    this.ancestors.set(account.id, { account, rows });
    if (this.ancestors.size > ANCESTOR_CACHE) {
      const oldest = this.ancestors.keys().next().value;
      if (oldest !== undefined) this.ancestors.delete(oldest);
    }
  }
}

function vetRow(
  row: ListRow,
  matches: Map<MatchColumn, MatchResult>,
  verdictOf: (accountId: string) => Verdict,
): VettedRow {
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
}

export interface VetSummary {
  rows: number;
  byOutreach: Record<Outreach, number>;
  byStatus: Partial<Record<MatchStatus, number>>;
  byColumn: Partial<Record<MatchColumn, number>>;
  topPartners: { partner: string; rows: number }[];
}

/** Counts over every row, added batch by batch; keeps the first rows that could not be matched. */
export class SummaryBuilder {
  private readonly byOutreach: Record<Outreach, number> = { allowed: 0, blocked: 0, unverified: 0 };
  private readonly byStatus: Partial<Record<MatchStatus, number>> = {};
  private readonly byColumn: Partial<Record<MatchColumn, number>> = {};
  private readonly partners = new Map<string, number>();
  private rows = 0;
  /** The first rows that could not be matched (for the text summary), at most `keep`. */
  readonly problems: VettedRow[] = [];
  problemCount = 0;
  /** Dataverse refused the sign-in for some row. */
  authFailure = false;

  constructor(private readonly keep = 20) {}

  add(rows: VettedRow[]): void {
    const refused = (kind: string | undefined) => kind === "unauthorized" || kind === "forbidden";
    for (const r of rows) {
      this.rows++;
      this.byOutreach[r.outreach]++;
      this.byStatus[r.status] = (this.byStatus[r.status] ?? 0) + 1;
      if (r.row.match) this.byColumn[r.row.match.column] = (this.byColumn[r.row.match.column] ?? 0) + 1;
      if (r.outreach === "blocked" && r.partnerOfRecord)
        this.partners.set(r.partnerOfRecord, (this.partners.get(r.partnerOfRecord) ?? 0) + 1);
      if (r.status !== "matched") {
        this.problemCount++;
        if (this.problems.length < this.keep) this.problems.push(r);
      }
      if (!this.authFailure && (refused(r.failure?.kind) || r.verdict?.reasons.some((x) => refused(x.failure?.kind))))
        this.authFailure = true;
    }
  }

  summary(): VetSummary {
    const topPartners = [...this.partners]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, 10)
      .map(([partner, count]) => ({ partner, rows: count }));
    return {
      rows: this.rows,
      byOutreach: this.byOutreach,
      byStatus: this.byStatus,
      byColumn: this.byColumn,
      topPartners,
    };
  }
}

export { COLUMN_WORDS };
