/**
 * @jest-environment jsdom
 *
 * The playground's account view reads the views from the package: a public savedquery's columns
 * (layoutxml, in order), query (fetchxml) and names, the columns' data types and labels from the
 * entity's attribute metadata; its own view takes the columns of the first view showing the status.
 */
import { playgroundView, readViews } from "../../playground/gridViews";

const ATTRIBUTE = (name: string, type: string, label: string, format = "") =>
  `<attribute PhysicalName="${name}"><Type>${type}</Type><Name>${name}</Name>${format ? `<Format>${format}</Format>` : ""}` +
  `<displaynames><displayname description="${label}" languagecode="1033" /><displayname description="${label} (de)" languagecode="1031" /></displaynames></attribute>`;

const VIEW = (id: string, name: string, querytype = 0, isprivate = 0) => `<savedquery>
  <isprivate>${isprivate}</isprivate><savedqueryid>${id}</savedqueryid>
  <layoutxml><grid name="resultset" jump="name" select="1" icon="1" preview="1"><row name="result" id="accountid">
    <cell name="name" width="200" /><cell name="pg_outreachstatus" width="150" /><cell name="pg_partnerofrecordid" width="150" />
    <cell name="pg_protecteduntil" width="100" /><cell name="pg_verdictcomputedon" width="100" />
  </row></grid></layoutxml>
  <querytype>${querytype}</querytype>
  <fetchxml><fetch version="1.0" mapping="logical"><entity name="account"><attribute name="name" /><attribute name="pg_outreachstatus" />
    <filter type="and"><condition attribute="pg_outreachstatus" operator="eq" value="100000000" /></filter></entity></fetch></fetchxml>
  <LocalizedNames><LocalizedName description="${name}" languagecode="1033" /><LocalizedName description="${name} (de)" languagecode="1031" /></LocalizedNames>
</savedquery>`;

const CUSTOMIZATIONS = `<ImportExportXml><Entities><Entity><Name LocalizedName="Account" OriginalName="">Account</Name>
  <EntityInfo><entity Name="Account"><attributes>
    ${ATTRIBUTE("pg_outreachstatus", "picklist", "Outreach status")}
    ${ATTRIBUTE("pg_partnerofrecordid", "lookup", "Partner of record")}
    ${ATTRIBUTE("pg_protecteduntil", "datetime", "Protected until", "date")}
    ${ATTRIBUTE("pg_verdictcomputedon", "datetime", "Computed on", "datetime")}
  </attributes></entity></EntityInfo>
  <SavedQueries><savedqueries>
    ${VIEW("{1}", "Accounts clear for outreach")}
    ${VIEW("{2}", "Advanced find", 1)}
    ${VIEW("{3}", "Someone's own", 0, 1)}
  </savedqueries></SavedQueries>
</Entity></Entities></ImportExportXml>`;

test("the public views of account, with their columns typed from the metadata", () => {
  const views = readViews(CUSTOMIZATIONS);
  expect(views.map((v) => v.names)).toEqual([
    { 1033: "Accounts clear for outreach", 1031: "Accounts clear for outreach (de)" },
  ]);
  const [view] = views;
  expect(view.columns.map((c) => [c.name, c.dataType, c.isPrimary])).toEqual([
    ["name", "Text", true],
    ["pg_outreachstatus", "OptionSet", false],
    ["pg_partnerofrecordid", "Lookup", false],
    ["pg_protecteduntil", "DateOnly", false],
    ["pg_verdictcomputedon", "DateAndTime", false],
  ]);
  expect(view.labels.pg_outreachstatus).toEqual({ 1033: "Outreach status", 1031: "Outreach status (de)" });
  expect(view.fetchXml).toMatch(/^<fetch[^>]*>.*operator="eq" value="100000000".*<\/fetch>$/s);
});

test("the playground's view: the same columns, every account that is no partner, named as the playground's", () => {
  const views = readViews(CUSTOMIZATIONS);
  const own = playgroundView(CUSTOMIZATIONS, views, ["b1", "b2"], "pg_outreachstatus");
  expect(own?.columns).toEqual(views[0].columns);
  expect(own?.playground).toBe(true);
  expect(own?.fetchXml).toContain(
    '<condition attribute="accountid" operator="ne" value="b1" /><condition attribute="accountid" operator="ne" value="b2" />',
  );
  expect(own?.fetchXml).not.toContain("100000000");
  // Without a view that shows the status, there is nothing to model it on.
  expect(playgroundView(CUSTOMIZATIONS, [], ["b1"], "pg_outreachstatus")).toBeUndefined();
});
