/**
 * @jest-environment jsdom
 *
 * The playground's contact form shows the contact form's commands as the package defines them,
 * read generically from the contact RibbonDiffXml: every button the package places on the contact
 * form and every out-of-box form command it redefines (one whose rules take the form). A command
 * added to contact later (Start outreach on the form) appears without a change to the page.
 */
import { readFileSync } from "fs";
import { join } from "path";
import { readRibbon } from "../../playground/ribbonCommands";
import { contactFormCommands } from "../../playground/ContactPage";

const customizations = (ribbon: string) =>
  `<ImportExportXml><Entities><Entity><Name>contact</Name>${ribbon}</Entity></Entities></ImportExportXml>`;

const SHIPPED = readFileSync(join(__dirname, "../../Solution/Entities/contact/RibbonDiff.xml"), "utf8");

const LATER = `<RibbonDiffXml>
  <CustomActions>
    <CustomAction Id="a" Location="Mscrm.Form.contact.MainTab.Actions.Controls._children" Sequence="5">
      <CommandUIDefinition>
        <Button Id="pg.contact.Form.StartOutreach.Button" Command="pg.contact.Form.StartOutreach.Command" LabelText="$LocLabels:pg.contact.StartOutreach.LabelText" />
      </CommandUIDefinition>
    </CustomAction>
    <CustomAction Id="b" Location="Mscrm.HomepageGrid.contact.MainTab.Actions.Controls._children" Sequence="5">
      <CommandUIDefinition>
        <Button Id="pg.contact.Grid.StartOutreach.Button" Command="pg.contact.Grid.StartOutreach.Command" LabelText="Grid" />
      </CommandUIDefinition>
    </CustomAction>
  </CustomActions>
  <CommandDefinitions>
    <CommandDefinition Id="pg.contact.Form.StartOutreach.Command">
      <EnableRules><EnableRule Id="pg.contact.Form.Rule" /></EnableRules>
      <Actions><JavaScriptFunction FunctionName="PartnerGuard.ContactForm.startOutreach" Library="$webresource:pg_/scripts/outreach.js"><CrmParameter Value="PrimaryControl" /></JavaScriptFunction></Actions>
    </CommandDefinition>
    <CommandDefinition Id="pg.contact.Grid.StartOutreach.Command">
      <EnableRules />
      <Actions><JavaScriptFunction FunctionName="PartnerGuard.ContactGrid.startOutreach" Library="$webresource:pg_/scripts/outreach.js"><CrmParameter Value="SelectedControlSelectedItemIds" /></JavaScriptFunction></Actions>
    </CommandDefinition>
  </CommandDefinitions>
  <RuleDefinitions><EnableRules>
    <EnableRule Id="pg.contact.Form.Rule"><CustomRule FunctionName="PartnerGuard.ContactForm.isOutreachEnabled" Library="$webresource:pg_/scripts/outreach.js"><CrmParameter Value="PrimaryControl" /></CustomRule></EnableRule>
  </EnableRules></RuleDefinitions>
  <LocLabels>
    <LocLabel Id="pg.contact.StartOutreach.LabelText"><Titles><Title description="Start outreach" languagecode="1033" /><Title description="Ansprache starten" languagecode="1031" /></Titles></LocLabel>
  </LocLabels>
</RibbonDiffXml>`;

test("the shipped contact ribbon: the redefined form command (Add to marketing list), none of the grid's", () => {
  const commands = contactFormCommands(readRibbon(customizations(SHIPPED), "contact"), 1033);
  // Contains, not equals: commands another change adds to the contact form belong here too.
  expect(commands.map((c) => [c.key, c.label, c.ours])).toContainEqual([
    "Mscrm.AddPrimaryToMarketingList",
    "Add to marketing list",
    false,
  ]);
  const keys = commands.map((c) => c.key);
  for (const grid of [
    "Mscrm.AddSelectedToMarketingList",
    "Mscrm.modern.AddEmailToSelectedRecord",
    "Mscrm.HomepageGrid.ACL.QuickCampaign.Selected",
  ])
    expect(keys).not.toContain(grid);
});

test("a button added on the contact form later appears, labelled from its LocLabels; a grid button does not", () => {
  const ribbon = readRibbon(customizations(LATER), "contact");
  expect(contactFormCommands(ribbon, 1031).map((c) => [c.key, c.label, c.ours])).toEqual([
    ["pg.contact.Form.StartOutreach.Button", "Ansprache starten", true],
  ]);
});
