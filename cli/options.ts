/**
 * Options are data: one table drives parsing and `--help` for every command. Values are checked
 * here (commander reports a bad one as a usage error), so actions receive typed, valid options.
 */
import { Command, InvalidArgumentError, Option } from "commander";
import { parseDate } from "../src/core/verdict";
import { dayStart, isDateOnly } from "../src/core/dates";
import { localUtcOffsetMinutes } from "../src/sources/resolver";
import { MAX_CONCURRENCY } from "../src/sources/node/httpWebApi";
import { isCalendarDate } from "../src/core/feed";
import { Delimiter, parseDelimiter } from "./csvFile";
import { normalizeGuid } from "../src/sources/webApi";

interface OptionSpec {
  flags: string;
  description: string;
  parse?: (value: string) => unknown;
  default?: unknown;
}

function isoDate(value: string): number {
  // Date.parse rolls 2026-02-30 over to 2 March: a typo must not move the day silently.
  if (/^\d{4}-\d{2}-\d{2}/.test(value.trim()) && !isCalendarDate(value))
    throw new InvalidArgumentError(`${value.slice(0, 10)} is not a day of the calendar`);
  const ms = parseDate(value);
  if (ms === undefined)
    throw new InvalidArgumentError("expected an ISO 8601 date, e.g. 2026-11-24 or 2026-11-24T09:00:00Z");
  // A day without a time is the start of that day on this machine's calendar (set TZ to judge for another zone).
  return isDateOnly(value) ? dayStart(value, localUtcOffsetMinutes(ms)) : ms;
}

function delimiter(value: string): Delimiter {
  const d = parseDelimiter(value);
  if (!d) throw new InvalidArgumentError('expected "," ";" or "tab"');
  return d;
}

function wholeNumber(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return n;
  };
}

function userId(value: string): string {
  const id = normalizeGuid(value);
  if (!id)
    throw new InvalidArgumentError("expected a user id (systemuserid), e.g. 11111111-1111-4111-8111-111111111111");
  return id;
}

function envUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError("expected the environment URL, e.g. https://contoso.crm.dynamics.com");
  }
  // Plain HTTP only for a local server (tests, benches): a token must never travel in clear.
  const local = url.hostname === "127.0.0.1" || url.hostname === "localhost" || url.hostname === "[::1]";
  if (url.protocol !== "https:" && !(url.protocol === "http:" && local))
    throw new InvalidArgumentError("the environment URL must start with https://");
  return url.origin;
}

const OPTIONS = {
  env: {
    flags: "--env <url>",
    description: "Dataverse environment URL, e.g. https://contoso.crm.dynamics.com",
    parse: envUrl,
  },
  feed: {
    flags: "--feed <file>",
    description: "vet offline against a partner feed file (CSV or JSON) instead of Dataverse",
  },
  policy: {
    flags: "--policy <file>",
    description: "policy JSON file (default: the environment's pg_PartnerGuardPolicy, or the defaults offline)",
  },
  asOf: {
    flags: "--as-of <date>",
    description: "evaluate the policy at this moment instead of now (ISO 8601)",
    parse: isoDate,
  },
  out: {
    flags: "--out <file>",
    description:
      "write every input row with verdict, partnerOfRecord, relationshipType, reason, matchedBy, matchedAccountId to this CSV (Excel-safe: formulas escaped)",
  },
  delimiter: {
    flags: "--delimiter <char>",
    description: 'the list\'s delimiter: "," ";" or "tab" (default: sniffed from the header; --out uses the same)',
    parse: delimiter,
  },
  noBom: {
    flags: "--no-bom",
    description: "write --out without the UTF-8 byte order mark (by default it is written, so Excel reads UTF-8)",
  },
  failOnBlocked: { flags: "--fail-on-blocked", description: "exit with code 1 when any row is blocked or unverified" },
  json: { flags: "--json", description: "print JSON on stdout instead of text" },
  quiet: { flags: "--quiet", description: "no progress bar and no notes on stderr" },
  fullSnapshot: {
    flags: "--full-snapshot",
    description:
      "the feed (or, with --graph, Microsoft Graph) is complete: set active associations of its sources that it no longer holds inactive; with --graph only for accounts Graph answered in full (with --dry-run: list them)",
  },
  dryRun: { flags: "--dry-run", description: "print the plan (create, update, unchanged) and write nothing" },
  graph: {
    flags: "--graph",
    description:
      "import GDAP relationships and CSP contracts from Microsoft Graph for every account with a tenant id (instead of a feed)",
  },
  graphUrl: {
    flags: "--graph-url <url>",
    description: "Microsoft Graph root (or PARTNERGUARD_GRAPH_URL; default https://graph.microsoft.com)",
  },
  tenant: { flags: "--tenant <id>", description: "Entra tenant id or domain for sign-in (or PARTNERGUARD_TENANT_ID)" },
  clientId: {
    flags: "--client-id <id>",
    description: "app registration (client) id for sign-in (or PARTNERGUARD_CLIENT_ID)",
  },
  deviceCode: {
    flags: "--device-code",
    description: "sign in as a person with a device code, even when a client secret is set",
  },
  concurrency: {
    flags: "--concurrency <n>",
    description: `requests in flight at once (1-${MAX_CONCURRENCY}; Dataverse allows 52 per user)`,
    parse: wholeNumber(1, MAX_CONCURRENCY),
    default: 16,
  },
  chunkSize: {
    flags: "--chunk-size <n>",
    description: "at most this many values per query (1-500; the 32 KB URL limit may cut a chunk shorter)",
    parse: wholeNumber(1, 500),
    default: 500,
  },
  verdicts: {
    flags: "--verdicts",
    description:
      "store every account's verdict on the account (outreach status, partner of record, relationship type, protected until) for views and lists; writes only the accounts whose stored verdict changed",
  },
  batchSize: {
    flags: "--batch-size <n>",
    description: "sync --verdicts: accounts written per $batch request (1-1000; each account in its own change set)",
    parse: wholeNumber(1, 1000),
    default: 500,
  },
  outDir: { flags: "--out-dir <dir>", description: "where the solution zips are written", default: "out/solution" },
  as: {
    flags: "--as <user id>",
    description:
      "answer for this user (a systemuserid) instead of the signed-in one: an approved exception never opens outreach for whoever approved it",
    parse: userId,
  },
} satisfies Record<string, OptionSpec>;

type OptionName = keyof typeof OPTIONS;

export function addOptions(command: Command, names: OptionName[]): Command {
  for (const name of names) {
    const spec: OptionSpec = OPTIONS[name];
    const option = new Option(spec.flags, spec.description);
    if (spec.parse) option.argParser(spec.parse);
    if (spec.default !== undefined) option.default(spec.default);
    command.addOption(option);
  }
  return command;
}

/** The connection options every Dataverse command shares. */
export const CONNECTION: OptionName[] = ["env", "tenant", "clientId", "deviceCode", "concurrency"];

export interface ConnectionOptions {
  env?: string;
  tenant?: string;
  clientId?: string;
  deviceCode?: boolean;
  concurrency: number;
}
