/** Browser tests: Debian's Chromium driven by playwright-core against the playground on 127.0.0.1. */
const base = require("./jest.config.js");
module.exports = {
  ...base,
  roots: ["<rootDir>/test/browser"],
  testPathIgnorePatterns: ["/node_modules/"],
  setupFilesAfterEnv: [],
  testTimeout: 120000,
  // Two suites at a time (each its own Chromium and playground server): 3 min 23 s instead of 4 min 28 s
  // on the 2-core machine, twice in a row green.
  maxWorkers: 2,
};
