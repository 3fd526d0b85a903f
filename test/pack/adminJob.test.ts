/**
 * Issue 16, "the admin's whole job": sellers land on the PartnerGuard account form, approvers and
 * admins have an app to work in, and the package writes what the tools write (cascades, the account
 * root component, English base-language labels). Checked on what is packed from this repo's Solution/.
 */
import { ZipEntries } from "../../src/pack/assemble";
import { formatProblem } from "../../src/pack/errors";
import { checkPackage } from "../../src/pack/checks/packageChecks";
import { checkAppModules } from "../../src/pack/checks/appModules";
import { validateCustomizations } from "../../src/pack/checks/schemaValidation";
import { elements, ScannedElement, unescapeXml } from "../../src/pack/xmlScan";
import { ROLES } from "../../src/pack/model/roles";
import { TABLES } from "../../src/pack/model/tables";
import { ACCOUNT_COLUMNS, ACCOUNT_FORM } from "../../src/pack/model/account";
import { APP } from "../../src/pack/model/app";
import { roleId } from "../../src/pack/render/role";
import { formId } from "../../src/pack/render/form";
import { viewId } from "../../src/pack/render/view";
import { ComponentType } from "../../src/pack/render/solutionManifest";
import { Account, ModelDrivenApp, OutreachExceptionTable, TableSchemaNames } from "../../src/schema";
import { CHARTS, DASHBOARDS, APPROVALS_DASHBOARD, PENDING_BY_REASON } from "../../src/pack/model/approvals";
import { chartId, dashboardId } from "../../src/pack/render/approvals";
import { checkDashboards } from "../../src/pack/checks/appModules";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { validateXML } from "xmllint-wasm";
import { Fixture, SCHEMAS, assembledFixture } from "./fixture";

const bare = (id: string | undefined) => (id ?? "").replace(/[{}]/g, "").toLowerCase();
const sortedRoleIds = (keys: readonly string[]) =>
  keys.map((k) => bare(roleId(ROLES.find((r) => r.key === k)!))).sort();

let fx: Fixture;
let entries: ZipEntries;
let customizations: string;
let solution: string;

beforeAll(async () => {
  ({ fx, entries, customizations, solution } = await assembledFixture(false));
});
afterAll(() => fx.cleanup());

/** The `<systemform>` whose formid is `id`. */
const systemForm = (id: string): ScannedElement => {
  const form = elements(customizations, "systemform").find(
    (f) => bare(elements(f.inner, "formid")[0]?.inner) === bare(id),
  );
  if (!form) throw new Error(`no form ${id}`);
  return form;
};
const appModule = () => elements(customizations, "AppModule")[0];
const siteMap = () => elements(customizations, "AppModuleSiteMap")[0];

describe("sellers land on the card", () => {
  it("gives the account form to the three PartnerGuard roles, first in the form order, as a fallback form (as exports write main forms)", () => {
    const form = systemForm(formId(Account.logicalName, ACCOUNT_FORM.key));
    const conditions = elements(form.inner, "DisplayConditions");
    expect(conditions).toHaveLength(1);
    expect(conditions[0].attrs).toEqual(expect.objectContaining({ Order: "0", FallbackForm: "true" }));
    expect(conditions[0].inner).not.toContain("<Everyone");
    const ids = elements(conditions[0].inner, "Role")
      .map((r) => bare(r.attrs.Id))
      .sort();
    expect(ids).toEqual(sortedRoleIds(["seller", "approver", "admin"]));
    // ...and those are the roles the package ships.
    const shipped = elements(elements(customizations, "Roles")[0].inner, "Role")
      .map((r) => bare(r.attrs.id))
      .sort();
    expect(ids).toEqual(shipped);
  });

  it("gives each form of our tables to everyone, as the fallback", () => {
    for (const t of TABLES) {
      for (const f of t.forms) {
        const conditions = elements(systemForm(formId(t.logicalName, f.key)).inner, "DisplayConditions");
        expect({
          form: `${t.logicalName}/${f.key}`,
          attrs: { ...conditions[0]?.attrs },
          everyone: conditions[0]?.inner.includes("<Everyone />"),
        }).toEqual({
          form: `${t.logicalName}/${f.key}`,
          attrs: { Order: "0", FallbackForm: "true" },
          everyone: true,
        });
      }
    }
  });

  it("flags a form shown to a role the package does not ship, on its line", () => {
    const ghost = "{00000000-0000-5000-8000-000000000001}";
    const seller = roleId(ROLES.find((r) => r.key === "seller")!);
    const broken = customizations.replace(`<Role Id="${seller}" />`, `<Role Id="${ghost}" />`);
    const line = broken.slice(0, broken.indexOf(ghost)).split("\n").length;
    const copy: ZipEntries = new Map(entries);
    copy.set("customizations.xml", new Uint8Array(Buffer.from(broken)));
    expect(checkPackage("z", copy).map(formatProblem)).toEqual([
      `z/customizations.xml:${line}: form display conditions name role ${ghost}, which is not in the package`,
    ]);
  });

  it("is checked by the FormXml schema: a role condition without an id is refused", async () => {
    const broken = customizations.replace(/<Role Id="/, '<Role Name="');
    const problems = (await validateCustomizations(broken, SCHEMAS)).map((p) => p.message).join("\n");
    expect(problems).toMatch(/Role/);
  });
});

describe("the PartnerGuard app", () => {
  it("ships one app module and its site map, both with root components", () => {
    expect(elements(customizations, "AppModule").map((a) => elements(a.inner, "UniqueName")[0].inner)).toEqual([
      ModelDrivenApp.uniqueName,
    ]);
    expect(
      elements(customizations, "AppModuleSiteMap").map((s) => elements(s.inner, "SiteMapUniqueName")[0].inner),
    ).toEqual([ModelDrivenApp.siteMapUniqueName]);
    const roots = elements(solution, "RootComponent").map((r) => ({ ...r.attrs }));
    expect(roots).toContainEqual({
      type: String(ComponentType.appModule),
      schemaName: ModelDrivenApp.uniqueName,
      behavior: "0",
    });
    expect(roots).toContainEqual({
      type: String(ComponentType.siteMap),
      schemaName: ModelDrivenApp.siteMapUniqueName,
      behavior: "0",
    });
    expect(elements(appModule().inner, "LocalizedName").map((n) => ({ ...n.attrs }))).toContainEqual({
      description: "PartnerGuard",
      languagecode: "1033",
    });
  });

  it("is given to exactly the three PartnerGuard roles", () => {
    const ids = elements(elements(appModule().inner, "AppModuleRoleMaps")[0].inner, "Role")
      .map((r) => bare(r.attrs.id))
      .sort();
    expect(ids).toEqual(sortedRoleIds(["seller", "approver", "admin"]));
  });

  it("opens on the pending outreach exceptions, the view the app lists (a URL entry, as exports write a list link)", () => {
    const first = elements(siteMap().inner, "SubArea")[0];
    expect(first.attrs.Entity).toBeUndefined();
    expect(elements(first.inner, "Title").find((t) => t.attrs.LCID === "1033")?.attrs.Title).toBe(
      "Pending outreach exceptions",
    );
    const url = new URLSearchParams(unescapeXml(first.attrs.Url).split("?")[1]);
    const pending = viewId(OutreachExceptionTable.logicalName, "pending");
    expect({
      pagetype: url.get("pagetype"),
      etn: url.get("etn"),
      viewid: bare(url.get("viewid") ?? ""),
      viewtype: url.get("viewtype"),
    }).toEqual({
      pagetype: "entitylist",
      etn: OutreachExceptionTable.logicalName,
      viewid: bare(pending),
      viewtype: "1039",
    });
    const listed = elements(appModule().inner, "AppModuleComponent")
      .filter((c) => c.attrs.type === "26")
      .map((c) => bare(c.attrs.id));
    expect(listed).toContain(bare(pending));
    const pendingQuery = elements(customizations, "savedquery").find(
      (q) => bare(elements(q.inner, "savedqueryid")[0].inner) === bare(pending),
    )!;
    expect(elements(pendingQuery.inner, "LocalizedName")[0].attrs.description).toBe("Pending outreach exceptions");
  });

  it("has groups for exceptions, decisions, audit, partner associations and accounts", () => {
    const groups = elements(siteMap().inner, "Group").map(
      (g) => elements(g.inner, "Title").find((t) => t.attrs.LCID === "1033")?.attrs.Title,
    );
    expect(groups).toEqual([
      "Outreach exceptions",
      "Outreach decisions",
      "Outreach audit",
      "Partner associations",
      "Accounts",
    ]);
    const entries = elements(siteMap().inner, "SubArea");
    const opened = entries.flatMap((s) =>
      s.attrs.Entity
        ? [s.attrs.Entity]
        : s.attrs.Url?.includes("pagetype=entitylist")
          ? [new URLSearchParams(unescapeXml(s.attrs.Url).split("?")[1]).get("etn") ?? ""]
          : [],
    );
    expect([...new Set(opened)].sort()).toEqual([...TABLES.map((t) => t.logicalName), Account.logicalName].sort());
    // A whole table's entry is written as the app designer writes it: Entity, the spacer icon, no titles.
    for (const table of entries.filter((e) => e.attrs.Entity)) {
      expect(table.attrs).toEqual({
        Id: table.attrs.Id,
        Icon: "/_imgs/imagestrips/transparent_spacer.gif",
        Entity: table.attrs.Entity,
        Client: "All,Outlook,OutlookLaptopClient,OutlookWorkstationClient,Web",
        AvailableOffline: "true",
        PassParams: "false",
        Sku: "All,OnPremise,Live,SPLA",
      });
      expect(table.inner.trim()).toBe("");
    }
  });

  it("lists the PartnerGuard account form (so the card is there in the app), our forms and views, and the site map", () => {
    const components = elements(appModule().inner, "AppModuleComponent").map(
      (c) => `${c.attrs.type}:${bare(c.attrs.schemaName ?? c.attrs.id)}`,
    );
    expect(components).toContain(`60:${bare(formId(Account.logicalName, ACCOUNT_FORM.key))}`);
    expect(components).toContain(`1:${Account.logicalName}`);
    expect(components).toContain(`62:${ModelDrivenApp.siteMapUniqueName.toLowerCase()}`);
    for (const t of TABLES) {
      expect(components).toContain(`1:${t.logicalName}`);
      for (const f of t.forms) expect(components).toContain(`60:${bare(formId(t.logicalName, f.key))}`);
      for (const v of t.views) expect(components).toContain(`26:${bare(viewId(t.logicalName, v.key))}`);
    }
    expect(checkAppModules("z", customizations)).toEqual([]);
  });

  it("flags an app that no longer lists the pending view its site map opens", () => {
    const pending = viewId(OutreachExceptionTable.logicalName, "pending");
    const without = customizations.replace(`<AppModuleComponent type="26" id="${pending}" />`, "");
    expect(without).not.toBe(customizations);
    expect(checkAppModules("z", without).map(formatProblem).join("\n")).toMatch(
      /pg_subarea_pending opens view .*, which app pg_PartnerGuard does not list/,
    );
  });

  it("flags a role, form or site-map view the package does not define", () => {
    const role = roleId(ROLES[0]);
    const ghost = "{00000000-0000-5000-8000-000000000000}";
    const appStart = customizations.indexOf("<AppModules>");
    const head = customizations.slice(0, appStart);
    const apps = customizations.slice(appStart);
    const broken =
      head.replace(/viewid=%7b[0-9a-f-]+%7d/, "viewid=%7b00000000-0000-5000-8000-000000000000%7d") +
      apps
        .replace(`<Role id="${role}" />`, `<Role id="${ghost}" />`)
        .replace(/<AppModuleComponent type="60" id="[^"]+" \/>/, `<AppModuleComponent type="60" id="${ghost}" />`);
    const problems = checkAppModules("z", broken).map(formatProblem).join("\n");
    expect(problems).toContain(`is given to role ${ghost}, which is not in the package`);
    expect(problems).toContain(`lists form ${ghost}, which is not in the package`);
    expect(problems).toMatch(
      /pg_subarea_pending opens view 00000000-0000-5000-8000-000000000000, which is not a view of pg_outreachexception/,
    );
  });

  it("flags an app or site map without its root component", () => {
    const copy: ZipEntries = new Map(entries);
    copy.set("solution.xml", new Uint8Array(Buffer.from(solution.replace(/\s*<RootComponent type="80"[^>]*\/>/, ""))));
    expect(checkPackage("z", entries)).toEqual([]);
    expect(checkPackage("z", copy).map(formatProblem)).toContain(
      `z/solution.xml: no RootComponent for 80 ${ModelDrivenApp.uniqueName.toLowerCase()}`,
    );
  });

  it("is checked by the schema: an app module without its icon web resource is refused", async () => {
    expect(await validateCustomizations(customizations, SCHEMAS)).toEqual([]);
    const broken = customizations.replace(/<WebResourceId>[^<]*<\/WebResourceId>/, "");
    expect((await validateCustomizations(broken, SCHEMAS)).map((p) => p.message).join("\n")).toMatch(
      /FormFactor.*expected.*WebResourceId|WebResourceId/,
    );
  });
});

describe("approvers learn that requests wait for them", () => {
  const dashboard = () => elements(elements(customizations, "Dashboards")[0].inner, "Dashboard")[0];
  const controls = () =>
    elements(dashboard().inner, "control").map((c) => {
      const p = (tag: string) => (elements(c.inner, tag)[0]?.inner ?? "").trim();
      return {
        table: p("TargetEntityType"),
        mode: p("ChartGridMode"),
        view: bare(p("ViewId")),
        chart: bare(p("VisualizationId")),
      };
    });
  const pending = bare(viewId(OutreachExceptionTable.logicalName, "pending"));
  const chart = bare(chartId(PENDING_BY_REASON.table, PENDING_BY_REASON.key));

  it("ships a system dashboard with the count of pending requests (a chart) beside their list, both on the pending view", () => {
    expect(elements(customizations, "Dashboard")).toHaveLength(1);
    expect(bare(elements(dashboard().inner, "FormId")[0].inner)).toBe(bare(dashboardId(APPROVALS_DASHBOARD.key)));
    expect(elements(dashboard().inner, "forms")[0].attrs.type).toBe("dashboard");
    expect(controls()).toEqual([
      { table: OutreachExceptionTable.logicalName, mode: "Chart", view: pending, chart },
      { table: OutreachExceptionTable.logicalName, mode: "Grid", view: pending, chart: "" },
    ]);
    const roots = elements(solution, "RootComponent").map((r) => `${r.attrs.type}:${bare(r.attrs.id)}`);
    expect(roots).toContain(`${ComponentType.systemForm}:${bare(dashboardId(APPROVALS_DASHBOARD.key))}`);
  });

  it("counts: the chart of the request table is an aggregate count of requests per reason", async () => {
    const exceptions = elements(customizations, "Entity").find((e) =>
      e.inner.includes(`<entity Name="${TableSchemaNames.pg_outreachexception}"`),
    )!;
    const visualization = elements(elements(exceptions.inner, "Visualizations")[0].inner, "visualization")[0];
    expect(bare(elements(visualization.inner, "savedqueryvisualizationid")[0].inner)).toBe(chart);
    const data = elements(visualization.inner, "datadescription")[0].inner;
    const fetch = elements(data, "fetch")[0];
    expect(fetch.attrs.aggregate).toBe("true");
    const attributes = elements(fetch.inner, "attribute").map((a) => ({ ...a.attrs }));
    expect(attributes).toEqual([
      { groupby: "true", alias: "groupby_column", name: OutreachExceptionTable.reasonCode },
      { alias: "aggregate_column", name: OutreachExceptionTable.id, aggregate: "count" },
    ]);
    expect(elements(data, "measure").map((m) => m.attrs.alias)).toEqual(["aggregate_column"]);
    // The data description is what Microsoft's VisualizationDataDescription.xsd describes.
    const xsd = await readFile(path.join(SCHEMAS, "VisualizationDataDescription.xsd"), "utf8");
    const valid = await validateXML({
      xml: [{ fileName: "datadescription.xml", contents: data.trim() }],
      schema: [{ fileName: "VisualizationDataDescription.xsd", contents: xsd }],
    });
    expect(valid.errors).toEqual([]);
    expect(elements(visualization.inner, "presentationdescription")[0].inner).toContain('IsValueShownAsLabel="True"');
  });

  it("opens the dashboard from the app's site map, right after the pending list; the app lists it and the chart", () => {
    const entries = elements(siteMap().inner, "SubArea");
    expect(entries.slice(0, 2).map((s) => s.attrs.Id)).toEqual(["pg_subarea_pending", "pg_subarea_approvals"]);
    // As the app designer writes a dashboard entry (kfklaihk/StaffBonusSystem AppModuleSiteMap.xml).
    expect(entries[1].attrs).toEqual(
      expect.objectContaining({
        Url: "/workplace/home_dashboards.aspx",
        DefaultDashboard: bare(dashboardId(APPROVALS_DASHBOARD.key)),
        DescriptionResourceId: "Dashboards_Description",
        ToolTipResourseId: "DashboardTooltip",
      }),
    );
    const components = elements(appModule().inner, "AppModuleComponent").map(
      (c) => `${c.attrs.type}:${bare(c.attrs.id)}`,
    );
    expect(components).toContain(`60:${bare(dashboardId(APPROVALS_DASHBOARD.key))}`);
    expect(components).toContain(`59:${chart}`);
    expect(checkDashboards("z", customizations)).toEqual([]);
  });

  it("flags a dashboard whose chart or view is not in the package, and a site-map dashboard the app does not list", () => {
    const ghost = "00000000-0000-5000-8000-000000000000";
    const brokenChart = customizations.replace(
      `<VisualizationId>{${chart}}</VisualizationId>`,
      `<VisualizationId>{${ghost}}</VisualizationId>`,
    );
    expect(brokenChart).not.toBe(customizations);
    expect(checkDashboards("z", brokenChart).map(formatProblem).join("\n")).toMatch(
      new RegExp(`pg_pending_count: shows chart ${ghost}, which is not a chart of pg_outreachexception in the package`),
    );
    const brokenView = customizations.split(`<ViewId>{${pending}}</ViewId>`).join(`<ViewId>{${ghost}}</ViewId>`);
    expect(checkDashboards("z", brokenView).map(formatProblem)).toHaveLength(2);
    const unlisted = customizations.replace(
      `<AppModuleComponent type="60" id="${dashboardId(APPROVALS_DASHBOARD.key)}" />`,
      "",
    );
    expect(unlisted).not.toBe(customizations);
    expect(checkAppModules("z", unlisted).map(formatProblem).join("\n")).toMatch(
      /pg_subarea_approvals opens dashboard .*, which app pg_PartnerGuard does not list/,
    );
  });

  it("flags a dashboard without its root component, and the schema refuses one without its form id", async () => {
    const copy: ZipEntries = new Map(entries);
    copy.set("solution.xml", new Uint8Array(Buffer.from(solution.replace(/\s*<RootComponent type="60"[^>]*\/>/, ""))));
    expect(checkPackage("z", copy).map(formatProblem)).toContain(
      `z/solution.xml: no RootComponent for 60 ${dashboardId(APPROVALS_DASHBOARD.key).toLowerCase()}`,
    );
    const broken = customizations.replace(/<FormId>[^<]*<\/FormId>/, "");
    expect((await validateCustomizations(broken, SCHEMAS)).map((p) => p.message).join("\n")).toMatch(/FormId/);
  });
});

describe("what the tools write", () => {
  it("writes CascadeArchive RemoveLink on every relationship, the cascading one too (as exports write it), and CascadeRollupView", () => {
    const relationships = elements(customizations, "EntityRelationship");
    expect(relationships.length).toBeGreaterThan(0);
    // The decision → request relationship deletes with its request, and still archives RemoveLink.
    expect(relationships.some((r) => r.inner.includes("<CascadeDelete>Cascade</CascadeDelete>"))).toBe(true);
    for (const r of relationships) {
      const one = (tag: string) => elements(r.inner, tag).map((e) => e.inner);
      expect({ name: r.attrs.Name, archive: one("CascadeArchive"), rollup: one("CascadeRollupView") }).toEqual({
        name: r.attrs.Name,
        archive: ["RemoveLink"],
        rollup: ["NoCascade"],
      });
    }
  });

  it("still validates CascadeArchive's value although the 2018 schema does not know the element", async () => {
    const broken = customizations.replace(
      "<CascadeArchive>RemoveLink</CascadeArchive>",
      "<CascadeArchive>Always</CascadeArchive>",
    );
    expect(broken).not.toBe(customizations);
    expect((await validateCustomizations(broken, SCHEMAS)).map((p) => p.message).join("\n")).toMatch(/CascadeArchive/);
  });

  it("adds its columns to account as an export does: behavior 2, no unmodified, only its attributes, none of the table's settings", () => {
    const account = elements(solution, "RootComponent").filter(
      (r) => r.attrs.type === "1" && r.attrs.schemaName === Account.logicalName,
    );
    expect(account.map((r) => r.attrs.behavior)).toEqual(["2"]);
    const entity = elements(customizations, "Entity").find((e) => /<Name [^>]*>Account<\/Name>/.test(e.inner))!;
    expect(elements(entity.inner, "Name")[0].attrs).toEqual({ LocalizedName: "Account", OriginalName: "" });
    const definition = elements(entity.inner, "entity")[0];
    expect(definition.attrs).toEqual({ Name: "Account" });
    expect(
      elements(definition.inner, "attribute")
        .map((a) => a.attrs.PhysicalName)
        .sort(),
    ).toEqual(ACCOUNT_COLUMNS.map((c) => c.schemaName ?? c.logicalName).sort());
    const tableLevel = definition.inner.replace(/<attributes>[\s\S]*<\/attributes>/, "");
    for (const setting of ["EntitySetName", "IsAuditEnabled", "OwnershipTypeMask", "IsQuickCreateEnabled"])
      expect(elements(tableLevel, setting)).toEqual([]);
  });

  it("writes English where the language is 1033 and German only as 1031", () => {
    // Every German text of the model, from any { 1033, 1031 } label pair whose German differs.
    const german = new Set<string>();
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === "object") {
        const record = value as Record<string, unknown>;
        if (typeof record[1031] === "string" && record[1031] !== record[1033]) german.add(record[1031]);
        Object.values(record).forEach(walk);
      }
    };
    walk([TABLES, ACCOUNT_COLUMNS, ACCOUNT_FORM, APP, CHARTS, DASHBOARDS]);
    expect(german.size).toBeGreaterThan(5);

    const english: string[] = [];
    for (const m of customizations.matchAll(/<(\w+)\s[^>]*>/g)) {
      const tag = m[0];
      const attr = (name: string) => [...tag.matchAll(/\s([\w.]+)="([^"]*)"/g)].find((a) => a[1] === name)?.[2];
      if (attr("languagecode") === "1033" && attr("description") !== undefined)
        english.push(unescapeXml(attr("description")!));
      if (attr("LCID") === "1033" && attr("Title") !== undefined) english.push(unescapeXml(attr("Title")!));
      if (m[1] === "Name" && attr("LocalizedName") !== undefined)
        english.push(unescapeXml(attr("LocalizedName")!), unescapeXml(attr("OriginalName") ?? ""));
    }
    expect(english.filter((t) => german.has(t))).toEqual([]);
    // The tables' names are their English display names.
    for (const t of TABLES) {
      const name = elements(customizations, "Name").find(
        (n) => n.inner === TableSchemaNames[t.logicalName as keyof typeof TableSchemaNames],
      )!;
      expect(name.attrs.LocalizedName).toBe(t.displayName[1033]);
    }
    // German labels do ship, as 1031.
    expect(customizations).toContain('languagecode="1031"');
  });
});
