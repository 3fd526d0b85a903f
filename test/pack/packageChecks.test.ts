/** checkPackage finds what an import would trip on: stray or missing files, dangling or missing root components. */
import { cp, stat } from "node:fs/promises";
import path from "node:path";
import { assemble, ZipEntries } from "../../src/pack/assemble";
import { checkPackage } from "../../src/pack/checks/packageChecks";
import { readSource } from "../../src/pack/readSource";
import { formatProblem } from "../../src/pack/errors";
import { webResourceZipPath } from "../../src/pack/render/webResource";
import { CONTROL_NAME, GRID_BADGE_CONTROL_NAME, OutreachDecision, WebResources } from "../../src/schema";
import { validateCustomizations } from "../../src/pack/checks/schemaValidation";
import { Fixture, REPO, SCHEMAS, makeFixture } from "./fixture";

async function entriesOf(fx: Fixture): Promise<ZipEntries> {
  const read = await readSource(fx.root);
  if (!read.ok) throw new Error(read.problems.map(formatProblem).join("\n"));
  const assembled = assemble(read.source, false);
  if (!assembled.ok) throw new Error(assembled.problems.map(formatProblem).join("\n"));
  return assembled.entries;
}

const replaceIn = (entries: ZipEntries, name: string, from: string, to: string) =>
  entries.set(name, new Uint8Array(Buffer.from(Buffer.from(entries.get(name)!).toString("utf8").replace(from, to))));

describe("checkPackage", () => {
  let fx: Fixture;
  let entries: ZipEntries;
  beforeAll(async () => {
    fx = await makeFixture();
  });
  beforeEach(async () => {
    entries = await entriesOf(fx);
  });
  afterAll(() => fx.cleanup());

  it("flags a file no component names", () => {
    entries.set("WebResources/stray", new Uint8Array([1]));
    expect(checkPackage("z", entries).map(formatProblem)).toEqual([
      "z/WebResources/stray: in the zip but named by no component",
    ]);
  });

  it("flags a web resource whose file is missing", () => {
    entries.delete(webResourceZipPath(WebResources.icon32));
    expect(checkPackage("z", entries).map(formatProblem).join("\n")).toContain(
      `web resource ${WebResources.icon32} names ${webResourceZipPath(WebResources.icon32)}, which is not in the zip`,
    );
  });

  it("flags a control whose bundle is missing", () => {
    entries.delete(`Controls/${CONTROL_NAME}/bundle.js`);
    expect(checkPackage("z", entries).map(formatProblem).join("\n")).toMatch(
      /ControlManifest\.xml:\d+: names bundle\.js, which is not in the zip/,
    );
  });

  it("flags a form control named without the publisher prefix: the form would show a text box, not the card", () => {
    const unprefixed = CONTROL_NAME.slice(CONTROL_NAME.indexOf("_") + 1);
    const c = Buffer.from(entries.get("customizations.xml")!).toString("utf8");
    entries.set(
      "customizations.xml",
      new Uint8Array(
        Buffer.from(
          // One form's control (the account's and the contact's forms both carry the card).
          c.replace(
            `<customControl formFactor="0" name="${CONTROL_NAME}">`,
            `<customControl formFactor="0" name="${unprefixed}">`,
          ),
        ),
      ),
    );
    const problems = checkPackage("z", entries).map(formatProblem);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      new RegExp(
        `^z/customizations\\.xml:\\d+: form control ${unprefixed.replace(/\./g, "\\.")} is neither a control of the package`,
      ),
    );
  });

  it("flags a grid customizer the package does not ship (the grid would show no badge, silently)", () => {
    const unprefixed = GRID_BADGE_CONTROL_NAME.slice(GRID_BADGE_CONTROL_NAME.indexOf("_") + 1);
    const c = Buffer.from(entries.get("customizations.xml")!).toString("utf8");
    entries.set(
      "customizations.xml",
      new Uint8Array(
        Buffer.from(
          c
            .split(`>${GRID_BADGE_CONTROL_NAME}</GridCustomizerControlFullName>`)
            .join(`>${unprefixed}</GridCustomizerControlFullName>`),
        ),
      ),
    );
    const problems = checkPackage("z", entries).map(formatProblem);
    expect(problems).toHaveLength(3); // one per form factor
    expect(problems[0]).toMatch(
      /^z\/customizations\.xml:\d+: grid customizer PartnerGuard\.PartnerGuardGridBadge is not a control of the package/,
    );
  });

  it("validates the grid configuration against the schema, the missing id apart, and refuses a broken one", async () => {
    const c = Buffer.from(entries.get("customizations.xml")!).toString("utf8");
    expect(await validateCustomizations(c, SCHEMAS)).toEqual([]);
    const broken = c.replace(
      `<customControl id="{E7A81278-8635-4d9e-8D4D-59480B391C5B}">\n`,
      `<customControl id="{E7A81278-8635-4d9e-8D4D-59480B391C5B}">\n<columns />\n`,
    );
    expect(broken).not.toBe(c);
    expect((await validateCustomizations(broken, SCHEMAS)).map((p) => p.message).join("\n")).toMatch(/columns/);
  });

  it("flags a root component that resolves to nothing, and a component without one", () => {
    replaceIn(entries, "solution.xml", `schemaName="${WebResources.icon16}"`, 'schemaName="pg_/icons/gone.svg"');
    const problems = checkPackage("z", entries).map(formatProblem).join("\n");
    expect(problems).toMatch(/z\/solution\.xml:\d+: RootComponent type 61 pg_\/icons\/gone\.svg resolves to nothing/);
    expect(problems).toContain(`no RootComponent for 61 ${WebResources.icon16}`);
  });

  it("flags a missing root file", () => {
    entries.delete("[Content_Types].xml");
    expect(checkPackage("z", entries).map(formatProblem)).toContain(
      "z/[Content_Types].xml: missing at the zip root (import error 80048060)",
    );
  });

  it("accepts system columns (createdby, createdon) in views and forms of our tables", () => {
    const c = Buffer.from(entries.get("customizations.xml")!).toString("utf8");
    expect(c).toContain('<cell name="createdby"');
    expect(c).toMatch(/<control id="createdon" [^>]*datafieldname="createdon" disabled="true"/);
    expect(checkPackage("z", entries)).toEqual([]);
  });

  it("flags a view or form naming a column its table does not have", () => {
    replaceIn(entries, "customizations.xml", '<cell name="pg_requesteddays"', '<cell name="pg_validuntil"');
    replaceIn(entries, "customizations.xml", 'datafieldname="pg_note"', 'datafieldname="pg_approverid"');
    const problems = checkPackage("z", entries).map(formatProblem);
    expect(problems).toEqual([
      expect.stringMatching(
        /^z\/customizations\.xml:\d+: form control pg_note names column pg_approverid, which pg_outreachdecision does not have$/,
      ),
      expect.stringMatching(
        /^z\/customizations\.xml:\d+: view "[^"]+" of pg_outreachexception: grid cell names column pg_validuntil, which pg_outreachexception does not have$/,
      ),
    ]);
    // The line named is the one with the reference.
    const lines = Buffer.from(entries.get("customizations.xml")!).toString("utf8").split("\n");
    for (const p of problems) expect(lines[Number(/:(\d+):/.exec(p)![1]) - 1]).toMatch(/pg_validuntil|pg_approverid/);
  });

  it("flags a no-decision condition on a column the decision table lacks", () => {
    replaceIn(
      entries,
      "customizations.xml",
      `attribute="${OutreachDecision.id}" operator="null"`,
      `attribute="pg_decisionid" operator="null"`,
    );
    expect(checkPackage("z", entries).map(formatProblem)).toEqual([
      expect.stringMatching(
        /view "Pending outreach exceptions" of pg_outreachexception: fetch condition on decision names column pg_decisionid, which pg_outreachdecision does not have$/,
      ),
    ]);
  });

  it("flags a condition on a linked table no link-entity of the view is aliased as", () => {
    replaceIn(entries, "customizations.xml", 'alias="decision"', 'alias="d"');
    expect(checkPackage("z", entries).map(formatProblem)).toEqual([
      expect.stringMatching(
        /view "Pending outreach exceptions" of pg_outreachexception: condition on entityname decision, which no link-entity of the view is aliased as$/,
      ),
    ]);
  });

  // CI runs `npm run build` before the tests: when the real control build is there, pack it too.
  const built = path.join(REPO, "out", "controls", "PartnerGuard", "ControlManifest.xml");
  it("accepts the real pcf-scripts output when it has been built", async () => {
    const present = await stat(built).then(
      () => true,
      () => false,
    );
    if (!present) return;
    await cp(path.dirname(built), path.join(fx.root, "out", "controls", "PartnerGuard"), { recursive: true });
    // The grid badge, built by the same pcf-scripts run (when it is there: an older out/ has only the card).
    const badge = path.join(path.dirname(path.dirname(built)), "PartnerGuardGridBadge");
    const badgeBuilt = await stat(badge).then(
      () => true,
      () => false,
    );
    if (badgeBuilt)
      await cp(badge, path.join(fx.root, "out", "controls", "PartnerGuardGridBadge"), { recursive: true });
    const real = await entriesOf(fx);
    expect(checkPackage("z", real)).toEqual([]);
    for (const name of badgeBuilt ? [CONTROL_NAME, GRID_BADGE_CONTROL_NAME] : [CONTROL_NAME])
      expect(Buffer.from(real.get(`Controls/${name}/ControlManifest.xml`)!).toString("utf8")).toContain("<built-by");
    if (badgeBuilt)
      for (const lcid of [1033, 1031])
        expect(real.has(`Controls/${GRID_BADGE_CONTROL_NAME}/strings/PartnerGuardGridBadge.${lcid}.resx`)).toBe(true);
  });
});
