/**
 * The gated out-of-box commands on contact (issue 25, item 2). Microsoft's definitions are read
 * from the account export quoted in docs/research/oob-commands.md (no contact export was found; the
 * commands are the same application-wide ids): each contact redefinition keeps them unchanged and
 * adds PartnerGuard's contact rule; "all records on all pages" is hidden; every function named exists.
 */
import { readFileSync } from "fs";
import { join } from "path";
import { elements } from "../../src/pack/xmlScan";
import { PLATFORM_RIBBON_LIBRARIES, PLATFORM_RIBBON_RULES } from "../../src/pack/checks/platformRibbon";
import { ScriptFunctions, WebResources } from "../../src/schema";
import { builtCommandScript, commandsOf, differences, globalAt, researchCommands, ruleIds } from "../helpers/ribbon";

const root = join(__dirname, "../..");
const read = (rel: string) => readFileSync(join(root, rel), "utf8");
const research = read("docs/research/oob-commands.md");
const ribbon = read("Solution/Entities/contact/RibbonDiff.xml");
const ourLibrary = `$webresource:${WebResources.commandScript}`;

const GRID_RULE = "pg.contact.Grid.EverySelectedAllowed.EnableRule";
const PAGE_RULE = "pg.contact.Grid.EveryOnPageAllowed.EnableRule";
const FORM_RULE = "pg.contact.Form.EveryAllowed.EnableRule";
const ALWAYS_FALSE = ["Mscrm.HideOnModern", "Mscrm.ShowOnlyOnModern"];

const GATED: { id: string; enable: string[]; display: string[] }[] = [
  { id: "Mscrm.modern.AddEmailToSelectedRecord", enable: [GRID_RULE], display: [] },
  { id: "Mscrm.AddEmailToSelectedRecord", enable: [GRID_RULE], display: [] },
  { id: "Mscrm.AddSelectedToMarketingList", enable: [GRID_RULE], display: [] },
  { id: "Mscrm.AddPrimaryToMarketingList", enable: [FORM_RULE], display: [] },
  { id: "Mscrm.HomepageGrid.ACL.QuickCampaign.Selected", enable: [GRID_RULE], display: [] },
  { id: "Mscrm.HomepageGrid.ACL.QuickCampaign.AllCurrentPage", enable: [PAGE_RULE], display: [] },
  { id: "Mscrm.HomepageGrid.ACL.QuickCampaign.AllAllPages", enable: [], display: ALWAYS_FALSE },
];

describe("the gated out-of-box commands on contact", () => {
  const quoted = researchCommands(research);
  const commands = commandsOf(ribbon);

  test("the contact file redefines exactly the gated commands of the main account file (besides PartnerGuard's own)", () => {
    const microsofts = [...commands.keys()].filter((id) => !id.startsWith("pg."));
    expect(microsofts.sort()).toEqual(GATED.map((g) => g.id).sort());
    expect([...commands.keys()].filter((id) => id.startsWith("pg.")).sort()).toEqual([
      "pg.contact.Grid.StartOutreach.Command",
      "pg.contact.StartOutreach.Command",
    ]);
  });

  test.each(GATED)("$id keeps Microsoft's actions and rules and adds PartnerGuard's contact rule", (g) => {
    expect(differences(quoted.get(g.id)!, commands.get(g.id)!, g.enable, g.display)).toEqual([]);
  });

  test("the comparison catches a contact redefinition that lost its rule", () => {
    const real = commands.get("Mscrm.AddSelectedToMarketingList")!;
    const noRule = commandsOf(ribbon.replace(real.inner, real.inner.replace(`<EnableRule Id="${GRID_RULE}" />`, "")));
    expect(differences(quoted.get(real.attrs.Id)!, noRule.get(real.attrs.Id)!, [GRID_RULE], [])).not.toEqual([]);
  });

  test("PartnerGuard's contact rules are fail-closed CustomRules with the right parameter", () => {
    const rules = elements(
      elements(elements(ribbon, "RuleDefinitions")[0].inner, "EnableRules")[0].inner,
      "EnableRule",
    );
    for (const [id, fn, param] of [
      [GRID_RULE, ScriptFunctions.contactGridEveryAllowed, "SelectedControlSelectedItemIds"],
      [PAGE_RULE, ScriptFunctions.contactGridEveryOnPageAllowed, "SelectedControlAllItemIds"],
      [FORM_RULE, ScriptFunctions.contactFormEveryAllowed, "PrimaryControl"],
      [
        "pg.contact.Grid.StartOutreach.EnableRule",
        ScriptFunctions.contactGridEnableRule,
        "SelectedControlSelectedItemIds",
      ],
      ["pg.contact.Form.StartOutreach.EnableRule", ScriptFunctions.contactFormEnableRule, "PrimaryControl"],
    ]) {
      const rule = rules.find((r) => r.attrs.Id === id);
      expect(rule).toBeDefined();
      const [custom] = elements(rule!.inner, "CustomRule");
      expect(custom.attrs).toMatchObject({ FunctionName: fn, Library: ourLibrary, Default: "false" });
      expect(elements(custom.inner, "CrmParameter").map((p) => p.attrs.Value)).toEqual([param]);
    }
  });

  test("'For all records on all pages' is removed at both contact button ids, and no account rule or Sales reference is used", () => {
    const hidden = elements(ribbon, "HideCustomAction").map((h) => h.attrs.Location);
    expect(hidden.sort()).toEqual([
      "Mscrm.HomepageGrid.contact.QuickCampaign.AllAllPages",
      "Mscrm.SubGrid.contact.QuickCampaign.AllAllPages",
    ]);
    expect(ribbon).not.toMatch(/pg\.account\.|SalesCadence|Cadence|msdyn_sequence/);
  });

  test("every Microsoft rule and library the file references is on the pack checks' allow-list", () => {
    const referenced = [...commands.values()].flatMap((c) => [
      ...ruleIds(c, "EnableRules", "EnableRule"),
      ...ruleIds(c, "DisplayRules", "DisplayRule"),
    ]);
    for (const id of referenced.filter((r) => r.startsWith("Mscrm."))) expect(PLATFORM_RIBBON_RULES.has(id)).toBe(true);
    const libraries = elements(ribbon, "JavaScriptFunction").map((f) => f.attrs.Library);
    for (const l of libraries) expect(l === ourLibrary || PLATFORM_RIBBON_LIBRARIES.has(l)).toBe(true);
  });

  test("every function PartnerGuard's contact rules and commands name exists in the built web resource", () => {
    const globals = builtCommandScript();
    const ours = [...elements(ribbon, "CustomRule"), ...elements(ribbon, "JavaScriptFunction")]
      .filter((f) => f.attrs.Library === ourLibrary)
      .map((f) => f.attrs.FunctionName);
    expect(ours.sort()).toEqual(
      [
        ScriptFunctions.contactGridEveryAllowed,
        ScriptFunctions.contactGridEveryOnPageAllowed,
        ScriptFunctions.contactFormEveryAllowed,
        ScriptFunctions.contactGridEnableRule,
        ScriptFunctions.contactFormEnableRule,
        ScriptFunctions.contactGridCommand,
        ScriptFunctions.contactFormCommand,
      ].sort(),
    );
    for (const name of ours) expect(typeof globalAt(globals, name)).toBe("function");
  });
});
