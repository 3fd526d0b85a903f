/**
 * Stable ids: forms, views, roles and web resources need GUIDs that stay the same from one
 * version to the next (an upgrade matches components by id). Derived from a name with SHA-1,
 * shaped as an RFC 4122 version-5 UUID.
 */
import { createHash } from "node:crypto";

const NAMESPACE = "PartnerGuard solution";

export function stableGuid(...parts: string[]): string {
  const hex = createHash("sha1")
    .update(`${NAMESPACE}/${parts.join("/")}`)
    .digest("hex")
    .slice(0, 32)
    .split("");
  hex[12] = "5";
  hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const h = hex.join("");
  return `{${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}}`;
}
