/** Packs a fixture repository and checks the zips the way an import would need them. */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { packSolution, zipName } from "../../src/pack/packSolution";
import { unzipEntries } from "../../src/pack/zip";
import { checkPackage } from "../../src/pack/checks/packageChecks";
import { validateCustomizations } from "../../src/pack/checks/schemaValidation";
import { elements } from "../../src/pack/xmlScan";
import { DEFAULT_POLICY } from "../../src/core/policy";
import {
  Account,
  CONTROL_NAME,
  GRID_BADGE_CONTROL_NAME,
  EnvironmentVariables,
  OutreachDecision,
  OutreachExceptionTable,
  ScriptFunctions,
  TableSchemaNames,
  WebResources,
} from "../../src/schema";
import { TABLES } from "../../src/pack/model/tables";
import { ENVIRONMENT_VARIABLES } from "../../src/pack/model/environmentVariables";
import { Fixture, SCHEMAS, listDir, makeFixture } from "./fixture";

const text = (b: Uint8Array | undefined) => Buffer.from(b ?? new Uint8Array()).toString("utf8");

describe("packSolution", () => {
  let fx: Fixture;
  let unmanaged: Map<string, Uint8Array>;
  let managed: Map<string, Uint8Array>;
  let paths: { managed: string; unmanaged: string };

  beforeAll(async () => {
    fx = await makeFixture("1.2.3");
    paths = await packSolution({ root: fx.root, outDir: fx.out, schemasDir: SCHEMAS });
    unmanaged = unzipEntries(new Uint8Array(await readFile(paths.unmanaged)));
    managed = unzipEntries(new Uint8Array(await readFile(paths.managed)));
  });
  afterAll(() => fx.cleanup());

  it("writes PartnerGuard_<version>_(un)managed.zip with the version of package.json, and nothing else", async () => {
    expect(path.basename(paths.unmanaged)).toBe(zipName("1.2.3", false));
    expect(path.basename(paths.managed)).toBe("PartnerGuard_1.2.3_managed.zip");
    expect(await listDir(fx.out)).toEqual(["PartnerGuard_1.2.3_managed.zip", "PartnerGuard_1.2.3_unmanaged.zip"]);
    expect(text(unmanaged.get("solution.xml"))).toContain("<Version>1.2.3</Version>");
    expect(text(unmanaged.get("solution.xml"))).toContain("<Managed>0</Managed>");
    expect(text(managed.get("solution.xml"))).toContain("<Managed>1</Managed>");
  });

  it("puts the root files first, [Content_Types].xml with a BOM, solution and customizations without declaration", () => {
    expect([...unmanaged.keys()].slice(0, 3)).toEqual(["[Content_Types].xml", "solution.xml", "customizations.xml"]);
    expect([...unmanaged.get("[Content_Types].xml")!.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(text(unmanaged.get("solution.xml")).startsWith("<ImportExportXml")).toBe(true);
    expect(text(unmanaged.get("customizations.xml")).startsWith("<ImportExportXml")).toBe(true);
    for (const name of unmanaged.keys()) expect(name).not.toMatch(/\\/);
  });

  it("passes every package check: files ↔ names, root components, ribbon and form references", () => {
    expect(checkPackage("unmanaged", unmanaged)).toEqual([]);
    expect(checkPackage("managed", managed)).toEqual([]);
  });

  it("customizations.xml validates against CustomizationsSolution.xsd", async () => {
    expect(await validateCustomizations(text(unmanaged.get("customizations.xml")), SCHEMAS)).toEqual([]);
  });

  it("validates for real: the XSD refuses a cascade or a FetchXML operator it does not know", async () => {
    const xml = text(unmanaged.get("customizations.xml"));
    const bad = xml
      .replace("<CascadeDelete>Cascade</CascadeDelete>", "<CascadeDelete>Always</CascadeDelete>")
      .replace('operator="last-x-days"', 'operator="in-the-last-days"');
    const problems = (await validateCustomizations(bad, SCHEMAS)).map((p) => p.message).join("\n");
    expect(problems).toMatch(/CascadeDelete.*Always/);
    expect(problems).toMatch(/operator.*in-the-last-days/);
  });

  it("ships the decision table like the others: columns, form, views, root component", () => {
    const c = text(unmanaged.get("customizations.xml"));
    const entity = elements(c, "Entity").find(
      (e) => elements(e.inner, "Name")[0]?.inner === TableSchemaNames.pg_outreachdecision,
    )!;
    expect(entity).toBeDefined();
    const columns = elements(entity.inner, "attribute")
      .map((a) => a.attrs.PhysicalName)
      .filter(Boolean);
    expect(columns).toEqual(
      expect.arrayContaining([
        OutreachDecision.id,
        OutreachDecision.name,
        OutreachDecision.exceptionNav,
        OutreachDecision.decision,
        OutreachDecision.days,
        OutreachDecision.note,
      ]),
    );
    expect(elements(entity.inner, "systemform")).toHaveLength(1);
    expect(
      elements(entity.inner, "savedquery").map((q) => elements(q.inner, "LocalizedName")[0].attrs.description),
    ).toContain("Decisions");
    expect(elements(text(unmanaged.get("solution.xml")), "RootComponent").map((r) => r.attrs.schemaName)).toContain(
      OutreachDecision.logicalName,
    );
  });

  it("cascades deleting a request to its decisions and keeps every other row when what it points at goes", () => {
    const relationships = elements(text(unmanaged.get("customizations.xml")), "EntityRelationship").map((r) => ({
      from: elements(r.inner, "ReferencingEntityName")[0].inner,
      to: elements(r.inner, "ReferencedEntityName")[0].inner,
      lookup: elements(r.inner, "ReferencingAttributeName")[0].inner,
      onDelete: elements(r.inner, "CascadeDelete")[0].inner,
    }));
    expect(relationships).toContainEqual({
      from: TableSchemaNames.pg_outreachdecision,
      to: TableSchemaNames.pg_outreachexception,
      lookup: OutreachDecision.exceptionNav,
      onDelete: "Cascade",
    });
    expect(relationships.filter((r) => r.onDelete !== "RemoveLink")).toHaveLength(1);
  });

  it("lists as pending only requests without a decision", () => {
    const c = text(unmanaged.get("customizations.xml"));
    const pending = elements(c, "savedquery").find((q) =>
      q.inner.includes('description="Pending outreach exceptions"'),
    )!;
    const fetch = elements(pending.inner, "fetch")[0].inner;
    expect(elements(fetch, "entity")[0].attrs.name).toBe(OutreachExceptionTable.logicalName);
    const link = elements(fetch, "link-entity")[0];
    expect(link.attrs).toMatchObject({
      name: OutreachDecision.logicalName,
      from: OutreachDecision.exception,
      to: OutreachExceptionTable.id,
      "link-type": "outer",
    });
    expect(fetch).toContain(
      `<condition entityname="${link.attrs.alias}" attribute="${OutreachDecision.id}" operator="null" />`,
    );
  });

  it("has a root component for every table, web resource, the control, every environment variable and role", () => {
    const roots = elements(text(unmanaged.get("solution.xml")), "RootComponent").map(
      (r) => `${r.attrs.type}:${r.attrs.schemaName ?? "id"}`,
    );
    for (const t of TABLES) expect(roots).toContain(`1:${t.logicalName}`);
    expect(roots).toContain(`1:${Account.logicalName}`);
    for (const w of Object.values(WebResources)) expect(roots).toContain(`61:${w}`);
    expect(roots).toContain(`66:${CONTROL_NAME}`);
    for (const v of Object.values(EnvironmentVariables)) expect(roots).toContain(`380:${v}`);
    expect(roots.filter((r) => r === "20:id")).toHaveLength(3);
    expect(roots.filter((r) => r.startsWith("1:pg_")).sort()).toEqual(
      Object.keys(TableSchemaNames)
        .map((t) => `1:${t}`)
        .sort(),
    );
  });

  it("ships the built control: manifest, bundle and strings under Controls/<prefix>_<namespace>.<constructor>/", () => {
    const dir = `Controls/${CONTROL_NAME}/`;
    expect(text(unmanaged.get(`${dir}ControlManifest.xml`))).toContain('<code path="bundle.js"');
    expect(unmanaged.has(`${dir}bundle.js`)).toBe(true);
    expect(unmanaged.has(`${dir}strings/PartnerGuard.1033.resx`)).toBe(true);
    expect(text(unmanaged.get("customizations.xml"))).toContain(`<FileName>/${dir}ControlManifest.xml</FileName>`);
  });

  it("names the controls <publisherprefix>_<namespace>.<constructor> everywhere, as exports do", () => {
    const solution = text(unmanaged.get("solution.xml"));
    const c = text(unmanaged.get("customizations.xml"));
    const prefix = elements(elements(solution, "Publisher")[0].inner, "CustomizationPrefix")[0].inner.trim();
    const names = elements(c, "CustomControl").map((cc) => elements(cc.inner, "Name")[0].inner.trim());
    // The card and the grid badge.
    expect(names).toEqual([CONTROL_NAME, GRID_BADGE_CONTROL_NAME]);
    for (const name of names) {
      const manifest = text(unmanaged.get(`Controls/${name}/ControlManifest.xml`));
      // The built manifest inside keeps its own namespace and constructor (Creator Kit: cat_PowerCAT.Breadcrumb
      // holds <control namespace="PowerCAT" constructor="Breadcrumb">); the prefix is the solution's.
      const control = /<control\b[^>]*>/.exec(manifest)?.[0] ?? "";
      const namespace = /\snamespace="([^"]+)"/.exec(control)?.[1];
      const ctor = /\sconstructor="([^"]+)"/.exec(control)?.[1];
      expect(name).toBe(`${prefix}_${namespace}.${ctor}`);
    }
    expect(
      elements(solution, "RootComponent")
        .filter((r) => r.attrs.type === "66")
        .map((r) => r.attrs.schemaName),
    ).toEqual(names);
    // Forms host the card; the account grid names the badge as its customizer.
    const formControls = new Set(
      elements(c, "systemform").flatMap((f) =>
        elements(f.inner, "customControl")
          .map((cc) => cc.attrs.name)
          .filter((n) => n !== undefined && !n.startsWith("Microsoft.")),
      ),
    );
    expect([...formControls]).toEqual([CONTROL_NAME]);
    expect(elements(c, "GridCustomizerControlFullName").map((p) => p.inner.trim())).toEqual([
      GRID_BADGE_CONTROL_NAME,
      GRID_BADGE_CONTROL_NAME,
      GRID_BADGE_CONTROL_NAME,
    ]);
    expect(
      [...unmanaged.keys()].filter(
        (k) => k.startsWith("Controls/") && !names.some((n) => k.startsWith(`Controls/${n}/`)),
      ),
    ).toEqual([]);
  });

  it("ships the grid badge: manifest, bundle and both .resx under Controls/<prefix>_PartnerGuard.PartnerGuardGridBadge/", () => {
    const dir = `Controls/${GRID_BADGE_CONTROL_NAME}/`;
    const manifest = text(unmanaged.get(`${dir}ControlManifest.xml`));
    expect(manifest).toContain('<code path="bundle.js"');
    expect(unmanaged.has(`${dir}bundle.js`)).toBe(true);
    for (const lcid of [1033, 1031]) {
      expect(manifest).toContain(`strings/PartnerGuardGridBadge.${lcid}.resx`);
      expect(unmanaged.has(`${dir}strings/PartnerGuardGridBadge.${lcid}.resx`)).toBe(true);
    }
    expect(text(unmanaged.get("customizations.xml"))).toContain(`<FileName>/${dir}ControlManifest.xml</FileName>`);
  });

  it("sets the Power Apps grid with the badge as customizer on account's grids, in the 2026 export's shape", () => {
    const c = text(unmanaged.get("customizations.xml"));
    const entities = elements(c, "Entity");
    const withConfig = entities.filter((e) => elements(e.inner, "CustomControlDefaultConfigs").length > 0);
    expect(withConfig.map((e) => elements(e.inner, "Name")[0].inner.trim())).toEqual(["Account"]);
    const account = withConfig[0].inner;
    // A sibling of RibbonDiffXml under <Entity>, after it, as the export writes it.
    expect(account.indexOf("<CustomControlDefaultConfigs>")).toBeGreaterThan(account.indexOf("</RibbonDiffXml>"));
    const config = elements(account, "CustomControlDefaultConfig");
    expect(config).toHaveLength(1);
    // No id, no type code: the export keys it by its table.
    expect(elements(config[0].inner, "CustomControlDefaultConfigId")).toEqual([]);
    expect(elements(config[0].inner, "IntroducedVersion").map((v) => v.inner)).toEqual(["1.0"]);
    const controls = elements(elements(config[0].inner, "controlDescription")[0].inner, "customControl");
    expect(controls.map((cc) => [cc.attrs.id, cc.attrs.formFactor, cc.attrs.name])).toEqual([
      ["{E7A81278-8635-4d9e-8D4D-59480B391C5B}", undefined, undefined],
      [undefined, "0", "Microsoft.PowerApps.PowerAppsOneGrid"],
      [undefined, "1", "Microsoft.PowerApps.PowerAppsOneGrid"],
      [undefined, "2", "Microsoft.PowerApps.PowerAppsOneGrid"],
    ]);
    for (const cc of controls.slice(1)) {
      const p = elements(cc.inner, "GridCustomizerControlFullName")[0];
      expect(p.attrs).toEqual({ static: "true", type: "SingleLine.Text" });
      expect(p.inner).toBe(GRID_BADGE_CONTROL_NAME);
      // Read-only, as account's default grid: the badge changes how a cell looks, never its data.
      expect(elements(cc.inner, "EnableEditing")[0].inner).toBe("no");
    }
  });

  it("ships the three account views with the account table, none of them a default or a replacement", () => {
    const c = text(unmanaged.get("customizations.xml"));
    const account = elements(c, "Entity").find((e) => /<Name [^>]*>Account<\/Name>/.test(e.inner))!;
    const views = elements(account.inner, "savedquery");
    expect(
      views.map(
        (v) => elements(v.inner, "LocalizedName").find((l) => l.attrs.languagecode === "1033")?.attrs.description,
      ),
    ).toEqual(
      expect.arrayContaining([
        "Accounts clear for outreach",
        "Accounts with a partner of record",
        "Accounts PartnerGuard could not verify",
      ]),
    );
    expect(views).toHaveLength(3);
    for (const v of views) {
      expect(elements(v.inner, "isdefault")[0].inner).toBe("0");
      expect(elements(v.inner, "querytype")[0].inner).toBe("0");
    }
  });

  it("gives environment variables their defaults: the policy is DEFAULT_POLICY as JSON, Graph off", () => {
    const file = (name: string) =>
      text(unmanaged.get(`environmentvariabledefinitions/${name}/environmentvariabledefinition.xml`));
    expect(
      file(EnvironmentVariables.policy).startsWith(
        `<environmentvariabledefinition schemaname="${EnvironmentVariables.policy}">`,
      ),
    ).toBe(true);
    const policy = elements(file(EnvironmentVariables.policy), "defaultvalue")[0].inner.replace(/&quot;/g, '"');
    expect(JSON.parse(policy)).toEqual(DEFAULT_POLICY);
    expect(file(EnvironmentVariables.graphEnabled)).toContain("<defaultvalue>no</defaultvalue>");
    expect(ENVIRONMENT_VARIABLES.map((v) => v.schemaName).sort()).toEqual(Object.values(EnvironmentVariables).sort());
  });

  it("binds the control on the account form near the top, with the tenant column and the OnLoad handler", () => {
    const c = text(unmanaged.get("customizations.xml"));
    const accountEntity = elements(c, "Entity").find((e) => e.inner.includes(`<entity Name="Account"`))!;
    expect(accountEntity.inner).toContain(`<customControl formFactor="0" name="${CONTROL_NAME}">`);
    expect(accountEntity.inner).toContain(`<statusColumn type="SingleLine.Text">${Account.status}</statusColumn>`);
    expect(accountEntity.inner).toContain(
      `<customerTenantId type="SingleLine.Text">${Account.tenantId}</customerTenantId>`,
    );
    expect(accountEntity.inner).toContain(
      `functionName="${ScriptFunctions.onLoad}" libraryName="${WebResources.commandScript}"`,
    );
    expect(accountEntity.inner).toContain("<RibbonDiffXml>");
    const sections = elements(accountEntity.inner, "section").map((s) => s.attrs.name);
    expect(sections[0]).toBe("partnerguard");
    expect(accountEntity.inner).not.toContain('unmodified="1"><attributes />');
    expect(elements(accountEntity.inner, "systemform").some((f) => f.inner.includes("unmodified"))).toBe(false);
  });

  it("gives the same bytes twice", async () => {
    const again = await packSolution({ root: fx.root, outDir: path.join(fx.root, "again"), schemasDir: SCHEMAS });
    expect(Buffer.compare(await readFile(again.unmanaged), await readFile(paths.unmanaged))).toBe(0);
    expect(Buffer.compare(await readFile(again.managed), await readFile(paths.managed))).toBe(0);
  });
});
