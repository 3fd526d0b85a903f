/** Other/Solution.xml: identity, publisher and the root components of the solution. */
import { el, XmlElement } from "../xml";
import { ENVIRONMENT_VARIABLES } from "../model/environmentVariables";
import { ROLES } from "../model/roles";
import { TABLES } from "../model/tables";
import { WEB_RESOURCES } from "../model/webResources";
import {
  Account,
  CONTROL_NAME,
  EmailForm,
  GRID_BADGE_CONTROL_NAME,
  PUBLISHER_PREFIX,
  SolutionIdentity,
} from "../../schema";
import { roleId } from "./role";
import { APP } from "../model/app";
import { DASHBOARDS } from "../model/approvals";
import { dashboardId } from "./approvals";
import { FIELD_SECURITY_PROFILES } from "../model/fieldSecurity";
import { fieldSecurityProfileId } from "./fieldSecurity";

/** SolutionComponent type codes (platform-facts D2). */
export const ComponentType = {
  entity: 1,
  role: 20,
  /** System forms; dashboards are system forms (of type dashboard) and are rooted by their form id. */
  systemForm: 60,
  webResource: 61,
  siteMap: 62,
  customControl: 66,
  /** Field security profile, rooted by its `fieldsecurityprofileid` (kfklaihk/StaffBonusSystem `Other/Solution.xml`). */
  fieldSecurityProfile: 70,
  appModule: 80,
  environmentVariable: 380,
} as const;

/**
 * RootComponentBehavior: 0 include subcomponents, 1 do not include subcomponents, 2 do not
 * include metadata. Our tables are ours entirely (0). Account is Microsoft's: we ship two columns,
 * a form and a ribbon diff, not the table's own settings. An export that adds a column to account
 * writes 2 and, in Entity.xml, the entity without `unmodified` and with only the added attribute
 * (JurgenPostelmans/IssueTracking `Other/Solution.xml` and `Entities/Account/Entity.xml`;
 * render/entity.ts). 0 would claim every account column and form for PartnerGuard.
 */
const ACCOUNT_BEHAVIOR = 2;

interface RootComponentRef {
  type: number;
  schemaName?: string;
  id?: string;
  behavior: number;
}

function rootComponents(): RootComponentRef[] {
  return [
    ...TABLES.map((t) => ({ type: ComponentType.entity, schemaName: t.logicalName, behavior: 0 })),
    { type: ComponentType.entity, schemaName: Account.logicalName, behavior: ACCOUNT_BEHAVIOR },
    // Email is Microsoft's too: only a ribbon diff (a button and its rule) rides with it, no column, no form.
    { type: ComponentType.entity, schemaName: EmailForm.logicalName, behavior: ACCOUNT_BEHAVIOR },
    // Contact (issue 25): Microsoft's table, rooted like account (only the ribbon diff we add).
    { type: ComponentType.entity, schemaName: "contact", behavior: ACCOUNT_BEHAVIOR },
    ...ROLES.map((r) => ({ type: ComponentType.role, id: roleId(r), behavior: 0 })),
    // Charts of our tables come with the table (behavior 0); a dashboard is a component of its own.
    ...DASHBOARDS.map((d) => ({ type: ComponentType.systemForm, id: dashboardId(d.key), behavior: 0 })),
    ...WEB_RESOURCES.map((w) => ({ type: ComponentType.webResource, schemaName: w.name, behavior: 0 })),
    // The app's site map and the app are named by unique name, in type order, as a 2025 export writes them.
    { type: ComponentType.siteMap, schemaName: APP.siteMapUniqueName, behavior: 0 },
    { type: ComponentType.customControl, schemaName: CONTROL_NAME, behavior: 0 },
    // The account grid's configuration (type 68) rides with account (behavior 2), as the 2026
    // reference export carries its table's <CustomControlDefaultConfigs> with only the table rooted.
    { type: ComponentType.customControl, schemaName: GRID_BADGE_CONTROL_NAME, behavior: 0 },
    ...FIELD_SECURITY_PROFILES.map((p) => ({
      type: ComponentType.fieldSecurityProfile,
      id: fieldSecurityProfileId(p),
      behavior: 0,
    })),
    { type: ComponentType.appModule, schemaName: APP.uniqueName, behavior: 0 },
    ...ENVIRONMENT_VARIABLES.map((v) => ({
      type: ComponentType.environmentVariable,
      schemaName: v.schemaName,
      behavior: 0,
    })),
  ];
}

const nil = (tag: string) => el(tag, { "xsi:nil": "true" });

export function renderSolutionManifest(version: string): XmlElement {
  return el(
    "ImportExportXml",
    {
      version: "9.2.0.0",
      SolutionPackageVersion: "9.2",
      languagecode: 1033,
      generatedBy: "CrmLive",
      "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
    },
    el(
      "SolutionManifest",
      {},
      el("UniqueName", {}, SolutionIdentity.uniqueName),
      el("LocalizedNames", {}, el("LocalizedName", { description: SolutionIdentity.displayName, languagecode: 1033 })),
      el(
        "Descriptions",
        {},
        el("Description", {
          description: "Partner-of-record verdict on the account form and outreach gating for Dynamics 365.",
          languagecode: 1033,
        }),
      ),
      el("Version", {}, version),
      el("Managed", {}, 0),
      el(
        "Publisher",
        {},
        el("UniqueName", {}, SolutionIdentity.publisherUniqueName),
        el(
          "LocalizedNames",
          {},
          el("LocalizedName", { description: SolutionIdentity.publisherDisplayName, languagecode: 1033 }),
        ),
        el("Descriptions", {}, el("Description", { description: "Publisher of PartnerGuard.", languagecode: 1033 })),
        nil("EMailAddress"),
        nil("SupportingWebsiteUrl"),
        el("CustomizationPrefix", {}, PUBLISHER_PREFIX),
        el("CustomizationOptionValuePrefix", {}, SolutionIdentity.optionValuePrefix),
      ),
      el(
        "RootComponents",
        {},
        ...rootComponents().map((r) =>
          el("RootComponent", { type: r.type, schemaName: r.schemaName, id: r.id, behavior: r.behavior }),
        ),
      ),
      el("MissingDependencies", {}),
    ),
  );
}
