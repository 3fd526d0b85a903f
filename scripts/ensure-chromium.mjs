#!/usr/bin/env node
// The browser tests drive Debian's Chromium (never a browser downloaded by a test tool). On a
// fresh machine where we are root, install it with apt-get, as .ci/run does; otherwise say how.
import { existsSync } from "node:fs";
import { execFileSync } from "node:child_process";

const path = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (existsSync(path)) process.exit(0);
const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
if (!isRoot || !existsSync("/usr/bin/apt-get")) {
  console.error(
    `Chromium not found at ${path}. Install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH.`,
  );
  process.exit(1);
}
console.log("Chromium is missing: installing Debian's chromium package (apt-get) for the browser tests…");
const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
execFileSync("apt-get", ["install", "-y", "-qq", "chromium"], { stdio: "inherit", env });
