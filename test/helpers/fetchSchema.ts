/** FetchXML against Microsoft's Fetch.xsd (../shared/schemas), with the check the local Web API server runs. */
import { fetchXsdCheck } from "../../src/emulator/fetchSchema.node";

const check = fetchXsdCheck();

/** What the schema (or the XML parser) refuses in one query; none when Dataverse's schema accepts it. */
export async function validateFetchXml(fetchXml: string): Promise<string[]> {
  try {
    await check(fetchXml);
    return [];
  } catch (error) {
    return [error instanceof Error ? error.message : String(error)];
  }
}
