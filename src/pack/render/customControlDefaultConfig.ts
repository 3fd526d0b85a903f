/**
 * `<CustomControlDefaultConfigs>` of account: which control renders the table's grids. The shape is
 * the 2026 reference export's (../shared/reference-exports/ribbon-export-2026/customizations.xml,
 * lines 622-627, the Event table's Power Apps grid): a sibling of `<RibbonDiffXml>` under `<Entity>`,
 * one `<CustomControlDefaultConfig>` holding `<ControlDescriptionXML>` (elements, not escaped text)
 * and `<IntroducedVersion>`, no id (the table is the key; the 2018 schema still requires
 * `CustomControlDefaultConfigId`: NEWER_THAN_SCHEMA), the read-only grid listed first, then the
 * Power Apps grid for form factors 0, 1 and 2.
 *
 * The export carries no customizer. `GridCustomizerControlFullName` (static, `SingleLine.Text`, the
 * control's full name as its value, before `EnableStatusColumn`) is what public tools that set the
 * customizer write, the same in each (a search of public code for the parameter's name: a C#
 * command-line tool for Dataverse, an MCP server's "set view grid control" tool, a deployment
 * script); Microsoft documents only the maker's "Customizer control" property
 * (customize-editable-grid-control). docs/admin.md says which part is which.
 */
import { el, XmlElement } from "../xml";
import { ACCOUNT_GRID_PARAMETERS, GRID_FORM_FACTORS, POWER_APPS_GRID, READ_ONLY_GRID_ID } from "../model/accountGrid";

export function renderAccountGridConfig(): XmlElement {
  const parameters = () =>
    el(
      "parameters",
      {},
      el("data-set", { name: "Items" }, el("columnsDefaultView", {})),
      ...ACCOUNT_GRID_PARAMETERS.map((p) => el(p.name, { static: "true", type: p.type }, p.value)),
    );
  return el(
    "CustomControlDefaultConfigs",
    {},
    el(
      "CustomControlDefaultConfig",
      {},
      el(
        "ControlDescriptionXML",
        {},
        el(
          "controlDescriptions",
          {},
          el(
            "controlDescription",
            {},
            el("customControl", { id: READ_ONLY_GRID_ID }, el("parameters", {})),
            ...GRID_FORM_FACTORS.map((formFactor) =>
              el("customControl", { formFactor, name: POWER_APPS_GRID }, parameters()),
            ),
          ),
        ),
      ),
      el("IntroducedVersion", {}, "1.0"),
    ),
  );
}
