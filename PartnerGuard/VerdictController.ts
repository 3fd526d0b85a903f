/**
 * Holds the card's state for one account across the control's lifecycle: starts a resolution,
 * ignores answers that arrive for an older request or after destroy, and reports changes.
 */
import { isObject } from "../src/core/json";
import { CardState } from "./components/Component.types";
import { Resolution } from "../src/sources/resolver";
import { messageOf } from "../src/sources/failures";

export type Resolve = (accountId: string, fresh: boolean, signal: AbortSignal) => Promise<Resolution>;

export class VerdictController {
  private state: CardState = { kind: "new-record" };
  private accountId: string | undefined;
  private tenantId: string | undefined;
  private generation = 0;
  private destroyed = false;
  /** The card's interest in the resolution it waits for: dropped on a new load and on destroy. */
  private interest: AbortController | undefined;
  /** The last resolution shown, for the actions that act on it. */
  resolution: Resolution | undefined;

  constructor(
    private readonly resolve: Resolve,
    private readonly onChange: () => void,
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
  }

  private load(fresh: boolean, keepCard = false): void {
    const generation = ++this.generation;
    const accountId = this.accountId as string;
    this.state = this.state.kind === "ready" && keepCard ? { ...this.state, refreshing: true } : { kind: "loading" };
    this.interest?.abort();
    this.interest = new AbortController();
    this.resolve(accountId, fresh, this.interest.signal).then(
      (resolution) => {
        if (!this.destroyed && generation === this.generation) this.resolution = resolution;
        this.settle(generation, {
          kind: "ready",
          verdict: resolution.verdict,
          policyProblems: resolution.config.policyProblems,
        });
      },
      (error: unknown) => {
        if (isObject(error) && error.name === "AbortError") return; // nobody is waiting for it
        this.settle(generation, { kind: "error", message: messageOf(error) });
      },
    );
  }

  private settle(generation: number, state: CardState): void {
    if (this.destroyed || generation !== this.generation) return;
    this.state = state;
    this.onChange();
  }
}
