/**
 * One resolution per account, shared by the faces on the form (the control and the command-bar
 * script), with the lifecycle the Unified Interface needs: it is a single-page app, so the
 * window (and this registry) lives on while the seller moves between records.
 *
 * - An entry is keyed by account + customer tenant id, and remembers which sources its face could
 *   ask. A face may reuse an entry that asked at least what it can ask, or one whose resolution
 *   shows that the sources it lacked did not apply (e.g. the command bar's Dataverse-only verdict
 *   on an account without a tenant id); otherwise it resolves itself (the card still asks Graph).
 * - A settled entry is reused only within the policy's freshness bound (`freshnessSeconds`):
 *   reopening an account later reads it again.
 * - Newest wins: a resolution started earlier that settles after a newer one changes nothing.
 * - Other frames of the same page load share through session storage: a settled resolution, or a
 *   "pending" marker with an owner and a short lease its owner renews; a marker whose owner died
 *   (a reload, a closed frame) expires within the lease instead of stalling the next resolution.
 *   Entries from an earlier page load (before a browser reload) are never reused.
 */
import { Resolution } from "./resolver";
import { StoredState, readStoredState } from "./storedResolution";
import { parseJson } from "../core/json";

export const STORAGE_PREFIX = "partnerguard:resolution:";
/** A pending marker's lease: its owner renews it while the resolution runs. */
export const PENDING_LEASE_MS = 2000;
const POLL_MS = 100;

/**
 * Told of every resolution that becomes the account's newest; `changed` is false when the verdict is
 * the same as before; `asked` is the question of the face that resolved it (see `answers`).
 */
type Listener = (resolution: Resolution, changed: boolean, asked: ShareKey) => void;

export interface ShareKey {
  accountId: string;
  tenantId?: string;
  /** Names of the sources the face can ask (e.g. ["Dataverse", "Microsoft Graph"]). */
  sources: string[];
}

interface Entry {
  seq: number;
  tenantId: string;
  sources: string[];
  promise: Promise<Resolution>;
  settled?: Resolution;
  settledAt?: number;
  /** Aborted when every face that asked has gone (each removes its interest with its signal). */
  controller: AbortController;
  /** Faces still waiting; a face without a signal never stops waiting. */
  waiters: number;
}

interface AccountEntries {
  entries: Entry[];
  /** The newest resolution that settled, and its sequence number. */
  newest?: { seq: number; resolution: Resolution };
}

interface Registry {
  accounts: Map<string, AccountEntries>;
  listeners: Map<string, Set<Listener>>;
  seq: number;
  /** This window's id, the owner of its pending markers. */
  owner: string;
  /** Unsubscribe of the form handler registered last (the Unified Interface never unloads a form script). */
  formListener?: () => void;
}

const KEY = Symbol.for("partnerguard.sharedResolutions.v2");

export interface SharedOptions {
  /** Ignore what is shared and resolve again (Retry, the command action, after a write). */
  fresh?: boolean;
  /** The face's interest: when it aborts (the control is destroyed) and no other face waits, the work stops. */
  signal?: AbortSignal;
  /** Session storage of the page; absent where there is none (Node). */
  storage?: Pick<Storage, "getItem" | "setItem" | "removeItem">;
  /** The object the registry hangs on (the window). */
  scope?: object;
  clock?: () => number;
}

function registryOf(scope: object): Registry {
  const holder = scope as { [KEY]?: Registry };
  holder[KEY] ??= { accounts: new Map(), listeners: new Map(), seq: 0, owner: Math.random().toString(36).slice(2) };
  return holder[KEY];
}

/**
 * The page load this window belongs to: frames of one page share their top window's time origin.
 * Where the top window cannot be read (another origin, Node), the window's own registry stands for it.
 */
/** Set by `simulateReload` (the playground's "Reload page"): a browser reload gives a new time origin. */
const RELOADED = Symbol.for("partnerguard.pageReload");

function pageLoadOf(registry: Registry): string {
  try {
    const top = (globalThis as { top?: { performance?: { timeOrigin?: number }; [RELOADED]?: string } }).top;
    const origin = top?.performance?.timeOrigin;
    if (typeof origin === "number") return `page-${origin}${top?.[RELOADED] ?? ""}`;
  } catch {
    // a top window of another origin: fall back to this window
  }
  return `window-${registry.owner}`;
}

const norm = (value: string | undefined) => (value ?? "").trim().toLowerCase();

function accountOf(registry: Registry, accountId: string): AccountEntries {
  const id = norm(accountId);
  let account = registry.accounts.get(id);
  if (!account) {
    account = { entries: [] };
    registry.accounts.set(id, account);
  }
  return account;
}

/** How long a settled resolution may be reused: the policy's bound, counted from when it settled. */
function freshFor(resolution: Resolution): number {
  return resolution.config.policy.freshnessSeconds * 1000;
}

/** Whether a face that can ask `wanted` may use what was resolved with `asked`. */
function covers(asked: string[], wanted: string[], resolution?: Resolution): boolean {
  const missing = wanted.filter((s) => !asked.includes(s));
  if (!missing.length) return true;
  // Sources the face could ask but the resolver did not: fine when they did not apply there.
  return !!resolution && !missing.some((s) => resolution.unaskedSources.includes(s));
}

function readStored(storage: SharedOptions["storage"], accountId: string): StoredState | undefined {
  try {
    const raw = storage?.getItem(STORAGE_PREFIX + norm(accountId));
    // Parsed at the boundary: anything of another shape is as if nothing were shared.
    return raw ? parseJson(raw, readStoredState) : undefined;
  } catch {
    return undefined; // storage disabled
  }
}

function writeStored(storage: SharedOptions["storage"], accountId: string, value: StoredState): void {
  try {
    storage?.setItem(STORAGE_PREFIX + norm(accountId), JSON.stringify(value));
  } catch {
    // Storage full or disabled: sharing across frames is an optimisation, not a requirement.
  }
}

function removeStored(storage: SharedOptions["storage"], accountId: string, owner: string): void {
  try {
    const stored = readStored(storage, accountId);
    if (stored?.state === "pending" && stored.owner === owner) storage?.removeItem(STORAGE_PREFIX + norm(accountId));
  } catch {
    // nothing to clean
  }
}

function sameVerdict(a: Resolution | undefined, b: Resolution): boolean {
  if (!a) return false;
  const x = a.verdict;
  const y = b.verdict;
  return (
    x.outreach === y.outreach &&
    x.partnerOfRecord?.association.id === y.partnerOfRecord?.association.id &&
    x.exception?.request.id === y.exception?.request.id &&
    x.pendingException?.request.id === y.pendingException?.request.id &&
    x.expiresAt === y.expiresAt
  );
}

/** Another frame's resolution of this page load, waited for while its owner keeps the lease. */
async function fromOtherFrame(
  options: SharedOptions,
  key: ShareKey,
  page: string,
  clock: () => number,
): Promise<Resolution | undefined> {
  for (;;) {
    const stored = readStored(options.storage, key.accountId);
    if (!stored || stored.page !== page || stored.tenantId !== norm(key.tenantId)) return undefined;
    if (stored.state === "settled") {
      const usable =
        clock() - stored.at < freshFor(stored.resolution) && covers(stored.sources, key.sources, stored.resolution);
      return usable ? stored.resolution : undefined;
    }
    if (stored.until <= clock() || !covers(stored.sources, key.sources)) return undefined; // a dead owner, or it asks less
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Count a face's interest in an entry; when the last interested face goes, stop the work. */
function join(entry: Entry, signal: AbortSignal | undefined): Promise<Resolution> {
  entry.waiters++;
  signal?.addEventListener(
    "abort",
    () => {
      if (--entry.waiters === 0 && !entry.settled) entry.controller.abort();
    },
    { once: true },
  );
  return entry.promise;
}

/** Resolve through the shared registry: reuse what is fresh and covers this face, else resolve. */
export function sharedResolve(
  key: ShareKey,
  start: (signal: AbortSignal) => Promise<Resolution>,
  options: SharedOptions = {},
): Promise<Resolution> {
  const scope = options.scope ?? globalThis;
  const clock = options.clock ?? Date.now;
  const registry = registryOf(scope);
  const account = accountOf(registry, key.accountId);
  const tenantId = norm(key.tenantId);
  const page = pageLoadOf(registry);

  if (!options.fresh) {
    const now = clock();
    const candidates = account.entries
      .filter((e) => e.tenantId === tenantId && (!e.settled || now - (e.settledAt as number) < freshFor(e.settled)))
      .sort((a, b) => b.seq - a.seq);
    const covering = candidates.find((e) => covers(e.sources, key.sources, e.settled));
    if (covering) return join(covering, options.signal);
    // One that asked less may still do, once it shows what applied: wait for it rather than ask twice.
    const narrower = candidates.find((e) => !e.settled);
    if (narrower) {
      return join(narrower, options.signal).then(
        (r) => (covers(narrower.sources, key.sources, r) ? r : sharedResolve(key, start, { ...options, fresh: true })),
        () => sharedResolve(key, start, { ...options, fresh: true }),
      );
    }
  }

  const seq = ++registry.seq;
  const controller = new AbortController();
  const aborted = new Promise<never>((_, reject) =>
    controller.signal.addEventListener(
      "abort",
      () => reject(new DOMException("no face needs this resolution any more", "AbortError")),
      { once: true },
    ),
  );
  aborted.catch(() => undefined);
  const own = async (): Promise<Resolution> => {
    const lease = () =>
      writeStored(options.storage, key.accountId, {
        state: "pending",
        page,
        owner: registry.owner,
        until: clock() + PENDING_LEASE_MS,
        tenantId,
        sources: key.sources,
      });
    lease(); // synchronously, so a frame that asks right after this one sees the marker
    const renew = setInterval(lease, PENDING_LEASE_MS / 2);
    try {
      return await Promise.race([start(controller.signal), aborted]);
    } finally {
      clearInterval(renew);
    }
  };
  const run = (): Promise<Resolution> => {
    if (options.fresh || !readStored(options.storage, key.accountId)) return own();
    return fromOtherFrame(options, key, page, clock).then((other) => other ?? own());
  };
  const entry: Entry = { seq, tenantId, sources: key.sources, promise: run(), controller, waiters: 0 };
  account.entries.push(entry);
  const joined = join(entry, options.signal);
  entry.promise.then(
    (resolution) => {
      entry.settled = resolution;
      entry.settledAt = clock();
      // Newest wins: an older resolution that settles late changes nothing shared.
      if (account.newest && account.newest.seq > seq) return;
      const previous = account.newest?.resolution;
      account.newest = { seq, resolution };
      account.entries = account.entries.filter((e) => e === entry || e.seq > seq);
      writeStored(options.storage, key.accountId, {
        state: "settled",
        page,
        at: clock(),
        tenantId,
        sources: key.sources,
        resolution,
      });
      const changed = !sameVerdict(previous, resolution);
      for (const listener of [...(registry.listeners.get(norm(key.accountId)) ?? [])])
        listener(resolution, changed, key);
    },
    () => {
      account.entries = account.entries.filter((e) => e !== entry);
      removeStored(options.storage, key.accountId, registry.owner);
    },
  );
  return joined;
}

/**
 * Whether a resolution asked as `asked` answers a face that asks `wanted` (the account being the
 * same): the same customer tenant id, and the sources it did not ask did not apply there. `strict`,
 * for a face that never reuses what another face resolved: it asked every source `wanted` asks.
 */
export function answers(asked: ShareKey, wanted: ShareKey, resolution: Resolution, strict?: boolean): boolean {
  return (
    norm(asked.tenantId) === norm(wanted.tenantId) &&
    covers(asked.sources, wanted.sources, strict ? undefined : resolution)
  );
}

/** The newest settled resolution shared for an account, if any (no request). */
export function sharedSettled(accountId: string, scope: object = globalThis): Resolution | undefined {
  return registryOf(scope).accounts.get(norm(accountId))?.newest?.resolution;
}

/** Be told when the account's newest resolution settles. Returns the unsubscribe function. */
export function onSharedResolution(accountId: string, listener: Listener, scope: object = globalThis): () => void {
  const registry = registryOf(scope);
  const id = norm(accountId);
  const set = registry.listeners.get(id) ?? new Set<Listener>();
  set.add(listener);
  registry.listeners.set(id, set);
  return () => set.delete(listener);
}

/**
 * The form script's listener: the Unified Interface runs OnLoad for every record opened in the
 * window and never tells a script its form is gone, so each OnLoad replaces the previous one.
 */
export function replaceFormListener(accountId: string, listener: Listener, scope: object = globalThis): () => void {
  const registry = registryOf(scope);
  registry.formListener?.();
  const unsubscribe = onSharedResolution(accountId, listener, scope);
  registry.formListener = unsubscribe;
  return unsubscribe;
}

/** Drop everything shared in a scope (tests start from a new page). */
export function forgetSharedResolutions(scope: object = globalThis): void {
  delete (scope as { [KEY]?: Registry })[KEY];
}

/**
 * What a browser reload does to PartnerGuard's state, for the playground: the window's registry is
 * gone and the page load is a new one, while session storage stays (and is then not trusted).
 */
export function simulateReload(): void {
  forgetSharedResolutions(globalThis);
  (globalThis as { [RELOADED]?: string })[RELOADED] = `-reload-${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/**
 * What a face that asks less may adopt from one that asks more on the same form, with no request:
 * the newest resolution of the account asked by a face that asks every one of `sources` (the card
 * asks Dataverse and Graph; a command bar never asks Graph), pending or settled; when there is none
 * yet (the card is still reading), the next such one that settles, within `waitMs`. Undefined when
 * none comes in time or the one waited for fails. Never rejects.
 */
export function resolutionAskedWith(
  accountId: string,
  sources: readonly string[],
  waitMs: number,
  scope: object = globalThis,
): Promise<Resolution | undefined> {
  const registry = registryOf(scope);
  const asksAll = (asked: readonly string[]) => sources.every((s) => asked.includes(s));
  const newest = registry.accounts
    .get(norm(accountId))
    ?.entries.filter((e) => asksAll(e.sources))
    .sort((a, b) => b.seq - a.seq)[0];
  if (newest) return newest.settled ? Promise.resolve(newest.settled) : newest.promise.catch(() => undefined);
  return new Promise((resolve) => {
    const unsubscribe = onSharedResolution(
      accountId,
      (resolution, _changed, asked) => {
        if (!asksAll(asked.sources)) return;
        done();
        resolve(resolution);
      },
      scope,
    );
    const timer = setTimeout(() => {
      done();
      resolve(undefined);
    }, waitMs);
    function done() {
      clearTimeout(timer);
      unsubscribe();
    }
  });
}
