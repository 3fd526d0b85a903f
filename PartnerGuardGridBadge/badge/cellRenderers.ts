/**
 * The customizer's cell renderers: the stored outreach status column (a choice, "OptionSet" in the
 * grid's data types) becomes a badge; every other column, and a status the badge cannot read,
 * returns null so the grid keeps its own renderer. Pure: the grid "calls it multiple times ... and
 * expects the return value to be consistent" (customize-editable-grid-control, "Best practices"), so
 * today's date is fixed when the renderers are made, and nothing is fetched (no request per row).
 */
import * as React from "react";
import { StoredVerdict } from "../../src/schema";
import type { Translate } from "../../src/text/translate";
import { badgeModel } from "./badgeModel";
import { badgeText } from "./badgeText";
import type { CellRendererOverrides, CellRendererProps, GetRendererParams } from "./gridContract";
import { StatusBadge } from "./StatusBadge";

export interface BadgeEnvironment {
  t: Translate;
  /** BCP 47 tag of the user's language, for dates. */
  locale: string;
  /** The user's today ("YYYY-MM-DD"), in their Dataverse time zone. */
  today: string;
}

export function createCellRendererOverrides(env: BadgeEnvironment): CellRendererOverrides {
  return {
    OptionSet: (props: CellRendererProps, params: GetRendererParams) => {
      if (params.colDefs[params.columnIndex]?.name !== StoredVerdict.outreach) return null;
      const model = badgeModel(props.value, params.rowData, params.colDefs, env.today);
      if (!model) return null;
      return React.createElement(StatusBadge, { model, text: badgeText(model, env.t, env.locale) });
    },
  };
}
