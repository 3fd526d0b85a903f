/**
 * Reading ribbons for the command-bar tests: RibbonDiff.xml commands and rules, Microsoft's
 * definitions quoted in docs/research/oob-commands.md, validation against RibbonCore.xsd, and the
 * built command script whose functions the rules name.
 */
import { execFileSync } from "child_process";
import { readFileSync } from "fs";
import { join } from "path";
import { runInNewContext } from "vm";
import { validateXML } from "xmllint-wasm";
import { elements, ScannedElement } from "../../src/pack/xmlScan";
import { WebResources } from "../../src/schema";

const root = join(__dirname, "../..");
const schemas = join(root, "../shared/schemas");

/** Microsoft's CommandDefinitions quoted in the research file, by id. */
export function researchCommands(md: string): Map<string, ScannedElement> {
  const blocks = [...md.matchAll(/```xml\n([\s\S]*?)```/g)].map((m) => m[1]);
  const out = new Map<string, ScannedElement>();
  for (const block of blocks) for (const c of elements(block, "CommandDefinition")) out.set(c.attrs.Id, c);
  return out;
}

/** A ribbon's CommandDefinitions, by id. */
export const commandsOf = (ribbon: string) =>
  new Map(elements(elements(ribbon, "CommandDefinitions")[0].inner, "CommandDefinition").map((c) => [c.attrs.Id, c]));
export const ruleIds = (command: ScannedElement, list: "EnableRules" | "DisplayRules", tag: string) =>
  elements(elements(command.inner, list)[0]?.inner ?? "", tag).map((r) => r.attrs.Id);
/** XML with its layout folded, to compare content. */
export const squash = (xml: string) => xml.replace(/\s+/g, " ").replace(/> </g, "><").trim();
const actionsOf = (command: ScannedElement) => squash(elements(command.inner, "Actions")[0]?.inner ?? "");

/** How a redefinition differs from Microsoft's command plus the expected additions ([] = as it must be). */
export function differences(original: ScannedElement, redefined: ScannedElement, enable: string[], display: string[]) {
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

/** A ribbon's own EnableRule definition (RuleDefinitions), by id. */
export function ruleDefinition(ribbon: string, id: string): ScannedElement | undefined {
  const rules = elements(elements(ribbon, "RuleDefinitions")[0].inner, "EnableRules")[0].inner;
  return elements(rules, "EnableRule").find((r) => r.attrs.Id === id);
}

/** A RibbonDiff.xml validated against RibbonCore.xsd (/work/shared/schemas). */
export function validateRibbon(xml: string, fileName = "RibbonDiff.xml") {
  return validateXML({
    xml: [{ fileName, contents: xml }],
    schema: [{ fileName: "RibbonCore.xsd", contents: readFileSync(join(schemas, "RibbonCore.xsd"), "utf8") }],
    preload: ["RibbonTypes.xsd", "RibbonWSS.xsd"].map((f) => ({
      fileName: f,
      contents: readFileSync(join(schemas, f), "utf8"),
    })),
  });
}

/** The command script built now (scripts/build-webresource.mjs) and run: its globals. */
export function builtCommandScript(): Record<string, unknown> {
  execFileSync(process.execPath, [join(root, "scripts/build-webresource.mjs")], { cwd: root });
  const globals: Record<string, unknown> = {};
  runInNewContext(readFileSync(join(root, `out/webresources/${WebResources.commandScript}`), "utf8"), globals);
  return globals;
}

/** A dotted name (`PartnerGuard.Grid.everyAllowed`) looked up in the script's globals. */
export const globalAt = (globals: Record<string, unknown>, name: string): unknown =>
  name.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], globals);
