/** Every FunctionName, Library, LocLabel, command and rule the ribbon names must exist. */
import { assemble } from "../../src/pack/assemble";
import { checkPackage } from "../../src/pack/checks/packageChecks";
import { readSource } from "../../src/pack/readSource";
import { formatProblem } from "../../src/pack/errors";
import { elements } from "../../src/pack/xmlScan";
import { ScriptFunctions, WebResources } from "../../src/schema";
import { FIXTURE_RIBBON, FIXTURE_SCRIPT, Fixture, makeFixture } from "./fixture";

async function problemsWith(fx: Fixture, ribbon: string, script = FIXTURE_SCRIPT): Promise<string[]> {
  await fx.write("Solution/Entities/account/RibbonDiff.xml", ribbon);
  await fx.write(`out/webresources/${WebResources.commandScript}`, script);
  const read = await readSource(fx.root);
  if (!read.ok) return read.problems.map(formatProblem);
  const assembled = assemble(read.source, false);
  if (!assembled.ok) return assembled.problems.map(formatProblem);
  return checkPackage("z", assembled.entries).map(formatProblem);
}

describe("ribbon and form references", () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await makeFixture();
  });
  afterAll(() => fx.cleanup());

  it("accepts the fixture ribbon", async () => {
    expect(await problemsWith(fx, FIXTURE_RIBBON)).toEqual([]);
  });

  it("finds a LocLabel that is not defined", async () => {
    const problems = await problemsWith(
      fx,
      FIXTURE_RIBBON.replace('LabelText="$LocLabels:pg.test.Label"', 'LabelText="$LocLabels:pg.test.Missing"'),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /z\/customizations\.xml:\d+: LabelText references LocLabel pg\.test\.Missing, which is not defined/,
      ),
    ]);
  });

  it("finds a library that is not a web resource of the package", async () => {
    const problems = await problemsWith(
      fx,
      FIXTURE_RIBBON.replace(
        `Library="$webresource:${WebResources.commandScript}" Default`,
        'Library="$webresource:pg_/scripts/other.js" Default',
      ),
    );
    expect(problems.join("\n")).toContain(
      "Library references web resource pg_/scripts/other.js, which is not in the package",
    );
  });

  it("finds an enable rule function missing from the built script", async () => {
    const script = FIXTURE_SCRIPT.replace("isOutreachEnabled:", "isOutreachOn:");
    const problems = await problemsWith(fx, FIXTURE_RIBBON, script);
    expect(problems.join("\n")).toContain(
      `CustomRule ${ScriptFunctions.enableRule} is not a function defined by ${WebResources.commandScript}`,
    );
  });

  it("finds a form OnLoad handler missing from the built script", async () => {
    const problems = await problemsWith(fx, FIXTURE_RIBBON, FIXTURE_SCRIPT.replace("Form:{onLoad", "Form:{onLoaded"));
    expect(problems.join("\n")).toContain(
      `form handler ${ScriptFunctions.onLoad} is not a function defined by ${WebResources.commandScript}`,
    );
  });

  it("wires OnLoad handlers on the account, request and decision forms, and no OnSave (requests and decisions are never saved again)", async () => {
    await fx.write("Solution/Entities/account/RibbonDiff.xml", FIXTURE_RIBBON);
    await fx.write(`out/webresources/${WebResources.commandScript}`, FIXTURE_SCRIPT);
    const read = await readSource(fx.root);
    if (!read.ok) throw new Error(read.problems.map(formatProblem).join("\n"));
    const assembled = assemble(read.source, false);
    if (!assembled.ok) throw new Error(assembled.problems.map(formatProblem).join("\n"));
    const xml = Buffer.from(assembled.entries.get("customizations.xml")!).toString("utf8");
    const withHandlers = elements(xml, "Entity")
      .filter((e) => elements(e.inner, "Handler").length > 0)
      .map((e) => elements(e.inner, "Name")[0].inner);
    expect(withHandlers).toEqual(["Account", "pg_OutreachDecision", "pg_OutreachException"]);
    expect(elements(xml, "event").map((e) => e.attrs.name)).toEqual(["onload", "onload", "onload"]);
    expect(elements(xml, "Handler").map((h) => h.attrs.functionName)).toEqual([
      ScriptFunctions.onLoad,
      ScriptFunctions.approvalsOnLoad,
      ScriptFunctions.approvalsOnLoad,
    ]);
    // Each form loads the command script it calls.
    expect(elements(xml, "Library").map((l) => l.attrs.name)).toEqual(Array(3).fill(WebResources.commandScript));
  });

  it("finds a command and a rule that are not defined, and a reference with blanks", async () => {
    const bad = FIXTURE_RIBBON.replace('Command="pg.test.Command"', 'Command="pg.test.Nope"').replace(
      '<EnableRule Id="pg.test.EnableRule" />',
      '<EnableRule Id="pg.test.EnableRule " />',
    );
    const problems = (await problemsWith(fx, bad)).join("\n");
    expect(problems).toContain("uses command pg.test.Nope, which is not defined");
    expect(problems).toContain('Id="pg.test.EnableRule " has surrounding blanks');
  });

  it("falls back to the script's text when it needs the browser to load", async () => {
    const needsBrowser = "document.title; " + FIXTURE_SCRIPT;
    expect(await problemsWith(fx, FIXTURE_RIBBON, needsBrowser)).toEqual([]);
    const problems = await problemsWith(
      fx,
      FIXTURE_RIBBON,
      needsBrowser.replaceAll("startOutreach:", "beginOutreach:"),
    );
    expect(problems.join("\n")).toContain(
      `JavaScriptFunction ${ScriptFunctions.command} is not a function defined by ${WebResources.commandScript}`,
    );
  });

  describe("the redefined out-of-box commands (issue 24, item 5)", () => {
    // A second command shaped like the gated Add to marketing list: Microsoft's rules by id, its library.
    const withOutOfBox = (rule: string, library: string) =>
      FIXTURE_RIBBON.replace(
        "  </CommandDefinitions>",
        `    <CommandDefinition Id="Mscrm.AddSelectedToMarketingList">
      <EnableRules>
        <EnableRule Id="Mscrm.NotOffline" />
        <EnableRule Id="${rule}" />
        <EnableRule Id="pg.test.EnableRule" />
      </EnableRules>
      <DisplayRules>
        <DisplayRule Id="Mscrm.AddSelectedToMarketingList" />
      </DisplayRules>
      <Actions>
        <JavaScriptFunction FunctionName="Marketing.CommandActions.Instance.addToList" Library="${library}">
          <CrmParameter Value="SelectedControl" />
        </JavaScriptFunction>
      </Actions>
    </CommandDefinition>
  </CommandDefinitions>`,
      );
    const marketing = "$webresource:Marketing/CommandActions/Marketing_CommandActions.js";

    it("accepts Microsoft's rules and libraries that the research file lists", async () => {
      expect(await problemsWith(fx, withOutOfBox("Mscrm.SelectionCountAtLeastOne", marketing))).toEqual([]);
    });

    it("refuses an out-of-box rule nobody listed, in any command (not only the first)", async () => {
      const problems = (await problemsWith(fx, withOutOfBox("Mscrm.SomethingElse", marketing))).join("\n");
      expect(problems).toContain(
        "EnableRule Mscrm.SomethingElse of command Mscrm.AddSelectedToMarketingList is not defined under RuleDefinitions",
      );
    });

    it("refuses a library that is neither in the package nor Microsoft's listed one", async () => {
      const problems = (
        await problemsWith(fx, withOutOfBox("Mscrm.SelectionCountAtLeastOne", "$webresource:Marketing/Other.js"))
      ).join("\n");
      expect(problems).toContain("Library references web resource Marketing/Other.js, which is not in the package");
    });
  });
});
