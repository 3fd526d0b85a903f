/** Packed roles carry exactly the privileges listed in src/pack/model/roles.ts, and the listed ones keep their promises. */
import { assemble } from "../../src/pack/assemble";
import { readSource } from "../../src/pack/readSource";
import { ROLES } from "../../src/pack/model/roles";
import { elements } from "../../src/pack/xmlScan";
import { SecurityRoles, TableSchemaNames } from "../../src/schema";
import { Fixture, makeFixture } from "./fixture";

describe("security roles", () => {
  let fx: Fixture;
  let packed: Map<string, Map<string, string>>;
  beforeAll(async () => {
    fx = await makeFixture();
    const read = await readSource(fx.root);
    if (!read.ok) throw new Error(JSON.stringify(read.problems));
    const assembled = assemble(read.source, true);
    if (!assembled.ok) throw new Error(JSON.stringify(assembled.problems));
    const xml = Buffer.from(assembled.entries.get("customizations.xml")!).toString("utf8");
    packed = new Map(
      elements(xml, "Role").map((r) => [r.attrs.name, new Map(elements(r.inner, "RolePrivilege").map((p) => [p.attrs.name, p.attrs.level]))]),
    );
  });
  afterAll(() => fx.cleanup());

  it("packs the three roles and no other", () => {
    expect([...packed.keys()].sort()).toEqual(Object.values(SecurityRoles).sort());
  });

  it.each(ROLES.map((r) => [r.name, r] as const))("%s carries no privilege beyond its list, at no deeper level", (_name, role) => {
    const listed = new Map(role.privileges.map((p) => [p.name, p.depth]));
    expect(Object.fromEntries(packed.get(role.name)!)).toEqual(Object.fromEntries(listed));
  });

  it("never lets anyone update audit entries, and only admins delete them", () => {
    const audit = TableSchemaNames.pg_outreachaudit;
    for (const role of ROLES) expect(role.privileges.map((p) => p.name)).not.toContain(`prvWrite${audit}`);
    const deleters = ROLES.filter((r) => r.privileges.some((p) => p.name === `prvDelete${audit}`)).map((r) => r.key);
    expect(deleters).toEqual(["admin"]);
    const seller = ROLES.find((r) => r.key === "seller")!.privileges.map((p) => p.name);
    expect(seller).toEqual(expect.arrayContaining([`prvCreate${audit}`, `prvCreate${TableSchemaNames.pg_outreachexception}`, `prvRead${TableSchemaNames.pg_partnerassociation}`]));
    expect(seller).not.toContain(`prvWrite${TableSchemaNames.pg_partnerassociation}`);
  });

  it("lets approvers decide exceptions but not change associations", () => {
    const approver = ROLES.find((r) => r.key === "approver")!.privileges;
    expect(approver).toContainEqual({ name: `prvWrite${TableSchemaNames.pg_outreachexception}`, depth: "Global" });
    expect(approver.map((p) => p.name).filter((n) => n.endsWith(TableSchemaNames.pg_partnerassociation))).toEqual([`prvRead${TableSchemaNames.pg_partnerassociation}`]);
  });
});
