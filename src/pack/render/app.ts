/**
 * The model-driven app and its site map, in the shape the platform exports them into
 * customizations.xml (`<AppModuleSiteMaps>` and `<AppModules>`, after `<CustomControls>`). Checked
 * against a 2026 export, kfklaihk/StaffBonusSystem `AppModules/kfklaihk_StaffBonusSystem/AppModule.xml`
 * and `AppModuleSiteMaps/.../AppModuleSiteMap.xml`: the app's `statecode` 0 and `statuscode` 1
 * (newer than CustomizationsSolution.xsd: NEWER_THAN_SCHEMA), and the site map's entries as the
 * designer writes them (subArea below). Its `NavigationType` and site-map flags (`ShowHome`...)
 * are left at the platform's defaults, which are what we want. App settings (`<appsettings>`, after
 * `<Descriptions>` as that export places them) are written in the shape Microsoft documents for
 * adding one to an exported customizations.xml: `<appsetting uniquename="…">` with `iscustomizable`,
 * `<settingdefinitionid><uniquename>` and `value` (powerapps-docs `clientapi/reference/events/
 * form-onsave.md`, "Enable Async OnSave using app setting"; the Field Service mobile docs alike).
 * The 2026 export writes a shorter form, `<appsetting settingdefinitionid.uniquename="…">`; both
 * name the setting definition. Newer than CustomizationsSolution.xsd: NEWER_THAN_SCHEMA.
 */
import { el, XmlElement } from "../xml";
import { AppDefinition, AppSubArea } from "../model/app";
import { ROLES } from "../model/roles";
import { TABLES } from "../model/tables";
import { ACCOUNT_FORM } from "../model/account";
import { CONTACT_FORM } from "../model/contact";
import { Labels } from "../model/types";
import { Account, Contact } from "../../schema";
import { formId } from "./form";
import { viewId } from "./view";
import { chartId, dashboardId } from "./approvals";
import { CHARTS, DASHBOARDS } from "../model/approvals";
import { roleId } from "./role";
import { languages, labelList } from "./labels";
import { INTRODUCED_VERSION } from "./attributes";

/**
 * Component types inside `<AppModuleComponents>` (platform-facts D2; 59 = saved query
 * visualization, i.e. system chart; 60 = system form, dashboards included).
 */
const AppComponentType = { entity: 1, view: 26, chart: 59, form: 60, siteMap: 62 } as const;

/** The platform's default app tile image: a system web resource every org has (what the app designer writes). */
const DEFAULT_APP_ICON = "953b9fac-1e5e-e611-80d6-00155ded156f";

/** Site-map schema version the app designer writes on the site map, areas and groups. */
const SITEMAP_VERSION = "7.0.0.0";

/** Unified Interface (ClientType 4), every form factor (1): an app for the browser, phone and tablet. */
const CLIENT_TYPE_UNIFIED_INTERFACE = 4;
const FORM_FACTOR_ALL = 1;

/** The app's state as exports write it: Active (statecode 0), Active (statuscode 1). */
const APP_STATE = { statecode: 0, statuscode: 1 } as const;

const titles = (labels: Labels): XmlElement =>
  el("Titles", {}, ...languages(labels).map(([code, text]) => el("Title", { LCID: code, Title: text })));

/** What the designer writes on every entry (the export above; Microsoft's Field Service docs alike). */
const ENTRY_DEFAULTS = {
  Client: "All,Outlook,OutlookLaptopClient,OutlookWorkstationClient,Web",
  AvailableOffline: "true",
  PassParams: "false",
  Sku: "All,OnPremise,Live,SPLA",
} as const;
/** The designer's placeholder icon: the app shows the table's own icon. */
const SPACER_ICON = "/_imgs/imagestrips/transparent_spacer.gif";

/**
 * One site-map entry, in the three shapes exports write:
 * - a table: `Entity` alone, no titles (the app shows the table's plural name);
 * - a dashboard: `Url="/workplace/home_dashboards.aspx"` with `DefaultDashboard` (the id without
 *   braces) and the dashboard resource ids, titled;
 * - one view of a table: a URL entry (no `Entity`), the documented `main.aspx` list URL with the
 *   view id and viewtype 1039 (system view), titled; Microsoft writes its own list links this way
 *   (Field Service docs, the schedule board entry: `Url="/main.aspx?pagetype=entitylist&etn=…"`).
 */
function subArea(s: AppSubArea): XmlElement {
  if (s.dashboardKey !== undefined) {
    if (!DASHBOARDS.some((d) => d.key === s.dashboardKey))
      throw new Error(`site map entry ${s.id} opens dashboard ${s.dashboardKey}, which the model does not define`);
    return el(
      "SubArea",
      {
        Id: s.id,
        DescriptionResourceId: "Dashboards_Description",
        Icon: SPACER_ICON,
        Url: "/workplace/home_dashboards.aspx",
        DefaultDashboard: dashboardId(s.dashboardKey).replace(/[{}]/g, ""),
        ...ENTRY_DEFAULTS,
        ToolTipResourseId: "DashboardTooltip",
      },
      titles(s.title),
    );
  }
  if (s.viewKey === undefined)
    return el("SubArea", { Id: s.id, Icon: SPACER_ICON, Entity: s.table, ...ENTRY_DEFAULTS });
  const id = viewId(s.table, s.viewKey).replace(/[{}]/g, "");
  const url = `/main.aspx?pagetype=entitylist&etn=${s.table}&viewid=%7b${id}%7d&viewtype=1039`;
  return el("SubArea", { Id: s.id, Icon: SPACER_ICON, Url: url, ...ENTRY_DEFAULTS }, titles(s.title));
}

export function renderAppModuleSiteMap(app: AppDefinition): XmlElement {
  return el(
    "AppModuleSiteMap",
    {},
    el("SiteMapUniqueName", {}, app.siteMapUniqueName),
    el(
      "SiteMap",
      { IntroducedVersion: SITEMAP_VERSION },
      ...app.areas.map((area) =>
        el(
          "Area",
          { Id: area.id, ShowGroups: "true", IntroducedVersion: SITEMAP_VERSION },
          titles(area.title),
          ...area.groups.map((g) =>
            el(
              "Group",
              { Id: g.id, IntroducedVersion: SITEMAP_VERSION, IsProfile: "false" },
              titles(g.title),
              ...g.subAreas.map(subArea),
            ),
          ),
        ),
      ),
    ),
    labelList("LocalizedNames", "LocalizedName", app.name),
  );
}

/**
 * Forms, views and charts the app shows, by table: all of ours, and the PartnerGuard account form;
 * then its dashboards and the site map.
 */
function appComponents(app: AppDefinition): { type: number; schemaName?: string; id?: string }[] {
  const tables = app.tables.map((logicalName) => {
    const table = TABLES.find((t) => t.logicalName === logicalName);
    if (table)
      return {
        logicalName,
        forms: table.forms.map((f) => formId(logicalName, f.key)),
        views: table.views.map((v) => viewId(logicalName, v.key)),
        charts: CHARTS.filter((c) => c.table === logicalName).map((c) => chartId(c.table, c.key)),
      };
    if (logicalName === Account.logicalName)
      return { logicalName, forms: [formId(logicalName, ACCOUNT_FORM.key)], views: [], charts: [] };
    if (logicalName === Contact.logicalName)
      return { logicalName, forms: [formId(logicalName, CONTACT_FORM.key)], views: [], charts: [] };
    throw new Error(`app ${app.uniqueName} names table ${logicalName}, which the solution neither defines nor extends`);
  });
  return [
    ...tables.map((t) => ({ type: AppComponentType.entity, schemaName: t.logicalName })),
    ...tables.flatMap((t) => t.views.map((id) => ({ type: AppComponentType.view, id }))),
    ...tables.flatMap((t) => t.charts.map((id) => ({ type: AppComponentType.chart, id }))),
    ...tables.flatMap((t) => t.forms.map((id) => ({ type: AppComponentType.form, id }))),
    ...app.dashboards.map((key) => {
      if (!DASHBOARDS.some((d) => d.key === key))
        throw new Error(`app ${app.uniqueName} names dashboard ${key}, which the model does not define`);
      return { type: AppComponentType.form, id: dashboardId(key) };
    }),
    { type: AppComponentType.siteMap, schemaName: app.siteMapUniqueName },
  ];
}

export function renderAppModule(app: AppDefinition): XmlElement {
  const roles = app.roles.map((key) => {
    const role = ROLES.find((r) => r.key === key);
    if (!role) throw new Error(`app ${app.uniqueName} names role ${key}, which the solution does not ship`);
    return el("Role", { id: roleId(role) });
  });
  return el(
    "AppModule",
    {},
    el("UniqueName", {}, app.uniqueName),
    el("IntroducedVersion", {}, INTRODUCED_VERSION),
    el("WebResourceId", {}, DEFAULT_APP_ICON),
    // The export's order: after WebResourceId, before FormFactor.
    el("statecode", {}, APP_STATE.statecode),
    el("statuscode", {}, APP_STATE.statuscode),
    el("FormFactor", {}, FORM_FACTOR_ALL),
    el("ClientType", {}, CLIENT_TYPE_UNIFIED_INTERFACE),
    el(
      "AppModuleComponents",
      {},
      ...appComponents(app).map((c) => el("AppModuleComponent", { type: c.type, schemaName: c.schemaName, id: c.id })),
    ),
    el("AppModuleRoleMaps", {}, ...roles),
    labelList("LocalizedNames", "LocalizedName", app.name),
    labelList("Descriptions", "Description", { 1033: app.description }),
    ...(app.settings.length
      ? [
          el(
            "appsettings",
            {},
            ...app.settings.map((s) =>
              el(
                "appsetting",
                { uniquename: s.uniqueName },
                el("iscustomizable", {}, 1),
                el("settingdefinitionid", {}, el("uniquename", {}, s.definition)),
                el("value", {}, s.value),
              ),
            ),
          ),
        ]
      : []),
  );
}
