// Preloaded into the spawned `partnerguard` by bench/vet-43k.ts (node --require): measures the
// process from the outside of its code and writes the figures to $PARTNERGUARD_BENCH_PROBE on
// exit. Peak RSS is the kernel's high-water mark; the event-loop delay is the longest time the
// loop could not run a timer (perf_hooks.monitorEventLoopDelay, 10 ms resolution).
"use strict";
const { writeFileSync } = require("fs");
const { monitorEventLoopDelay } = require("perf_hooks");

const file = process.env.PARTNERGUARD_BENCH_PROBE;
if (file) {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const started = process.hrtime.bigint();
  process.on("exit", () => {
    histogram.disable();
    const usage = process.resourceUsage();
    writeFileSync(
      file,
      JSON.stringify({
        peakRssMB: Math.round(usage.maxRSS / 1024),
        eventLoopMaxMs: Math.round(histogram.max / 1e6),
        eventLoopP99Ms: Math.round(histogram.percentile(99) / 1e6),
        cpuMs: Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000),
        wallMs: Number((process.hrtime.bigint() - started) / 1_000_000n),
      }),
    );
  });
}
