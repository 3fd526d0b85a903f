/** A bad source stops the pack with a message naming file and line, and writes nothing. */
import { readFile } from "node:fs/promises";
import { packSolution } from "../../src/pack/packSolution";
import { PackError } from "../../src/pack/errors";
import { Fixture, SCHEMAS, listDir, makeFixture } from "./fixture";
import { WebResources } from "../../src/schema";

async function packError(fx: Fixture): Promise<PackError> {
  try {
    await packSolution({ root: fx.root, outDir: fx.out, schemasDir: SCHEMAS });
  } catch (error) {
    if (error instanceof PackError) return error;
    throw error;
  }
  throw new Error("pack succeeded");
}

describe("packSolution on a bad source", () => {
  let fx: Fixture;
  beforeEach(async () => {
    fx = await makeFixture();
  });
  afterEach(async () => {
    // Nothing half-written: no zip, no temporary folder.
    expect(await listDir(fx.out)).toEqual([]);
    await fx.cleanup();
  });

  it("names the missing command-bar script and how to build it", async () => {
    await fx.remove(`out/webresources/${WebResources.commandScript}`);
    const error = await packError(fx);
    expect(error.message).toContain(
      `Solution/WebResources/${WebResources.commandScript}.data.xml: content of web resource ${WebResources.commandScript} not found`,
    );
    expect(error.message).toContain("npm run build:webresource");
  });

  it("needs the publisher's customization prefix, which the control's name starts with", async () => {
    const rel = "Solution/Other/Solution.xml";
    const original = await readFile(`${fx.root}/${rel}`, "utf8");
    await fx.write(
      rel,
      original.replace(/<CustomizationPrefix>[^<]*<\/CustomizationPrefix>/, "<CustomizationPrefix />"),
    );
    expect((await packError(fx)).message).toMatch(
      /Solution\/Other\/Solution\.xml:\d+: <Publisher> needs a <CustomizationPrefix>/,
    );
  });

  it("names a missing required file", async () => {
    await fx.remove("Solution/Other/Customizations.xml");
    expect((await packError(fx)).message).toContain("Solution/Other/Customizations.xml: missing file");
  });

  it("names file and line of malformed XML", async () => {
    await fx.write(
      "Solution/Roles/PartnerGuard Seller.xml",
      '<Role id="{00000000-0000-0000-0000-000000000001}" name="x">\n  <RolePrivileges>\n    <RolePrivilege name="a" level="Global">\n  </RolePrivileges>\n</Role>\n',
    );
    expect((await packError(fx)).message).toMatch(/Solution\/Roles\/PartnerGuard Seller\.xml:4: malformed XML/);
  });

  it("names both places of a duplicate schema name", async () => {
    const copy = await import("node:fs/promises").then((fs) =>
      fs.readFile(
        `${fx.root}/Solution/environmentvariabledefinitions/pg_GraphClientId/environmentvariabledefinition.xml`,
        "utf8",
      ),
    );
    await fx.write(
      "Solution/environmentvariabledefinitions/pg_graphclientid_copy/environmentvariabledefinition.xml",
      copy,
    );
    const error = await packError(fx);
    expect(error.message).toContain(
      "Solution/environmentvariabledefinitions/pg_graphclientid_copy/environmentvariabledefinition.xml: duplicate environment variable pg_GraphClientId: already defined in Solution/environmentvariabledefinitions/pg_GraphClientId/environmentvariabledefinition.xml",
    );
  });

  it("names a duplicate column with its line", async () => {
    const entity = `${fx.root}/Solution/Entities/pg_outreachaudit/Entity.xml`;
    const fs = await import("node:fs/promises");
    const text = await fs.readFile(entity, "utf8");
    await fs.writeFile(
      entity,
      text.replace('<attribute PhysicalName="pg_sources">', '<attribute PhysicalName="pg_Reasons">'),
    );
    expect((await packError(fx)).message).toMatch(
      /Solution\/Entities\/pg_outreachaudit\/Entity\.xml:\d+: duplicate column pg_Reasons of pg_OutreachAudit: already defined in Solution\/Entities\/pg_outreachaudit\/Entity\.xml:\d+/,
    );
  });

  it("refuses a version Dataverse cannot hold", async () => {
    await fx.write("package.json", JSON.stringify({ version: "1.0.0-beta.1" }));
    expect((await packError(fx)).message).toContain("package.json: version 1.0.0-beta.1 is not a Dataverse version");
  });

  it("stops on a ribbon reference to a function the script does not define", async () => {
    const fs = await import("node:fs/promises");
    const file = `${fx.root}/Solution/Entities/account/RibbonDiff.xml`;
    await fs.writeFile(
      file,
      (await fs.readFile(file, "utf8")).replace(
        "PartnerGuard.Ribbon.startOutreach",
        "PartnerGuard.Ribbon.startOutreech",
      ),
    );
    expect((await packError(fx)).message).toMatch(
      /customizations\.xml:\d+: JavaScriptFunction PartnerGuard\.Ribbon\.startOutreech is not a function defined by pg_\/scripts\/outreach\.js/,
    );
  });
});
