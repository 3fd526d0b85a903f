/**
 * The gated out-of-box commands on contact (issue 25, item 2). Microsoft's definitions are read
 * from the account export quoted in docs/research/oob-commands.md (no contact export was found; the
 * commands are the same application-wide ids): each contact redefinition keeps them unchanged and
 * adds PartnerGuard's contact rule; "all records on all pages" is hidden; every function named exists.
 */
import { execFileSync } from "child_process";
import { readFileSync } from "fs";
import { join } from "path";
import { runInNewContext } from "vm";
import { elements, ScannedElement } from "../../src/pack/xmlScan";
import { PLATFORM_RIBBON_LIBRARIES, PLATFORM_RIBBON_RULES } from "../../src/pack/checks/platformRibbon";
import { ScriptFunctions, WebResources } from "../../src/schema";

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

function researchCommands(md: string): Map<string, ScannedElement> {
  const blocks = [...md.matchAll(/```xml\n([\s\S]*?)```/g)].map((m) => m[1]);
  const out = new Map<string, ScannedElement>();
  for (const block of blocks) for (const c of elements(block, "CommandDefinition")) out.set(c.attrs.Id, c);
  return out;
}
const commandsOf = (xml: string) =>
  new Map(elements(elements(xml, "CommandDefinitions")[0].inner, "CommandDefinition").map((c) => [c.attrs.Id, c]));
const ruleIds = (command: ScannedElement, list: "EnableRules" | "DisplayRules", tag: string) =>
  elements(elements(command.inner, list)[0]?.inner ?? "", tag).map((r) => r.attrs.Id);
const squash = (xml: string) => xml.replace(/\s+/g, " ").replace(/> </g, "><").trim();
const actionsOf = (command: ScannedElement) => squash(elements(command.inner, "Actions")[0]?.inner ?? "");

function differences(original: ScannedElement, redefined: ScannedElement, enable: string[], display: string[]) {
  const out: string[] = [];
  const wantEnable = [...ruleIds(original, "EnableRules", "EnableRule"), ...enable];
  const wantDisplay = [...ruleIds(original, "DisplayRules", "DisplayRule"), ...display];
  const gotEnable = ruleIds(redefined, "EnableRules", "EnableRule");
  const gotDisplay = ruleIds(redefined, "DisplayRules", "DisplayRule");
  if (gotEnable.join() !== wantEnable.join()) out.push(`enable rules ${gotEnable.join()} ≠ ${wantEnable.join()}`);
  if (gotDisplay.join() !== wantDisplay.join()) out.push(`display rules ${gotDisplay.join()} ≠ ${wantDisplay.join()}`);
  if (actionsOf(redefined) !== actionsOf(original)) out.push("actions differ from Microsoft's");
  return out;
}

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
    execFileSync(process.execPath, [join(root, "scripts/build-webresource.mjs")], { cwd: root });
    const globals: Record<string, unknown> = {};
    runInNewContext(read(`out/webresources/${WebResources.commandScript}`), globals);
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
    for (const name of ours) {
      const value = name.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], globals);
      expect(typeof value).toBe("function");
    }
  });
});
