/**
 * Does a built script define `A.B.c`? First we run it in an empty VM context (no DOM, no Xrm: a
 * command-bar bundle normally only defines its namespace at load) and follow the dotted path, which
 * proves it is a function. A script that touches the browser while loading cannot run there; then
 * we fall back to searching its text for every segment of the name (minifiers keep property names),
 * which still catches a misspelt or removed function.
 */
import vm from "node:vm";

type FunctionLookup = (dotted: string) => boolean;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function byText(code: string): FunctionLookup {
  return (dotted) =>
    dotted.split(".").every((part) => new RegExp(`(^|[^\\w$])${escapeRegExp(part)}($|[^\\w$])`).test(code));
}

export function scriptFunctions(code: string): FunctionLookup {
  const sandbox: Record<string, unknown> = {};
  sandbox.window = sandbox;
  sandbox.self = sandbox;
  sandbox.globalThis = sandbox;
  try {
    vm.runInNewContext(code, sandbox, { timeout: 2000 });
  } catch {
    return byText(code);
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
