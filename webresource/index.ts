/**
 * The command-bar web resource (pg_/scripts/outreach.js). Bundled as one IIFE whose only global
 * is `PartnerGuard`; the RibbonDiffXml and the form call the functions below with PrimaryControl
 * (the form context), the execution context, or, on grids, SelectedControlSelectedItemIds (and
 * SelectedControl).
 */
import { xrmHost } from "./host";
import * as ribbon from "./ribbon";
import * as form from "./form";
import * as grid from "./grid";
import * as approvals from "./approvals";
import * as email from "./email";
import * as contact from "./contact";

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

/** Outreach exception and Outreach decision forms (ScriptFunctions.approvalsOnLoad). */
export const Approvals = {
  onLoad: (executionContext: approvals.LoadContextLike): void => {
    approvals.onLoad(xrmHost(), executionContext);
  },
};

/** Account homepage grids and subgrids (names in src/schema.ts ScriptFunctions.grid*). */
export const Grid = {
  isOutreachEnabled: (selectedIds: string[]): Promise<boolean> => {
    try {
      return grid.isOutreachEnabled(xrmHost(), selectedIds);
    } catch {
      return Promise.resolve(false);
    }
  },
  isEverySelectedAllowed: (selectedIds: string[]): Promise<boolean> => {
    try {
      return grid.isEverySelectedAllowed(xrmHost(), selectedIds);
    } catch {
      return Promise.resolve(false);
    }
  },
  isEveryOnPageAllowed: (pageIds: string[]): Promise<boolean> => {
    try {
      return grid.isEveryOnPageAllowed(xrmHost(), pageIds);
    } catch {
      return Promise.resolve(false);
    }
  },
  startOutreach: (selectedIds: string[], selectedControl?: grid.SelectedControlLike): Promise<void> =>
    grid.startOutreach(xrmHost(), selectedIds, selectedControl).then(() => undefined),
};

/** The email form (names in src/schema.ts ScriptFunctions.email*; CrmParameter PrimaryControl). */
export const Email = {
  isSendAllowed: (primaryControl: email.EmailFormLike): Promise<boolean> => {
    try {
      return email.isSendAllowed(xrmHost(), primaryControl);
    } catch {
      return Promise.resolve(false);
    }
  },
  checkRecipients: (primaryControl: email.EmailFormLike): Promise<void> =>
    email.checkRecipients(xrmHost(), primaryControl).then(() => undefined),
};

/** Contact homepage grids and subgrids (issue 25; names in src/schema.ts ScriptFunctions.contactGrid*). */
export const ContactGrid = {
  isOutreachEnabled: (selectedIds: string[]): Promise<boolean> => {
    try {
      return contact.isContactOutreachEnabled(xrmHost(), selectedIds);
    } catch {
      return Promise.resolve(false);
    }
  },
  isEverySelectedAllowed: (selectedIds: string[]): Promise<boolean> => {
    try {
      return contact.isEveryContactSelectedAllowed(xrmHost(), selectedIds);
    } catch {
      return Promise.resolve(false);
    }
  },
  isEveryOnPageAllowed: (pageIds: string[]): Promise<boolean> => {
    try {
      return contact.isEveryContactOnPageAllowed(xrmHost(), pageIds);
    } catch {
      return Promise.resolve(false);
    }
  },
  startOutreach: (selectedIds: string[], selectedControl?: grid.SelectedControlLike): Promise<void> =>
    contact.startContactOutreach(xrmHost(), selectedIds, selectedControl).then(() => undefined),
};

/** The contact form (issue 25; ScriptFunctions.contactForm*): judged through the contact's account. */
export const ContactForm = {
  /** The gated out-of-box commands (Add to marketing list). */
  isEveryAllowed: (primaryControl: contact.ContactFormLike): Promise<boolean> => {
    try {
      return contact.isContactFormAllowed(xrmHost(), primaryControl);
    } catch {
      return Promise.resolve(false);
    }
  },
  /** Start outreach: the same question for one contact (and the same form notification). */
  isOutreachEnabled: (primaryControl: contact.ContactFormLike): Promise<boolean> => {
    try {
      return contact.isContactFormAllowed(xrmHost(), primaryControl);
    } catch {
      return Promise.resolve(false);
    }
  },
  startOutreach: (primaryControl: contact.ContactFormLike): Promise<void> =>
    contact.startContactFormOutreach(xrmHost(), primaryControl).then(() => undefined),
};
