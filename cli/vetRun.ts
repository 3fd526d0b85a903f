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
  OwnEvidence,
  matchAccounts,
  outcomeFor,
  readExceptions,
  walkHierarchy,
} from "../src/sources/node/batchSource";
import { matchInStore } from "../src/sources/node/feedSource";
import { DATAVERSE_SOURCE } from "../src/sources/dataverseSource";
import { ListRow, MATCH_ORDER } from "./vetList";
import { localUtcOffsetMinutes } from "../src/sources/resolver";
import { Progress } from "./io";
import { mainReason, partnerLabel, t, typeLabel } from "./words";

type MatchStatus = "matched" | "unmatched" | "ambiguous" | "invalid" | "no-key" | "failed";

/**
 * What a row takes from its account's verdict. Only this is kept, not the verdict: a batch holds
 * thousands of rows, and full verdicts (evidence, reasons, dates) would all live until it is written.
 */
interface RowVerdict {
  /** The row's outcome: the verdict's, or unverified when the row could not be matched. */
  outreach: Outreach;
  partnerOfRecord: string;
  relationshipType: string;
  reason: string;
  /** Dataverse refused the sign-in for this row (its lookup, or a source of its verdict). */
  refused: boolean;
}

export interface VettedRow extends Omit<RowVerdict, "refused">, Partial<Pick<RowVerdict, "refused">> {
  row: ListRow;
  status: MatchStatus;
  accountId?: string;
  /** Why the row's lookup failed, when it did. */
  failure?: SourceFailure;
}

export interface VetOptions extends BatchOptions {
  policy: Policy;
  now: number;
  /** The user the verdicts are for (the signed-in user): an approval never opens outreach for its approver. */
  userId?: string;
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

/** A batch read and matched, ready to be judged. */
export interface ReadBatch {
  rows: ListRow[];
  matches: Map<MatchColumn, MatchResult>;
  store: EvidenceStore;
}

/** Dataverse, read in batches; or a feed already in memory (offline). */
type VetSource = { pager: FetchXmlPager } | { store: EvidenceStore };

/** Rows vetted per batch online: large enough to fill 500-value queries, small enough for bounded memory. */
export const BATCH_ROWS = 5_000;
/** Offline no query needs filling: smaller batches die young, before V8 moves them to its old generation. */
export const OFFLINE_BATCH_ROWS = 500;
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
  /** Ancestors with their own evidence already mapped (not their rows: the evidence is what is used, and smaller). */
  private readonly ancestors = new Map<string, { account: AccountInfo; own: OwnEvidence }>();
  private readonly at: string;
  private readonly utcOffset: number;

  constructor(
    private readonly source: VetSource,
    private readonly options: VetOptions,
  ) {
    this.at = new Date(options.now).toISOString();
    this.utcOffset = localUtcOffsetMinutes(options.now);
  }

  /** Read, then judge, one batch. */
  async vetBatch(rows: ListRow[]): Promise<VettedRow[]> {
    return this.judge(await this.read(rows));
  }

  /**
   * A batch's reading: its rows matched to accounts, with their evidence and ancestors (online:
   * the requests; offline: lookups in the feed). Batches must be read one after the other (the
   * ancestor cache passes from one to the next), but a batch may be read while the previous one
   * is judged: its requests then wait on the network while the verdicts take the CPU.
   */
  async read(rows: ListRow[]): Promise<ReadBatch> {
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
      progress?.phase("reading parent accounts and exceptions");
      this.seedAncestors(store);
      const known = new Set(store.accounts.keys());
      // The matched accounts' exception requests (their own queries: a flood of requests on one
      // account never touches the others'), beside the hierarchy's reads.
      const matched = new Set<string>();
      for (const found of matches.values())
        for (const accounts of found.byValue.values()) for (const a of accounts) matched.add(a.id);
      await Promise.all([
        walkHierarchy(online, store, batch),
        readExceptions(online, store, [...matched], this.at, batch),
      ]);
      for (const [id, account] of store.accounts) {
        if (known.has(id)) continue;
        const own = store.ownEvidence(id);
        if (own) this.remember(account, own);
      }
    } else {
      for (const column of columns)
        matches.set(column, matchInStore(store, column, [...(valuesBy.get(column) as Set<string>)]));
    }
    progress?.done();
    return { rows, matches, store };
  }

  /** A read batch's verdicts, one per distinct account, and its rows with them. */
  async judge({ rows, matches, store }: ReadBatch): Promise<VettedRow[]> {
    const verdictOf = this.verdicts(store);
    // A row whose lookup failed is judged by the policy, as `check` judges a failed read
    // (fail-closed: unverified; fail-open: allowed), with the failure as its reason.
    const failedVerdict = (failure: SourceFailure) =>
      rowVerdict(
        evaluate({
          accountId: "",
          outcomes: [{ source: DATAVERSE_SOURCE, sourceKind: "dataverse", ok: false, failure }],
          policy: this.options.policy,
          now: this.options.now,
        }),
      );
    // Thousands of verdicts are a second of CPU: hand the event loop back now and then, so a
    // progress bar redraws and open keep-alive sockets are not left unserved for long.
    const out: VettedRow[] = [];
    for (let i = 0; i < rows.length; i++) {
      out.push(vetRow(rows[i], matches, verdictOf, failedVerdict));
      if (i % 1000 === 999) await new Promise((r) => setImmediate(r));
    }
    return out;
  }

  /**
   * Each distinct account's verdict in the batch, judged once, kept as the few words its rows
   * carry. Accounts with no evidence of their own share their parent's chain, so their verdict is
   * judged once per parent (see `sharedChain`).
   */
  private verdicts(store: EvidenceStore): (accountId: string) => RowVerdict {
    const byAccount = new Map<string, RowVerdict>();
    const byChain = new Map<string, RowVerdict>();
    return (id) => {
      let v = byAccount.get(id);
      if (v) return v;
      const chain = sharedChain(id, store);
      v = chain === undefined ? undefined : byChain.get(chain);
      if (!v) {
        v = rowVerdict(
          evaluate({
            accountId: id,
            outcomes: [outcomeFor(id, store)],
            policy: this.options.policy,
            now: this.options.now,
            // Date-only end dates are whole days of the calendar the command runs in, as in `check`.
            utcOffsetMinutes: this.utcOffset,
            userId: this.options.userId,
          }),
        );
        if (chain !== undefined) byChain.set(chain, v);
      }
      byAccount.set(id, v);
      return v;
    };
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
        store.putEvidence(cached.account, cached.own);
        next.push(cached.account);
      }
      wanted = next;
    }
  }

  private remember(account: AccountInfo, own: OwnEvidence): void {
    this.ancestors.set(account.id, { account, own });
    if (this.ancestors.size > ANCESTOR_CACHE) {
      const oldest = this.ancestors.keys().next().value;
      if (oldest !== undefined) this.ancestors.delete(oldest);
    }
  }
}

function vetRow(
  row: ListRow,
  matches: Map<MatchColumn, MatchResult>,
  verdictOf: (accountId: string) => RowVerdict,
  failedVerdict: (failure: SourceFailure) => RowVerdict,
): VettedRow {
  const match = row.match;
  if (!match)
    return unverified(row, "no-key", "no account id, account number, tenant id, email, domain or name on this row");
  if ("invalid" in match) return unverified(row, "invalid", `cannot match: ${match.invalid}`);
  const found = matches.get(match.column);
  const failure: SourceFailure | undefined = found?.failed.get(match.value);
  if (failure) {
    const v = failedVerdict(failure);
    return {
      row,
      status: "failed",
      outreach: v.outreach,
      partnerOfRecord: "",
      relationshipType: "",
      reason: t("Reason_source-failed", { source: DATAVERSE_SOURCE, failure: t(`Failure_${failure.kind}`) }),
      failure,
      refused: refusedKind(failure.kind),
    };
  }
  const candidates = found?.byValue.get(match.value) ?? [];
  const what = `${COLUMN_WORDS[match.column]} ${match.value}`;
  if (!candidates.length) return unverified(row, "unmatched", `no account matches ${what}`);
  if (candidates.length > 1) {
    const names = candidates.slice(0, 5).map((c) => `${c.name ?? "(no name)"} ${c.id}`);
    return unverified(row, "ambiguous", `${candidates.length} accounts match ${what}: ${names.join("; ")}`);
  }
  const v = verdictOf(candidates[0].id);
  return {
    row,
    status: "matched",
    accountId: candidates[0].id,
    outreach: v.outreach,
    partnerOfRecord: v.partnerOfRecord,
    relationshipType: v.relationshipType,
    reason: v.reason,
    refused: v.refused,
  };
}

const refusedKind = (kind: string | undefined) => kind === "unauthorized" || kind === "forbidden";

function rowVerdict(verdict: Verdict): RowVerdict {
  const por = verdict.partnerOfRecord;
  return {
    outreach: verdict.outreach,
    partnerOfRecord: por ? partnerLabel(por) : "",
    relationshipType: por ? typeLabel(por) : "",
    reason: mainReason(verdict),
    refused: verdict.reasons.some((r) => refusedKind(r.failure?.kind)),
  };
}

/** Chains longer than this are judged account by account (Dataverse's own hierarchy limit is 100). */
const MAX_SHARED_CHAIN = 100;

/**
 * The parent whose chain an account inherits unchanged ("" for none), or undefined when its verdict
 * is its own. An account with no association and no exception request of its own, whose read did
 * not fail, gets the outcome of its parent's chain one level deeper, whichever child it is: the
 * verdict does not depend on the account's id then (exceptions count only for the account they
 * name, and every one in the chain names an ancestor). A chain that loops is excluded: the loop's
 * note names the account where it closes, which may be the child.
 */
function sharedChain(id: string, store: EvidenceStore): string | undefined {
  if (store.failed.has(id) || store.exceptions.get(id)?.failure) return undefined;
  const own = store.ownEvidence(id);
  if (!own || own.associations.length || own.exceptions.length) return undefined;
  const parentId = store.accounts.get(id)?.parentId;
  let steps = 0;
  for (let p = parentId; p; p = store.accounts.get(p)?.parentId) {
    if (p === id || ++steps > MAX_SHARED_CHAIN) return undefined;
  }
  return parentId ?? "";
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
      if (r.refused) this.authFailure = true;
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
