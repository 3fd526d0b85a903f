// Builds the PCF control with pcf-scripts and fails when pcf-scripts reports a failure: it prints
// "[build] Failed" but exits 0, which would let `&&` go on with a stale or missing bundle.js.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const bin = require.resolve("pcf-scripts/bin/pcf-scripts.js");
const child = spawn(process.execPath, [bin, "build", ...process.argv.slice(2)], { stdio: ["inherit", "pipe", "pipe"] });
let failed = false;
for (const [from, to] of [
  [child.stdout, process.stdout],
  [child.stderr, process.stderr],
]) {
  from.on("data", (chunk) => {
    to.write(chunk);
    if (/\[build\] Failed/.test(chunk.toString())) failed = true;
  });
}
child.on("close", (code) => {
  if (failed || code !== 0) {
    console.error("build-control: pcf-scripts build failed (see above)");
    process.exit(1);
  }
});
