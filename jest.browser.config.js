/** Browser tests: Debian's Chromium driven by playwright-core against the playground on 127.0.0.1. */
const base = require("./jest.config.js");
module.exports = {
  ...base,
  roots: ["<rootDir>/test/browser"],
  testPathIgnorePatterns: ["/node_modules/"],
  setupFilesAfterEnv: [],
  testTimeout: 120000,
  maxWorkers: 1,
};
