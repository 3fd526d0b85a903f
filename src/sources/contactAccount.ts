/**
 * The account a contact's card is about (issue 25): the contact's company (`parentcustomerid`)
 * when that is an account, with the account's name and customer tenant id, in ONE request.
 *
 * Why a read and not a bound property: `parentcustomerid` is a Customer lookup, and PCF documents
 * `Lookup.Customer` among the `of-type` values "not supported currently" (only `Lookup.Simple` is;
 * powerapps-docs `developer/component-framework/manifest-schema-reference/includes/type-table.md`).
 * The tenant id is a column of the account, not the contact, so no binding on the contact form
 * could give it anyway. One FetchXML query on the contact with an outer link-entity to the account
 * gives all three; its cost on the contact form is this one round trip before the verdict's own
 * (docs/architecture.md, "The card on the contact form").
 *
 * What the answer says, as data (the card turns it into words):
 * - `account`: the company is an account (`@Microsoft.Dynamics.CRM.lookuplogicalname` = account).
 *   `tenantId` is the account's customer tenant id as read; absent means none OR withheld by column
 *   security (FetchXML leaves out both), which the face must not take for "none" where Graph is on.
 * - `none`: no company, or the company is a contact: nothing to judge, nothing to block.
 * - A contact the query does not return (deleted, not readable) and a failed request reject: the
 *   card says it could not be verified (fail closed) and offers Retry.
 */
import { Account, Contact } from "../schema";
import { attributes, condition, fetchXml } from "./fetchXml";
import { FORMATTED, WebApiHost, normalizeGuid } from "./webApi";

export type ContactAccount =
  { kind: "account"; accountId: string; accountName?: string; tenantId?: string } | { kind: "none" };

const LOOKUP_TYPE = "@Microsoft.Dynamics.CRM.lookuplogicalname";
const COMPANY = `_${Contact.company}_value`;
/** The link-entity's alias: its columns come back as `acc.<column>`. */
const ALIAS = "acc";

/** One contact's company, and (outer join) the account's name and tenant id when the company is an account. */
export function contactAccountFetchXml(contactId: string): string {
  return fetchXml(
    Contact.logicalName,
    attributes([Contact.id, Contact.company]) +
      `<filter>${condition(Contact.id, "eq", contactId)}</filter>` +
      `<link-entity name="${Account.logicalName}" from="${Account.id}" to="${Contact.company}" link-type="outer" alias="${ALIAS}">` +
      attributes([Account.name, Account.tenantId]) +
      `</link-entity>`,
  );
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/** The contact's account, read in one request. Rejects when the contact cannot be read. */
export async function readContactAccount(webApi: WebApiHost, contactId: string): Promise<ContactAccount> {
  const id = normalizeGuid(contactId);
  if (!id) throw new Error(`"${contactId}" is not a contact id`);
  const { entities } = await webApi.retrieveMultipleRecords(
    Contact.logicalName,
    `?fetchXml=${contactAccountFetchXml(id)}`,
  );
  const row = entities.find((r) => normalizeGuid(r[Contact.id]) === id);
  if (!row) throw new Error("the contact could not be read (deleted, or not shared with you)");
  const company = normalizeGuid(row[COMPANY]);
  if (!company || row[COMPANY + LOOKUP_TYPE] !== Account.logicalName) return { kind: "none" };
  return {
    kind: "account",
    accountId: company,
    // The account's own name when the user reads it; else the name the lookup carries.
    accountName: text(row[`${ALIAS}.${Account.name}`]) ?? text(row[COMPANY + FORMATTED]),
    tenantId: text(row[`${ALIAS}.${Account.tenantId}`]),
  };
}
