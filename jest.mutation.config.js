/**
 * The tests that guard the pure rules, for mutation testing (`npm run test:mutation`, see
 * stryker.config.mjs). Only the suites that exercise src/core and src/text, transpiled without
 * type checking (Stryker's TypeScript checker and `npm run typecheck` do that), so each mutant runs fast.
 */
const base = require("./jest.config.js");
const [, tsJestOptions] = base.transform["^.+\\.tsx?$"];

module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["<rootDir>/test/core/**/*.test.ts", "<rootDir>/test/text/**/*.test.ts"],
  transform: {
    "^.+\\.tsx?$": [
      "ts-jest",
      { ...tsJestOptions, tsconfig: { ...tsJestOptions.tsconfig, isolatedModules: true }, diagnostics: false },
    ],
  },
  moduleNameMapper: base.moduleNameMapper,
};
