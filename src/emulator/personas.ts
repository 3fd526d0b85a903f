/**
 * The people of the demo and the tests, as the shipped roles see them: each persona holds the
 * PartnerGuard roles an admin would assign, the field security profiles an admin would make them
 * members of (docs/admin.md), and a Salesperson-like base role, and acts on the emulator through
 * `emulator.as(persona)`, which enforces exactly those privileges.
 *
 * The base role is the worst case the rule must survive: besides Salesperson's privileges, every
 * persona may backdate a row it creates (prvOverrideCreatedOnCreatedBy, which orgs grant for data
 * imports), so the trust-boundary tests show backdating cannot open outreach.
 */
import { Privilege } from "../pack/model/roles";
import { OrgPrivileges, Persona, SALES_BASE_PRIVILEGES } from "./security";

const BASE: Privilege[] = [...SALES_BASE_PRIVILEGES, { name: OrgPrivileges.overrideCreatedOn, depth: "Global" }];

export const PERSONAS = {
  seller: {
    id: "11111111-1111-4111-8111-111111111111",
    name: "Avery Seller",
    roles: ["seller"],
    fieldSecurityProfiles: ["seller"],
    base: BASE,
  },
  secondSeller: {
    id: "33333333-3333-4333-8333-333333333333",
    name: "Blake Seller",
    roles: ["seller"],
    fieldSecurityProfiles: ["seller"],
    base: BASE,
  },
  /** Approvers usually sell too: the role adds to the seller's, and so does the profile. */
  approver: {
    id: "22222222-2222-4222-8222-222222222222",
    name: "Jordan Approver",
    roles: ["seller", "approver"],
    fieldSecurityProfiles: ["seller", "approver"],
    base: BASE,
  },
  admin: {
    id: "44444444-4444-4444-8444-444444444444",
    name: "Morgan Admin",
    roles: ["admin"],
    fieldSecurityProfiles: ["admin"],
    base: BASE,
  },
  /**
   * The command line's application user as docs/admin.md sets it up: PartnerGuard Administrator,
   * the "PartnerGuard command line" profile, and the account privileges its table lists (read every
   * account; `sync --verdicts` writes the stored verdict and sets its partner lookup).
   */
  commandLine: {
    id: "55555555-5555-4555-8555-555555555555",
    name: "PartnerGuard command line",
    roles: ["admin"],
    fieldSecurityProfiles: ["commandLine"],
    base: [
      { name: "prvReadAccount", depth: "Global" },
      { name: "prvWriteAccount", depth: "Global" },
      { name: "prvAppendAccount", depth: "Global" },
    ],
  },
} as const satisfies Record<string, Persona>;
