/**
 * The command-bar web resource (pg_/scripts/outreach.js). Bundled as one IIFE whose only global
 * is `PartnerGuard`; the RibbonDiffXml and the form call the functions below with PrimaryControl
 * (the form context) or the execution context.
 */
import { xrmHost } from "./host";
import * as ribbon from "./ribbon";
import * as form from "./form";

export const Ribbon = {
  isOutreachEnabled: (primaryControl: ribbon.FormLike): Promise<boolean> => {
    try {
      return ribbon.isOutreachEnabled(xrmHost(), primaryControl);
    } catch {
      return Promise.resolve(false);
    }
  },
  startOutreach: (primaryControl: ribbon.FormLike): Promise<void> =>
    ribbon.startOutreach(xrmHost(), primaryControl).then(() => undefined),
};

export const Form = {
  onLoad: (executionContext: { getFormContext(): ribbon.FormLike }): void => {
    form.onLoad(xrmHost(), executionContext.getFormContext());
  },
};

// TEMPORARY STUB (branch "oob", issue 24 item 5) — the lead removes this when merging the "grid"
// branch, which defines the real PartnerGuard.Grid. It only lets the package check find the functions
// the gated out-of-box commands' enable rules name; it answers "not allowed" (fail closed), so every
// gated command stays hidden until the real rule lands.
export const Grid = {
  isEverySelectedAllowed: (_selectedIds: string[]): Promise<boolean> => Promise.resolve(false),
  isEveryOnPageAllowed: (_pageIds: string[]): Promise<boolean> => Promise.resolve(false),
};
