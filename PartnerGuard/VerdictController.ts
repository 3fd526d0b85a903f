/**
 * Holds the card's state for one account across the control's lifecycle: starts a resolution,
 * ignores answers that arrive for an older request or after destroy, and reports changes. It
 * follows the account: a newer resolution another face settles (the command's re-check, the enable
 * rule, another card) is shown as it is, with no request of the card's own and no loading state.
 */
import { isObject } from "../src/core/json";
import { CardState } from "./components/Component.types";
import { Resolution } from "../src/sources/resolver";
import { messageOf } from "../src/sources/failures";

export type Resolve = (accountId: string, fresh: boolean, signal: AbortSignal) => Promise<Resolution>;
/** Be told of the account's newer resolutions that answer the card's question; returns the unsubscribe function. */
export type Follow = (accountId: string, adopt: (resolution: Resolution) => void) => () => void;

export class VerdictController {
  private state: CardState = { kind: "new-record" };
  private accountId: string | undefined;
  private tenantId: string | undefined;
  private generation = 0;
  private destroyed = false;
  /** The card's interest in the resolution it waits for: dropped on a new load and on destroy. */
  private interest: AbortController | undefined;
  private unfollow: (() => void) | undefined;
  /** Whether the card's own resolution runs, and the newest one another face settled meanwhile. */
  private waiting = false;
  private heard: Resolution | undefined;
  /** The last resolution shown, for the actions that act on it. */
  resolution: Resolution | undefined;

  constructor(
    private readonly resolve: Resolve,
    private readonly onChange: () => void,
    private readonly follow?: Follow,
  ) {}

  get current(): CardState {
    return this.state;
  }

  /** Called on every updateView; only a change of account or of its customer tenant id starts a resolution. */
  show(accountId: string | undefined, tenantId?: string): void {
    const tenant = tenantId?.trim() || undefined;
    if (accountId === this.accountId && tenant === this.tenantId && this.state.kind !== "new-record") return;
    this.accountId = accountId;
    this.tenantId = tenant;
    this.unfollow?.();
    this.unfollow = accountId ? this.follow?.(accountId, this.adopt) : undefined;
    if (!accountId) {
      this.generation++;
      this.state = { kind: "new-record" };
      return;
    }
    this.load(false);
  }

  retry = (): void => {
    if (this.accountId) this.load(true, false);
    this.onChange();
  };

  /** After the seller wrote something (an engagement, a request): a fresh verdict, the card stays up. */
  refresh = (): void => {
    if (this.accountId) this.load(true, true);
    this.onChange();
  };

  destroy(): void {
    this.destroyed = true;
    this.generation++;
    // If no other face (the command bar) waits for it, the resolution stops asking.
    this.interest?.abort();
    this.unfollow?.();
  }

  /** The account's newest resolution: shown now, or, while the card's own runs, when that settles. */
  private adopt = (resolution: Resolution): void => {
    if (this.waiting) this.heard = resolution;
    else this.apply(resolution);
  };

  private load(fresh: boolean, keepCard = false): void {
    const generation = ++this.generation;
    this.waiting = true;
    this.heard = undefined;
    const accountId = this.accountId as string;
    this.state = this.state.kind === "ready" && keepCard ? { ...this.state, refreshing: true } : { kind: "loading" };
    this.interest?.abort();
    this.interest = new AbortController();
    this.resolve(accountId, fresh, this.interest.signal).then(
      (resolution) => this.settle(generation, resolution),
      (error: unknown) => {
        if (isObject(error) && error.name === "AbortError") return; // nobody is waiting for it
        this.settle(generation, undefined, messageOf(error));
      },
    );
  }

  private settle(generation: number, resolution?: Resolution, message = ""): void {
    if (this.destroyed || generation !== this.generation) return;
    this.waiting = false;
    // The last heard is the card's own answer (told before it comes back here) or a newer one.
    this.apply(this.heard ?? resolution, message);
  }

  private apply(resolution: Resolution | undefined, message = ""): void {
    if (resolution) this.resolution = resolution;
    this.state = resolution
      ? { kind: "ready", verdict: resolution.verdict, policyProblems: resolution.config.policyProblems }
      : { kind: "error", message };
    this.onChange();
  }
}
