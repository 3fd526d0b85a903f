/**
 * The control's bundle is minified by terser inside pcf-scripts' webpack, with the options of
 * webpack.config.js. terser folds string concatenations with template literals in place and can
 * apply a fold twice (see webpack.config.js); this runs the smallest input we found that shows it,
 * and the shape of the query that it corrupted in our bundle, through the same terser with our
 * options, and checks the minified code still computes the same strings.
 */
import { existsSync } from "fs";
import { createRequire } from "module";
import path from "path";
import { runInNewContext } from "vm";

const pcfRequire = createRequire(require.resolve("pcf-scripts/package.json"));
const webpackRequire = createRequire(pcfRequire.resolve("webpack/package.json"));
/** The terser pcf-scripts' webpack minifies with (through its minimizer plugin). */
const terser: typeof import("terser") = createRequire(webpackRequire.resolve("minimizer-webpack-plugin"))("terser");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ourOptions = require("../../webpack.config.js").optimization.minimizeOptions.javascript;

const SAMPLES = {
  // f, x and q come from outside (the sandbox), so nothing is inlined: only the folding runs.
  smallest: 'q(f() + `a${x}` + (`${"d"}e` + f() + "g"));',
  decisionLink: `
    const attributes = (columns) => columns.map((c) => \`<attribute name="\${c}"/>\`).join("");
    const order = (a) => \`<order attribute="\${a}"/>\`;
    const D = { logicalName: "pg_decision", exception: "pg_exception" };
    const E = { logicalName: "pg_ex", id: "pg_exid" };
    const COLS = ["a", "b"];
    function decisionLink(alias, to) {
      return \`<link-entity name="\${D.logicalName}" from="\${D.exception}" to="\${to}" link-type="outer" alias="\${alias}">\` + attributes(COLS) + \`</link-entity>\`;
    }
    function q(id) { return attributes(COLS) + \`<filter>\${id}</filter>\` + decisionLink("dc", E.id) + order(E.id); }
    out = q("1");`,
};

const run = (code: string): unknown => {
  const sandbox: Record<string, unknown> = { f: () => "F", x: "X" };
  sandbox.q = (value: unknown) => (sandbox.out = value);
  runInNewContext(code, sandbox);
  return sandbox.out;
};

describe.each(Object.entries(SAMPLES))("terser with the project's options keeps %s intact", (_name, source) => {
  test("the minified code computes the same string as the source", async () => {
    const { code } = await terser.minify(source, { ...ourOptions, toplevel: true });
    expect(run(code as string)).toBe(run(source));
  });
});

/**
 * pcf-scripts builds every folder holding a ControlManifest.Input.xml (buildContext.js,
 * findControlFolders) and reads the custom webpack configuration from each control folder's parent
 * (webpackConfig.js: `path.resolve(control.getControlPath(), "..", "webpack.config.js")`). The card
 * and the grid badge must both sit where that resolves to this project's webpack.config.js, or a
 * bundle is minified with terser's defaults (the corruption above).
 */
test("every control the build finds gets this webpack.config.js (the card and the grid badge)", () => {
  const root = path.resolve(__dirname, "../..");

  const { findControlFolders } = pcfRequire("./buildContext.js") as {
    findControlFolders(cwd: string, excluded?: string[]): string[];
  };
  const folders = findControlFolders(root, [path.join(root, "node_modules"), path.join(root, "out")]);
  expect(folders.map((f) => path.relative(root, f)).sort()).toEqual(["PartnerGuard", "PartnerGuardGridBadge"]);
  for (const folder of folders)
    expect(existsSync(path.resolve(folder, "..", "webpack.config.js")) && path.resolve(folder, "..")).toBe(root);
});
