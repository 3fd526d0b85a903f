/** The props contract of the verdict card: a view model, no host types. */
import { SourceFailure, Verdict } from "../../src/core/types";

import { Translate } from "../../src/text/translate";
import { IncludePartnerActions } from "./IncludePartner.types";

export type { Translate };

export type CardState =
  /** The form has no saved record yet: nothing to check. */
  | { kind: "new-record" }
  /** On a contact form: the contact has no account (no company, or a contact as company). Nothing to judge or block. */
  | { kind: "no-account" }
  | { kind: "loading" }
  /** The control itself failed (not a source): shown with Retry, outreach stays disabled. */
  | { kind: "error"; message: string }
  | { kind: "ready"; verdict: Verdict; policyProblems: string[]; refreshing?: boolean };

export interface CardProps {
  state: CardState;
  t: Translate;
  /** BCP 47 tag for dates, from the user's language. */
  locale: string;
  /**
   * The record the form shows, when it is not the account judged: on a contact form the card judges
   * the contact's account, and names it.
   */
  about?: { table: "contact"; accountName?: string };
  /** Width the form gives the control, in pixels (undefined when unknown). */
  width?: number;
  onRetry: () => void;
  /** Engage the partner, request an exception, read the history; absent where the host cannot write. */
  include?: IncludePartnerActions;
  /**
   * The host shows the control read-only (`context.mode.isControlDisabled`): the verdict, Retry,
   * Connect to Microsoft Graph and the history stay; engaging and requesting an exception (writes) go.
   */
  readOnly?: boolean;
  /** "Connect to Microsoft Graph": interactive sign-in, then a new resolution. */
  onConnectGraph?: () => void;
  /** Why the last "Connect to Microsoft Graph" did not complete, shown beside the button. */
  graphConnectFailure?: SourceFailure;
}
