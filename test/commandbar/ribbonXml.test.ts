import { execFileSync } from "child_process";
import { readFileSync } from "fs";
import { join } from "path";
import { runInNewContext } from "vm";
import { XMLParser } from "fast-xml-parser";
import { ScriptFunctions, WebResources } from "../../src/schema";
import { PLATFORM_RIBBON_LIBRARIES, PLATFORM_RIBBON_RULES } from "../../src/pack/checks/platformRibbon";
import { validateRibbon } from "../helpers/ribbon";

const root = join(__dirname, "../..");
const ribbonPath = join(root, "Solution/Entities/account/RibbonDiff.xml");
const scriptPath = join(root, "out/webresources/pg_/scripts/outreach.js");

let bundle: string;
let globals: Record<string, unknown>;

beforeAll(() => {
  execFileSync(process.execPath, [join(root, "scripts/build-webresource.mjs")], { cwd: root });
  bundle = readFileSync(scriptPath, "utf8");
  globals = {};
  runInNewContext(bundle, globals);
});

type Node = Record<string, unknown>;
const parsed = () =>
  new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@",
    isArray: (_n, _p, _l, isAttribute) => !isAttribute,
  }).parse(readFileSync(ribbonPath, "utf8")) as Node;

/** Every value of an attribute, anywhere in the document. */
function attributeValues(node: unknown, name: string, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => attributeValues(n, name, out));
  else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (k === `@${name}` && typeof v === "string") out.push(v);
      else attributeValues(v, name, out);
    }
  }
  return out;
}

/** Every element with this tag, anywhere in the document. */
function elementsAnywhere(node: unknown, tag: string, out: Node[] = []): Node[] {
  if (Array.isArray(node)) node.forEach((n) => elementsAnywhere(n, tag, out));
  else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (k === tag) (Array.isArray(v) ? v : [v]).forEach((e) => out.push(e as Node));
      elementsAnywhere(v, tag, out);
    }
  }
  return out;
}

function resolveDotted(scope: Record<string, unknown>, dotted: string): unknown {
  return dotted
    .split(".")
    .reduce<unknown>(
      (o, part) => (o && typeof o === "object" ? (o as Record<string, unknown>)[part] : undefined),
      scope,
    );
}

describe("RibbonDiffXml of the account form", () => {
  test("validates against RibbonCore.xsd", async () => {
    const result = await validateRibbon(readFileSync(ribbonPath, "utf8"));
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });

  test("the validation catches a broken document (the check can fail)", async () => {
    const broken = readFileSync(ribbonPath, "utf8").replace("<CustomRule ", "<CustomRules ");
    const result = await validateRibbon(broken, "b.xml");
    expect(result.valid).toBe(false);
  });

  test("every FunctionName of PartnerGuard's library exists in the built web resource, and the schema names it", () => {
    const calls = ["CustomRule", "JavaScriptFunction"].flatMap((tag) => elementsAnywhere(parsed(), tag));
    const ours = calls.filter((c) => c["@Library"] === `$webresource:${WebResources.commandScript}`);
    const functions = [...new Set(ours.map((c) => c["@FunctionName"] as string))];
    expect(functions).toEqual(
      expect.arrayContaining([
        ScriptFunctions.enableRule,
        ScriptFunctions.command,
        ScriptFunctions.gridEnableRule,
        ScriptFunctions.gridCommand,
        ScriptFunctions.gridEveryAllowed,
        ScriptFunctions.gridEveryOnPageAllowed,
      ]),
    );
    for (const name of functions) {
      expect(Object.values(ScriptFunctions)).toContain(name);
      expect(typeof resolveDotted(globals, name)).toBe("function");
    }
    expect(typeof resolveDotted(globals, ScriptFunctions.onLoad)).toBe("function");
    // The gated out-of-box commands call this one (their definitions are kept beside these).
    expect(typeof resolveDotted(globals, ScriptFunctions.gridEveryAllowed)).toBe("function");
  });

  test("every Library is the command-bar web resource or one of Microsoft's behind a redefined command", () => {
    const libraries = attributeValues(parsed(), "Library");
    expect(libraries.length).toBeGreaterThan(0);
    for (const library of libraries)
      if (library !== `$webresource:${WebResources.commandScript}`)
        expect(PLATFORM_RIBBON_LIBRARIES).toContain(library);
  });

  test("every $LocLabels reference is defined, in English and German", () => {
    const doc = parsed();
    const referenced = new Set(
      ["LabelText", "Alt", "ToolTipTitle", "ToolTipDescription"]
        .flatMap((a) => attributeValues(doc, a))
        .map((v) => v.replace(/^\$LocLabels:/, "")),
    );
    const labels = ((((doc.RibbonDiffXml as Node[])[0].LocLabels as Node[])[0].LocLabel ?? []) as Node[]).map((l) => ({
      id: l["@Id"] as string,
      languages: attributeValues(l, "languagecode"),
    }));
    for (const id of referenced) {
      const label = labels.find((l) => l.id === id);
      expect(label).toBeDefined();
      expect(label?.languages.sort()).toEqual(["1031", "1033"]);
    }
  });

  test("commands and rules referenced by id are defined", () => {
    const doc = parsed();
    const commands = attributeValues(doc, "Command");
    const defined = attributeValues((doc.RibbonDiffXml as Node[])[0].CommandDefinitions, "Id");
    for (const c of commands) expect(defined).toContain(c);
    const rules = (doc.RibbonDiffXml as Node[])[0].RuleDefinitions as Node[];
    const definedRules = attributeValues(rules, "Id");
    const commandDefs = (doc.RibbonDiffXml as Node[])[0].CommandDefinitions;
    const usedRules = ["EnableRule", "DisplayRule"].flatMap((tag) =>
      elementsAnywhere(commandDefs, tag).map((r) => r["@Id"] as string),
    );
    expect(usedRules.length).toBeGreaterThan(0);
    for (const r of usedRules) if (!PLATFORM_RIBBON_RULES.has(r)) expect(definedRules).toContain(r);
  });

  test("the button is at a real account form location and passes PrimaryControl", () => {
    const xml = readFileSync(ribbonPath, "utf8");
    expect(xml).toContain('Location="Mscrm.Form.account.MainTab.Save.Controls._children"');
    expect(attributeValues(parsed(), "Value").filter((v) => v === "PrimaryControl")).toHaveLength(2);
    expect(xml).toMatch(/<CustomRule [^>]*Default="false"/);
  });
});

describe("Start outreach on account grids (issue 24)", () => {
  const customActions = () =>
    (((parsed().RibbonDiffXml as Node[])[0].CustomActions as Node[])[0].CustomAction as Node[]).filter((a) =>
      String(a["@Id"]).startsWith("pg.account.Grid."),
    );

  test("on the account homepage grid and on account subgrids, beside Send email (the Collaborate group)", () => {
    expect(customActions().map((a) => a["@Location"])).toEqual([
      "Mscrm.HomepageGrid.account.MainTab.Collaborate.Controls._children",
      "Mscrm.SubGrid.account.MainTab.Collaborate.Controls._children",
    ]);
  });

  test("its own command: the selection's ids to the rule and the action, at least one row selected", () => {
    const xml = readFileSync(ribbonPath, "utf8");
    const command =
      /<CommandDefinition Id="pg\.account\.Grid\.StartOutreach\.Command">[\s\S]*?<\/CommandDefinition>/.exec(xml)?.[0];
    expect(command).toContain(`FunctionName="${ScriptFunctions.gridCommand}"`);
    expect(command).toMatch(
      /<CrmParameter Value="SelectedControlSelectedItemIds" \/>\s*<CrmParameter Value="SelectedControl" \/>/,
    );
    const rule = /<EnableRule Id="pg\.account\.Grid\.StartOutreach\.EnableRule">[\s\S]*?<\/EnableRule>/.exec(xml)?.[0];
    expect(rule).toMatch(
      new RegExp(
        `<CustomRule FunctionName="${ScriptFunctions.gridEnableRule.replace(/\./g, "\\.")}" [^>]*Default="false">\\s*<CrmParameter Value="SelectedControlSelectedItemIds" />`,
      ),
    );
    expect(xml).toMatch(
      /<EnableRule Id="pg\.account\.Grid\.SelectionCountAtLeastOne\.EnableRule">\s*<SelectionCountRule AppliesTo="SelectedEntity" Minimum="1" \/>/,
    );
  });
});

describe("the built web resource", () => {
  test("defines exactly one global, PartnerGuard", () => {
    expect(Object.keys(globals)).toEqual(["PartnerGuard"]);
  });

  test("is minified and carries no test code", () => {
    expect(bundle).not.toMatch(/emulator|xrm-mock|jest/i);
    expect(bundle.length / bundle.split("\n").length).toBeGreaterThan(1000); // long lines: minified
  });
});
