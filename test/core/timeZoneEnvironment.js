/**
 * Jest's node environment plus `setProcessTimeZone(zone)`: jest gives each test file a copy of
 * `process.env`, so `process.env.TZ = …` in a test never reaches the clock. This function runs in
 * the worker's own realm and sets the real TZ (Node re-reads it on assignment); the zone the
 * worker had is restored when the file ends. Use with `@jest-environment ./test/core/timeZoneEnvironment.js`.
 * Stryker's mixin keeps mutation testing's per-test coverage working for such a file (outside
 * Stryker it only adds an empty `__stryker__` global).
 */
const { TestEnvironment } = require("jest-environment-node");
const { mixinJestEnvironment } = require("@stryker-mutator/jest-runner");

class TimeZoneEnvironment extends mixinJestEnvironment(TestEnvironment) {
  constructor(config, context) {
    super(config, context);
    this.savedTimeZone = process.env.TZ;
    this.global.setProcessTimeZone = (zone) => {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    };
  }

  async teardown() {
    this.global.setProcessTimeZone(this.savedTimeZone);
    await super.teardown();
  }
}

module.exports = TimeZoneEnvironment;
