/**
 * Verdicts for a selection of contacts (issue 25): each contact is judged through its company
 * (`parentcustomerid`) when that is an account.
 *
 * - One round trip, one request per source: the FetchXML read of the contacts' name and company
 *   (all selected contacts in one `in` condition; the name is for the faces' lists and the phone
 *   calls' subjects) goes out together with the accounts' queries, which reach the contacts'
 *   accounts themselves, parents up to three levels above (`readThroughParties`, shared with the
 *   email: partyAccounts.ts). The documented fallbacks: an ancestor further up costs one more
 *   hierarchy request; so many contacts that the accounts' queries would not fit the URL read the
 *   accounts after the contacts (`resolveSelection`, two round trips; docs/architecture.md).
 * - A contact whose company is empty or is another contact has no account: it blocks nothing.
 * - A contact the read does not return (deleted, or not readable by the user) is "unreadable": the
 *   rules treat it as "could not be verified" (fail closed), and so is every contact when the read
 *   fails. More than MAX_SELECTION contacts: nothing is read (over-limit).
 * - Cached per window by the set of contact ids, like the account selection, for the policy's
 *   freshness once settled; an unsettled read is shared. `fresh` never reuses it.
 */
import { Contact } from "../schema";
import { SelectionDeps, SelectionVerdicts, selectionIds, selectionKey } from "./selectionResolution";
import { MAX_SELECTION } from "./selectionSource";
import { readThroughParties } from "./partyAccounts";
import { normalizeGuid } from "./webApi";

export interface ContactSelection {
  /** `failed`: the contacts could not be read (every contact counts as not verified). */
  status: "ok" | "empty" | "over-limit" | "failed";
  /** The selection's distinct contact ids, canonical, in the order given. */
  ids: string[];
  /** Each contact read: its account's id, or undefined when it has none (no company, or a contact). */
  accountOf: Map<string, string | undefined>;
  /** Each contact read: its name as read (absent when empty). */
  names: Map<string, string | undefined>;
  /** The accounts' verdicts (status `ok` with at least one account). */
  accounts?: SelectionVerdicts;
  at: number;
}

interface Entry {
  promise: Promise<ContactSelection>;
  settled?: ContactSelection;
}
const REGISTRY = Symbol.for("partnerguard.contactSelections.v1");
const MAX_CACHED = 20;

function registryOf(scope: object): Map<string, Entry> {
  const holder = scope as { [REGISTRY]?: Map<string, Entry> };
  holder[REGISTRY] ??= new Map();
  return holder[REGISTRY];
}

/** Forget every cached contact selection (tests start from a new page). */
export function forgetContactSelections(scope: object = globalThis): void {
  delete (scope as { [REGISTRY]?: Map<string, Entry> })[REGISTRY];
}

async function resolve(deps: SelectionDeps, ids: string[], fresh: boolean, at: number): Promise<ContactSelection> {
  const accountOf = new Map<string, string | undefined>();
  const guids = ids.filter((id) => normalizeGuid(id) === id);
  const { looked, read } = await readThroughParties(
    deps,
    [],
    new Map([[Contact.logicalName, guids]]),
    (looked) => {
      const accounts = [...(looked.get(Contact.logicalName)?.accounts.values() ?? [])];
      return [...new Set(accounts.flatMap((a) => (a.kind === "account" ? [a.accountId] : [])))];
    },
    { fresh },
  );
  const contacts = looked.get(Contact.logicalName);
  const names = contacts?.names ?? new Map<string, string | undefined>();
  if (contacts?.failure) return { status: "failed", ids, accountOf, names, at };
  for (const [id, account] of contacts?.accounts ?? [])
    if (account.kind !== "unverified") accountOf.set(id, account.kind === "account" ? account.accountId : undefined);
  return { status: "ok", ids, accountOf, names, accounts: read, at };
}

/** The verdicts of a selection of contacts. Never rejects. */
export function resolveContactSelection(
  deps: SelectionDeps,
  raw: readonly unknown[],
  fresh = false,
): Promise<ContactSelection> {
  const clock = deps.clock ?? Date.now;
  const ids = selectionIds(raw);
  const base = {
    ids,
    accountOf: new Map<string, string | undefined>(),
    names: new Map<string, string | undefined>(),
    at: clock(),
  };
  if (!ids.length) return Promise.resolve({ status: "empty", ...base });
  if (ids.length > MAX_SELECTION) return Promise.resolve({ status: "over-limit", ...base });
  const registry = registryOf(deps.scope ?? globalThis);
  const key = selectionKey(ids);
  const cached = registry.get(key);
  if (!fresh && cached) {
    const s = cached.settled;
    const freshness = (s?.accounts?.config?.policy.freshnessSeconds ?? 0) * 1000;
    if (!s || clock() - s.at < freshness) return cached.promise.then((r) => ({ ...r, ids }));
  }
  const promise = resolve(deps, ids, fresh, clock()).catch((): ContactSelection => ({ status: "failed", ...base }));
  const entry: Entry = { promise };
  registry.delete(key);
  registry.set(key, entry);
  while (registry.size > MAX_CACHED) registry.delete(registry.keys().next().value as string);
  void promise.then((settled) => {
    entry.settled = settled;
  });
  return promise;
}

/** How one contact stands: its account's outreach, "none" without an account, "unverified" when unreadable. */
export function contactOutreach(
  selection: ContactSelection,
  id: string,
): "allowed" | "blocked" | "unverified" | "none" {
  if (selection.status !== "ok" || !selection.accountOf.has(id)) return "unverified";
  const account = selection.accountOf.get(id);
  if (account === undefined) return "none";
  if (selection.accounts?.status !== "ok") return "unverified";
  const outreach = selection.accounts.verdicts.get(account)?.outreach;
  if (outreach === "allowed") return "allowed";
  return outreach === "blocked" ? "blocked" : "unverified";
}

/** The gated commands' rule: a non-empty selection whose every contact is allowed or has no account. */
export function everyContactAllowed(selection: ContactSelection): boolean {
  if (selection.status !== "ok" || !selection.ids.length) return false;
  return selection.ids.every((id) => {
    const o = contactOutreach(selection, id);
    return o === "allowed" || o === "none";
  });
}
