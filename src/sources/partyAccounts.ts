/**
 * Contacts and leads judged through their accounts: one function shared by the email
 * (`emailRecipients.ts`, its recipients) and the contact grid (`contactSelection.ts`, a selection).
 *
 * - A contact's account is `parentcustomerid` when that is an account (a contact as company is no
 *   account: it blocks nothing); a lead's is `parentaccountid`.
 * - `readThroughParties` issues the lookups (one query per table) and the accounts' queries (one
 *   request per source, `resolveReaching`) together: the accounts' queries reach the contacts' and
 *   leads' accounts themselves through `link-type="any"` links, parents up to MAX_REACH_HOPS above
 *   (selectionSource.ts, `Reach`): **one round trip**. The documented fallbacks
 *   (docs/architecture.md, "The email's requests"): an ancestor further up costs one more hierarchy
 *   request (a second round trip, `readSelection`); when the ids do not fit the accounts' queries
 *   (`reachHops` undefined: URL or link-entity limit), or the caller asks not to reach, the accounts
 *   are read after the lookups (`resolveSelection`, two round trips).
 * - Fail closed: a contact or lead the lookup leaves out (deleted, or not readable by the user) or
 *   whose read failed is "unverified". Data only, no words.
 */
import { SourceFailure } from "../core/types";
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

/** What a contact or lead comes to: an account, no account (does not block), or not known (fails closed). */
export type PartyAccount =
  { kind: "account"; accountId: string } | { kind: "none" } | { kind: "unverified"; failure: SourceFailure };

/** Parties whose account is looked up (table → the column that names it, and the name read beside it). */
const LOOKUPS: Record<string, { table: string; id: string; column: string; name: string }> = {
  [Contact.logicalName]: { table: Contact.logicalName, id: Contact.id, column: Contact.company, name: Contact.name },
  [LeadTable.logicalName]: {
    table: LeadTable.logicalName,
    id: LeadTable.id,
    column: LeadTable.parentAccount,
    name: LeadTable.name,
  },
};

/** Does this table's record reach an account through a lookup? */
export const isLookedUp = (entityType: string): boolean => entityType in LOOKUPS;

/**
 * Most contacts (or leads) one lookup query holds: 250 `in` values keep the GET URL near 17,000 of
 * its 32,768 characters once URL-encoded (the email test measures it); more fail closed.
 */
export const MAX_LOOKUP_IDS = 250;

export function lookupFetchXml(entityType: string, ids: readonly string[]): string {
  const l = LOOKUPS[entityType];
  return fetchXml(
    l.table,
    attributes([l.id, l.name, l.column]) + `<filter>${inCondition(l.id, ids.map(inValue).join(""))}</filter>`,
  );
}

/** One table's lookup: each id's account, its name as read, and the read's failure when it failed as a whole. */
export interface LookedUp {
  accounts: Map<string, PartyAccount>;
  names: Map<string, string | undefined>;
  failure?: SourceFailure;
}

/** Read the accounts of the given contacts or leads (one query); ids the answer leaves out fail closed. */
export async function lookUp(host: WebApiHost, entityType: string, ids: readonly string[]): Promise<LookedUp> {
  const l = LOOKUPS[entityType];
  const accounts = new Map<string, PartyAccount>();
  const names = new Map<string, string | undefined>();
  try {
    if (ids.length > MAX_LOOKUP_IDS)
      throw new SourceError({ kind: "invalid-input", message: `more than ${MAX_LOOKUP_IDS} ${entityType} records` });
    const { entities } = await host.retrieveMultipleRecords(l.table, `?fetchXml=${lookupFetchXml(entityType, ids)}`);
    for (const row of entities) {
      const id = normalizeGuid(row[l.id]);
      if (!id || !ids.includes(id)) continue;
      const parent = normalizeGuid(row[`_${l.column}_value`]);
      const parentType = row[`_${l.column}_value@Microsoft.Dynamics.CRM.lookuplogicalname`];
      // parentcustomerid may name a contact: then the contact has no account of its own.
      const isAccount = parent && (parentType === undefined || parentType === Account.logicalName);
      accounts.set(id, isAccount ? { kind: "account", accountId: parent } : { kind: "none" });
      const name = row[l.name];
      names.set(id, typeof name === "string" && name.trim() ? name.trim() : undefined);
    }
    for (const id of ids)
      if (!accounts.has(id))
        accounts.set(id, {
          kind: "unverified",
          failure: { kind: "not-found", message: `${entityType} ${id} was not found or is not readable` },
        });
    return { accounts, names };
  } catch (error) {
    const failure = toFailure(error);
    for (const id of ids) accounts.set(id, { kind: "unverified", failure });
    return { accounts, names, failure };
  }
}

/** The lookups' answers, by table. */
export type Looked = Map<string, LookedUp>;

export interface PartiesRead {
  looked: Looked;
  /** The accounts `wanted` named (after the lookups), as read; undefined when it named none. */
  read?: SelectionVerdicts;
  /** The accounts read: what `wanted` returned. */
  wanted: readonly string[];
}

/**
 * Look up contacts and leads and read accounts, in one round trip where the platform's limits allow.
 *
 * `known`: accounts to read whatever the lookups say (the email's account recipients);
 * `parties`: the contacts and leads to look up (canonical GUIDs, by table); `wanted`: once the
 * lookups are in, the accounts whose verdicts the caller needs (those of `known` among them) —
 * called once; `reach: false` keeps the accounts' queries back until the lookups have named them.
 * Never rejects.
 */
export async function readThroughParties(
  deps: SelectionDeps,
  known: readonly string[],
  parties: ReadonlyMap<string, readonly string[]>,
  wanted: (looked: Looked) => readonly string[],
  options: { fresh?: boolean; reach?: boolean } = {},
): Promise<PartiesRead> {
  const fresh = options.fresh ?? false;
  const lookups = Promise.all(
    [...parties]
      .filter(([, ids]) => ids.length)
      .map(([type, ids]) => lookUp(deps.webApi, type, ids).then((m) => [type, m] as const)),
  ).then((pairs): Looked => new Map(pairs));
  const targets = lookups.then(wanted);
  const reachIds = {
    contacts: parties.get(Contact.logicalName) ?? [],
    leads: parties.get(LeadTable.logicalName) ?? [],
  };
  const hops =
    options.reach !== false && (reachIds.contacts.length || reachIds.leads.length) && known.length <= MAX_SELECTION
      ? reachHops(known, reachIds)
      : undefined;
  // Reaching: the accounts' queries go out now, beside the lookups, for at most MAX_SELECTION targets.
  let reading: Promise<SelectionVerdicts | undefined> | undefined =
    hops === undefined
      ? undefined
      : resolveReaching(
          deps,
          known,
          { ...reachIds, hops, targets: targets.then((t) => (t.length > MAX_SELECTION ? [] : t)) },
          fresh,
        );
  const looked = await lookups;
  const ids = await targets;
  if (ids.length > MAX_SELECTION) {
    await reading; // nothing more is read: the caller tells the selection is over the limit
    return { looked, wanted: ids };
  }
  // Nothing to reach, too many contacts and leads for the accounts' queries, or the caller's choice:
  // the accounts are read once the lookups have named them (a second round trip).
  reading ??= ids.length ? resolveSelection(deps, ids, fresh) : Promise.resolve(undefined);
  return { looked, read: await reading, wanted: ids };
}
