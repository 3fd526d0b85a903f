/** FetchXML against Microsoft's Fetch.xsd (../shared/schemas), as Dataverse checks a query before it runs it. */
import { readFileSync } from "fs";
import { join } from "path";
import { validateXML } from "xmllint-wasm";
import { defaultSchemasDir } from "../../src/pack/checks/schemaValidation";

let schema: string | undefined;

/** The schema's complaints about one query; none when Dataverse's schema accepts it. */
export async function validateFetchXml(fetchXml: string): Promise<string[]> {
  schema ??= readFileSync(join(defaultSchemasDir(join(__dirname, "../..")), "Fetch.xsd"), "utf8");
  const result = await validateXML({
    xml: [{ fileName: "query.xml", contents: fetchXml }],
    schema: [{ fileName: "Fetch.xsd", contents: schema }],
  });
  return result.errors.map((e) => e.message);
}
