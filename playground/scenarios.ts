/** The demo accounts of the playground, each a scenario a seller meets on the account form. */
export interface Scenario {
  id: string;
  /** Account id in the demo feed. */
  accountId: string;
  label: string;
  /** What the seller should see: shown under the picker and checked by the browser tests. */
  expect: "allowed" | "blocked" | "unverified";
  /** Make every Dataverse request for this account fail like an unavailable service. */
  sourceFailure?: boolean;
  tenantId?: string;
}

export const SCENARIOS: Scenario[] = [
  {
    id: "active",
    accountId: "a1000000-0000-4000-8000-000000000001",
    label: "Partner of record active (Contoso Pharmaceuticals)",
    expect: "blocked",
  },
  {
    id: "inherited",
    accountId: "a1000000-0000-4000-8000-000000000011",
    label: "Inherited from parent (Fabrikam Europe GmbH)",
    expect: "blocked",
  },
  {
    id: "expiring",
    accountId: "a1000000-0000-4000-8000-000000000003",
    label: "Expiring soon (Litware Retail)",
    expect: "blocked",
  },
  {
    id: "history",
    accountId: "a1000000-0000-4000-8000-000000000004",
    label: "Only expired history (Tailspin Toys)",
    expect: "allowed",
  },
  {
    id: "none",
    accountId: "a1000000-0000-4000-8000-000000000005",
    label: "No partner (Woodgrove Foods)",
    expect: "allowed",
  },
  {
    id: "many",
    accountId: "a1000000-0000-4000-8000-000000000006",
    label: "Many associations (Alpine Ski House)",
    expect: "blocked",
  },
  {
    id: "other",
    accountId: "a1000000-0000-4000-8000-000000000008",
    label: "Only a non-blocking relationship (Wide World Importers)",
    expect: "allowed",
  },
  {
    id: "failure",
    accountId: "a1000000-0000-4000-8000-000000000007",
    label: "Source failure (Coho Winery)",
    expect: "unverified",
    sourceFailure: true,
  },
  {
    id: "graph",
    accountId: "a1000000-0000-4000-8000-000000000020",
    label: "Partner of record from Microsoft Graph (Proseware Inc)",
    expect: "blocked",
    tenantId: "4b827261-d21f-4aa9-b7db-7fa1f56fb163",
  },
];

/** Find a scenario by scenario id, account id or (part of) the account name. */
export function findScenario(query: string | null, names: Map<string, string>): Scenario {
  if (!query) return SCENARIOS[0];
  const q = query.trim().toLowerCase();
  return (
    SCENARIOS.find((s) => s.id === q || s.accountId === q) ??
    SCENARIOS.find((s) => (names.get(s.accountId) ?? "").toLowerCase().includes(q)) ??
    SCENARIOS[0]
  );
}
