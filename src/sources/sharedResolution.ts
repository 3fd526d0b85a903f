/**
 * One resolution per account per page load, shared by the control and the command-bar script.
 *
 * In the same window they share the in-flight promise through a registry kept under a
 * `Symbol.for` key (no named global). Form scripts may run in another frame of the same origin;
 * there the session storage is shared, so a settled resolution is stored there for a short time
 * and an in-flight one leaves a "pending" marker that the other frame waits on instead of asking
 * Dataverse again.
 */
import { Resolution } from "./resolver";

export const STORAGE_PREFIX = "partnerguard:resolution:";
/** A stored resolution is reused for this long: enough for one form load, short enough to stay fresh. */
export const SHARED_TTL_MS = 60_000;
const POLL_MS = 100;

/** Told of every settled resolution; `changed` is false when the verdict is the same as before. */
type Listener = (resolution: Resolution, changed: boolean) => void;

interface Entry {
  promise: Promise<Resolution>;
  settled?: Resolution;
}

interface Registry {
  entries: Map<string, Entry>;
  listeners: Map<string, Set<Listener>>;
}

const KEY = Symbol.for("partnerguard.sharedResolutions.v1");

interface Stored {
  state: "pending" | "settled";
  at: number;
  resolution?: Resolution;
}

export interface SharedOptions {
  /** Ignore what is shared and resolve again (Retry, the command action). */
  fresh?: boolean;
  /** Session storage of the page; absent where there is none (Node). */
  storage?: Pick<Storage, "getItem" | "setItem" | "removeItem">;
  /** The object the registry hangs on (the window). */
  scope?: object;
  /** How long to wait for another frame's pending resolution before starting one. */
  waitMs?: number;
  clock?: () => number;
}

function registryOf(scope: object): Registry {
  const holder = scope as { [KEY]?: Registry };
  holder[KEY] ??= { entries: new Map(), listeners: new Map() };
  return holder[KEY];
}

function key(accountId: string): string {
  return accountId.toLowerCase();
}

function readStored(storage: SharedOptions["storage"], accountId: string): Stored | undefined {
  try {
    const raw = storage?.getItem(STORAGE_PREFIX + key(accountId));
    if (!raw) return undefined;
    const value = JSON.parse(raw) as Stored;
    return value && (value.state === "pending" || value.state === "settled") && typeof value.at === "number" ? value : undefined;
  } catch {
    return undefined; // storage disabled or a foreign value: behave as if nothing is shared
  }
}

function writeStored(storage: SharedOptions["storage"], accountId: string, value: Stored): void {
  try {
    storage?.setItem(STORAGE_PREFIX + key(accountId), JSON.stringify(value));
  } catch {
    // Storage full or disabled: sharing across frames is an optimisation, not a requirement.
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

async function waitForOtherFrame(storage: SharedOptions["storage"], accountId: string, waitMs: number, clock: () => number): Promise<Resolution | undefined> {
  const until = clock() + waitMs;
  while (clock() < until) {
    await new Promise((r) => setTimeout(r, POLL_MS));
    const stored = readStored(storage, accountId);
    if (stored?.state === "settled" && stored.resolution) return stored.resolution;
    if (!stored) return undefined; // the other frame gave up
  }
  return undefined;
}

/** Resolve through the shared registry: at most one resolution per account per page load. */
export function sharedResolve(accountId: string, start: () => Promise<Resolution>, options: SharedOptions = {}): Promise<Resolution> {
  const scope = options.scope ?? globalThis;
  const clock = options.clock ?? Date.now;
  const registry = registryOf(scope);
  const id = key(accountId);
  const existing = registry.entries.get(id);
  if (existing && !options.fresh) return existing.promise;

  const previous = existing?.settled;
  const run = async (): Promise<Resolution> => {
    if (!options.fresh) {
      const stored = readStored(options.storage, id);
      const age = stored ? clock() - stored.at : Infinity;
      if (stored?.state === "settled" && stored.resolution && age < SHARED_TTL_MS) return stored.resolution;
      if (stored?.state === "pending" && age < (options.waitMs ?? 9000)) {
        const other = await waitForOtherFrame(options.storage, id, (options.waitMs ?? 9000) - age, clock);
        if (other) return other;
      }
    }
    writeStored(options.storage, id, { state: "pending", at: clock() });
    try {
      const resolution = await start();
      writeStored(options.storage, id, { state: "settled", at: clock(), resolution });
      return resolution;
    } catch (error) {
      try {
        options.storage?.removeItem(STORAGE_PREFIX + id);
      } catch {
        // nothing to clean
      }
      throw error;
    }
  };
  const entry: Entry = { promise: run() };
  registry.entries.set(id, entry);
  entry.promise.then(
    (resolution) => {
      entry.settled = resolution;
      const changed = !sameVerdict(previous, resolution);
      for (const listener of registry.listeners.get(id) ?? []) listener(resolution, changed);
    },
    () => registry.entries.get(id) === entry && registry.entries.delete(id),
  );
  return entry.promise;
}

/** The settled resolution shared for an account, if any (no request). */
export function sharedSettled(accountId: string, scope: object = globalThis): Resolution | undefined {
  return registryOf(scope).entries.get(key(accountId))?.settled;
}

/** Be told when the account's resolution settles (arrives, or comes back fresh). Returns the unsubscribe function. */
export function onSharedResolution(accountId: string, listener: Listener, scope: object = globalThis): () => void {
  const registry = registryOf(scope);
  const id = key(accountId);
  const set = registry.listeners.get(id) ?? new Set<Listener>();
  set.add(listener);
  registry.listeners.set(id, set);
  return () => set.delete(listener);
}

/**
 * Session-scoped cache of the raw environment variable values (they change rarely). Only raw
 * strings are kept: whoever reads them parses them with the policy's own parser, and the
 * command's fresh re-check never reads the cache at all, so nothing planted in storage can
 * widen what the admin's policy allows at the moment of outreach.
 */
export const CONFIG_STORAGE_KEY = "partnerguard:config";
export const CONFIG_TTL_MS = 10 * 60_000;

type Values = Record<string, string>;

function readCachedValues(storage: SharedOptions["storage"], now: number): Values | undefined {
  try {
    const raw = storage?.getItem(CONFIG_STORAGE_KEY);
    if (!raw) return undefined;
    const stored = JSON.parse(raw) as unknown;
    if (typeof stored !== "object" || stored === null) return undefined;
    const { at, values } = stored as { at?: unknown; values?: unknown };
    if (typeof at !== "number" || !(now - at >= 0 && now - at < CONFIG_TTL_MS)) return undefined;
    if (typeof values !== "object" || values === null || Array.isArray(values)) return undefined;
    const entries = Object.entries(values as Record<string, unknown>);
    return entries.every(([, v]) => typeof v === "string") ? (Object.fromEntries(entries) as Values) : undefined;
  } catch {
    return undefined; // unreadable cache: read again
  }
}

export function cachedConfigValues<R extends { ok: true; values: Values } | { ok: false }>(
  load: () => Promise<R>,
  storage: SharedOptions["storage"],
  options: { fresh?: boolean; clock?: () => number } = {},
): Promise<R | { ok: true; values: Values }> {
  const clock = options.clock ?? Date.now;
  const cached = options.fresh ? undefined : readCachedValues(storage, clock());
  if (cached) return Promise.resolve({ ok: true, values: cached });
  return load().then((read) => {
    // Values that could not be read are not cached: the next form load tries again.
    if (read.ok) {
      try {
        storage?.setItem(CONFIG_STORAGE_KEY, JSON.stringify({ at: clock(), values: read.values }));
      } catch {
        // storage unavailable
      }
    }
    return read;
  });
}

/** Drop everything shared in a scope (what a page unload does; tests start from a new page). */
export function forgetSharedResolutions(scope: object = globalThis): void {
  delete (scope as { [KEY]?: Registry })[KEY];
}
