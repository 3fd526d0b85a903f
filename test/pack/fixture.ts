/**
 * A throwaway repository root for pack tests: this repo's Solution/ plus small stand-ins for what
 * builds and teammates provide (a built control, the command-bar bundle, the account ribbon).
 */
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { ScriptFunctions, WebResources } from "../../src/schema";
import { assemble, ZipEntries } from "../../src/pack/assemble";
import { readSource } from "../../src/pack/readSource";
import { formatProblem } from "../../src/pack/errors";

export const REPO = path.resolve(__dirname, "../..");
export const SCHEMAS = path.resolve(REPO, "..", "shared", "schemas");

/** A bundle shaped like esbuild's iife output with globalName PartnerGuard. */
export const FIXTURE_SCRIPT =
  "var PartnerGuard=(()=>{var n={Ribbon:{isOutreachEnabled:function(){return Promise.resolve(false)},startOutreach:function(){}},Form:{onLoad:function(){}},Approvals:{onLoad:function(){}},Email:{isSendAllowed:function(){return Promise.resolve(false)},checkRecipients:function(){}},ContactGrid:{isOutreachEnabled:function(){return Promise.resolve(false)},isEverySelectedAllowed:function(){return Promise.resolve(false)},isEveryOnPageAllowed:function(){return Promise.resolve(false)},startOutreach:function(){}},ContactForm:{isEveryAllowed:function(){return Promise.resolve(false)},isOutreachEnabled:function(){return Promise.resolve(false)},startOutreach:function(){}}};return n})();\n";

export const FIXTURE_RIBBON = `<RibbonDiffXml>
  <CustomActions>
    <CustomAction Id="pg.test.CustomAction" Location="Mscrm.Form.account.MainTab.Save.Controls._children" Sequence="5">
      <CommandUIDefinition>
        <Button Id="pg.test.Button" Command="pg.test.Command" Sequence="5" TemplateAlias="o1" LabelText="$LocLabels:pg.test.Label" ToolTipTitle="$LocLabels:pg.test.Label" Image16by16="$webresource:${WebResources.icon16}" Image32by32="$webresource:${WebResources.icon32}" />
      </CommandUIDefinition>
    </CustomAction>
  </CustomActions>
  <Templates>
    <RibbonTemplates Id="Mscrm.Templates"></RibbonTemplates>
  </Templates>
  <CommandDefinitions>
    <CommandDefinition Id="pg.test.Command">
      <EnableRules>
        <EnableRule Id="pg.test.EnableRule" />
      </EnableRules>
      <DisplayRules />
      <Actions>
        <JavaScriptFunction FunctionName="${ScriptFunctions.command}" Library="$webresource:${WebResources.commandScript}">
          <CrmParameter Value="PrimaryControl" />
        </JavaScriptFunction>
      </Actions>
    </CommandDefinition>
  </CommandDefinitions>
  <RuleDefinitions>
    <TabDisplayRules />
    <DisplayRules />
    <EnableRules>
      <EnableRule Id="pg.test.EnableRule">
        <CustomRule FunctionName="${ScriptFunctions.enableRule}" Library="$webresource:${WebResources.commandScript}" Default="false">
          <CrmParameter Value="PrimaryControl" />
        </CustomRule>
      </EnableRule>
    </EnableRules>
  </RuleDefinitions>
  <LocLabels>
    <LocLabel Id="pg.test.Label">
      <Titles>
        <Title languagecode="1033" description="Start outreach" />
      </Titles>
    </LocLabel>
  </LocLabels>
</RibbonDiffXml>
`;

const MANIFEST = `<?xml version="1.0" encoding="utf-8"?>
<manifest>
  <control namespace="PartnerGuard" constructor="PartnerGuard" version="1.0.0" display-name-key="PartnerGuard_Name" description-key="PartnerGuard_Desc" control-type="virtual" api-version="1.3.18">
    <property name="statusColumn" display-name-key="a" description-key="b" of-type="SingleLine.Text" usage="bound" required="true" />
    <resources>
      <code path="bundle.js" order="1" />
      <resx path="strings/PartnerGuard.1033.resx" version="1.0.0" />
    </resources>
    <built-by name="pac" version="1.51.1" />
  </control>
</manifest>
`;

const BADGE_MANIFEST = `<?xml version="1.0" encoding="utf-8"?>
<manifest>
  <control namespace="PartnerGuard" constructor="PartnerGuardGridBadge" version="1.0.0" display-name-key="GridBadge_Name" description-key="GridBadge_Desc" control-type="virtual" api-version="1.3.18">
    <property name="EventName" display-name-key="EventName_Name" description-key="EventName_Desc" of-type="SingleLine.Text" usage="bound" required="true" />
    <resources>
      <code path="bundle.js" order="1" />
      <resx path="strings/PartnerGuardGridBadge.1033.resx" version="1.0.0" />
      <resx path="strings/PartnerGuardGridBadge.1031.resx" version="1.0.0" />
    </resources>
    <built-by name="pac" version="1.51.1" />
  </control>
</manifest>
`;

export interface Fixture {
  root: string;
  out: string;
  write(rel: string, content: string): Promise<void>;
  remove(rel: string): Promise<void>;
  cleanup(): Promise<void>;
}

export async function makeFixture(version = "1.2.3"): Promise<Fixture> {
  const root = await mkdtemp(path.join(tmpdir(), "pg-pack-"));
  const write = async (rel: string, content: string) => {
    const file = path.join(root, ...rel.split("/"));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  };
  await cp(path.join(REPO, "Solution"), path.join(root, "Solution"), { recursive: true });
  // The lead keeps the real RibbonDiff.xml; tests use their own so they do not depend on it.
  await write("Solution/Entities/account/RibbonDiff.xml", FIXTURE_RIBBON);
  await write("package.json", JSON.stringify({ name: "fixture", version }));
  await write("out/controls/PartnerGuard/ControlManifest.xml", MANIFEST);
  await write("out/controls/PartnerGuard/bundle.js", "var pcf_tools_652ac3f36e1e4bca82eb3c1dc44e6fad;\n");
  await write("out/controls/PartnerGuard/strings/PartnerGuard.1033.resx", "<root />\n");
  // The grid badge, built beside the card (PartnerGuardGridBadge/).
  await write("out/controls/PartnerGuardGridBadge/ControlManifest.xml", BADGE_MANIFEST);
  await write("out/controls/PartnerGuardGridBadge/bundle.js", "var pcf_tools_652ac3f36e1e4bca82eb3c1dc44e6fad;\n");
  for (const lcid of [1033, 1031])
    await write(`out/controls/PartnerGuardGridBadge/strings/PartnerGuardGridBadge.${lcid}.resx`, "<root />\n");
  await write(`out/webresources/${WebResources.commandScript}`, FIXTURE_SCRIPT);
  // The RESX web resources the script reads (copies of the control's strings at build time).
  await write(
    `out/webresources/${WebResources.strings1033}`,
    await readFile(path.join(REPO, "PartnerGuard/strings/PartnerGuard.1033.resx"), "utf8"),
  );
  await write(
    `out/webresources/${WebResources.strings1031}`,
    await readFile(path.join(REPO, "PartnerGuard/strings/PartnerGuard.1031.resx"), "utf8"),
  );
  // The Graph sign-in's redirect page and its bridge script (scripts/build-auth-redirect.mjs).
  await write(`out/webresources/${WebResources.authRedirect}`, '<!DOCTYPE html><script src="redirect.js"></script>\n');
  await write(`out/webresources/${WebResources.authRedirectScript}`, '"use strict";(()=>{})();\n');
  // MSAL + the Graph client, loaded by the control on demand (scripts/build-graph-webresource.mjs).
  await write(`out/webresources/${WebResources.graphScript}`, '"use strict";(()=>{})();\n');
  return {
    root,
    out: path.join(root, "out", "solution"),
    write,
    remove: (rel) => rm(path.join(root, ...rel.split("/")), { force: true }),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

export async function listDir(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}

/** The fixture's solution assembled in memory (managed or not), with its two root XML files as text. */
export async function assembledFixture(managed: boolean): Promise<{
  fx: Fixture;
  entries: ZipEntries;
  customizations: string;
  solution: string;
}> {
  const fx = await makeFixture();
  const read = await readSource(fx.root);
  if (!read.ok) throw new Error(read.problems.map(formatProblem).join("\n"));
  const assembled = assemble(read.source, managed);
  if (!assembled.ok) throw new Error(assembled.problems.map(formatProblem).join("\n"));
  const text = (name: string) => Buffer.from(assembled.entries.get(name) ?? new Uint8Array()).toString("utf8");
  return {
    fx,
    entries: assembled.entries,
    customizations: text("customizations.xml"),
    solution: text("solution.xml"),
  };
}
