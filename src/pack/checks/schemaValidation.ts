/**
 * customizations.xml against Microsoft's CustomizationsSolution.xsd (../shared/schemas, ~2018).
 * Constructs newer than that schema which the package really needs are listed in ONE place,
 * NEWER_THAN_SCHEMA, each with its reason; they are removed from a copy for validation only.
 */
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { validateXML } from "xmllint-wasm";
import { PackProblem } from "../errors";

interface NewerConstruct {
  /** What the schema does not know. */
  construct: string;
  /** Why the package carries it anyway. */
  reason: string;
  /** Removes it from the copy that is validated (must not change line numbers). */
  strip: (xml: string) => string;
}

export const NEWER_THAN_SCHEMA: readonly NewerConstruct[] = [
  {
    construct: "<ImportExportXml OrganizationVersion|OrganizationSchemaType|CRMServerServiceabilityVersion>",
    reason:
      "2020s exports put these on the root; a hand-edited Other/Customizations.xml copied from an export may carry them. We do not write them ourselves.",
    strip: (xml) =>
      xml.replace(/\s(OrganizationVersion|OrganizationSchemaType|CRMServerServiceabilityVersion)="[^"]*"/g, ""),
  },
  {
    construct: "<EntityRelationship><CascadeArchive>",
    reason:
      "Current exports write it on every one-to-many relationship (archiving for long-term retention, beside CascadeDelete); without it the import applies a default we did not choose. Only the platform's cascade values are stripped, so a misspelt one still fails validation.",
    strip: (xml) => xml.replace(/<CascadeArchive>(NoCascade|Cascade|RemoveLink|Restrict)<\/CascadeArchive>/g, ""),
  },
  {
    construct: "<AppModule><statecode>, <statuscode>",
    reason:
      "Current exports write the app's state right after WebResourceId (kfklaihk/StaffBonusSystem AppModule.xml, 2026: statecode 0, statuscode 1); the 2018 schema knows them only inside AppConfig. Only numeric values inside <AppModule> are stripped.",
    strip: (xml) =>
      xml.replace(/<AppModule>[\s\S]*?<\/AppModule>/g, (app) => app.replace(/<(statecode|statuscode)>\d+<\/\1>/g, "")),
  },
  {
    construct: "<CustomControlDefaultConfig> without <CustomControlDefaultConfigId>",
    reason:
      "The 2026 reference export writes a table's grid configuration keyed by its table, with no id (ribbon-export-2026/customizations.xml, line 623); the 2018 schema requires the id. The validated copy gets a placeholder id on the same line; everything else in the configuration is validated.",
    strip: (xml) =>
      xml.replace(
        /<CustomControlDefaultConfig>(?!\s*<(PrimaryEntityTypeCode|CustomControlDefaultConfigId)>)/g,
        "<CustomControlDefaultConfig><CustomControlDefaultConfigId>{00000000-0000-0000-0000-000000000000}</CustomControlDefaultConfigId>",
      ),
  },
  {
    construct: "<AppModule><appsettings>",
    reason:
      "The app ships with in-app notifications switched on: an app setting, as Microsoft documents adding one to customizations.xml (powerapps-docs clientapi/reference/events/form-onsave.md) and as current exports write after Descriptions (kfklaihk/StaffBonusSystem AppModule.xml, 2026). Only appsetting elements of that shape are stripped, each line kept (blanked) so line numbers stay.",
    strip: (xml) =>
      xml.replace(/<AppModule>[\s\S]*?<\/AppModule>/g, (app) =>
        app.replace(
          /<appsettings>(?:\s*<appsetting uniquename="[\w.]+">\s*<iscustomizable>[01]<\/iscustomizable>\s*<settingdefinitionid>\s*<uniquename>\w+<\/uniquename>\s*<\/settingdefinitionid>\s*<value>[^<]*<\/value>\s*<\/appsetting>)*\s*<\/appsettings>/g,
          (block) => block.replace(/[^\n]/g, ""),
        ),
      ),
  },
];

/** Default location of the schemas: beside the repository, as the design docs keep them. */
export function defaultSchemasDir(root: string): string {
  return process.env.PARTNERGUARD_SCHEMAS ?? path.resolve(root, "..", "shared", "schemas");
}

export async function validateCustomizations(
  xml: string,
  schemasDir: string,
  file = "customizations.xml",
): Promise<PackProblem[]> {
  const names = (await readdir(schemasDir)).filter((n) => n.endsWith(".xsd")).sort();
  const preload = await Promise.all(
    names.map(async (fileName) => ({ fileName, contents: await readFile(path.join(schemasDir, fileName), "utf8") })),
  );
  const root = preload.find((p) => p.fileName === "CustomizationsSolution.xsd");
  if (!root) return [{ file: schemasDir, message: "CustomizationsSolution.xsd not found" }];
  const stripped = NEWER_THAN_SCHEMA.reduce((text, c) => c.strip(text), xml);
  const result = await validateXML({
    xml: [{ fileName: "customizations.xml", contents: stripped }],
    schema: [root],
    preload: preload.filter((p) => p !== root),
  });
  return result.errors.map((e) => ({ file, line: e.loc?.lineNumber ?? undefined, message: `schema: ${e.message}` }));
}
