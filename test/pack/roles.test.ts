/** Packed roles carry exactly the privileges listed in src/pack/model/roles.ts, and the listed ones keep their promises. */
import { Depth, PLATFORM_TABLES, ROLES } from "../../src/pack/model/roles";
import { TABLES } from "../../src/pack/model/tables";
import { TARGET_SCHEMA_NAMES } from "../../src/pack/render/relationships";
import { elements } from "../../src/pack/xmlScan";
import { AppNotification, SecurityRoleIds, SecurityRoles, TableSchemaNames } from "../../src/schema";
import { stableGuid } from "../../src/pack/guid";
import { roleId } from "../../src/pack/render/role";
import { Fixture, assembledFixture } from "./fixture";

/** Role name → privilege name → level, as packed (managed) from this repository's Solution/. */
let packed: Map<string, Map<string, string>>;
let fx: Fixture;
beforeAll(async () => {
  const assembled = await assembledFixture(true);
  fx = assembled.fx;
  const xml = assembled.customizations;
  packed = new Map(
    // The <Roles> section only: the app's role map and the account form's display conditions name roles too.
    elements(elements(xml, "Roles")[0].inner, "Role").map((r) => [
      r.attrs.name,
      new Map(elements(r.inner, "RolePrivilege").map((p) => [p.attrs.name, p.attrs.level])),
    ]),
  );
});
afterAll(() => fx.cleanup());

describe("security roles", () => {
  it("keeps every role's id from version to version (an upgrade matches roles by id; the sources find approvers by it)", () => {
    for (const role of ROLES) {
      expect(roleId(role)).toBe(stableGuid("role", role.key));
      expect(`{${SecurityRoleIds[role.key]}}`).toBe(stableGuid("role", role.key));
    }
  });

  it("lets sellers and approvers notify a user of any business unit and read only their own notifications", () => {
    for (const key of ["seller", "approver"] as const) {
      const privileges = ROLES.find((r) => r.key === key)!.privileges;
      expect(privileges).toEqual(
        expect.arrayContaining([
          { name: `prvCreate${AppNotification.schemaName}`, depth: "Global" },
          { name: `prvRead${AppNotification.schemaName}`, depth: "Basic" },
        ]),
      );
      // Nobody may change, reassign or delete another user's notification.
      for (const action of ["Write", "Delete", "Assign", "Share"])
        expect(privileges.map((p) => p.name)).not.toContain(`prv${action}${AppNotification.schemaName}`);
    }
    // Only the requester looks the approvers up.
    expect(ROLES.filter((r) => r.privileges.some((p) => p.name === "prvReadRole")).map((r) => r.key)).toEqual([
      "seller",
    ]);
  });

  it("packs the three roles and no other", () => {
    expect([...packed.keys()].sort()).toEqual(Object.values(SecurityRoles).sort());
  });

  it.each(ROLES.map((r) => [r.name, r] as const))(
    "%s carries no privilege beyond its list, at no deeper level",
    (_name, role) => {
      const listed = new Map(role.privileges.map((p) => [p.name, p.depth]));
      expect(Object.fromEntries(packed.get(role.name)!)).toEqual(Object.fromEntries(listed));
    },
  );

  it("never lets anyone update audit entries, and only admins delete them", () => {
    const audit = TableSchemaNames.pg_outreachaudit;
    for (const role of ROLES) expect(role.privileges.map((p) => p.name)).not.toContain(`prvWrite${audit}`);
    const deleters = ROLES.filter((r) => r.privileges.some((p) => p.name === `prvDelete${audit}`)).map((r) => r.key);
    expect(deleters).toEqual(["admin"]);
    const seller = ROLES.find((r) => r.key === "seller")!.privileges.map((p) => p.name);
    expect(seller).toEqual(
      expect.arrayContaining([
        `prvCreate${audit}`,
        `prvCreate${TableSchemaNames.pg_outreachexception}`,
        `prvRead${TableSchemaNames.pg_partnerassociation}`,
      ]),
    );
    expect(seller).not.toContain(`prvWrite${TableSchemaNames.pg_partnerassociation}`);
  });

  it("lets approvers decide exceptions (create decisions on them) but not change associations", () => {
    const approver = ROLES.find((r) => r.key === "approver")!.privileges;
    expect(approver).toEqual(
      expect.arrayContaining([
        { name: `prvCreate${TableSchemaNames.pg_outreachdecision}`, depth: "Basic" },
        { name: `prvAppend${TableSchemaNames.pg_outreachdecision}`, depth: "Basic" },
        { name: `prvAppendTo${TableSchemaNames.pg_outreachexception}`, depth: "Global" },
      ]),
    );
    expect(approver.map((p) => p.name).filter((n) => n.endsWith(TableSchemaNames.pg_partnerassociation))).toEqual([
      `prvRead${TableSchemaNames.pg_partnerassociation}`,
    ]);
  });
});

/** The trust boundary as privileges (README, "Security model"): checked on the model and on what is packed. */
describe("security roles: requests, decisions and audit entries", () => {
  const immutable = [
    TableSchemaNames.pg_outreachexception,
    TableSchemaNames.pg_outreachdecision,
    TableSchemaNames.pg_outreachaudit,
  ];
  const privilegesOf = (key: string) => ROLES.find((r) => r.key === key)!.privileges;
  const depthOf = (key: string, name: string): Depth | undefined =>
    privilegesOf(key).find((p) => p.name === name)?.depth;

  it("ships the decision table", () => {
    expect(TABLES.map((t) => t.schemaName)).toContain(TableSchemaNames.pg_outreachdecision);
  });

  it.each(immutable)("gives no role Write on %s: nobody changes a request, decision or audit entry", (table) => {
    for (const role of ROLES) {
      expect(role.privileges.map((p) => p.name)).not.toContain(`prvWrite${table}`);
      expect([...packed.get(role.name)!.keys()]).not.toContain(`prvWrite${table}`);
    }
  });

  it("lets only approvers create decisions", () => {
    const creators = ROLES.filter((r) =>
      r.privileges.some((p) => p.name === `prvCreate${TableSchemaNames.pg_outreachdecision}`),
    ).map((r) => r.key);
    expect(creators).toEqual(["approver"]);
    const packedCreators = [...packed]
      .filter(([, privileges]) => privileges.has(`prvCreate${TableSchemaNames.pg_outreachdecision}`))
      .map(([name]) => name);
    expect(packedCreators).toEqual([SecurityRoles.approver]);
  });

  // What the verdict reads: requests and decisions, Global for everyone (another seller's approved
  // exception counts for every seller). The audit trail is not read by the verdict: sellers read
  // their business unit's (docs/admin.md, "Read depth of each table"); approvers and admins all of it.
  const readDepth = (key: string, table: string): Depth =>
    key === "seller" && table === TableSchemaNames.pg_outreachaudit ? "Local" : "Global";

  it.each(ROLES.map((r) => [r.key, r.name] as const))(
    "lets %s read every request and decision (Global), so the verdict is the same for everyone; audit entries as documented",
    (key, name) => {
      for (const table of immutable) {
        const depth = readDepth(key, table);
        expect({ table, depth: depthOf(key, `prvRead${table}`) }).toEqual({ table, depth });
        expect({ table, depth: packed.get(name)!.get(`prvRead${table}`) }).toEqual({ table, depth });
      }
    },
  );

  it("does not limit the seller to its own requests and decisions (Basic read would hide other sellers' decisions from the verdict)", () => {
    expect(depthOf("seller", `prvRead${TableSchemaNames.pg_outreachexception}`)).toBe("Global");
    expect(depthOf("seller", `prvRead${TableSchemaNames.pg_outreachdecision}`)).toBe("Global");
  });

  it("lets whoever deletes a request also delete its decisions (the relationship cascades)", () => {
    for (const table of TABLES) {
      for (const column of table.columns) {
        if (column.kind !== "lookup" || column.onDelete !== "cascade") continue;
        const target = TARGET_SCHEMA_NAMES[column.target];
        for (const role of ROLES.filter((r) => r.privileges.some((p) => p.name === `prvDelete${target}`))) {
          expect({ role: role.key, depth: depthOf(role.key, `prvDelete${table.schemaName}`) }).toEqual({
            role: role.key,
            depth: depthOf(role.key, `prvDelete${target}`),
          });
        }
      }
    }
  });

  it("gives a role that creates rows Append on them and AppendTo on what every lookup they set points at", () => {
    for (const role of ROLES) {
      const names = role.privileges.map((p) => p.name);
      for (const table of TABLES.filter(
        (t) => names.includes(`prvCreate${t.schemaName}`) || names.includes(`prvWrite${t.schemaName}`),
      )) {
        expect(names).toContain(`prvAppend${table.schemaName}`);
        // Every lookup the role can set, required or optional, needs AppendTo on its target.
        for (const column of table.columns) {
          if (column.kind === "lookup")
            expect({ role: role.key, column: column.logicalName, names }).toEqual({
              role: role.key,
              column: column.logicalName,
              names: expect.arrayContaining([`prvAppendTo${TARGET_SCHEMA_NAMES[column.target]}`]),
            });
        }
      }
    }
  });

  it("names only tables the solution ships or the platform tables it relies on", () => {
    const known = new Set([...TABLES.map((t) => t.schemaName), ...Object.keys(PLATFORM_TABLES)]);
    const actions = ["Create", "Read", "Write", "Delete", "AppendTo", "Append", "Assign", "Share"];
    for (const role of ROLES) {
      for (const p of role.privileges) {
        const action = actions.find((a) => p.name.startsWith(`prv${a}`));
        expect({ privilege: p.name, table: action && known.has(p.name.slice(`prv${action}`.length)) }).toEqual({
          privilege: p.name,
          table: true,
        });
      }
    }
  });
});
