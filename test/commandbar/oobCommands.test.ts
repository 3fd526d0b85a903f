/**
 * The gated out-of-box commands (issue 24, item 5). docs/research/oob-commands.md quotes Microsoft's
 * definitions from a real RetrieveEntityRibbon(account) output; these tests read those quotes and
 * prove every redefinition keeps Microsoft's actions and rules unchanged and adds PartnerGuard's rule,
 * that "all records on all pages" is hidden, and that every function and library named exists.
 */
import { readFileSync } from "fs";
import { join } from "path";
import { elements } from "../../src/pack/xmlScan";
import { PLATFORM_RIBBON_LIBRARIES, PLATFORM_RIBBON_RULES } from "../../src/pack/checks/platformRibbon";
import { ScriptFunctions, WebResources } from "../../src/schema";
import { readSource } from "../../src/pack/readSource";
import { assemble } from "../../src/pack/assemble";
import { checkPackage } from "../../src/pack/checks/packageChecks";
import { validateCustomizations } from "../../src/pack/checks/schemaValidation";
import { formatProblem } from "../../src/pack/errors";
import { FIXTURE_SCRIPT, SCHEMAS, makeFixture } from "../pack/fixture";
import {
  builtCommandScript,
  commandsOf,
  differences,
  globalAt,
  researchCommands,
  ruleDefinition,
  ruleIds,
  validateRibbon,
} from "../helpers/ribbon";

const root = join(__dirname, "../..");
const read = (rel: string) => readFileSync(join(root, rel), "utf8");
const research = read("docs/research/oob-commands.md");
const mainRibbon = read("Solution/Entities/account/RibbonDiff.xml");
const salesRibbon = read("Solution/Optional/SalesSequence/account/RibbonDiff.xml");
const ourLibrary = `$webresource:${WebResources.commandScript}`;

const GRID_RULE = "pg.account.Grid.EverySelectedAllowed.EnableRule";
const PAGE_RULE = "pg.account.Grid.EveryOnPageAllowed.EnableRule";
const FORM_RULE = "pg.account.StartOutreach.EnableRule";
const SALES_GRID_RULE = "pg.account.Sales.EverySelectedAllowed.EnableRule";
const SALES_FORM_RULE = "pg.account.Sales.OutreachAllowed.EnableRule";
const ALWAYS_FALSE = ["Mscrm.HideOnModern", "Mscrm.ShowOnlyOnModern"];

/** What each command must carry besides Microsoft's own definition, and in which file. */
const GATED: { id: string; file: "main" | "sales"; enable: string[]; display: string[] }[] = [
  { id: "Mscrm.modern.AddEmailToSelectedRecord", file: "main", enable: [GRID_RULE], display: [] },
  { id: "Mscrm.AddEmailToSelectedRecord", file: "main", enable: [GRID_RULE], display: [] },
  { id: "Mscrm.AddSelectedToMarketingList", file: "main", enable: [GRID_RULE], display: [] },
  { id: "Mscrm.AddPrimaryToMarketingList", file: "main", enable: [FORM_RULE], display: [] },
  { id: "Mscrm.HomepageGrid.ACL.QuickCampaign.Selected", file: "main", enable: [GRID_RULE], display: [] },
  { id: "Mscrm.HomepageGrid.ACL.QuickCampaign.AllCurrentPage", file: "main", enable: [PAGE_RULE], display: [] },
  { id: "Mscrm.HomepageGrid.ACL.QuickCampaign.AllAllPages", file: "main", enable: [], display: ALWAYS_FALSE },
  { id: "Mscrm.HomepageGrid.Cadence.Apply", file: "sales", enable: [SALES_GRID_RULE], display: [] },
  { id: "Mscrm.Form.Cadence.Apply", file: "sales", enable: [SALES_FORM_RULE], display: [] },
];

/** Microsoft's rule definitions quoted in the research file (EnableRule/DisplayRule with content). */
function researchRuleIds(md: string): Set<string> {
  const blocks = [...md.matchAll(/```xml\n([\s\S]*?)```/g)].map((m) => m[1]);
  return new Set(
    blocks.flatMap((b) => [...b.matchAll(/^<(?:EnableRule|DisplayRule) Id="([^"]+)">/gm)].map((m) => m[1])),
  );
}

describe("the gated out-of-box commands on account", () => {
  const quoted = researchCommands(research);
  const files = { main: commandsOf(mainRibbon), sales: commandsOf(salesRibbon) };

  test("the research file quotes every gated command, with its actions", () => {
    expect([...quoted.keys()].sort()).toEqual(GATED.map((g) => g.id).sort());
    for (const c of quoted.values()) expect(elements(c.inner, "JavaScriptFunction").length).toBeGreaterThan(0);
  });

  test.each(GATED)(
    "$id keeps Microsoft's actions and rules and adds PartnerGuard's",
    ({ id, file, enable, display }) => {
      const redefined = files[file].get(id);
      expect(redefined).toBeDefined();
      expect(differences(quoted.get(id)!, redefined!, enable, display)).toEqual([]);
    },
  );

  test("the comparison catches a redefinition that lost PartnerGuard's rule or changed an action", () => {
    const original = quoted.get("Mscrm.AddSelectedToMarketingList")!;
    const real = files.main.get("Mscrm.AddSelectedToMarketingList")!;
    const noRule = commandsOf(
      mainRibbon.replace(real.inner, real.inner.replace(`<EnableRule Id="${GRID_RULE}" />`, "")),
    ).get("Mscrm.AddSelectedToMarketingList")!;
    expect(differences(original, noRule, [GRID_RULE], [])).not.toEqual([]);
    const otherAction = commandsOf(
      mainRibbon.replace(real.inner, real.inner.replace("SelectedControlSelectedItemReferences", "SelectedControl")),
    ).get("Mscrm.AddSelectedToMarketingList")!;
    expect(differences(original, otherAction, [GRID_RULE], [])).toEqual(["actions differ from Microsoft's"]);
  });

  test("Connect sequence is only in the Sales file; the main file has no Sales reference", () => {
    for (const g of GATED) expect(files[g.file === "main" ? "sales" : "main"].has(g.id)).toBe(false);
    expect(mainRibbon).not.toMatch(/SalesCadence|Cadence|msdyn_sequence/);
  });

  test("PartnerGuard's grid rules are fail-closed CustomRules on the selection / on the page's rows", () => {
    for (const [ribbon, id, fn, param] of [
      [mainRibbon, GRID_RULE, ScriptFunctions.gridEveryAllowed, "SelectedControlSelectedItemIds"],
      [mainRibbon, PAGE_RULE, ScriptFunctions.gridEveryOnPageAllowed, "SelectedControlAllItemIds"],
      [salesRibbon, SALES_GRID_RULE, ScriptFunctions.gridEveryAllowed, "SelectedControlSelectedItemIds"],
    ] as const) {
      const rule = ruleDefinition(ribbon, id);
      expect(rule).toBeDefined();
      const custom = elements(rule!.inner, "CustomRule");
      expect(custom.map((c) => [c.attrs.FunctionName, c.attrs.Library, c.attrs.Default])).toEqual([
        [fn, ourLibrary, "false"],
      ]);
      expect(elements(custom[0].inner, "CrmParameter").map((p) => p.attrs.Value)).toEqual([param]);
    }
  });

  test("PartnerGuard's form rules call the form's outreach rule with PrimaryControl, fail-closed", () => {
    for (const [ribbon, id] of [
      [mainRibbon, FORM_RULE],
      [salesRibbon, SALES_FORM_RULE],
    ] as const) {
      const custom = elements(ruleDefinition(ribbon, id)!.inner, "CustomRule");
      expect(custom.map((c) => [c.attrs.FunctionName, c.attrs.Library, c.attrs.Default])).toEqual([
        [ScriptFunctions.enableRule, ourLibrary, "false"],
      ]);
      expect(elements(custom[0].inner, "CrmParameter").map((p) => p.attrs.Value)).toEqual(["PrimaryControl"]);
    }
  });

  test("'For all records on all pages' is removed at both button ids the export names", () => {
    const buttons = [
      ...research.matchAll(/`(Mscrm\.(?:HomepageGrid|SubGrid)\.account\.QuickCampaign\.AllAllPages)`/g),
    ].map((m) => m[1]);
    expect(new Set(buttons)).toEqual(
      new Set([
        "Mscrm.HomepageGrid.account.QuickCampaign.AllAllPages",
        "Mscrm.SubGrid.account.QuickCampaign.AllAllPages",
      ]),
    );
    const hidden = elements(mainRibbon, "HideCustomAction").map((h) => h.attrs.Location);
    expect(hidden.sort()).toEqual([...new Set(buttons)].sort());
    for (const h of elements(mainRibbon, "HideCustomAction")) expect(h.attrs.HideActionId).toMatch(/^pg\./);
  });

  test("the platform allow-list of the pack checks is exactly what the main file uses, and all of it is researched", () => {
    const redefined = GATED.filter((g) => g.file === "main").map((g) => files.main.get(g.id)!);
    const rules = new Set(
      redefined.flatMap((c) => [
        ...ruleIds(c, "EnableRules", "EnableRule"),
        ...ruleIds(c, "DisplayRules", "DisplayRule"),
      ]),
    );
    const platformRules = [...rules].filter((r) => r.startsWith("Mscrm."));
    expect(platformRules.sort()).toEqual([...PLATFORM_RIBBON_RULES].sort());
    const researched = researchRuleIds(research);
    for (const r of PLATFORM_RIBBON_RULES) expect(researched).toContain(r);
    const libraries = new Set(
      redefined.flatMap((c) => elements(c.inner, "JavaScriptFunction").map((f) => f.attrs.Library)),
    );
    expect([...libraries].sort()).toEqual([...PLATFORM_RIBBON_LIBRARIES].sort());
  });

  test("the Sales file validates against RibbonCore.xsd", async () => {
    const result = await validateRibbon(salesRibbon);
    expect(result.errors).toEqual([]);
  });

  describe("every function PartnerGuard's rules name exists in the built web resource", () => {
    let globals: Record<string, unknown>;
    beforeAll(() => (globals = builtCommandScript()));

    test.each([
      ["main", mainRibbon],
      ["Sales", salesRibbon],
    ])("%s file", (_name, ribbon) => {
      const ours = elements(ribbon, "CustomRule")
        .concat(elements(ribbon, "JavaScriptFunction"))
        .filter((f) => f.attrs.Library === ourLibrary)
        .map((f) => f.attrs.FunctionName);
      expect(ours.length).toBeGreaterThan(0);
      for (const name of ours) expect(typeof globalAt(globals, name)).toBe("function");
    });
  });
});

describe("the real account RibbonDiff.xml in a package", () => {
  // The fixture's script plus PartnerGuard.Grid, as the built web resource has it.
  const withGrid = FIXTURE_SCRIPT.replace(
    "Form:{onLoad:function(){}}",
    "Form:{onLoad:function(){}},Grid:{isOutreachEnabled:function(){return Promise.resolve(false)},isEverySelectedAllowed:function(){return Promise.resolve(false)},isEveryOnPageAllowed:function(){return Promise.resolve(false)},startOutreach:function(){return Promise.resolve()}}",
  );

  async function packed(script: string) {
    const fx = await makeFixture();
    try {
      await fx.write("Solution/Entities/account/RibbonDiff.xml", mainRibbon);
      await fx.write(`out/webresources/${WebResources.commandScript}`, script);
      const read = await readSource(fx.root);
      if (!read.ok) throw new Error(read.problems.map(formatProblem).join("\n"));
      const assembled = assemble(read.source, false);
      if (!assembled.ok) throw new Error(assembled.problems.map(formatProblem).join("\n"));
      const xml = Buffer.from(assembled.entries.get("customizations.xml")!).toString("utf8");
      return { xml, problems: checkPackage("z", assembled.entries).map(formatProblem) };
    } finally {
      await fx.cleanup();
    }
  }

  test("passes every package check, validates against the customization XSDs, and carries the gates", async () => {
    const { xml, problems } = await packed(withGrid);
    expect(problems).toEqual([]);
    expect((await validateCustomizations(xml, SCHEMAS, "z/customizations.xml")).map(formatProblem)).toEqual([]);
    const account = elements(xml, "Entity").find((e) => e.inner.includes('<entity Name="Account"'))!;
    const ribbon = elements(account.inner, "RibbonDiffXml")[0].inner;
    const ids = elements(ribbon, "CommandDefinition").map((c) => c.attrs.Id);
    for (const g of GATED.filter((g) => g.file === "main")) expect(ids).toContain(g.id);
    expect(elements(ribbon, "HideCustomAction")).toHaveLength(2);
  }, 60_000);

  test("is refused while the script lacks PartnerGuard.Grid.isEverySelectedAllowed", async () => {
    const { problems } = await packed(FIXTURE_SCRIPT);
    expect(problems.join("\n")).toContain(
      `CustomRule ${ScriptFunctions.gridEveryAllowed} is not a function defined by ${WebResources.commandScript}`,
    );
  }, 60_000);
});
