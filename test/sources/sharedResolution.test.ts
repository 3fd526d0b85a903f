/**
 * The shared resolution's lifecycle as the Unified Interface needs it: the window lives on while
 * the seller moves between records, two faces ask with different sources, frames share through
 * session storage, and tabs die.
 *
 * @jest-environment jsdom
 */
import { DEFAULT_POLICY, Policy } from "../../src/core/policy";
import { Verdict } from "../../src/core/types";
import { configFromValues } from "../../src/sources/configSource";
import { Resolution } from "../../src/sources/resolver";
import {
  PENDING_LEASE_MS,
  STORAGE_PREFIX,
  ShareKey,
  onSharedResolution,
  replaceFormListener,
  sharedResolve,
  sharedSettled,
} from "../../src/sources/sharedResolution";

const A = "a1000000-0000-4000-8000-00000000000a";
const B = "a1000000-0000-4000-8000-00000000000b";
const CARD = ["Dataverse", "Microsoft Graph"];
const COMMAND_BAR = ["Dataverse"];

function resolution(
  outreach: Verdict["outreach"],
  options: { unasked?: string[]; policy?: Partial<Policy>; tag?: string } = {},
): Resolution {
  const config = configFromValues(new Map());
  return {
    verdict: { accountId: A, outreach, evidence: [], reasons: [], sources: [], evaluatedAt: options.tag ?? "" },
    config: { ...config, policy: { ...DEFAULT_POLICY, ...options.policy } },
    unaskedSources: options.unasked ?? [],
  };
}

/** A start function that counts its calls and answers what it is told. */
function source(...answers: Resolution[]) {
  const calls: number[] = [];
  const start = () => {
    calls.push(calls.length);
    return Promise.resolve(answers[Math.min(calls.length - 1, answers.length - 1)]);
  };
  return { start, calls };
}

let now = 1_000_000;
const clock = () => now;
let scope: object;
beforeEach(() => {
  now = 1_000_000;
  scope = {};
  sessionStorage.clear();
});
const key = (accountId: string, sources = CARD, tenantId?: string): ShareKey => ({ accountId, sources, tenantId });

describe("moving between records in one window", () => {
  test("A -> B -> A: A is read again once its verdict is older than the policy's freshness bound", async () => {
    const a = source(resolution("allowed", { tag: "first" }), resolution("blocked", { tag: "second" }));
    const b = source(resolution("allowed"));
    expect((await sharedResolve(key(A), a.start, { scope, clock })).verdict.outreach).toBe("allowed");
    now += 5_000;
    await sharedResolve(key(B), b.start, { scope, clock });
    now += 5_000; // 10 s later: within the default 30 s, the same verdict, no request
    expect((await sharedResolve(key(A), a.start, { scope, clock })).verdict.evaluatedAt).toBe("first");
    now += 21_000; // 31 s after the first read: read again, the changed data shows
    expect((await sharedResolve(key(A), a.start, { scope, clock })).verdict.outreach).toBe("blocked");
    expect(a.calls).toHaveLength(2);
  });

  test("the freshness bound is the admin's: 0 seconds reads on every open", async () => {
    const a = source(resolution("allowed", { policy: { freshnessSeconds: 0 } }));
    await sharedResolve(key(A), a.start, { scope, clock });
    await sharedResolve(key(A), a.start, { scope, clock });
    expect(a.calls).toHaveLength(2);
  });

  test("a changed customer tenant id is a new question", async () => {
    const a = source(resolution("allowed"));
    await sharedResolve(key(A, CARD, "t-1"), a.start, { scope, clock });
    await sharedResolve(key(A, CARD, "T-1 "), a.start, { scope, clock }); // the same id, written otherwise
    await sharedResolve(key(A, CARD, "t-2"), a.start, { scope, clock });
    expect(a.calls).toHaveLength(2);
  });
});

describe("two faces with different sources", () => {
  test("command bar first, card second: where Graph applied the card still asks it", async () => {
    const commandBar = source(resolution("unverified", { unasked: ["Microsoft Graph"] }));
    const card = source(resolution("blocked"));
    await sharedResolve(key(A, COMMAND_BAR, "t"), commandBar.start, { scope, clock });
    expect((await sharedResolve(key(A, CARD, "t"), card.start, { scope, clock })).verdict.outreach).toBe("blocked");
    expect(card.calls).toHaveLength(1);
    // and the command bar now reuses the card's, better informed, verdict
    expect((await sharedResolve(key(A, COMMAND_BAR, "t"), commandBar.start, { scope, clock })).verdict.outreach).toBe(
      "blocked",
    );
    expect(commandBar.calls).toHaveLength(1);
  });

  test("command bar first, card second: where Graph did not apply, one read serves both (even in flight)", async () => {
    const commandBar = source(resolution("blocked"));
    const card = source(resolution("allowed"));
    const first = sharedResolve(key(A, COMMAND_BAR), commandBar.start, { scope, clock });
    const second = sharedResolve(key(A, CARD), card.start, { scope, clock });
    expect((await second).verdict.outreach).toBe("blocked");
    await first;
    expect(card.calls).toHaveLength(0);
  });

  test("newest wins: an older resolution that settles late does not replace a newer one", async () => {
    let release: (r: Resolution) => void = () => undefined;
    const slow = () => new Promise<Resolution>((resolve) => (release = resolve));
    const older = sharedResolve(key(A), slow, { scope, clock, storage: sessionStorage });
    await sharedResolve(key(A), () => Promise.resolve(resolution("blocked", { tag: "new" })), {
      scope,
      clock,
      fresh: true,
      storage: sessionStorage,
    });
    release(resolution("allowed", { tag: "old" }));
    expect((await older).verdict.evaluatedAt).toBe("old"); // its own caller still gets its answer
    expect(sharedSettled(A, scope)?.verdict.evaluatedAt).toBe("new");
    expect(JSON.parse(sessionStorage.getItem(STORAGE_PREFIX + A) ?? "{}").resolution?.verdict.evaluatedAt).toBe("new");
    const again = source(resolution("allowed"));
    expect((await sharedResolve(key(A), again.start, { scope, clock })).verdict.evaluatedAt).toBe("new");
  });
});

describe("frames and tabs", () => {
  test("a pending marker whose owner died (a reload, a duplicated tab) stalls the next resolution at most one lease", async () => {
    // The page load's time origin stays real: only timers and Date move.
    jest.useFakeTimers({ doNotFake: ["performance"] });
    try {
      sessionStorage.setItem(
        STORAGE_PREFIX + A,
        JSON.stringify({
          state: "pending",
          page: `page-${performance.timeOrigin}`,
          owner: "dead-tab",
          until: Date.now() + PENDING_LEASE_MS,
          tenantId: "",
          sources: CARD,
        }),
      );
      const a = source(resolution("blocked"));
      const resolved = sharedResolve(key(A), a.start, { scope, storage: sessionStorage });
      // While the lease runs, the marker's owner may still answer: this face waits for it.
      await jest.advanceTimersByTimeAsync(PENDING_LEASE_MS - 150);
      expect(a.calls).toHaveLength(0);
      // Nobody renewed it: once it lapses, the face resolves itself (well inside the enable rule's budget).
      await jest.advanceTimersByTimeAsync(300);
      expect(a.calls).toHaveLength(1);
      expect((await resolved).verdict.outreach).toBe("blocked");
    } finally {
      jest.useRealTimers();
    }
  });

  test("after a browser reload, nothing stored by the earlier page load is reused", async () => {
    sessionStorage.setItem(
      STORAGE_PREFIX + A,
      JSON.stringify({
        state: "settled",
        page: "page-earlier",
        at: Date.now(),
        tenantId: "",
        sources: CARD,
        resolution: resolution("allowed"),
      }),
    );
    const a = source(resolution("blocked"));
    expect((await sharedResolve(key(A), a.start, { scope, storage: sessionStorage })).verdict.outreach).toBe("blocked");
    expect(a.calls).toHaveLength(1);
  });

  test("a stored value that is not a resolution is ignored, never trusted", async () => {
    sessionStorage.setItem(
      STORAGE_PREFIX + A,
      JSON.stringify({
        state: "settled",
        page: `page-${performance.timeOrigin}`,
        at: Date.now(),
        tenantId: "",
        sources: CARD,
        resolution: { verdict: { outreach: "allowed" } },
      }),
    );
    const a = source(resolution("blocked"));
    expect((await sharedResolve(key(A), a.start, { scope, storage: sessionStorage })).verdict.outreach).toBe("blocked");
  });
});

describe("listeners", () => {
  test("the form opened three times: one change refreshes once, on the current form", async () => {
    const refreshed: string[] = [];
    for (const form of ["first", "second", "third"])
      replaceFormListener(A, (_r, changed) => changed && refreshed.push(form), scope);
    await sharedResolve(key(A), () => Promise.resolve(resolution("blocked")), { scope, clock, fresh: true });
    expect(refreshed).toEqual(["third"]);
  });

  test("listeners hear of a change, and of the same verdict again as unchanged", async () => {
    const heard: boolean[] = [];
    onSharedResolution(A, (_r, changed) => heard.push(changed), scope);
    await sharedResolve(key(A), () => Promise.resolve(resolution("blocked")), { scope, clock, fresh: true });
    await sharedResolve(key(A), () => Promise.resolve(resolution("blocked")), { scope, clock, fresh: true });
    await sharedResolve(key(A), () => Promise.resolve(resolution("allowed")), { scope, clock, fresh: true });
    expect(heard).toEqual([true, false, true]);
  });
});

describe("work nobody needs stops", () => {
  /** A start function that never answers by itself and reports whether it was told to stop. */
  function hanging() {
    const seen: { signal?: AbortSignal } = {};
    const start = (signal: AbortSignal) => {
      seen.signal = signal;
      return new Promise<Resolution>(() => undefined);
    };
    return { start, seen };
  }

  test("the card goes (destroy) while the command bar still waits: the work goes on", async () => {
    const { start, seen } = hanging();
    const card = new AbortController();
    void sharedResolve(key(A, COMMAND_BAR), start, { scope, clock }).catch(() => undefined); // the command bar: no signal, it always waits
    void sharedResolve(key(A, COMMAND_BAR), start, { scope, clock, signal: card.signal }).catch(() => undefined);
    card.abort();
    expect(seen.signal?.aborted).toBe(false);
  });

  test("every face that asked is gone: the work is told to stop, and the next ask starts afresh", async () => {
    const { start, seen } = hanging();
    const first = new AbortController();
    const second = new AbortController();
    const a = sharedResolve(key(A), start, { scope, clock, signal: first.signal });
    const b = sharedResolve(key(A), start, { scope, clock, signal: second.signal });
    first.abort();
    expect(seen.signal?.aborted).toBe(false);
    second.abort();
    expect(seen.signal?.aborted).toBe(true);
    await expect(a).rejects.toMatchObject({ name: "AbortError" });
    await expect(b).rejects.toMatchObject({ name: "AbortError" });
    const again = source(resolution("blocked"));
    expect((await sharedResolve(key(A), again.start, { scope, clock })).verdict.outreach).toBe("blocked");
    expect(again.calls).toHaveLength(1);
  });
});
