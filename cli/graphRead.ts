/**
 * `sync --graph`, the reading half: every account that carries a customer tenant id (Dataverse),
 * then the existing Graph source once per account, a few at a time. A failure is the account's,
 * as a typed value: the other accounts are read regardless.
 */
import { CommandError, usageError } from "./exitCodes";
import { SourceFailure } from "../src/core/types";
import { Account, EnvironmentVariables } from "../src/schema";
import { configFromValues } from "../src/sources/configSource";
import { GRAPH_BASE_URL } from "../src/sources/graph/graphApi";
import { GraphAuth, StaticTokenAuth } from "../src/sources/graph/graphAuth";
import { createGraphSource } from "../src/sources/graph/graphSource";
import { MsalNodeAuth } from "../src/sources/graph/msalNodeAuth";
import { AUTH_ENV } from "../src/sources/node/auth";
import { FetchXmlPager, pool } from "../src/sources/node/batchSource";
import { normalizeGuid } from "../src/sources/webApi";
import { attributes, condition, fetchXml, order } from "../src/sources/fetchXml";
import { GraphRead, TenantAccount } from "./graphDesired";

/** Environment variables of the Graph sign-in; each falls back to the Dataverse one (AUTH_ENV). */
const GRAPH_ENV = {
  /** A token for Graph as is (tests, or one from `az account get-access-token --resource https://graph.microsoft.com`). */
  token: "PARTNERGUARD_GRAPH_TOKEN",
  tenantId: "PARTNERGUARD_GRAPH_TENANT_ID",
  clientId: "PARTNERGUARD_GRAPH_CLIENT_ID",
  clientSecret: "PARTNERGUARD_GRAPH_CLIENT_SECRET",
  /** Another Graph root (a local Graph in tests); plain http only on 127.0.0.1/localhost. */
  url: "PARTNERGUARD_GRAPH_URL",
} as const;

/** Time one account's Graph read may take, retries included (the source's deadline). */
const ACCOUNT_BUDGET_MS = 60_000;
const PAGE = 5000;
/** Tenant accounts read at most (PAGE × this): past it, something is wrong with the query. */
const MAX_PAGES = 100;

interface GraphSetup {
  auth: GraphAuth;
  /** Our (partner) tenant id, when known as a GUID: the partner of every association. */
  partnerTenantId?: string;
  baseUrl: string;
}

interface GraphSetupOptions {
  tenant?: string;
  clientId?: string;
  graphUrl?: string;
}

function isLocal(url: URL): boolean {
  return url.hostname === "127.0.0.1" || url.hostname === "localhost" || url.hostname === "[::1]";
}

/** Sign-in and address of Graph from options and the environment, or a usage error. */
export function graphSetup(options: GraphSetupOptions, env: NodeJS.ProcessEnv): GraphSetup | CommandError {
  const value = (name: string) => env[name]?.trim() || undefined;
  const rawUrl = options.graphUrl ?? value(GRAPH_ENV.url) ?? GRAPH_BASE_URL;
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return usageError(`the Graph URL ${rawUrl} is not a URL`);
  }
  // Plain HTTP only for a local Graph: a token must never travel in clear.
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLocal(url)))
    return usageError("the Graph URL must start with https://");
  const tenantId = value(GRAPH_ENV.tenantId) ?? options.tenant ?? value(AUTH_ENV.tenantId);
  const partnerTenantId = normalizeGuid(tenantId);
  const token = value(GRAPH_ENV.token);
  if (token)
    return {
      auth: new StaticTokenAuth(token),
      partnerTenantId,
      baseUrl: url.origin,
    };
  const clientId = value(GRAPH_ENV.clientId) ?? options.clientId ?? value(AUTH_ENV.clientId);
  const clientSecret = value(GRAPH_ENV.clientSecret) ?? value(AUTH_ENV.clientSecret);
  if (!tenantId || !clientId || !clientSecret) {
    return usageError(
      `sync --graph signs in to Graph with client credentials: set ${GRAPH_ENV.tenantId}, ${GRAPH_ENV.clientId} and ${GRAPH_ENV.clientSecret} ` +
        `(or the Dataverse ones, ${AUTH_ENV.tenantId}, ${AUTH_ENV.clientId}, ${AUTH_ENV.clientSecret}), or ${GRAPH_ENV.token}`,
    );
  }
  return {
    auth: new MsalNodeAuth({ tenantId, clientId, clientSecret }),
    partnerTenantId,
    baseUrl: url.origin,
  };
}

export interface RawTenantAccount {
  id: string;
  name: string;
  /** As stored: it may not be a GUID. */
  tenantId: string;
}

/** Every account whose pg_customertenantid is filled: id, name and tenant id only. */
export async function readTenantAccounts(pager: FetchXmlPager): Promise<RawTenantAccount[]> {
  const accounts: RawTenantAccount[] = [];
  for (let page = 1; ; page++) {
    const query = fetchXml(
      Account.logicalName,
      attributes([Account.id, Account.name, Account.tenantId]) +
        `<filter type="and">${condition(Account.tenantId, "not-null")}</filter>` +
        order(Account.id),
      PAGE,
      page,
    );
    const result = await pager.fetchXmlPage(Account.logicalName, query);
    for (const row of result.entities) {
      const id = normalizeGuid(row[Account.id]);
      const tenantId = row[Account.tenantId];
      if (!id || typeof tenantId !== "string" || tenantId.trim() === "") continue;
      const name = row[Account.name];
      accounts.push({
        id,
        name: typeof name === "string" && name.trim() !== "" ? name : id,
        tenantId,
      });
    }
    if (!result.moreRecords) return accounts;
    if (page >= MAX_PAGES) throw new Error(`more than ${MAX_PAGES * PAGE} accounts carry a tenant id`);
  }
}

interface GraphFailure {
  account: TenantAccount;
  failure: SourceFailure;
}

interface GraphReadResult {
  reads: GraphRead[];
  failures: GraphFailure[];
  /** Graph's notes on what it read (a part that failed while the other part counted, a bad row). */
  notes: { account: TenantAccount; detail: string }[];
  /**
   * Ids of the accounts Graph answered in full: no failure, no part missing, no row it could not
   * read. Only for these is "not in Graph" evidence that a relationship ended (`--full-snapshot`).
   */
  complete: Set<string>;
}

/** The Graph source for each account, at most `concurrency` at once; results in account order. */
export async function readGraph(
  setup: GraphSetup,
  accounts: TenantAccount[],
  concurrency: number,
  onStep?: () => void,
): Promise<GraphReadResult> {
  const config = configFromValues(
    new Map([
      [EnvironmentVariables.graphEnabled, "yes"],
      ...(setup.partnerTenantId
        ? [[EnvironmentVariables.graphTenantId, setup.partnerTenantId] as [string, string]]
        : []),
    ]),
  );
  const source = createGraphSource({
    authFor: () => setup.auth,
    baseUrl: setup.baseUrl,
    // The client sends the token only to hosts it trusts; a https Graph elsewhere (a proxy) is trusted by choice.
    customHosts:
      new URL(setup.baseUrl).hostname === new URL(GRAPH_BASE_URL).hostname
        ? undefined
        : new Set([new URL(setup.baseUrl).hostname]),
  });
  const outcomes = await pool(accounts, concurrency, async (account) => {
    const outcome = await source.read(account.tenantId, AbortSignal.timeout(ACCOUNT_BUDGET_MS), {
      accountId: account.id,
      config,
      remainingMs: ACCOUNT_BUDGET_MS,
    });
    onStep?.();
    return { account, outcome };
  });
  const result: GraphReadResult = { reads: [], failures: [], notes: [], complete: new Set() };
  for (const { account, outcome } of outcomes) {
    if (!outcome.ok) {
      result.failures.push({ account, failure: outcome.failure });
      continue;
    }
    result.reads.push({ account, associations: outcome.associations });
    // A part of Graph could not be read: what was read is written, and the gap is said.
    if (outcome.partialFailure)
      result.notes.push({ account, detail: `part of Microsoft Graph not read: ${outcome.partialFailure.message}` });
    for (const note of outcome.notes) result.notes.push({ account, detail: note.detail ?? note.code });
    if (!outcome.partialFailure && outcome.notes.length === 0) result.complete.add(account.id);
  }
  return result;
}
