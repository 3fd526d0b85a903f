#!/usr/bin/env node
"use strict";
// The `partnerguard` command. Runs the bundle dist/cli.js (built by `npm run build:cli`, which
// `npm install` runs through `prepare`); without it, runs the TypeScript source through tsx, so a
// checkout works offline either way.
const { existsSync } = require("fs");
const { join } = require("path");

// `vet` streams a list in batches whose objects live for one batch: long enough for V8's
// allocation-site pretenuring to allocate them straight into the old generation, which then grows
// with the list until a full collection (a million rows peaked above 300 MB). Without it they
// die young. Set here, before anything is loaded, so every way of running the command has it.
require("v8").setFlagsFromString("--no-allocation-site-pretenuring");

// A reader that stops early (`partnerguard vet … --json | head`) closes the pipe: that is the
// reader's choice, not a failure, so end quietly with 0 instead of an EPIPE stack trace (and
// never with 1, which means "blocked").
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error) => {
    if (error && error.code === "EPIPE") process.exit(0);
    throw error;
  });
}

const bundle = join(__dirname, "..", "dist", "cli.js");
let cli;
if (existsSync(bundle)) {
  cli = require(bundle);
} else {
  require("tsx/cjs");
  cli = require("../cli/main.ts");
}
cli.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
