/**
 * The people of the demo and the tests, as the shipped roles see them: each persona holds the
 * PartnerGuard roles an admin would assign plus a Salesperson-like base role, and acts on the
 * emulator through `emulator.as(persona)`, which enforces exactly those privileges.
 */
import { Persona, SALES_BASE_PRIVILEGES } from "./security";

export const PERSONAS = {
  seller: {
    id: "11111111-1111-4111-8111-111111111111",
    name: "Avery Seller",
    roles: ["seller"],
    base: SALES_BASE_PRIVILEGES,
  },
  secondSeller: {
    id: "33333333-3333-4333-8333-333333333333",
    name: "Blake Seller",
    roles: ["seller"],
    base: SALES_BASE_PRIVILEGES,
  },
  /** Approvers usually sell too: the role adds to the seller's. */
  approver: {
    id: "22222222-2222-4222-8222-222222222222",
    name: "Jordan Approver",
    roles: ["seller", "approver"],
    base: SALES_BASE_PRIVILEGES,
  },
  admin: {
    id: "44444444-4444-4444-8444-444444444444",
    name: "Morgan Admin",
    roles: ["admin"],
    base: SALES_BASE_PRIVILEGES,
  },
} as const satisfies Record<string, Persona>;
