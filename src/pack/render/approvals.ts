/**
 * The approvers' count: system charts (`<Visualizations>` of a table, CustomizationsSolution.xsd
 * VisualizationsType) and system dashboards (`<Dashboards>`, DashboardsType: a system form of type
 * dashboard). Charts follow Microsoft's chart XML (datadescription: VisualizationDataDescription.xsd,
 * an aggregate fetch and its measure; presentationdescription: the chart control's settings);
 * dashboards follow the FormXML of Microsoft's sample dashboards: a subgrid control per component,
 * `ChartGridMode` Chart or Grid, on a system view and, for a chart, a system chart.
 */
import { el, XmlElement } from "../xml";
import { stableGuid } from "../guid";
import { ChartDefinition, CHARTS, DashboardComponent, DashboardDefinition } from "../model/approvals";
import { TABLES } from "../model/tables";
import { viewId } from "./view";
import { english, labelList } from "./labels";
import { INTRODUCED_VERSION } from "./attributes";

export const chartId = (table: string, key: string): string => stableGuid("chart", table, key);
export const dashboardId = (key: string): string => stableGuid("dashboard", key);

/** The subgrid control: lists and charts on forms and dashboards (FormXml `classid`). */
const SUBGRID_CLASS = "{E7A81278-8635-4d9e-8D4D-59480B391C5B}";

/** Aliases the chart's fetch gives its two columns; the measure names the counted one. */
const GROUP_ALIAS = "groupby_column";
const COUNT_ALIAS = "aggregate_column";

function chartDataDescription(chart: ChartDefinition): XmlElement {
  return el(
    "datadefinition",
    {},
    el(
      "fetchcollection",
      {},
      el(
        "fetch",
        { mapping: "logical", aggregate: "true" },
        el(
          "entity",
          { name: chart.table },
          el("attribute", { groupby: "true", alias: GROUP_ALIAS, name: chart.groupBy }),
          el("attribute", { alias: COUNT_ALIAS, name: chart.count, aggregate: "count" }),
        ),
      ),
    ),
    el(
      "categorycollection",
      {},
      el("category", {}, el("measurecollection", {}, el("measure", { alias: COUNT_ALIAS }))),
    ),
  );
}

/** A column chart with each bar's number written on it: the count is read, not estimated. */
function chartPresentation(): XmlElement {
  const axis = (tag: string) =>
    el(
      tag,
      { LabelAutoFitMinFontSize: 8, IntervalAutoMode: "VariableCount" },
      el("LabelStyle", { Font: "{0}, 10.5px" }),
    );
  return el(
    "Chart",
    { Palette: "None", PaletteCustomColors: "55,118,193" },
    el("Series", {}, el("Series", { ChartType: "Column", IsValueShownAsLabel: "True", Font: "{0}, 9.5px" })),
    el(
      "ChartAreas",
      {},
      el("ChartArea", { BorderColor: "White", BorderDashStyle: "Solid" }, axis("AxisY"), axis("AxisX")),
    ),
    el("Titles", {}, el("Title", { Alignment: "TopLeft", DockingOffset: -3, Font: "{0}, 13px" })),
  );
}

function renderVisualization(chart: ChartDefinition): XmlElement {
  return el(
    "visualization",
    {},
    el("savedqueryvisualizationid", {}, chartId(chart.table, chart.key)),
    el("datadescription", {}, chartDataDescription(chart)),
    el("presentationdescription", {}, chartPresentation()),
    el("isdefault", {}, 0),
    el("IsCustomizable", {}, 1),
    el("CanBeDeleted", {}, 1),
    el("IntroducedVersion", {}, INTRODUCED_VERSION),
    labelList("LocalizedNames", "LocalizedName", chart.name),
    labelList("Descriptions", "Description", english(chart.description)),
  );
}

/** One chart's file under Entities/<table>/Visualizations/ (the packer joins them into `<Visualizations>`). */
export function renderChartFile(chart: ChartDefinition): XmlElement {
  return el("Visualizations", {}, renderVisualization(chart));
}

function component(c: DashboardComponent, dashboardKey: string): XmlElement {
  const table = TABLES.find((t) => t.logicalName === c.table);
  if (!table?.views.some((v) => v.key === c.viewKey))
    throw new Error(`dashboard ${dashboardKey}: ${c.table} has no view ${c.viewKey}`);
  if (c.chartKey && !CHARTS.some((ch) => ch.table === c.table && ch.key === c.chartKey))
    throw new Error(`dashboard ${dashboardKey}: ${c.table} has no chart ${c.chartKey}`);
  return el(
    "cell",
    {
      id: stableGuid("dashboard-cell", dashboardKey, c.id),
      showlabel: "false",
      colspan: 1,
      rowspan: 12,
      auto: "false",
    },
    el(
      "control",
      { id: c.id, classid: SUBGRID_CLASS },
      el(
        "parameters",
        {},
        el("TargetEntityType", {}, c.table),
        el("ChartGridMode", {}, c.chartKey ? "Chart" : "Grid"),
        el("EnableQuickFind", {}, "false"),
        el("EnableViewPicker", {}, "false"),
        el("EnableJumpBar", {}, "false"),
        el("RecordsPerPage", {}, 10),
        el("ViewId", {}, viewId(c.table, c.viewKey)),
        el("IsUserView", {}, "false"),
        el("ViewIds", {}),
        el("AutoExpand", {}, "Fixed"),
        c.chartKey && el("VisualizationId", {}, chartId(c.table, c.chartKey)),
        el("IsUserChart", {}, "false"),
        el("EnableChartPicker", {}, "false"),
        el("RelationshipName", {}),
      ),
    ),
  );
}

/** A system dashboard: one tab, one section, its components side by side (12 rows high, as the samples). */
export function renderDashboard(d: DashboardDefinition): XmlElement {
  const tab = stableGuid("dashboard-tab", d.key);
  const section = stableGuid("dashboard-section", d.key);
  return el(
    "Dashboard",
    {},
    labelList("LocalizedNames", "LocalizedName", d.name),
    labelList("Descriptions", "Description", english(d.description)),
    el("FormId", {}, dashboardId(d.key)),
    el("IsCustomizable", {}, 1),
    el("CanBeDeleted", {}, 1),
    el("IsDefault", {}, 0),
    el("IntroducedVersion", {}, INTRODUCED_VERSION),
    el("IsTabletEnabled", {}, 1),
    el(
      "FormXml",
      {},
      el(
        "forms",
        { type: "dashboard" },
        el(
          "form",
          {},
          el(
            "tabs",
            {},
            el(
              "tab",
              { name: tab, id: tab, showlabel: "false", verticallayout: "true", locklevel: 0, expanded: "true" },
              el(
                "columns",
                {},
                el(
                  "column",
                  { width: "100%" },
                  el(
                    "sections",
                    {},
                    el(
                      "section",
                      {
                        name: section,
                        id: section,
                        showlabel: "false",
                        showbar: "false",
                        columns: "1".repeat(d.components.length),
                      },
                      el(
                        "rows",
                        {},
                        el("row", {}, ...d.components.map((c) => component(c, d.key))),
                        ...Array.from({ length: 11 }, () => el("row")),
                      ),
                    ),
                  ),
                ),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}
