/**
 * What tells approvers that requests wait for them: a system chart counting the pending requests
 * (by reason) and a system dashboard "PartnerGuard approvals" with that count beside the pending
 * list. The app's site map opens the dashboard; the chart also sits in the chart pane of the
 * "Pending outreach exceptions" list. Both read the pending view, so the count is the list's.
 */
import { OutreachExceptionTable } from "../../schema";
import { Labels } from "./types";

/** A system chart (savedqueryvisualization): rows of `table` counted, grouped by one column. */
export interface ChartDefinition {
  key: string;
  table: string;
  name: Labels;
  description: string;
  /** The column the bars stand for (a choice column: one bar per value). */
  groupBy: string;
  /** The column counted (the table's primary key: one per row). */
  count: string;
}

export const PENDING_BY_REASON: ChartDefinition = {
  key: "pending-by-reason",
  table: OutreachExceptionTable.logicalName,
  name: { 1033: "Outreach exceptions by reason", 1031: "Ansprache-Ausnahmen nach Grund" },
  description: "Number of outreach exception requests per reason, for the view it is shown with.",
  groupBy: OutreachExceptionTable.reasonCode,
  count: OutreachExceptionTable.id,
};

export const CHARTS: ChartDefinition[] = [PENDING_BY_REASON];

/** One component of a dashboard: a list of a view's rows, or a chart over them. */
export interface DashboardComponent {
  /** Control id on the dashboard form (letters, digits, `_`). */
  id: string;
  table: string;
  /** Key of one of the table's views (model/tables.ts). */
  viewKey: string;
  /** Key of a chart of CHARTS: shown as that chart; without one, as the list. */
  chartKey?: string;
}

export interface DashboardDefinition {
  key: string;
  name: Labels;
  description: string;
  components: DashboardComponent[];
}

export const APPROVALS_DASHBOARD: DashboardDefinition = {
  key: "approvals",
  name: { 1033: "PartnerGuard approvals", 1031: "PartnerGuard-Genehmigungen" },
  description: "Outreach exception requests waiting for an approver: how many, by reason, and the list, oldest first.",
  components: [
    {
      id: "pg_pending_count",
      table: OutreachExceptionTable.logicalName,
      viewKey: "pending",
      chartKey: PENDING_BY_REASON.key,
    },
    { id: "pg_pending_list", table: OutreachExceptionTable.logicalName, viewKey: "pending" },
  ],
};

export const DASHBOARDS: DashboardDefinition[] = [APPROVALS_DASHBOARD];
