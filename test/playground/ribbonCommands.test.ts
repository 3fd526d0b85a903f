/**
 * @jest-environment jsdom
 *
 * The playground's grid command bar follows the package: commands, rules and parameters are read
 * from a customizations.xml and evaluated as the Unified Interface does (AND of rules and steps,
 * InvertResult, Promise rules with a 10 s budget, the platform's own rules by id).
 */
import {
  GridSelection,
  PROMISE_RULE_BUDGET_MS,
  RuleHost,
  evaluateCommand,
  readRibbon,
  runActions,
} from "../../playground/ribbonCommands";
import { configuredCustomizer } from "../../playground/gridCustomizer";

const RIBBON = `<RibbonDiffXml>
  <CustomActions>
    <CustomAction Id="a" Location="Mscrm.HomepageGrid.account.MainTab.Actions.Controls._children" Sequence="5">
      <CommandUIDefinition>
        <Button Id="grid.Start.Button" Command="grid.Start.Command" LabelText="$LocLabels:grid.Start.Label" />
      </CommandUIDefinition>
    </CustomAction>
    <HideCustomAction HideActionId="h" Location="Mscrm.HomepageGrid.account.QuickCampaign.AllAllPages" />
  </CustomActions>
  <CommandDefinitions>
    <CommandDefinition Id="grid.Start.Command">
      <EnableRules><EnableRule Id="grid.AnyAllowed" /></EnableRules>
      <DisplayRules />
      <Actions>
        <JavaScriptFunction FunctionName="Test.Grid.start" Library="$webresource:pg_/scripts/outreach.js">
          <CrmParameter Value="SelectedControlSelectedItemIds" />
          <CrmParameter Value="SelectedControl" />
          <StringParameter Value="hello" />
        </JavaScriptFunction>
      </Actions>
    </CommandDefinition>
    <CommandDefinition Id="Mscrm.AddSelectedToMarketingList">
      <EnableRules>
        <EnableRule Id="Mscrm.NotOffline" />
        <EnableRule Id="Mscrm.SelectionCountAtLeastOne" />
        <EnableRule Id="grid.EveryAllowed" />
      </EnableRules>
      <Actions>
        <JavaScriptFunction FunctionName="Marketing.CommandActions.Instance.addToList" Library="$webresource:Marketing/CommandActions/Marketing_CommandActions.js">
          <CrmParameter Value="SelectedControl" />
          <CrmParameter Value="SelectedControlSelectedItemReferences" />
        </JavaScriptFunction>
      </Actions>
    </CommandDefinition>
    <CommandDefinition Id="inverted">
      <EnableRules><EnableRule Id="grid.Inverted" /></EnableRules>
      <Actions />
    </CommandDefinition>
  </CommandDefinitions>
  <RuleDefinitions>
    <EnableRules>
      <EnableRule Id="grid.AnyAllowed">
        <CustomRule FunctionName="Test.Grid.any" Library="$webresource:pg_/scripts/outreach.js" Default="false">
          <CrmParameter Value="SelectedControlSelectedItemIds" />
        </CustomRule>
      </EnableRule>
      <EnableRule Id="grid.EveryAllowed">
        <SelectionCountRule AppliesTo="SelectedEntity" Minimum="1" Maximum="3" />
        <CustomRule FunctionName="Test.Grid.every" Library="$webresource:pg_/scripts/outreach.js" Default="false">
          <CrmParameter Value="SelectedControlSelectedItemIds" />
        </CustomRule>
      </EnableRule>
      <EnableRule Id="grid.Inverted">
        <CustomRule FunctionName="Test.Grid.any" Library="$webresource:pg_/scripts/outreach.js" InvertResult="true">
          <CrmParameter Value="SelectedControlSelectedItemIds" />
        </CustomRule>
      </EnableRule>
    </EnableRules>
  </RuleDefinitions>
  <LocLabels>
    <LocLabel Id="grid.Start.Label"><Titles>
      <Title languagecode="1033" description="Start outreach" /><Title languagecode="1031" description="Ansprache starten" />
    </Titles></LocLabel>
  </LocLabels>
</RibbonDiffXml>`;

const customizations = (ribbon: string, extra = "") =>
  `<ImportExportXml><Entities><Entity><Name LocalizedName="Account" OriginalName="">Account</Name>${ribbon}${extra}</Entity></Entities></ImportExportXml>`;

const grid = { refresh: () => undefined };
function selection(ids: string[]): GridSelection {
  return {
    selectedIds: ids,
    selectedReferences: ids.map((id) => ({ Id: id, Name: `name ${id}`, TypeCode: 1, TypeName: "account" })),
    allIds: ["{A}", "{B}", "{C}", "{D}"],
    selectedControl: grid,
    entityName: "account",
    entityTypeCode: 1,
    languageId: 1033,
  };
}

function host(scope: object, loadable: Record<string, () => void> = {}): RuleHost & { timers: number[] } {
  const timers: number[] = [];
  return {
    scope,
    timers,
    loadLibrary: (library) => {
      const load = loadable[library];
      if (!load) return Promise.resolve(false);
      load();
      return Promise.resolve(true);
    },
    // The platform's 10 s budget passes on the next turn here: a rule that never answers is seen timing out.
    setTimeout: (fn, ms) => {
      timers.push(ms);
      return setTimeout(fn, 0);
    },
  };
}

describe("reading the package's ribbon", () => {
  const ribbon = readRibbon(customizations(RIBBON));

  test("commands with their enable rules (defined here or the platform's), actions and parameters in order", () => {
    const start = ribbon.commands.get("grid.Start.Command");
    expect(start?.enableRules.map((r) => [r.id, r.steps?.length])).toEqual([["grid.AnyAllowed", 1]]);
    expect(start?.actions).toEqual([
      {
        functionName: "Test.Grid.start",
        library: "$webresource:pg_/scripts/outreach.js",
        parameters: [{ crm: "SelectedControlSelectedItemIds" }, { crm: "SelectedControl" }, { literal: "hello" }],
      },
    ]);
    const list = ribbon.commands.get("Mscrm.AddSelectedToMarketingList");
    expect(list?.enableRules.map((r) => [r.id, r.steps === undefined])).toEqual([
      ["Mscrm.NotOffline", true],
      ["Mscrm.SelectionCountAtLeastOne", true],
      ["grid.EveryAllowed", false],
    ]);
  });

  test("buttons with their location, command and LocLabels; hidden locations", () => {
    expect(ribbon.buttons).toEqual([
      {
        id: "grid.Start.Button",
        location: "Mscrm.HomepageGrid.account.MainTab.Actions.Controls._children",
        command: "grid.Start.Command",
        labels: { 1033: "Start outreach", 1031: "Ansprache starten" },
      },
    ]);
    expect([...ribbon.hidden]).toEqual(["Mscrm.HomepageGrid.account.QuickCampaign.AllAllPages"]);
  });

  test("another entity's ribbon, or none, is an error, not an empty command bar", () => {
    expect(() => readRibbon(customizations(RIBBON), "contact")).toThrow(/no RibbonDiffXml for contact/);
  });
});

describe("evaluating a command for a selection", () => {
  const ribbon = readRibbon(customizations(RIBBON));
  const list = ribbon.commands.get("Mscrm.AddSelectedToMarketingList")!;
  const start = ribbon.commands.get("grid.Start.Command")!;

  test("a custom rule gets the selected ids and decides; the platform's known rules are evaluated, others assumed on", async () => {
    const asked: unknown[] = [];
    const scope = {
      Test: {
        Grid: {
          every: (ids: string[]) => {
            asked.push(ids);
            return Promise.resolve(ids.length === 2);
          },
        },
      },
    };
    const on = await evaluateCommand(list, selection(["{A}", "{B}"]), host(scope));
    expect(asked).toEqual([["{A}", "{B}"]]);
    expect(on.enabled).toBe(true);
    expect(on.outcomes.map((o) => [o.rule, o.value, o.how])).toEqual([
      ["Mscrm.NotOffline", true, "assumed"],
      ["Mscrm.SelectionCountAtLeastOne", true, "platform"],
      ["grid.EveryAllowed", true, "custom"],
    ]);
    const off = await evaluateCommand(list, selection(["{A}"]), host(scope));
    expect(off.enabled).toBe(false);
    expect(off.outcomes[2]).toMatchObject({ rule: "grid.EveryAllowed", value: false, functionName: "Test.Grid.every" });
  });

  test("no selection: the platform's SelectionCountAtLeastOne and the SelectionCountRule are off", async () => {
    const scope = { Test: { Grid: { every: () => true } } };
    const state = await evaluateCommand(list, selection([]), host(scope));
    expect(state.enabled).toBe(false);
    expect(state.outcomes.filter((o) => !o.value).map((o) => o.rule)).toEqual([
      "Mscrm.SelectionCountAtLeastOne",
      "grid.EveryAllowed",
    ]);
  });

  test("a SelectionCountRule's Maximum holds even when the custom rule says yes", async () => {
    const scope = { Test: { Grid: { every: () => true } } };
    const state = await evaluateCommand(list, selection(["{A}", "{B}", "{C}", "{D}"]), host(scope));
    expect(state.enabled).toBe(false);
  });

  test("a Promise that never resolves counts as false after the platform's 10 s", async () => {
    const h = host({ Test: { Grid: { any: () => new Promise(() => undefined) } } });
    const state = await evaluateCommand(start, selection(["{A}"]), h);
    expect(h.timers).toEqual([PROMISE_RULE_BUDGET_MS]);
    expect(state).toMatchObject({ enabled: false, outcomes: [{ how: "timeout" }] });
  });

  test("a rejected promise is false, a throwing or missing function takes the rule's Default", async () => {
    const rejected = await evaluateCommand(
      start,
      selection(["{A}"]),
      host({ Test: { Grid: { any: () => Promise.reject(new Error("boom")) } } }),
    );
    expect(rejected).toMatchObject({ enabled: false, outcomes: [{ how: "failed", detail: "Error: boom" }] });
    const missing = await evaluateCommand(start, selection(["{A}"]), host({}));
    expect(missing).toMatchObject({ enabled: false, outcomes: [{ how: "failed" }] });
  });

  test("a library not loaded yet is loaded by the host when the rule first needs it", async () => {
    const scope: Record<string, unknown> = {};
    const state = await evaluateCommand(
      start,
      selection(["{A}"]),
      host(scope, {
        "$webresource:pg_/scripts/outreach.js": () => (scope.Test = { Grid: { any: () => true } }),
      }),
    );
    expect(state.enabled).toBe(true);
  });

  test("InvertResult flips the answer", async () => {
    const inverted = ribbon.commands.get("inverted")!;
    const scope = { Test: { Grid: { any: () => true } } };
    expect((await evaluateCommand(inverted, selection(["{A}"]), host(scope))).enabled).toBe(false);
  });
});

describe("running a command's actions", () => {
  const ribbon = readRibbon(customizations(RIBBON));

  test("the package's function is called with the CrmParameters in order", async () => {
    const calls: unknown[][] = [];
    const scope = { Test: { Grid: { start: (...args: unknown[]) => calls.push(args) } } };
    const results = await runActions(ribbon.commands.get("grid.Start.Command")!, selection(["{A}"]), host(scope));
    expect(calls).toEqual([[["{A}"], grid, "hello"]]);
    expect(results).toEqual([{ ran: true, functionName: "Test.Grid.start", result: 1 }]);
  });

  test("a platform action whose library is not here is reported, not run", async () => {
    const results = await runActions(
      ribbon.commands.get("Mscrm.AddSelectedToMarketingList")!,
      selection(["{A}"]),
      host({}),
    );
    expect(results).toEqual([
      {
        ran: false,
        functionName: "Marketing.CommandActions.Instance.addToList",
        library: "$webresource:Marketing/CommandActions/Marketing_CommandActions.js",
        arguments: ["SelectedControl", "SelectedControlSelectedItemReferences"],
      },
    ]);
  });

  test("a CrmParameter the playground's grid does not pass is an error", async () => {
    const odd = readRibbon(
      customizations(
        RIBBON.replace(
          '<StringParameter Value="hello" />',
          '<CrmParameter Value="SelectedControlUnselectedItemIds" />',
        ),
      ),
    );
    const scope = { Test: { Grid: { start: () => undefined } } };
    await expect(runActions(odd.commands.get("grid.Start.Command")!, selection(["{A}"]), host(scope))).rejects.toThrow(
      /does not pass CrmParameter SelectedControlUnselectedItemIds/,
    );
  });
});

describe("the grid's customizer", () => {
  test("is the control the solution names in GridCustomizerControlFullName, plain or escaped in a layout", () => {
    expect(
      configuredCustomizer(
        customizations(
          RIBBON,
          "<CustomControlDefaultConfigs><CustomControlDefaultConfig><ControlDescriptionXML><controlDescriptions><controlDescription><customControl name='Microsoft.PowerApps.PowerAppsOneGrid'><parameters><GridCustomizerControlFullName type='SingleLine.Text' static='true'>pg_PartnerGuard.PartnerGuardGridBadge</GridCustomizerControlFullName></parameters></customControl></controlDescription></controlDescriptions></ControlDescriptionXML></CustomControlDefaultConfig></CustomControlDefaultConfigs>",
        ),
      ),
    ).toBe("pg_PartnerGuard.PartnerGuardGridBadge");
    expect(
      configuredCustomizer(
        "&lt;GridCustomizerControlFullName type=&quot;SingleLine.Text&quot;&gt;pg_X.Y&lt;/GridCustomizerControlFullName&gt;",
      ),
    ).toBe("pg_X.Y");
    expect(configuredCustomizer(customizations(RIBBON))).toBeUndefined();
  });
});
