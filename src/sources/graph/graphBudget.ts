/**
 * How the Graph source spends the verdict's time budget on the token. Kept apart from the
 * source so the control can size MSAL's hidden-frame wait without loading MSAL or the Graph client.
 */

/**
 * Time kept back from the budget when waiting for a token: "not connected" (with its Connect
 * button) must reach the card before the resolver's deadline turns the source into "timeout".
 */
export const TOKEN_MARGIN_MS = 250;

/** MSAL's hidden-frame timeout for a form whose sources get `budgetMs`: below it, never above. */
export function silentSignInTimeoutMs(budgetMs: number): number {
  return Math.max(200, budgetMs - 2 * TOKEN_MARGIN_MS);
}
