/**
 * The account table's grid (issue 24): the Power Apps grid control with the PartnerGuard badge as
 * its customizer, for every form factor. Shipped as the table's `<CustomControlDefaultConfigs>`
 * (render/customControlDefaultConfig.ts): it applies to the account grids of every app that has no
 * grid control of its own set on the view (docs/admin.md, "The badge on the account grid").
 *
 * The parameters are the ones the platform writes for the Power Apps grid control (the 2026
 * reference export, ../shared/reference-exports/ribbon-export-2026/customizations.xml, line 624),
 * with two changes: editing off (the account grid stays read-only, as the default grid is), and the
 * customizer, a parameter the export does not carry (see the renderer for its source).
 */
import { GRID_BADGE_CONTROL_NAME } from "../../schema";

/** A static parameter of the grid control: `<Name static="true" type="…">value</Name>`. */
export interface GridParameter {
  name: string;
  type: "Enum" | "Whole.None" | "SingleLine.Text";
  value: string;
}

const yes = (name: string): GridParameter => ({ name, type: "Enum", value: "yes" });
const no = (name: string): GridParameter => ({ name, type: "Enum", value: "no" });

/** In the export's order; `GridCustomizerControlFullName` before `EnableStatusColumn`, as practitioners' tools write it. */
export const ACCOUNT_GRID_PARAMETERS: readonly GridParameter[] = [
  no("EnableEditing"),
  no("DisableChildItemsEditing"),
  yes("EnableFiltering"),
  yes("EnableSorting"),
  yes("EnableGrouping"),
  no("EnableAggregation"),
  yes("EnableColumnMoving"),
  yes("EnableMultipleSelection"),
  yes("EnableRangeSelection"),
  no("EnableJumpBar"),
  no("EnablePagination"),
  yes("EnableDropdownColor"),
  yes("EnableStatusIcons"),
  no("EnableTypeIcons"),
  { name: "NavigationTypesAllowed", type: "Enum", value: "all" },
  { name: "ReflowBehavior", type: "Enum", value: "Reflow" },
  yes("ShowAvatar"),
  no("ShowColumnNamesForListView"),
  no("EnableBandedRowsForListView"),
  { name: "NumberOfListColumns", type: "Whole.None", value: "3" },
  yes("ShowFooter"),
  yes("ShowColumnHeaders"),
  yes("ContextualLookupColumnFilters"),
  no("LookupFilterBeginsWith"),
  no("UseFirstColumnForLookupEdits"),
  { name: "DateTimeFormat", type: "Enum", value: "none" },
  { name: "DateOnlyFormat", type: "Enum", value: "none" },
  { name: "GridCustomizerControlFullName", type: "SingleLine.Text", value: GRID_BADGE_CONTROL_NAME },
  yes("EnableStatusColumn"),
];

/** The Power Apps grid control (platform-facts G). */
export const POWER_APPS_GRID = "Microsoft.PowerApps.PowerAppsOneGrid";

/** Form factors the export configures: 0 web, 1 phone, 2 tablet. */
export const GRID_FORM_FACTORS = [0, 1, 2] as const;

/**
 * The read-only grid's control id, which the export lists first with no parameters (and the tools
 * that write this configuration alike): the classic grid stays the fallback.
 */
export const READ_ONLY_GRID_ID = "{E7A81278-8635-4d9e-8D4D-59480B391C5B}";
