/**
 * Column-level security as packed: the secured columns carry IsSecured 1, the field security
 * profiles are in customizations.xml in the schema's shape and rooted as type 70, and the
 * profiles keep the promises of src/pack/model/fieldSecurity.ts. Also the app module's state
 * fields, which exports write and the 2018 schema does not know.
 */
import { formatProblem } from "../../src/pack/errors";
import { checkPackage } from "../../src/pack/checks/packageChecks";
import { checkFieldSecurity } from "../../src/pack/checks/fieldSecurity";
import { validateCustomizations } from "../../src/pack/checks/schemaValidation";
import { elements } from "../../src/pack/xmlScan";
import {
  FIELD_SECURITY_PROFILES,
  FieldSecurityProfileKey,
  STORED_VERDICT_COLUMNS,
} from "../../src/pack/model/fieldSecurity";
import { TABLES } from "../../src/pack/model/tables";
import { ACCOUNT_COLUMNS } from "../../src/pack/model/account";
import { fieldSecurityProfileId } from "../../src/pack/render/fieldSecurity";
import { ComponentType } from "../../src/pack/render/solutionManifest";
import {
  Account,
  FieldSecurityProfileNames,
  OutreachAudit,
  OutreachDecision,
  OutreachExceptionTable,
} from "../../src/schema";
import { Fixture, SCHEMAS, assembledFixture } from "./fixture";

const bare = (id: string | undefined) => (id ?? "").replace(/[{}]/g, "").toLowerCase();

let fx: Fixture;
let entries: Map<string, Uint8Array>;
let customizations: string;
let solution: string;

beforeAll(async () => {
  ({ fx, entries, customizations, solution } = await assembledFixture(true));
});
afterAll(() => fx.cleanup());

/** "table.column" of every secured column of the model. */
const securedInModel = () =>
  [
    ...TABLES.flatMap((t) => t.columns.filter((c) => c.secured).map((c) => `${t.logicalName}.${c.logicalName}`)),
    ...ACCOUNT_COLUMNS.filter((c) => c.secured).map((c) => `${Account.logicalName}.${c.logicalName}`),
  ].sort();

/** Permission of a profile on a column, as packed: { read, create, update } or undefined. */
function packedPermission(profile: string, table: string, column: string) {
  const p = elements(customizations, "FieldSecurityProfile").find((e) => e.attrs.name === profile);
  const permission = elements(p?.inner ?? "", "FieldPermission").find(
    (f) => elements(f.inner, "EntityName")[0].inner === table && elements(f.inner, "AttributeName")[0].inner === column,
  );
  if (!permission) return undefined;
  const allowed = (tag: string) => elements(permission.inner, tag)[0].inner === "4";
  return { read: allowed("CanRead"), create: allowed("CanCreate"), update: allowed("CanUpdate") };
}

describe("secured columns", () => {
  it("are the five whose values decide the verdict or are someone's free text, and the stored verdict's six", () => {
    expect(securedInModel()).toEqual(
      [
        `${Account.logicalName}.${Account.tenantId}`,
        ...STORED_VERDICT_COLUMNS.map((c) => `${Account.logicalName}.${c}`),
        `${OutreachExceptionTable.logicalName}.${OutreachExceptionTable.requestedFor}`,
        `${OutreachExceptionTable.logicalName}.${OutreachExceptionTable.justification}`,
        `${OutreachDecision.logicalName}.${OutreachDecision.note}`,
        `${OutreachAudit.logicalName}.${OutreachAudit.reasons}`,
      ].sort(),
    );
  });

  it("carry IsSecured 1 in the package, and no other column does", () => {
    const packed: string[] = [];
    for (const entity of elements(customizations, "entity")) {
      const table = (entity.attrs.Name ?? "").toLowerCase();
      for (const a of elements(entity.inner, "attribute"))
        if (elements(a.inner, "IsSecured")[0]?.inner === "1")
          packed.push(`${table}.${elements(a.inner, "LogicalName")[0].inner}`);
    }
    expect(packed.sort()).toEqual(securedInModel());
  });
});

describe("field security profiles in the package", () => {
  it("are the four profiles, each rooted as component type 70 by its id", () => {
    const packed = elements(customizations, "FieldSecurityProfile");
    expect(packed.map((p) => p.attrs.name).sort()).toEqual(Object.values(FieldSecurityProfileNames).sort());
    const roots = elements(solution, "RootComponent").filter(
      (r) => r.attrs.type === String(ComponentType.fieldSecurityProfile),
    );
    expect(roots.map((r) => bare(r.attrs.id)).sort()).toEqual(
      FIELD_SECURITY_PROFILES.map((p) => bare(fieldSecurityProfileId(p))).sort(),
    );
    expect(roots.map((r) => r.attrs.behavior)).toEqual(roots.map(() => "0"));
    expect(packed.map((p) => bare(p.attrs.fieldsecurityprofileid)).sort()).toEqual(
      roots.map((r) => bare(r.attrs.id)).sort(),
    );
  });

  it("validate against CustomizationsSolution.xsd, which refuses a permission in the wrong shape", async () => {
    expect(await validateCustomizations(customizations, SCHEMAS)).toEqual([]);
    const swapped = customizations.replace(
      /<CanRead>(\d)<\/CanRead>(\s*)<CanUpdate>(\d)<\/CanUpdate>/,
      "<CanUpdate>$3</CanUpdate>$2<CanRead>$1</CanRead>",
    );
    expect(swapped).not.toBe(customizations);
    expect((await validateCustomizations(swapped, SCHEMAS)).map((p) => p.message).join("\n")).toMatch(
      /CanUpdate|CanRead/,
    );
  });

  it("pass the package checks; a profile without its root component, or naming an unsecured column, fails them", () => {
    expect(checkPackage("z", entries).map(formatProblem)).toEqual([]);
    const admin = FIELD_SECURITY_PROFILES.find((p) => p.key === "admin")!;
    const unrooted = new Map(entries);
    unrooted.set(
      "solution.xml",
      Buffer.from(
        solution.replace(new RegExp(`\\s*<RootComponent type="70" id="${fieldSecurityProfileId(admin)}"[^>]*/>`), ""),
      ),
    );
    expect(checkPackage("z", unrooted).map(formatProblem)).toContain(
      `z/solution.xml: no RootComponent for 70 ${fieldSecurityProfileId(admin).toLowerCase()}`,
    );
    const unsecured = customizations.replace(
      `<AttributeName>${OutreachDecision.note}</AttributeName>`,
      `<AttributeName>${OutreachDecision.days}</AttributeName>`,
    );
    expect(checkFieldSecurity("z", unsecured).map(formatProblem).join("\n")).toMatch(
      new RegExp(`names ${OutreachDecision.logicalName}.${OutreachDecision.days}, which is not secured`),
    );
    const ungranted = customizations.replace(
      /<FieldPermission>\s*<EntityName>pg_outreachaudit<\/EntityName>[\s\S]*?<\/FieldPermission>/g,
      "",
    );
    expect(checkFieldSecurity("z", ungranted).map(formatProblem).join("\n")).toMatch(
      new RegExp(`${OutreachAudit.logicalName}.${OutreachAudit.reasons} is secured but no field security profile`),
    );
  });
});

describe("what the profiles promise (as packed)", () => {
  const profiles = Object.entries(FieldSecurityProfileNames) as [FieldSecurityProfileKey, string][];
  const can = (profile: string, table: string, column: string) =>
    packedPermission(profile, table, column) ?? { read: false, create: false, update: false };

  it("every profile reads the columns the verdict reads, so every PartnerGuard user gets the same verdict", () => {
    for (const [, name] of profiles) {
      expect({ name, ...can(name, Account.logicalName, Account.tenantId) }).toMatchObject({ name, read: true });
      expect({
        name,
        ...can(name, OutreachExceptionTable.logicalName, OutreachExceptionTable.requestedFor),
      }).toMatchObject({ name, read: true });
    }
  });

  it("nobody updates the account a request was made for; sellers set it on create", () => {
    for (const [, name] of profiles)
      expect(can(name, OutreachExceptionTable.logicalName, OutreachExceptionTable.requestedFor).update).toBe(false);
    expect(
      can(FieldSecurityProfileNames.seller, OutreachExceptionTable.logicalName, OutreachExceptionTable.requestedFor),
    ).toEqual({
      read: true,
      create: true,
      update: false,
    });
  });

  it("only admins and the command line's application user write the customer tenant id", () => {
    const writers = profiles
      .filter(([, name]) => {
        const p = can(name, Account.logicalName, Account.tenantId);
        return p.create || p.update;
      })
      .map(([key]) => key);
    expect(writers.sort()).toEqual(["admin", "commandLine"]);
  });

  it("every profile reads the stored verdict; only admins and the command line's application user write it", () => {
    expect(STORED_VERDICT_COLUMNS).toHaveLength(6);
    for (const column of STORED_VERDICT_COLUMNS) {
      for (const [, name] of profiles) expect(can(name, Account.logicalName, column).read).toBe(true);
      const writers = profiles
        .filter(([, name]) => {
          const p = can(name, Account.logicalName, column);
          return p.create || p.update;
        })
        .map(([key]) => key);
      expect({ column, writers: writers.sort() }).toEqual({ column, writers: ["admin", "commandLine"] });
    }
  });

  it("free text is read by approvers and admins only; sellers write their own justification and audit reasons", () => {
    const freeText = [
      [OutreachExceptionTable.logicalName, OutreachExceptionTable.justification],
      [OutreachDecision.logicalName, OutreachDecision.note],
      [OutreachAudit.logicalName, OutreachAudit.reasons],
    ] as const;
    for (const [table, column] of freeText) {
      const readers = profiles.filter(([, name]) => can(name, table, column).read).map(([key]) => key);
      expect({ column, readers: readers.sort() }).toEqual({ column, readers: ["admin", "approver"] });
    }
    const seller = FieldSecurityProfileNames.seller;
    expect(can(seller, OutreachExceptionTable.logicalName, OutreachExceptionTable.justification)).toEqual({
      read: false,
      create: true,
      update: false,
    });
    expect(can(seller, OutreachAudit.logicalName, OutreachAudit.reasons).create).toBe(true);
    expect(can(FieldSecurityProfileNames.approver, OutreachDecision.logicalName, OutreachDecision.note)).toEqual({
      read: true,
      create: true,
      update: false,
    });
  });
});

describe("the app module's state", () => {
  it("is written as exports write it (statecode 0, statuscode 1 after WebResourceId) and still validates", async () => {
    const app = elements(customizations, "AppModule")[0].inner;
    expect(app).toMatch(/<\/WebResourceId>\s*<statecode>0<\/statecode>\s*<statuscode>1<\/statuscode>\s*<FormFactor>/);
    expect(await validateCustomizations(customizations, SCHEMAS)).toEqual([]);
    const misspelt = customizations.replace("<statecode>0</statecode>", "<statecode>active</statecode>");
    expect((await validateCustomizations(misspelt, SCHEMAS)).map((p) => p.message).join("\n")).toMatch(/statecode/);
  });
});
