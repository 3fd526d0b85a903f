/** Roles/<name>.xml: one security role with its privileges. */
import { el, XmlElement } from "../xml";
import { RoleDefinition } from "../model/roles";
import { SecurityRoleIds } from "../../schema";
import { INTRODUCED_VERSION } from "./attributes";

/** The role's id: schema.ts keeps it (sources find the approvers by it); test/pack/roles.test.ts pins it to stableGuid("role", key). */
export const roleId = (role: RoleDefinition): string => `{${SecurityRoleIds[role.key]}}`;

export function renderRole(role: RoleDefinition): XmlElement {
  const privileges = [...role.privileges].sort((a, b) => a.name.localeCompare(b.name));
  return el(
    "Role",
    { id: roleId(role), name: role.name },
    el("IsCustomizable", {}, 1),
    el("IntroducedVersion", {}, INTRODUCED_VERSION),
    el("RolePrivileges", {}, ...privileges.map((p) => el("RolePrivilege", { name: p.name, level: p.depth }))),
  );
}
