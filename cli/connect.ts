/** From options to the things a command works with: a Dataverse host, a feed, a policy. */
import { readFileSync } from "fs";
import { resolve } from "path";
import { CommandError, ExitCode, usageError } from "./exitCodes";
import { ConnectionOptions } from "./options";
import { Io } from "./io";
import { HttpWebApi } from "../src/sources/node/httpWebApi";
import { authConfig, tokenProvider } from "../src/sources/node/auth";
import { FeedParseResult, parseFeed } from "../src/core/feed";
import { Policy, parsePolicy } from "../src/core/policy";
import { readConfig } from "../src/sources/configSource";
import { WebApiHost } from "../src/sources/webApi";
import { FetchXmlPager } from "../src/sources/node/batchSource";
import { emulatorFromFeed } from "../src/emulator/fromFeed";

export function readInput(io: Io, file: string, what: string): string | CommandError {
  try {
    return readFileSync(resolve(io.cwd, file), "utf8");
  } catch (e) {
    return usageError(`cannot read the ${what} ${file}: ${(e as Error).message}`);
  }
}

export function connect(options: ConnectionOptions, io: Io): HttpWebApi | CommandError {
  if (!options.env) return usageError("--env <url> is required (or --feed <file> where the command offers it)");
  const auth = authConfig({ tenantId: options.tenant, clientId: options.clientId, deviceCode: options.deviceCode }, io.env);
  if ("error" in auth) return usageError(auth.error);
  return new HttpWebApi({ envUrl: options.env, getToken: tokenProvider(auth, options.env, io.err), concurrency: options.concurrency });
}

export function loadFeed(io: Io, file: string): FeedParseResult | CommandError {
  const text = readInput(io, file, "feed");
  if (text instanceof CommandError) return text;
  const parsed = parseFeed(text);
  // A file where nothing parses (wrong header, not CSV or JSON) is unusable, not a feed with bad rows.
  if (!parsed.rows.length && (!parsed.errors.length || parsed.errors.some((e) => e.line <= 1))) {
    if (!parsed.errors.length) return usageError(`the feed ${file} holds no rows`);
    return usageError(`the feed ${file} is unusable: ${parsed.errors.map((e) => `line ${e.line}: ${e.message}`).join("; ")}`);
  }
  return parsed;
}

export interface LoadedPolicy {
  policy: Policy;
  problems: string[];
  from: string;
}

/** The policy from --policy, else the environment's variable (the control's), else the defaults. */
export async function loadPolicy(io: Io, file: string | undefined, host: HttpWebApi | undefined): Promise<LoadedPolicy | CommandError> {
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
    if (kind === "unauthorized" || kind === "forbidden" || kind === "network" || kind === "timeout" || kind === "server") {
      return new CommandError(`cannot read the environment's configuration: ${config.failure.message}`, ExitCode.environment);
    }
  }
  return { policy: config.policy, problems: config.policyProblems, from: `environment variable of ${host.baseUrl}` };
}

/** Where `vet` and `check` read from: a partner feed loaded into the emulator, or Dataverse. */
export interface OpenedSource {
  /** The reader both commands use. */
  host: WebApiHost & FetchXmlPager;
  /** Set when reading Dataverse (its request stats, its configuration). */
  http?: HttpWebApi;
  policy: LoadedPolicy;
}

export async function openSource(
  io: Io,
  options: ConnectionOptions & { feed?: string; policy?: string },
  onFeedError: (line: number, message: string) => void,
): Promise<OpenedSource | CommandError> {
  let host: WebApiHost & FetchXmlPager;
  let http: HttpWebApi | undefined;
  if (options.feed) {
    const feed = loadFeed(io, options.feed);
    if (feed instanceof CommandError) return feed;
    for (const e of feed.errors) onFeedError(e.line, e.message);
    host = emulatorFromFeed(feed.rows);
  } else {
    const connected = connect(options, io);
    if (connected instanceof CommandError) return connected;
    host = http = connected;
  }
  const policy = await loadPolicy(io, options.policy, http);
  if (policy instanceof CommandError) return policy;
  return { host, http, policy };
}
