/**
 * The resolver runs the sources in parallel, each within the policy's time budget, and hands
 * their outcomes to the pure core. A source that does not answer in time becomes a `timeout`
 * failure (and so, by default, an `unverified` verdict): it never blocks the form.
 */
import { VerdictInput, evaluate } from "../core/verdict";
import { SourceOutcome, Verdict } from "../core/types";
import { DATAVERSE_SOURCE, readDataverse } from "./dataverseSource";
import { PartnerGuardConfig, configFromValues, readConfig } from "./configSource";
import { DEFAULT_POLICY } from "../core/policy";
import { WebApiHost } from "./webApi";
import { GRAPH_SOURCE as GRAPH_SOURCE_NAME } from "./graph/graphApi";

/** What an extra source knows of the resolution it runs in. */
export interface ExtraSourceContext {
  accountId: string;
  config: PartnerGuardConfig;
  /** What is left of the verdict's time budget when the source starts: waits past it are pointless. */
  remainingMs: number;
}

/** An optional extra source (Microsoft Graph) run beside Dataverse. */
export interface ExtraSource {
  name: string;
  /** Whether the source applies to this account under this configuration. */
  appliesTo(config: PartnerGuardConfig, tenantId: string | undefined): boolean;
  /** The source's outcome; `NOT_APPLICABLE` when, once asked, it finds it does not apply after all. */
  read(tenantId: string | undefined, signal: AbortSignal, context: ExtraSourceContext): Promise<SourceOutcome>;
}

/**
 * What an extra source answers when, once asked, it finds it did not apply (the contact card's
 * stand-in for Graph when the user may read the empty tenant id: graph/withheldTenant.ts). The
 * resolver drops it: no outcome, as if the source had not applied. Compared by identity.
 */
export const NOT_APPLICABLE: SourceOutcome = Object.freeze({
  source: "(not applicable)",
  sourceKind: "graph",
  ok: false,
  failure: Object.freeze({ kind: "invalid-input", message: "the source does not apply" }),
});

interface ResolverDeps {
  webApi: WebApiHost;
  /** The user the verdict is for (VerdictInput.userId). */
  userId?: string;
  extraSources?: ExtraSource[];
  /** Returns the configuration; defaults to one Web API read per call. */
  loadConfig?: () => Promise<PartnerGuardConfig>;
  clock?: () => number;
  /**
   * The seller's clock in minutes ahead of UTC at a moment: date-only start and end dates are days
   * of the seller's calendar. Defaults to the time zone of the browser (or machine) running the face.
   */
  utcOffsetMinutes?: (at: number) => number;
}

/** The time zone of the environment the face runs in, in Dynamics' sign convention (minutes ahead of UTC). */
export const localUtcOffsetMinutes = (at: number): number => -new Date(at).getTimezoneOffset();

export interface Resolution {
  verdict: Verdict;
  config: PartnerGuardConfig;
  /** The tenant id the resolution used (Graph), as given. */
  tenantId?: string;
  /** Sources that applied to this account but the face could not ask (the command bar has no Graph). */
  unaskedSources: string[];
}

/**
 * A source that answered in part (say Graph's contracts refused, its GDAP relationships read):
 * what it read still counts when it blocks on its own, because more evidence can only add blocks.
 * Otherwise the missing part might have blocked, so the whole source fails (closed), and the gap
 * is never read as "no partner".
 */
export function settlePartial(outcome: SourceOutcome, input: Omit<VerdictInput, "outcomes">): SourceOutcome {
  if (!outcome.ok || !outcome.partialFailure) return outcome;
  const { partialFailure, ...read } = outcome;
  const alone = evaluate({ ...input, outcomes: [read] });
  if (alone.outreach !== "blocked")
    return { source: outcome.source, sourceKind: outcome.sourceKind, ok: false, failure: partialFailure };
  return {
    ...read,
    notes: [...read.notes, { code: "bad-row", detail: `${outcome.source}: ${partialFailure.message}` }],
  };
}

/** The configuration (environment variables) as a source of the verdict: its failure is said like any other. */
export const CONFIGURATION_SOURCE = "PartnerGuard configuration";

/** The longest budget a policy may set: the platform gives a Promise enable rule 10 s. */
export const MAX_BUDGET_MS = 9000;

/**
 * Race a started source against what is left of the budget. The work gets an AbortSignal that
 * fires at the deadline, so a late source stops instead of finishing in the background.
 */
function withDeadline(
  started: { promise: Promise<SourceOutcome>; controller: AbortController },
  deadline: number,
  clock: () => number,
  source: Pick<SourceOutcome, "source" | "sourceKind">,
): Promise<SourceOutcome> {
  const ms = Math.max(0, deadline - clock());
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<SourceOutcome>((resolve) => {
    timer = setTimeout(() => {
      started.controller.abort();
      resolve({ ...source, ok: false, failure: { kind: "timeout", message: `no answer within the time budget` } });
    }, ms);
  });
  const run = started.promise.catch((error: unknown): SourceOutcome => ({
    ...source,
    ok: false,
    failure: { kind: "network", message: String(error) },
  }));
  return Promise.race([run, timeout]).finally(() => clearTimeout(timer));
}

function startSource(work: (signal: AbortSignal) => Promise<SourceOutcome>) {
  const controller = new AbortController();
  return { promise: work(controller.signal), controller };
}

/** A configuration read that hangs must not hang the verdict: defaults (fail-closed) apply. */
function boundConfig(load: Promise<PartnerGuardConfig>): Promise<PartnerGuardConfig> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const fallback = new Promise<PartnerGuardConfig>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          ...configFromValues(new Map()),
          failure: { kind: "timeout", message: "configuration not read in time" },
        }),
      DEFAULT_POLICY.sourceTimeoutMs,
    );
  });
  return Promise.race([load, fallback]).finally(() => clearTimeout(timer));
}

export async function resolveVerdict(
  deps: ResolverDeps,
  accountId: string,
  tenantId?: string,
  signal?: AbortSignal,
): Promise<Resolution> {
  const clock = deps.clock ?? Date.now;
  // Every source started below stops (no further page, no Graph request) when nobody needs the verdict.
  const controllers: AbortController[] = [];
  signal?.addEventListener("abort", () => controllers.forEach((c) => c.abort()), { once: true });
  const start = (work: (signal: AbortSignal) => Promise<SourceOutcome>) => {
    const started = startSource(work);
    controllers.push(started.controller);
    if (signal?.aborted) started.controller.abort();
    return started;
  };
  const configPromise = boundConfig((deps.loadConfig ?? (() => readConfig(deps.webApi)))());
  // Dataverse starts at once, in parallel with the configuration read; its deadline is set
  // by the policy's budget, counted from the start of the resolution.
  const t0 = clock();
  // Its retries must fit the budget; the policy's own budget is known only once the configuration
  // is read, so until then the default budget bounds them (a stricter policy cuts it at its deadline).
  const dataverse = start((signal) =>
    readDataverse(deps.webApi, accountId, {
      signal,
      now: clock(),
      clock,
      deadline: t0 + DEFAULT_POLICY.sourceTimeoutMs,
    }),
  );
  const config = await configPromise;
  const deadline = t0 + Math.min(config.policy.sourceTimeoutMs, MAX_BUDGET_MS);
  const extras = (deps.extraSources ?? [])
    .filter((s) => s.appliesTo(config, tenantId))
    .map((s) =>
      withDeadline(
        start((signal) => s.read(tenantId, signal, { accountId, config, remainingMs: deadline - clock() })),
        deadline,
        clock,
        { source: s.name, sourceKind: "graph" },
      ),
    );
  const pending = [
    withDeadline(dataverse, deadline, clock, { source: DATAVERSE_SOURCE, sourceKind: "dataverse" }),
    ...extras,
  ];
  // An unreadable configuration is a failed source, never a silent default: the admin's policy
  // may be stricter than the defaults, so the verdict cannot be "allowed" without it.
  if (config.failure)
    pending.push(
      Promise.resolve({ source: CONFIGURATION_SOURCE, sourceKind: "dataverse", ok: false, failure: config.failure }),
    );
  // A face that cannot reach Graph (the command-bar script has no MSAL) must not read "allowed"
  // where Graph would have been asked: Graph on + tenant id + no Graph source = not connected.
  const unaskedSources: string[] = [];
  if (config.graphEnabled && tenantId?.trim() && !(deps.extraSources ?? []).some((s) => s.name === GRAPH_SOURCE_NAME)) {
    unaskedSources.push(GRAPH_SOURCE_NAME);
    pending.push(
      Promise.resolve({
        source: GRAPH_SOURCE_NAME,
        sourceKind: "graph",
        ok: false,
        failure: { kind: "not-connected", message: "Microsoft Graph is not available here" },
      }),
    );
  }
  const answered = await Promise.all(pending);
  const now = clock();
  const judged = {
    accountId,
    userId: deps.userId,
    policy: config.policy,
    now,
    utcOffsetMinutes: (deps.utcOffsetMinutes ?? localUtcOffsetMinutes)(now),
  };
  // A source that found it did not apply is no outcome, as if it had not been asked.
  const outcomes = answered.filter((o) => o !== NOT_APPLICABLE).map((o) => settlePartial(o, judged));
  const verdict = evaluate({ ...judged, outcomes });
  return { verdict, config, tenantId, unaskedSources };
}
