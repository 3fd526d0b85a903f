/**
 * What the solution adds to Microsoft's contact table (issue 25): the column the PartnerGuard
 * control is bound to, and a main form of its own, "Contact (PartnerGuard)", with the card showing
 * the verdict of the contact's account. A new form, never an edit of Microsoft's "Contact" form: a
 * form in a solution replaces the whole form on import (model/account.ts says the same of account).
 */
import { CONTROL_NAME, Contact } from "../../schema";
import { ACCOUNT_FORM } from "./account";
import { Column } from "./types";

export const CONTACT_SCHEMA_NAME = "Contact";

export const CONTACT_COLUMNS: Column[] = [
  {
    kind: "text",
    maxLength: 100,
    logicalName: Contact.status,
    label: { 1033: "PartnerGuard", 1031: "PartnerGuard" },
    description:
      "Bound column of the PartnerGuard control on the contact form; the control shows the verdict of the contact's account and never writes it.",
  },
];

export const CONTACT_FORM = {
  key: "partnerguard-main",
  name: { 1033: "Contact (PartnerGuard)", 1031: "Kontakt (PartnerGuard)" },
  /** Standard contact columns under the PartnerGuard section, so the form is usable on its own. */
  summaryColumns: [
    { column: Contact.firstName, label: "First Name", control: "text" },
    { column: Contact.lastName, label: "Last Name", control: "text" },
    { column: Contact.company, label: "Company Name", control: "lookup" },
    { column: Contact.jobTitle, label: "Job Title", control: "text" },
    { column: Contact.email, label: "Email", control: "email" },
    { column: Contact.phone, label: "Business Phone", control: "text" },
  ],
  summaryLabel: { 1033: "Contact information", 1031: "Kontaktinformationen" },
  control: CONTROL_NAME,
  /**
   * Control manifest property name → contact column it binds. Only the status column: the
   * company is a Customer lookup, which PCF does not bind (`Lookup.Customer` is among the `of-type`
   * values "not supported currently"), and the tenant id is the account's; the control reads both
   * (src/sources/contactAccount.ts, docs/architecture.md "The card on the contact form").
   */
  bindings: { statusColumn: Contact.status },
  /** No form script: the contact form's commands bring their own library (Solution/Entities/contact/RibbonDiff.xml). */
  onLoad: undefined,
  /** Who lands on this form: as on the account form (model/account.ts), PartnerGuard's roles, first, a fallback. */
  display: ACCOUNT_FORM.display,
} as const;
