/**
 * The model-driven app "PartnerGuard": where approvers find pending exception requests and admins
 * manage partner associations and read the audit trail. Sellers keep working in their own app
 * (Sales Hub...) on the account form; the app is for the three PartnerGuard roles.
 */
import {
  Account,
  Contact,
  Association,
  InAppNotificationsSetting,
  ModelDrivenApp,
  OutreachAudit,
  OutreachDecision,
  OutreachExceptionTable,
} from "../../schema";
import { RoleDefinition } from "./roles";
import { APPROVALS_DASHBOARD } from "./approvals";
import { Labels } from "./types";

/**
 * One entry of the site map: a table (its default view; the app shows the table's plural name, as
 * for an entry the app designer adds), one view of a table (a titled link to the list), or a
 * system dashboard (model/approvals.ts). Site map ids allow letters, digits and `_` only.
 */
export type AppSubArea =
  | { id: string; table: string; title?: undefined; viewKey?: undefined; dashboardKey?: undefined }
  | {
      id: string;
      title: Labels;
      table: string;
      /** Key of one of the table's views (model/tables.ts). */
      viewKey: string;
      dashboardKey?: undefined;
    }
  | { id: string; title: Labels; dashboardKey: string; table?: undefined; viewKey?: undefined };

interface AppGroup {
  id: string;
  title: Labels;
  subAreas: AppSubArea[];
}

interface AppArea {
  id: string;
  title: Labels;
  groups: AppGroup[];
}

export interface AppDefinition {
  uniqueName: string;
  siteMapUniqueName: string;
  name: Labels;
  description: string;
  /** Who sees the app in the app switcher: PartnerGuard roles by key. */
  roles: RoleDefinition["key"][];
  /**
   * Tables of the app. For our own tables the app lists every form and view we ship; for account
   * and contact only the PartnerGuard form (an app that lists forms shows only those, so in this app the card
   * is always there), and no account views, so the org's account views all stay available (ours,
   * model/accountViews.ts, among them; the site map links to them).
   */
  tables: string[];
  /** System dashboards of the app, by key (model/approvals.ts). */
  dashboards: string[];
  areas: AppArea[];
  /**
   * App settings the app ships with (`<appsettings>`): each overrides a platform setting
   * definition for this app only.
   */
  settings: { uniqueName: string; definition: string; value: string }[];
}

export const APP: AppDefinition = {
  uniqueName: ModelDrivenApp.uniqueName,
  siteMapUniqueName: ModelDrivenApp.siteMapUniqueName,
  name: { 1033: ModelDrivenApp.displayName, 1031: ModelDrivenApp.displayName },
  description:
    "Approve or reject outreach exception requests, read the outreach audit trail and manage partner associations.",
  roles: ["seller", "approver", "admin"],
  tables: [
    OutreachExceptionTable.logicalName,
    OutreachDecision.logicalName,
    OutreachAudit.logicalName,
    Association.logicalName,
    Account.logicalName,
    // Only the "Contact (PartnerGuard)" form (issue 25), like account: in this app a contact opens with the card.
    Contact.logicalName,
  ],
  dashboards: [APPROVALS_DASHBOARD.key],
  // Approvers hear of a request, sellers of a decision, while they work in the app.
  settings: [
    {
      uniqueName: InAppNotificationsSetting.uniqueName,
      definition: InAppNotificationsSetting.definition,
      value: "true",
    },
  ],
  areas: [
    {
      id: "pg_area_partnerguard",
      title: { 1033: "PartnerGuard", 1031: "PartnerGuard" },
      groups: [
        {
          id: "pg_group_exceptions",
          title: { 1033: "Outreach exceptions", 1031: "Ansprache-Ausnahmen" },
          subAreas: [
            // First entry of the app: approvers land on what waits for them.
            {
              id: "pg_subarea_pending",
              title: { 1033: "Pending outreach exceptions", 1031: "Offene Ansprache-Ausnahmen" },
              table: OutreachExceptionTable.logicalName,
              viewKey: "pending",
            },
            // How many wait, by reason, beside the list: the approvers' count (a system dashboard).
            {
              id: "pg_subarea_approvals",
              title: { 1033: "Approvals dashboard", 1031: "Genehmigungs-Dashboard" },
              dashboardKey: APPROVALS_DASHBOARD.key,
            },
            { id: "pg_subarea_exceptions", table: OutreachExceptionTable.logicalName },
          ],
        },
        {
          id: "pg_group_decisions",
          title: { 1033: "Outreach decisions", 1031: "Ansprache-Entscheidungen" },
          subAreas: [
            {
              id: "pg_subarea_decisions",
              title: { 1033: "Outreach decisions", 1031: "Ansprache-Entscheidungen" },
              table: OutreachDecision.logicalName,
              viewKey: "decisions",
            },
          ],
        },
        {
          id: "pg_group_audit",
          title: { 1033: "Outreach audit", 1031: "Ansprache-Protokoll" },
          subAreas: [{ id: "pg_subarea_audit", table: OutreachAudit.logicalName }],
        },
        {
          id: "pg_group_associations",
          title: { 1033: "Partner associations", 1031: "Partnerzuordnungen" },
          subAreas: [
            {
              id: "pg_subarea_associations",
              title: { 1033: "Active associations by account", 1031: "Aktive Partnerzuordnungen" },
              table: Association.logicalName,
              viewKey: "active-by-account",
            },
            {
              id: "pg_subarea_expiring",
              title: { 1033: "Associations expiring in 30 days", 1031: "In 30 Tagen ablaufende Zuordnungen" },
              table: Association.logicalName,
              viewKey: "expiring-30",
            },
            {
              id: "pg_subarea_by_source",
              title: {
                1033: "Feeds and Graph: associations by source",
                1031: "Feeds und Graph: Zuordnungen nach Quelle",
              },
              table: Association.logicalName,
              viewKey: "by-source",
            },
          ],
        },
        {
          id: "pg_group_accounts",
          title: { 1033: "Accounts", 1031: "Firmen" },
          subAreas: [
            // The stored verdict's lists (model/accountViews.ts). The app lists no account views as
            // components, so every account view of the org stays available here too.
            {
              id: "pg_subarea_accounts_clear",
              title: { 1033: "Accounts clear for outreach", 1031: "Firmen, die angesprochen werden dürfen" },
              table: Account.logicalName,
              viewKey: "clear-for-outreach",
            },
            {
              id: "pg_subarea_accounts_partner",
              title: { 1033: "Accounts with a partner of record", 1031: "Firmen mit zuständigem Partner" },
              table: Account.logicalName,
              viewKey: "partner-of-record",
            },
            {
              id: "pg_subarea_accounts_unverified",
              title: {
                1033: "Accounts PartnerGuard could not verify",
                1031: "Firmen, die PartnerGuard nicht prüfen konnte",
              },
              table: Account.logicalName,
              viewKey: "not-verified",
            },
            { id: "pg_subarea_accounts", table: Account.logicalName },
          ],
        },
      ],
    },
  ],
};
