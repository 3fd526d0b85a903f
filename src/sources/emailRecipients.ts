/**
 * The accounts an email reaches: its regarding record and every recipient (To, Cc, Bcc), each taken
 * to its account — an account is itself, a contact's is `parentcustomerid` when that is an account,
 * a lead's is `parentaccountid` — then judged through the grid's selection resolution (one request
 * per source for all the distinct accounts, parents included, `readSelection`).
 *
 * Requests: the contacts and leads not yet known are read in one query per table, and the accounts
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
 * the one lookup alone; an added account costs its requests (one round trip).
 *
 * Fail closed: a contact or lead the answer leaves out (deleted, or the seller may not read it) or
 * whose read failed is "could not be verified" — the email is not cleared. Recipients that are no
 * customer (users, queues, unresolved addresses, …) do not block. Data only, no words.
 */
import { Verdict, SourceFailure } from "../core/types";
import { Account, Contact, LeadTable } from "../schema";
import { attributes, fetchXml, inCondition, inValue } from "./fetchXml";
import { WebApiHost, normalizeGuid } from "./webApi";
import { SourceError, toFailure } from "./failures";
import {
  MAX_SELECTION,
  SelectionDeps,
  SelectionVerdicts,
  resolveReaching,
  resolveSelection,
} from "./selectionResolution";
import { reachHops } from "./selectionSource";

export type PartyRole = "regarding" | "to" | "cc" | "bcc";

/** One party of the email as the form gives it (a lookup value: id, name, entityType). */
export interface Party {
  role: PartyRole;
  entityType: string;
  /** Canonical GUID; absent for an unresolved address. */
  id?: string;
  name?: string;
}

/** What a party comes to: an account, no account (does not block), or not known (fails closed). */
export type PartyAccount =
  { kind: "account"; accountId: string } | { kind: "none" } | { kind: "unverified"; failure: SourceFailure };

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

/** Parties whose account is looked up (table → the column that names it). */
const LOOKUPS: Record<string, { table: string; id: string; column: string }> = {
  [Contact.logicalName]: { table: Contact.logicalName, id: Contact.id, column: Contact.company },
  [LeadTable.logicalName]: { table: LeadTable.logicalName, id: LeadTable.id, column: LeadTable.parentAccount },
};

/**
 * Most contacts (or leads) one lookup query holds: 250 `in` values keep the GET URL near 17,000 of
 * its 32,768 characters once URL-encoded (the email test measures it); more fail closed.
 */
export const MAX_LOOKUP_IDS = 250;

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
const isCustomer = (p: Party) => !!p.id && (p.entityType === Account.logicalName || p.entityType in LOOKUPS);

export function lookupFetchXml(entityType: string, ids: readonly string[]): string {
  const l = LOOKUPS[entityType];
  return fetchXml(
    l.table,
    attributes([l.id, l.column]) + `<filter>${inCondition(l.id, ids.map(inValue).join(""))}</filter>`,
  );
}

/** Read the accounts of the given contacts or leads (one query); ids the answer leaves out fail closed. */
async function lookUp(host: WebApiHost, entityType: string, ids: string[]): Promise<Map<string, PartyAccount>> {
  const l = LOOKUPS[entityType];
  const found = new Map<string, PartyAccount>();
  try {
    if (ids.length > MAX_LOOKUP_IDS)
      throw new SourceError({ kind: "invalid-input", message: `more than ${MAX_LOOKUP_IDS} recipients of one kind` });
    const { entities } = await host.retrieveMultipleRecords(l.table, `?fetchXml=${lookupFetchXml(entityType, ids)}`);
    for (const row of entities) {
      const id = normalizeGuid(row[l.id]);
      if (!id) continue;
      const parent = normalizeGuid(row[`_${l.column}_value`]);
      const parentType = row[`_${l.column}_value@Microsoft.Dynamics.CRM.lookuplogicalname`];
      // parentcustomerid may name a contact: then the contact has no account of its own.
      const isAccount = parent && (parentType === undefined || parentType === Account.logicalName);
      found.set(id, isAccount ? { kind: "account", accountId: parent } : { kind: "none" });
    }
    for (const id of ids)
      if (!found.has(id))
        found.set(id, {
          kind: "unverified",
          failure: { kind: "not-found", message: `${entityType} ${id} was not found or is not readable` },
        });
  } catch (error) {
    const failure = toFailure(error);
    for (const id of ids) found.set(id, { kind: "unverified", failure });
  }
  return found;
}

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
  const lookups = Promise.all(
    [...unknown].map(([type, ids]) => lookUp(deps.webApi, type, ids).then((m) => ({ type, m }))),
  ).then((looked) => {
    const at = clock();
    for (const { type, m } of looked)
      for (const [id, account] of m) state.parties.set(`${type}:${id}`, { account, at });
  });

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

  // 3. The accounts, one request per source. With contacts or leads to look up, the same requests
  // go out beside the lookups and reach those parties' accounts (and their parents) by themselves:
  // one round trip (selectionSource.ts, Reach). Known accounts only: as the grid reads a selection.
  const contacts = unknown.get(Contact.logicalName) ?? [];
  const leads = unknown.get(LeadTable.logicalName) ?? [];
  const known = notYoung([...partiesByAccount().keys()]);
  const reachIds = { contacts, leads };
  // Reaching costs no request when the accounts' queries go out anyway (known accounts to read) or
  // when nothing is judged yet; on a changed recipient whose account may well be judged already
  // (another recipient had it), the contact or lead is looked up first and its account read only
  // if it is new: one request instead of one per source.
  const anyYoung = [...state.verdicts.values()].some((v) => !fresh && clock() - v.at < v.freshMs);
  const hops =
    unknown.size && known.length <= MAX_SELECTION && (known.length || !anyYoung)
      ? reachHops(known, reachIds)
      : undefined;
  let reading: Promise<SelectionVerdicts | undefined> | undefined;
  let missing: string[] = [];
  if (hops !== undefined) {
    const targets = lookups.then(() => {
      const ids = [...partiesByAccount().keys()];
      missing = ids.length > MAX_SELECTION ? [] : notYoung(ids);
      return missing;
    });
    reading = resolveReaching(deps, known, { ...reachIds, targets, hops }, fresh);
  }
  await lookups;
  const byAccount = partiesByAccount();
  const ids = [...byAccount.keys()];
  if (ids.length > MAX_SELECTION) {
    await reading; // nothing more is read: the answer, whatever it is, is not used
    return { key, allowed: false, accounts: [], unverified, overLimit: ids.length };
  }
  if (!reading) {
    // Nothing to look up, or too many contacts and leads for the accounts' queries to reach:
    // the accounts are read once the lookups have named them (a second round trip).
    missing = notYoung(ids);
    reading = missing.length ? resolveSelection(deps, missing, fresh) : Promise.resolve(undefined);
  }
  const read = await reading;
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
