/**
 * Connect sequence on contact (issue 25, item 2): the separate Sales file for contact
 * (Solution/Optional/SalesSequence/contact/RibbonDiff.xml, applied by hand where Dynamics 365
 * Sales is installed, like account's) keeps Microsoft's rules and actions exactly as account's Sales
 * file quotes them and swaps in PartnerGuard's contact rules, which judge each contact through its
 * account; it validates against RibbonCore.xsd and every function it names exists in the built script.
 */
import { readFileSync } from "fs";
import { join } from "path";
import { elements, ScannedElement } from "../../src/pack/xmlScan";
import { ScriptFunctions, WebResources } from "../../src/schema";
import { builtCommandScript, commandsOf, globalAt, ruleDefinition, squash, validateRibbon } from "../helpers/ribbon";

const root = join(__dirname, "../..");
const read = (rel: string) => readFileSync(join(root, rel), "utf8");
const accountSales = read("Solution/Optional/SalesSequence/account/RibbonDiff.xml");
const contactSales = read("Solution/Optional/SalesSequence/contact/RibbonDiff.xml");
const ourLibrary = `$webresource:${WebResources.commandScript}`;

const RULES = {
  grid: {
    account: "pg.account.Sales.EverySelectedAllowed.EnableRule",
    contact: "pg.contact.Sales.EverySelectedAllowed.EnableRule",
  },
  form: { account: "pg.account.Sales.OutreachAllowed.EnableRule", contact: "pg.contact.Sales.EveryAllowed.EnableRule" },
};

const enableRules = (c: ScannedElement) =>
  elements(elements(c.inner, "EnableRules")[0].inner, "EnableRule").map((r) => r.attrs.Id);
const rest = (c: ScannedElement) => squash(c.inner.replace(elements(c.inner, "EnableRules")[0].inner, ""));

/** How the contact file differs from account's besides PartnerGuard's rule (none expected). */
function differences(account: ScannedElement, contact: ScannedElement, ours: { account: string; contact: string }) {
  const out: string[] = [];
  const want = enableRules(account).map((r) => (r === ours.account ? ours.contact : r));
  if (enableRules(contact).join() !== want.join())
    out.push(`enable rules ${enableRules(contact).join()} ≠ ${want.join()}`);
  if (rest(contact) !== rest(account)) out.push("display rules or actions differ from Microsoft's");
  return out;
}

describe("Connect sequence on contact (the separate Sales file)", () => {
  const account = commandsOf(accountSales);
  const contact = commandsOf(contactSales);

  test("redefines the same two commands as account's Sales file", () => {
    expect([...contact.keys()].sort()).toEqual([...account.keys()].sort());
    expect([...contact.keys()].sort()).toEqual(["Mscrm.Form.Cadence.Apply", "Mscrm.HomepageGrid.Cadence.Apply"]);
  });

  test.each([
    ["Mscrm.HomepageGrid.Cadence.Apply", RULES.grid],
    ["Mscrm.Form.Cadence.Apply", RULES.form],
  ] as const)("%s keeps Microsoft's rules and actions and ends with PartnerGuard's contact rule", (id, ours) => {
    expect(differences(account.get(id)!, contact.get(id)!, ours)).toEqual([]);
    expect(enableRules(contact.get(id)!).at(-1)).toBe(ours.contact);
  });

  test("the comparison catches a contact command that lost its rule or changed an action", () => {
    const real = contact.get("Mscrm.HomepageGrid.Cadence.Apply")!;
    const noRule = commandsOf(
      contactSales.replace(real.inner, real.inner.replace(`<EnableRule Id="${RULES.grid.contact}" />`, "")),
    ).get(real.attrs.Id)!;
    expect(differences(account.get(real.attrs.Id)!, noRule, RULES.grid)).not.toEqual([]);
    const otherAction = commandsOf(
      contactSales.replace(real.inner, real.inner.replace('Value="SelectedControl"', 'Value="PrimaryControl"')),
    ).get(real.attrs.Id)!;
    expect(differences(account.get(real.attrs.Id)!, otherAction, RULES.grid)).toEqual([
      "display rules or actions differ from Microsoft's",
    ]);
  });

  test("PartnerGuard's contact rules are fail-closed CustomRules: the selection's contacts, the form's contact", () => {
    for (const [id, fn, param] of [
      [RULES.grid.contact, ScriptFunctions.contactGridEveryAllowed, "SelectedControlSelectedItemIds"],
      [RULES.form.contact, ScriptFunctions.contactFormEveryAllowed, "PrimaryControl"],
    ]) {
      const custom = elements(ruleDefinition(contactSales, id)!.inner, "CustomRule");
      expect(custom.map((c) => [c.attrs.FunctionName, c.attrs.Library, c.attrs.Default])).toEqual([
        [fn, ourLibrary, "false"],
      ]);
      expect(elements(custom[0].inner, "CrmParameter").map((p) => p.attrs.Value)).toEqual([param]);
    }
    expect(contactSales).not.toMatch(/pg\.account\.|PartnerGuard\.(Grid|Ribbon)\./);
  });

  test("validates against RibbonCore.xsd", async () => {
    const result = await validateRibbon(contactSales);
    expect(result.errors).toEqual([]);
  });

  test("every function PartnerGuard's rules name exists in the built web resource", () => {
    const globals = builtCommandScript();
    const ours = elements(contactSales, "CustomRule")
      .filter((f) => f.attrs.Library === ourLibrary)
      .map((f) => f.attrs.FunctionName);
    expect(ours).toHaveLength(2);
    for (const name of ours) expect(typeof globalAt(globals, name)).toBe("function");
  });
});
