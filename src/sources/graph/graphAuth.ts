/**
 * The token side of the Graph source. The Graph client asks an AuthenticationProvider for a
 * token on every request; ours never prompts there: prompting is `connect()`, called from a click.
 */
import type { AuthenticationProvider } from "@microsoft/microsoft-graph-client";
import { SourceFailure } from "../../core/types";

export type GraphAuthFailureKind = Extract<
  SourceFailure["kind"],
  "not-connected" | "unauthorized" | "forbidden" | "network"
>;

/**
 * The Graph client wraps what a provider throws into a GraphError and keeps only its `name`
 * (as `code`) and message, so the kind travels in the name.
 */
export const AUTH_ERROR_NAMES: Record<GraphAuthFailureKind, string> = {
  "not-connected": "PartnerGuardGraphNotConnected",
  unauthorized: "PartnerGuardGraphUnauthorized",
  forbidden: "PartnerGuardGraphForbidden",
  network: "PartnerGuardGraphAuthNetwork",
};

export class GraphAuthError extends Error {
  constructor(
    readonly kind: GraphAuthFailureKind,
    message: string,
  ) {
    super(message);
    this.name = AUTH_ERROR_NAMES[kind];
  }
}

export interface GraphAuth extends AuthenticationProvider {
  /** A token without user interaction, or a GraphAuthError. */
  getAccessToken(): Promise<string>;
}

export interface InteractiveGraphAuth extends GraphAuth {
  /** Interactive sign-in (a popup). Call only from a user's click. Resolves to a failure or undefined. */
  connect(): Promise<SourceFailure | undefined>;
}

/** A fixed token: the playground (against the local emulator) and tests. Never for production. */
export class StaticTokenAuth implements InteractiveGraphAuth {
  constructor(
    private readonly token: string,
    public connected = true,
  ) {}

  getAccessToken(): Promise<string> {
    if (!this.connected) return Promise.reject(new GraphAuthError("not-connected", "demo sign-in: not connected yet"));
    return Promise.resolve(this.token);
  }

  connect(): Promise<SourceFailure | undefined> {
    this.connected = true;
    return Promise.resolve(undefined);
  }
}
