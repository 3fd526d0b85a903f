/** Other/Solution.xml: identity, publisher and the root components of the solution. */
import { el, XmlElement } from "../xml";
import { ENVIRONMENT_VARIABLES } from "../model/environmentVariables";
import { ROLES } from "../model/roles";
import { TABLES } from "../model/tables";
import { WEB_RESOURCES } from "../model/webResources";
import { Account, CONTROL_NAME, PUBLISHER_PREFIX, SolutionIdentity } from "../../schema";
import { roleId } from "./role";

/** SolutionComponent type codes (platform-facts D2). */
export const ComponentType = { entity: 1, role: 20, webResource: 61, customControl: 66, environmentVariable: 380 } as const;

/**
 * RootComponentBehavior: 0 include subcomponents, 1 do not include subcomponents, 2 shell only.
 * Our tables are ours entirely (0). Account is Microsoft's: 1 says "this table, and only the
 * subcomponents customizations.xml carries" (our two columns, our form, our ribbon diff); 0 would
 * claim every account column and form, 2 (shell) is for a table whose own subcomponents the
 * solution does not ship. See README "Why account is behavior 1".
 */
export const ACCOUNT_BEHAVIOR = 1;

export interface RootComponentRef {
  type: number;
  schemaName?: string;
  id?: string;
  behavior: number;
}

export function rootComponents(): RootComponentRef[] {
  return [
    ...TABLES.map((t) => ({ type: ComponentType.entity, schemaName: t.logicalName, behavior: 0 })),
    { type: ComponentType.entity, schemaName: Account.logicalName, behavior: ACCOUNT_BEHAVIOR },
    ...ROLES.map((r) => ({ type: ComponentType.role, id: roleId(r), behavior: 0 })),
    ...WEB_RESOURCES.map((w) => ({ type: ComponentType.webResource, schemaName: w.name, behavior: 0 })),
    { type: ComponentType.customControl, schemaName: CONTROL_NAME, behavior: 0 },
    ...ENVIRONMENT_VARIABLES.map((v) => ({ type: ComponentType.environmentVariable, schemaName: v.schemaName, behavior: 0 })),
  ];
}

const nil = (tag: string) => el(tag, { "xsi:nil": "true" });

export function renderSolutionManifest(version: string): XmlElement {
  return el(
    "ImportExportXml",
    { version: "9.2.0.0", SolutionPackageVersion: "9.2", languagecode: 1033, generatedBy: "CrmLive", "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance" },
    el(
      "SolutionManifest",
      {},
      el("UniqueName", {}, SolutionIdentity.uniqueName),
      el("LocalizedNames", {}, el("LocalizedName", { description: SolutionIdentity.displayName, languagecode: 1033 })),
      el(
        "Descriptions",
        {},
        el("Description", { description: "Partner-of-record verdict on the account form and outreach gating for Dynamics 365.", languagecode: 1033 }),
      ),
      el("Version", {}, version),
      el("Managed", {}, 0),
      el(
        "Publisher",
        {},
        el("UniqueName", {}, SolutionIdentity.publisherUniqueName),
        el("LocalizedNames", {}, el("LocalizedName", { description: SolutionIdentity.publisherDisplayName, languagecode: 1033 })),
        el("Descriptions", {}, el("Description", { description: "Publisher of PartnerGuard.", languagecode: 1033 })),
        nil("EMailAddress"),
        nil("SupportingWebsiteUrl"),
        el("CustomizationPrefix", {}, PUBLISHER_PREFIX),
        el("CustomizationOptionValuePrefix", {}, SolutionIdentity.optionValuePrefix),
      ),
      el("RootComponents", {}, ...rootComponents().map((r) => el("RootComponent", { type: r.type, schemaName: r.schemaName, id: r.id, behavior: r.behavior }))),
      el("MissingDependencies", {}),
    ),
  );
}
