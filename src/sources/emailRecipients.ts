/**
 * The accounts an email reaches: its regarding record and every recipient (To, Cc, Bcc), each taken
 * to its account — an account is itself, a contact's is `parentcustomerid` when that is an account,
 * a lead's is `parentaccountid` — then judged through the grid's selection resolution (one request
 * per source for all the distinct accounts, parents included, `readSelection`).
 *
 * Requests (`readThroughParties`, partyAccounts.ts, shared with the contact grid's selection): the
 * contacts and leads not yet known are read in one query per table, and the accounts
 * in one request per source, all issued together (one round trip): the accounts' queries take the
 * contacts' and leads' ids too and reach their accounts through `link-type="any"` link-entities,
 * parents up to three levels above included (selectionSource.ts, `Reach`). A second round trip
 * happens only (a) when a contact's or lead's account has an ancestor more than three levels up
 * that no account on the email brings in (one hierarchy request for those ancestors), or (b) when
 * so many contacts and leads are new that the accounts' queries would not fit the URL or the
 * link-entity limit (then the accounts are read after the lookups, as one request per source).
 * Both maps live in the form's state, so a changed recipient costs only what is new: its contact or
 * lead (one query) and, when no other recipient had its account, that account's requests — then
 * after the lookup (two round trips), so that a recipient whose account is judged already costs
 * the one lookup alone; an added account costs its requests (one round trip). Where the host can
 * batch (`batched`: the email form on the platform, webApiBatch.ts), a judgement after the first
 * sends its lookup and its accounts' queries together as one `$batch`: one request either way.
 *
 * Fail closed: a contact or lead the answer leaves out (deleted, or the seller may not read it) or
 * whose read failed is "could not be verified" — the email is not cleared. Recipients that are no
 * customer (users, queues, unresolved addresses, …) do not block. Data only, no words.
 */
import { Verdict, SourceFailure } from "../core/types";
import { Account } from "../schema";
import { normalizeGuid } from "./webApi";
import { MAX_SELECTION, SelectionDeps } from "./selectionResolution";
import { PartyAccount, isLookedUp, readThroughParties } from "./partyAccounts";

export { MAX_LOOKUP_IDS, lookupFetchXml } from "./partyAccounts";
export type { PartyAccount } from "./partyAccounts";

export type PartyRole = "regarding" | "to" | "cc" | "bcc";

/** One party of the email as the form gives it (a lookup value: id, name, entityType). */
export interface Party {
  role: PartyRole;
  entityType: string;
  /** Canonical GUID; absent for an unresolved address. */
  id?: string;
  name?: string;
}

export interface AccountJudgement {
  id: string;
  name?: string;
  verdict: Verdict;
  /** The parties that lead to this account. */
  parties: Party[];
}

export interface EmailJudgement {
  /** The set of parties judged (order does not count). */
  key: string;
  /** Allowed only when every account concerned is allowed and every customer party was resolved. */
  allowed: boolean;
  accounts: AccountJudgement[];
  /** Customer parties whose account could not be read. */
  unverified: { party: Party; failure: SourceFailure }[];
  /** More distinct accounts than one read can check (MAX_SELECTION): how many. */
  overLimit?: number;
}

/** What one form remembers between judgements (the window keeps it while the form is open). */
export interface EmailState {
  /** `entityType:id` → what the party came to, when read. */
  parties: Map<string, { account: PartyAccount; at: number }>;
  /** Account id → its verdict and name, when read. */
  verdicts: Map<string, { verdict: Verdict; name?: string; at: number; freshMs: number }>;
}

export const newEmailState = (): EmailState => ({ parties: new Map(), verdicts: new Map() });

/** How long a contact's or lead's account, once read, is taken as known (the selection's default freshness). */
export const PARTY_FRESH_MS = 30_000;

const partyKey = (p: Party) => `${p.entityType}:${p.id ?? ""}`;

/** The key of a set of parties: order, role and duplicates do not count (a recipient moved from To to Cc is the same email). */
export const partiesKey = (parties: readonly Party[]): string =>
  [...new Set(parties.filter((p) => p.id).map(partyKey))].sort().join(",");

/** Parties from the form's values: a lookup/party list value is an array of `{ id, name, entityType }`. */
export function partiesOf(role: PartyRole, value: unknown): Party[] {
  if (!Array.isArray(value)) return [];
  const parties: Party[] = [];
  for (const item of value) {
    if (typeof item !== "object" || item === null) continue;
    const v = item as { id?: unknown; name?: unknown; entityType?: unknown };
    const entityType = typeof v.entityType === "string" ? v.entityType.toLowerCase() : "";
    const id = normalizeGuid(v.id);
    parties.push({ role, entityType, ...(id ? { id } : {}), ...(typeof v.name === "string" ? { name: v.name } : {}) });
  }
  return parties;
}

/** Does this party reach a customer at all? */
const isCustomer = (p: Party) => !!p.id && (p.entityType === Account.logicalName || isLookedUp(p.entityType));

/**
 * Judge an email's parties. Never rejects: whatever cannot be read is "could not be verified".
 * `state` is the form's memory (what is young in it costs no request).
 */
export async function judgeEmail(
  deps: SelectionDeps,
  parties: readonly Party[],
  state: EmailState = newEmailState(),
  /** Read every account again, never a cached verdict (the button's "check again"). */
  fresh = false,
  /**
   * `deps.webApi` sends the reads issued together as ONE request (`batchedReads`, webApiBatch.ts):
   * then the accounts' queries always go out beside the lookups — a changed recipient costs one
   * `$batch` whether its account is new or judged already.
   */
  batched = false,
): Promise<EmailJudgement> {
  const clock = deps.clock ?? Date.now;
  const key = partiesKey(parties);
  const customers = parties.filter(isCustomer);
  // 1. Contacts and leads not yet known: one query per table, issued together.
  const now = clock();
  const unknown = new Map<string, string[]>();
  for (const p of customers) {
    if (p.entityType === Account.logicalName) continue;
    const known = state.parties.get(partyKey(p));
    if (known && known.account.kind !== "unverified" && now - known.at < PARTY_FRESH_MS) continue;
    const list = unknown.get(p.entityType) ?? [];
    if (!list.includes(p.id as string)) list.push(p.id as string);
    unknown.set(p.entityType, list);
  }

  // 2. Every party's account (those of the contacts and leads just looked up once they are known).
  const unverified: EmailJudgement["unverified"] = [];
  const partiesByAccount = () => {
    const byAccount = new Map<string, Party[]>();
    unverified.length = 0;
    for (const p of customers) {
      const account: PartyAccount =
        p.entityType === Account.logicalName
          ? { kind: "account", accountId: p.id as string }
          : (state.parties.get(partyKey(p))?.account ?? {
              kind: "unverified",
              failure: { kind: "not-found", message: "not read" },
            });
      if (account.kind === "unverified") unverified.push({ party: p, failure: account.failure });
      else if (account.kind === "account")
        byAccount.set(account.accountId, [...(byAccount.get(account.accountId) ?? []), p]);
    }
    return byAccount;
  };
  // The accounts not judged lately.
  const notYoung = (ids: string[]) =>
    ids.filter((id) => {
      const v = state.verdicts.get(id);
      return fresh || !v || clock() - v.at >= v.freshMs;
    });

  // 3. The accounts, one request per source, beside the lookups: the accounts' queries reach the
  // contacts' and leads' accounts (and their parents) by themselves — one round trip
  // (partyAccounts.ts, `readThroughParties`). Reaching costs no request when the accounts' queries
  // go out anyway (known accounts to read) or when nothing is judged yet; on a changed recipient
  // whose account may well be judged already (another recipient had it), the contact or lead is
  // looked up first and its account read only if it is new: one request instead of one per source.
  const known = notYoung([...partiesByAccount().keys()]);
  const anyYoung = [...state.verdicts.values()].some((v) => !fresh && clock() - v.at < v.freshMs);
  let ids: string[] = [];
  const { read, wanted } = await readThroughParties(
    deps,
    known,
    unknown,
    (looked) => {
      const at = clock();
      for (const [type, m] of looked)
        for (const [id, account] of m.accounts) state.parties.set(`${type}:${id}`, { account, at });
      ids = [...partiesByAccount().keys()];
      // Over the limit nothing is read (the answer below says so).
      return ids.length > MAX_SELECTION ? ids : notYoung(ids);
    },
    { fresh, reach: batched || known.length > 0 || !anyYoung },
  );
  const byAccount = partiesByAccount();
  if (ids.length > MAX_SELECTION) return { key, allowed: false, accounts: [], unverified, overLimit: ids.length };
  const missing = wanted;
  const judged = new Map<string, { verdict: Verdict; name?: string }>();
  if (read) {
    const freshMs = (read.config?.policy.freshnessSeconds ?? 0) * 1000;
    for (const id of missing) {
      const verdict = read.verdicts.get(id);
      if (!verdict) continue; // not answered (a read that ran out of time): "not read" below
      judged.set(id, { verdict, name: read.names.get(id) });
      state.verdicts.set(id, { verdict, name: read.names.get(id), at: read.at, freshMs });
    }
  }
  const accounts: AccountJudgement[] = [];
  for (const id of ids) {
    const v = judged.get(id) ?? (missing.includes(id) ? undefined : state.verdicts.get(id));
    const parties = byAccount.get(id) ?? [];
    // Every id is either freshly read or young in the state; anything else fails closed.
    if (!v)
      for (const party of parties) unverified.push({ party, failure: { kind: "not-found", message: "not read" } });
    else accounts.push({ id, name: v.name, verdict: v.verdict, parties });
  }
  const allowed = !unverified.length && accounts.every((a) => a.verdict.outreach === "allowed");
  return { key, allowed, accounts, unverified };
}
