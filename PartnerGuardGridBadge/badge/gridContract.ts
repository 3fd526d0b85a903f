/**
 * The part of the Power Apps grid control's customizer interface the badge uses, written from its
 * documentation (learn.microsoft.com/power-apps/developer/component-framework/customize-editable-grid-control:
 * "Each file exports an object mapping the column data type to a function returning a react element
 * ... If the function returns null or undefined, then the grid uses the internal renderer") and the
 * type names of Microsoft's sample (microsoft/PowerApps-Samples
 * `component-framework/PowerAppsGridCustomizerControl/PAGridCustomizer/types.ts`). Only what the
 * badge reads is typed; everything the grid passes is optional here unless the docs promise it,
 * because none of it is a versioned API. docs/architecture.md, "The grid badge", is the host contract.
 */
import type * as React from "react";

/** A column of the grid, as the grid passes it in `colDefs` (its logical name is `name`). */
export interface GridColumn {
  readonly name: string;
  readonly dataType?: string;
  readonly displayName?: string;
}

/**
 * One row's values by column name, as the grid passes them in `rowData`: text as a string, a
 * lookup as `{ etn, id: { guid }, name }` (drivardxrm/RecordImage.CellRenderer reads it so); how
 * choices and dates come is not documented, so the badge accepts the likely shapes (badgeModel.ts).
 */
export type GridRowData = Readonly<Record<string, unknown>>;

/** The first argument of a cell renderer: the cell's own value. */
export interface CellRendererProps {
  readonly value: unknown;
  readonly formattedValue?: string;
  readonly columnDataType?: string;
}

/** The second argument: every column of the view and the row's data. */
export interface GetRendererParams {
  readonly colDefs: readonly GridColumn[];
  readonly columnIndex: number;
  readonly rowData?: GridRowData;
}

export type CellRenderer = (
  props: CellRendererProps,
  rendererParams: GetRendererParams,
) => React.ReactElement | null | undefined;

/** Renderers by the grid's column data type ("OptionSet" for a choice column). */
export type CellRendererOverrides = Readonly<Record<string, CellRenderer>>;

/** What `init` fires: `context.factory.fireEvent(<EventName>, { cellRendererOverrides })`. */
export interface GridCustomizer {
  readonly cellRendererOverrides: CellRendererOverrides;
}
