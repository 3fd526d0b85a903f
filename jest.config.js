/** Unit, source and component tests. Browser tests live in test/browser and run with their own script. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts", "**/*.test.tsx"],
  testPathIgnorePatterns: ["/node_modules/", "/test/browser/"],
  transform: {
    "^.+\\.tsx?$": [
      "ts-jest",
      {
        tsconfig: {
          jsx: "react",
          module: "commonjs",
          moduleResolution: "node10",
          esModuleInterop: true,
          target: "es2020",
          verbatimModuleSyntax: false,
          // Transpile each file on its own (fast); `npm run typecheck` type-checks the whole project.
          isolatedModules: true,
        },
        diagnostics: { warnOnly: false },
      },
    ],
  },
  moduleNameMapper: {
    "^csv-parse/sync$": "<rootDir>/node_modules/csv-parse/dist/cjs/sync.cjs",
    "^csv-stringify/sync$": "<rootDir>/node_modules/csv-stringify/dist/cjs/sync.cjs",
  },
  // Generous: the CLI and security suites spawn processes and run a role-enforcing emulator; on two
  // shared cores under load a healthy test took over 20 s. A hang still fails, later.
  testTimeout: 60000,
  // Many suites wait on spawned processes and local servers: one worker per core, not cores - 1.
  maxWorkers: "100%",
};
module.exports.setupFilesAfterEnv = ["<rootDir>/test/setup.ts"];
