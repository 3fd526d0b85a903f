/**
 * The stored verdict columns of the demo's accounts, as `partnerguard sync --verdicts` writes them.
 * The playground server runs this once when it starts: the demo org (the same feed and settings as
 * the page's) behind the local Web API server, and the command line's own `main` with
 * `sync --verdicts --as-of <demo day> --json`, signed in as the command line's application user
 * (PERSONAS.commandLine: the shipped roles and field security decide what it may write). What the
 * accounts then hold is what the page puts in its in-page org: the grid shows what the sync wrote,
 * not a copy of its rules.
 */
import { main } from "../cli/main";
import { Io } from "../cli/io";
import { parseFeed } from "../src/sources/feedFile";
import { emulatorFromFeed } from "../src/emulator/fromFeed";
import { PERSONAS } from "../src/emulator/personas";
import { startWebApiServer } from "../src/emulator/webApiServer";
import { Account, StoredVerdict } from "../src/schema";
import { withGraphSettings } from "./demoGraph";
import { DEMO_DATE } from "./demoClock";

/** The stored columns of each account that has any, by account id. */
export type StoredColumns = Record<string, Record<string, unknown>>;

export interface DemoStoredVerdicts {
  columns: StoredColumns;
  /** The command's exit code and its --json summary (or its error output). */
  exitCode: number;
  summary: unknown;
  errors: string[];
  asOf: string;
}

const COLUMNS = [
  StoredVerdict.outreach,
  StoredVerdict.partner,
  StoredVerdict.partnerName,
  StoredVerdict.relationshipType,
  StoredVerdict.protectedUntil,
  StoredVerdict.computedOn,
];

/** `asOf`: the moment the sync evaluates at (the demo clock's day by default, like the page). */
export async function demoStoredVerdicts(feedCsv: string, asOf = DEMO_DATE): Promise<DemoStoredVerdicts> {
  const emulator = withGraphSettings(emulatorFromFeed(parseFeed(feedCsv).rows));
  const appToken = `playground-app-user-${Math.random().toString(36).slice(2)}`;
  const server = await startWebApiServer({
    emulator,
    token: `playground-system-${Math.random().toString(36).slice(2)}`,
    users: { [appToken]: PERSONAS.commandLine },
  });
  const out: string[] = [];
  const errors: string[] = [];
  const io: Io = {
    out: (line) => out.push(line),
    err: (line) => errors.push(line),
    progress: () => undefined,
    env: { PARTNERGUARD_ACCESS_TOKEN: appToken },
    cwd: process.cwd(),
  };
  let exitCode: number;
  try {
    exitCode = await main(["sync", "--verdicts", "--env", server.url, "--as-of", asOf, "--json"], () => io);
  } finally {
    await server.close();
  }
  const columns: StoredColumns = {};
  for (const row of emulator.table(Account.logicalName)) {
    const stored = Object.fromEntries(COLUMNS.filter((c) => row[c] !== undefined).map((c) => [c, row[c]]));
    if (Object.keys(stored).length) columns[(row[Account.id] as string).toLowerCase()] = stored;
  }
  let summary: unknown = out.join("\n");
  try {
    summary = JSON.parse(out.join("\n"));
  } catch {
    // not JSON: kept as the text the command printed
  }
  return { columns, exitCode, summary, errors, asOf };
}
