/** Roles/<name>.xml: one security role with its privileges. */
import { el, XmlElement } from "../xml";
import { stableGuid } from "../guid";
import { RoleDefinition } from "../model/roles";
import { INTRODUCED_VERSION } from "./attributes";

export const roleId = (role: RoleDefinition): string => stableGuid("role", role.key);

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
