/**
 * Run the real `partnerguard` binary (bin/partnerguard.js -> dist/cli.js) as a child process,
 * against a Web API server on 127.0.0.1 holding the demo data.
 */
import { execFile, execFileSync } from "child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { parseFeed } from "../../../src/sources/feedFile";
import { emulatorFromFeed } from "../../../src/emulator/fromFeed";
import { DataverseEmulator, SYSTEM_USER_ID } from "../../../src/emulator/dataverseEmulator";
import { WebApiServer, WebApiServerOptions, startWebApiServer } from "../../../src/emulator/webApiServer";
import { Account } from "../../../src/schema";

export const ROOT = join(__dirname, "../../..");
export const BIN = join(ROOT, "bin/partnerguard.js");
export const TOKEN = "test-token-4f1c9a";
export const DEMO_FEED = join(ROOT, "data/demo-feed.csv");
/** The demo scenarios' clock (README): their verdicts hold on this day. */
export const DEMO_NOW = "2026-11-24";

let built = false;
/** Bundle the CLI once per test file, so the tests run today's source. */
export function buildCli(): void {
  if (built) return;
  execFileSync(process.execPath, [join(ROOT, "scripts/build-cli.mjs")], { cwd: ROOT });
  built = true;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PARTNERGUARD_ACCESS_TOKEN: TOKEN,
    ...options.env,
  };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: options.cwd ?? ROOT, env, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export interface TempDir {
  dir: string;
  write(name: string, content: string): string;
  read(name: string): string;
  cleanup(): void;
}

export function tempDir(): TempDir {
  const dir = mkdtempSync(join(tmpdir(), "pg-cli-"));
  return {
    dir,
    write: (name, content) => {
      writeFileSync(join(dir, name), content);
      return join(dir, name);
    },
    read: (name) => readFileSync(join(dir, name), "utf8"),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Extra accounts beside the demo feed's, to match by number, email and web domain. */
export const EXTRA = {
  contosoLabs: "e1000000-0000-4000-8000-000000000001",
  twinA: "e1000000-0000-4000-8000-000000000002",
  twinB: "e1000000-0000-4000-8000-000000000003",
};

export function demoDataverse(): DataverseEmulator {
  const { rows } = parseFeed(readFileSync(DEMO_FEED, "utf8"));
  const emulator = emulatorFromFeed(rows);
  const parent = (id: string) => ({ $lookup: Account.logicalName, id });
  emulator.insert(Account.logicalName, {
    [Account.id]: EXTRA.contosoLabs,
    [Account.name]: "Contoso Labs",
    [Account.accountNumber]: "CL-0042",
    [Account.website]: "https://www.contosolabs.example/about",
    [Account.parent]: parent("a1000000-0000-4000-8000-000000000001"),
  });
  // Two accounts with the same name and domain: matching them must be reported as ambiguous.
  for (const id of [EXTRA.twinA, EXTRA.twinB]) {
    emulator.insert(Account.logicalName, {
      [Account.id]: id,
      [Account.name]: "Twin Traders",
      [Account.email]: "info@twins.example",
    });
  }
  return emulator;
}

/**
 * Dataverse's `WhoAmI` function (the command line asks who is signed in: the verdicts are theirs),
 * which the emulator's server does not answer: the token's persona, or the system user for the
 * server's own token, in the shape Dataverse answers it. Other requests go to `fault`, if any.
 */
export function answeringWhoAmI(
  users: WebApiServerOptions["users"] = {},
  fault?: WebApiServerOptions["fault"],
): NonNullable<WebApiServerOptions["fault"]> {
  return (request, index) => {
    if (request.method === "GET" && request.resource === "WhoAmI") {
      const token = /^Bearer (.+)$/.exec(String(request.headers.authorization ?? ""))?.[1];
      const persona = token !== undefined && Object.hasOwn(users, token) ? users[token] : undefined;
      return {
        status: 200,
        headers: { "Content-Type": "application/json; odata.metadata=minimal" },
        body: {
          "@odata.context": "$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse",
          BusinessUnitId: "00000000-0000-4000-b000-000000000001",
          UserId: persona?.id ?? SYSTEM_USER_ID,
          OrganizationId: "00000000-0000-4000-c000-000000000001",
        },
      };
    }
    return fault?.(request, index);
  };
}

/** The emulator's server, answering `WhoAmI` too (answeringWhoAmI). */
export function webApiServer(options: WebApiServerOptions) {
  return startWebApiServer({ ...options, fault: answeringWhoAmI(options.users, options.fault) });
}

export function demoServer(options: Partial<WebApiServerOptions> = {}) {
  return webApiServer({ emulator: demoDataverse(), token: TOKEN, ...options });
}

/**
 * The hooks of a test file that spawns the CLI: the bundle built once, a fresh temp folder for each
 * test (`tmp` is always the running test's), and the servers a test started through `serve` closed
 * after it, before its folder is removed.
 */
export function cliTestBed(): {
  tmp: Omit<TempDir, "cleanup">;
  serve(starting: Promise<WebApiServer>): Promise<WebApiServer>;
} {
  let current: TempDir | undefined;
  const servers: WebApiServer[] = [];
  const running = () => {
    if (!current) throw new Error("the temp folder exists only while a test runs");
    return current;
  };
  beforeAll(buildCli);
  beforeEach(() => (current = tempDir()));
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
    current?.cleanup();
    current = undefined;
  });
  return {
    tmp: {
      get dir() {
        return running().dir;
      },
      write: (name, content) => running().write(name, content),
      read: (name) => running().read(name),
    },
    serve: async (starting) => {
      const server = await starting;
      servers.push(server);
      return server;
    },
  };
}
