/**
 * The model-driven app and its site map: every component the app lists, every role it is given and
 * every site-map entry must resolve to something the package defines. A dangling form or view id
 * fails the import or, worse, imports an app whose entry opens nothing; CustomizationsSolution.xsd
 * checks the shape, not these references.
 */
import { PackProblem } from "../errors";
import { elements, unescapeXml } from "../xmlScan";

/** What the rest of customizations.xml defines, by the keys app components use (lower case). */
interface PackageDefinitions {
  /** Table logical names. */
  entities: Set<string>;
  /** Form id → table logical name. */
  forms: Map<string, string>;
  /** View id → table logical name. */
  views: Map<string, string>;
  /** System chart id → table logical name. */
  charts: Map<string, string>;
  /** System dashboard form ids. */
  dashboards: Set<string>;
  roles: Set<string>;
}

const key = (s: string | undefined) => (s ?? "").trim().toLowerCase();
/** Ids with or without braces, any case. */
const guid = (s: string | undefined) => key(s).replace(/[{}]/g, "");

function packageDefinitions(customizations: string): PackageDefinitions {
  const defs: PackageDefinitions = {
    entities: new Set(),
    forms: new Map(),
    views: new Map(),
    charts: new Map(),
    dashboards: new Set(),
    roles: new Set(),
  };
  for (const entity of elements(customizations, "Entity")) {
    const name = key(elements(entity.inner, "Name")[0]?.inner);
    defs.entities.add(name);
    for (const id of elements(entity.inner, "formid")) defs.forms.set(guid(id.inner), name);
    for (const id of elements(entity.inner, "savedqueryid")) defs.views.set(guid(id.inner), name);
    for (const id of elements(entity.inner, "savedqueryvisualizationid")) defs.charts.set(guid(id.inner), name);
  }
  for (const d of elements(elements(customizations, "Dashboards")[0]?.inner ?? "", "Dashboard"))
    defs.dashboards.add(guid(elements(d.inner, "FormId")[0]?.inner));
  for (const role of elements(elements(customizations, "Roles")[0]?.inner ?? "", "Role"))
    defs.roles.add(guid(role.attrs.id));
  return defs;
}

interface AppModuleInfo {
  uniqueName: string;
  line: number;
}

/** Unique names of the app modules and site maps customizations.xml carries (for the root components). */
export function appModulesAndSiteMaps(customizations: string): { apps: AppModuleInfo[]; siteMaps: AppModuleInfo[] } {
  return {
    apps: elements(customizations, "AppModule").map((a) => ({
      uniqueName: (elements(a.inner, "UniqueName")[0]?.inner ?? "").trim(),
      line: a.line,
    })),
    siteMaps: elements(customizations, "AppModuleSiteMap").map((s) => ({
      uniqueName: (elements(s.inner, "SiteMapUniqueName")[0]?.inner ?? "").trim(),
      line: s.line,
    })),
  };
}

/** Query parameters of a site map entry's URL (`main.aspx?pagetype=entitylist&etn=…&viewid=%7b…%7d`). */
function urlParams(url: string): URLSearchParams {
  const query = url.includes("?") ? url.slice(url.indexOf("?") + 1) : "";
  return new URLSearchParams(query);
}

export function checkAppModules(zipName: string, customizations: string): PackProblem[] {
  const problems: PackProblem[] = [];
  const at = (line: number, message: string) => problems.push({ file: `${zipName}/customizations.xml`, line, message });
  const defs = packageDefinitions(customizations);
  const siteMaps = new Map(
    elements(customizations, "AppModuleSiteMap").map((s) => [
      (elements(s.inner, "SiteMapUniqueName")[0]?.inner ?? "").trim(),
      s,
    ]),
  );

  for (const app of elements(customizations, "AppModule")) {
    const name = (elements(app.inner, "UniqueName")[0]?.inner ?? "").trim();
    const base = app.line - 1;
    const what = `app ${name}`;
    const entities = new Set<string>();
    const views = new Set<string>();
    const dashboards = new Set<string>();
    const appSiteMaps: string[] = [];
    for (const c of elements(app.inner, "AppModuleComponent")) {
      const line = base + c.line;
      const { type, schemaName, id } = c.attrs;
      if (type === "1") {
        if (!defs.entities.has(key(schemaName)))
          at(line, `${what} lists table ${schemaName ?? ""}, which is not in the package`);
        entities.add(key(schemaName));
      } else if (type === "60") {
        if (defs.dashboards.has(guid(id))) dashboards.add(guid(id));
        else if (defs.forms.get(guid(id)) === undefined)
          at(line, `${what} lists form ${id ?? ""}, which is not in the package`);
      } else if (type === "59") {
        if (!defs.charts.has(guid(id))) at(line, `${what} lists chart ${id ?? ""}, which is not in the package`);
      } else if (type === "26") {
        if (!defs.views.has(guid(id))) at(line, `${what} lists view ${id ?? ""}, which is not in the package`);
        views.add(guid(id));
      } else if (type === "62") {
        if (!siteMaps.has(schemaName ?? ""))
          at(line, `${what} lists site map ${schemaName ?? ""}, which is not in the package`);
        appSiteMaps.push(schemaName ?? "");
      } else at(line, `${what} lists a component of type ${type ?? "?"}, which this packer does not check`);
    }
    // A form or view of a table the app does not list is never shown: a sign of a forgotten table.
    for (const c of elements(app.inner, "AppModuleComponent")) {
      const table =
        c.attrs.type === "60"
          ? defs.forms.get(guid(c.attrs.id))
          : c.attrs.type === "26"
            ? defs.views.get(guid(c.attrs.id))
            : c.attrs.type === "59"
              ? defs.charts.get(guid(c.attrs.id))
              : undefined;
      if (table !== undefined && !entities.has(table))
        at(base + c.line, `${what} lists a form, view or chart of ${table} but not the table itself`);
    }
    const roles = elements(elements(app.inner, "AppModuleRoleMaps")[0]?.inner ?? "", "Role");
    if (roles.length === 0)
      at(app.line, `${what} is given to no security role: nobody but administrators would see it`);
    for (const r of roles)
      if (!defs.roles.has(guid(r.attrs.id)))
        at(base + r.line, `${what} is given to role ${r.attrs.id ?? ""}, which is not in the package`);
    if (appSiteMaps.length !== 1)
      at(app.line, `${what} needs exactly one site map component (type 62), has ${appSiteMaps.length}`);

    for (const siteMapName of appSiteMaps) {
      const siteMap = siteMaps.get(siteMapName);
      if (!siteMap) continue;
      const smBase = siteMap.line - 1;
      for (const s of elements(siteMap.inner, "SubArea")) {
        const line = smBase + s.line;
        const entity = key(s.attrs.Entity);
        if (entity && !entities.has(entity))
          at(
            line,
            `site map ${siteMapName} entry ${s.attrs.Id ?? ""} opens table ${entity}, which app ${name} does not list`,
          );
        if (!s.attrs.Url) continue;
        const params = urlParams(unescapeXml(s.attrs.Url));
        // A dashboard entry as the designer writes it (home_dashboards.aspx + DefaultDashboard) or as a main.aspx URL.
        const defaultDashboard = s.attrs.DefaultDashboard;
        if (defaultDashboard !== undefined || params.get("pagetype") === "dashboard") {
          const dashboard = guid(defaultDashboard ?? params.get("id") ?? "");
          if (!defs.dashboards.has(dashboard))
            at(line, `site map entry ${s.attrs.Id ?? ""} opens dashboard ${dashboard}, which is not in the package`);
          else if (!dashboards.has(dashboard))
            at(
              line,
              `site map entry ${s.attrs.Id ?? ""} opens dashboard ${dashboard}, which app ${name} does not list`,
            );
          continue;
        }
        if (params.get("pagetype") !== "entitylist") continue;
        const etn = key(params.get("etn") ?? "");
        const view = guid(params.get("viewid") ?? "");
        if (entity && etn !== entity)
          at(line, `site map entry ${s.attrs.Id ?? ""} names table ${entity} but its URL opens ${etn}`);
        else if (!entity && !entities.has(etn))
          at(
            line,
            `site map ${siteMapName} entry ${s.attrs.Id ?? ""} opens table ${etn}, which app ${name} does not list`,
          );
        if (!view) continue;
        if (defs.views.get(view) !== etn)
          at(
            line,
            `site map entry ${s.attrs.Id ?? ""} opens view ${view}, which is not a view of ${etn} in the package`,
          );
        // An app that lists views of a table shows only those: the entry's view must be one of them.
        else if ([...views].some((v) => defs.views.get(v) === etn) && !views.has(view))
          at(line, `site map entry ${s.attrs.Id ?? ""} opens view ${view}, which app ${name} does not list`);
      }
    }
  }
  return problems;
}

/**
 * What a system dashboard shows must be in the package: each list or chart names a table, a view
 * of that table and, for a chart, a chart of that table (an org has no such ids of ours otherwise,
 * and the dashboard would open on an error tile).
 */
export function checkDashboards(zipName: string, customizations: string): PackProblem[] {
  const problems: PackProblem[] = [];
  const defs = packageDefinitions(customizations);
  const section = elements(customizations, "Dashboards")[0];
  if (!section) return problems;
  const base = section.line - 1;
  for (const dashboard of elements(section.inner, "Dashboard")) {
    const name = elements(dashboard.inner, "LocalizedName")[0]?.attrs.description ?? "";
    const dBase = base + dashboard.line - 1;
    for (const control of elements(dashboard.inner, "control")) {
      const line = dBase + control.line;
      const at = (message: string) =>
        problems.push({
          file: `${zipName}/customizations.xml`,
          line,
          message: `dashboard "${name}" ${control.attrs.id ?? ""}: ${message}`,
        });
      const param = (tag: string) => (elements(control.inner, tag)[0]?.inner ?? "").trim();
      const table = key(param("TargetEntityType"));
      if (!defs.entities.has(table)) at(`shows table ${table}, which is not in the package`);
      const view = guid(param("ViewId"));
      if (defs.views.get(view) !== table) at(`opens view ${view}, which is not a view of ${table} in the package`);
      const chart = guid(param("VisualizationId"));
      if (param("ChartGridMode") === "Chart" && !chart) at("is a chart without a VisualizationId");
      if (chart && defs.charts.get(chart) !== table)
        at(`shows chart ${chart}, which is not a chart of ${table} in the package`);
    }
  }
  return problems;
}
