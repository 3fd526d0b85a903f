/** From options to the things a command works with: a Dataverse host, a feed, a policy. */
import { readFileSync } from "fs";
import { resolve } from "path";
import { CommandError, ExitCode, usageError } from "./exitCodes";
import { ConnectionOptions } from "./options";
import { Io } from "./io";
import { HttpWebApi } from "../src/sources/node/httpWebApi";
import { authConfig, tokenProvider } from "../src/sources/node/auth";
import { FeedParseResult } from "../src/core/feed";
import { Policy, parsePolicy } from "../src/core/policy";
import { readConfig } from "../src/sources/configSource";
import { EvidenceStore } from "../src/sources/node/batchSource";
import { readFeed, readFeedAsync, storeFromFeedAsync } from "../src/sources/node/feedSource";
import { Delimiter, decodeText, isBinary } from "./csvFile";

/** A text file as Excel may have saved it (BOM, UTF-16, Windows-1252); a binary file is an input error. */
export function readInput(io: Io, file: string, what: string): string | CommandError {
  let bytes: Buffer;
  try {
    bytes = readFileSync(resolve(io.cwd, file));
  } catch (e) {
    return usageError(`cannot read the ${what} ${file}: ${(e as Error).message}`);
  }
  const decoded = decodeText(bytes);
  // One line, no echo of the bytes: a binary file's content would garble the terminal.
  if (isBinary(decoded))
    return usageError(
      `the ${what} ${file} line ${decoded.line}: not a text file (binary byte at offset ${decoded.offset}); save it as CSV`,
    );
  return decoded.text;
}

export function connect(options: ConnectionOptions, io: Io): HttpWebApi | CommandError {
  if (!options.env) return usageError("--env <url> is required (or --feed <file> where the command offers it)");
  const auth = authConfig(
    { tenantId: options.tenant, clientId: options.clientId, deviceCode: options.deviceCode },
    io.env,
  );
  if ("error" in auth) return usageError(auth.error);
  return new HttpWebApi({
    envUrl: options.env,
    getToken: tokenProvider(auth, options.env, io.err),
    concurrency: options.concurrency,
  });
}

export function loadFeed(io: Io, file: string, delimiter?: Delimiter): FeedParseResult | CommandError {
  const text = readInput(io, file, "feed");
  if (text instanceof CommandError) return text;
  return usableFeed(readFeed(text, { delimiter }), file);
}

/** `loadFeed` for a run with sockets open or a progress bar: the event loop keeps turning while a large feed is read. */
async function loadFeedAsync(io: Io, file: string, delimiter?: Delimiter): Promise<FeedParseResult | CommandError> {
  const text = readInput(io, file, "feed");
  if (text instanceof CommandError) return text;
  return usableFeed(await readFeedAsync(text, { delimiter }), file);
}

function usableFeed(parsed: FeedParseResult, file: string): FeedParseResult | CommandError {
  // A file where nothing parses (wrong header, not CSV or JSON) is unusable, not a feed with bad rows.
  if (!parsed.rows.length && (!parsed.errors.length || parsed.errors.some((e) => e.line <= 1))) {
    if (!parsed.errors.length) return usageError(`the feed ${file} holds no rows`);
    const shown = parsed.errors.slice(0, 3).map((e) => `line ${e.line}: ${e.message}`);
    const more = parsed.errors.length > 3 ? `; and ${parsed.errors.length - 3} more` : "";
    return usageError(`the feed ${file} is unusable: ${shown.join("; ")}${more}`);
  }
  return parsed;
}

interface LoadedPolicy {
  policy: Policy;
  problems: string[];
  from: string;
}

/** The policy from --policy, else the environment's variable (the control's), else the defaults. */
export async function loadPolicy(
  io: Io,
  file: string | undefined,
  host: HttpWebApi | undefined,
): Promise<LoadedPolicy | CommandError> {
  if (file) {
    const text = readInput(io, file, "policy");
    if (text instanceof CommandError) return text;
    try {
      JSON.parse(text);
    } catch (e) {
      return usageError(`the policy ${file} is not valid JSON: ${(e as Error).message}`);
    }
    return { ...parsePolicy(text), from: file };
  }
  if (!host) return { ...parsePolicy(undefined), from: "defaults" };
  const config = await readConfig(host);
  if (config.failure) {
    const kind = config.failure.kind;
    if (
      kind === "unauthorized" ||
      kind === "forbidden" ||
      kind === "network" ||
      kind === "timeout" ||
      kind === "server"
    ) {
      return new CommandError(
        `cannot read the environment's configuration: ${config.failure.message}`,
        ExitCode.environment,
      );
    }
  }
  return { policy: config.policy, problems: config.policyProblems, from: `environment variable of ${host.baseUrl}` };
}

/**
 * Where `vet` and `check` read from: a partner feed, mapped straight into rows in memory, or
 * Dataverse, with the user the verdicts are for (`--as`, else the signed-in user; undefined when
 * it could not be read: then no approved exception opens outreach).
 */
type OpenedSource = { policy: LoadedPolicy; userId?: string } & (
  { kind: "feed"; store: EvidenceStore } | { kind: "dataverse"; http: HttpWebApi }
);

/** The signed-in user (WhoAmI), or why it cannot be read. */
const signedInUser = (http: HttpWebApi): Promise<string | Error> =>
  http.whoAmI().catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));

export async function openSource(
  io: Io,
  options: ConnectionOptions & { feed?: string; policy?: string; as?: string },
  onFeedError: (line: number, message: string) => void,
): Promise<OpenedSource | CommandError> {
  if (options.feed) {
    const feed = await loadFeedAsync(io, options.feed);
    if (feed instanceof CommandError) return feed;
    for (const e of feed.errors) onFeedError(e.line, e.message);
    const policy = await loadPolicy(io, options.policy, undefined);
    if (policy instanceof CommandError) return policy;
    return { kind: "feed", store: await storeFromFeedAsync(feed.rows), policy, userId: options.as };
  }
  const http = connect(options, io);
  if (http instanceof CommandError) return http;
  const [policy, user] = await Promise.all([loadPolicy(io, options.policy, http), options.as ?? signedInUser(http)]);
  if (policy instanceof CommandError) return policy;
  if (user instanceof Error)
    io.err(
      `note: who is signed in could not be read (${user.message}): no approved exception opens outreach in this run; give --as <user id>`,
    );
  return { kind: "dataverse", http, policy, userId: user instanceof Error ? undefined : user };
}
