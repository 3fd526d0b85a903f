/**
 * Does a built script define `A.B.c`? We run it in an empty VM context (no DOM, no Xrm: a
 * command-bar bundle only defines its namespace at load) and follow the dotted path. A script
 * that needs the host to load is reported as such, never as "function found".
 */
import vm from "node:vm";

export type FunctionLookup = (dotted: string) => boolean;

export function scriptFunctions(code: string): FunctionLookup | { error: string } {
  const sandbox: Record<string, unknown> = {};
  sandbox.window = sandbox;
  sandbox.self = sandbox;
  sandbox.globalThis = sandbox;
  try {
    vm.runInNewContext(code, sandbox, { timeout: 2000 });
  } catch (error) {
    return { error: `script did not load outside the browser: ${error instanceof Error ? error.message : String(error)}` };
  }
  return (dotted) => {
    let value: unknown = sandbox;
    for (const part of dotted.split(".")) {
      if ((typeof value !== "object" && typeof value !== "function") || value === null) return false;
      value = (value as Record<string, unknown>)[part];
    }
    return typeof value === "function";
  };
}
