/** Problems found while packing: values first, one message at the edge. */
export interface PackProblem {
  /** Path relative to the repository root (or a zip entry, prefixed with the zip's name). */
  file: string;
  line?: number;
  message: string;
}

export function formatProblem(p: PackProblem): string {
  return `${p.file}${p.line !== undefined ? `:${p.line}` : ""}: ${p.message}`;
}

/** Thrown only by packSolution, the edge: carries every problem found, each on its own line. */
export class PackError extends Error {
  constructor(readonly problems: PackProblem[]) {
    super(`pack failed:\n${problems.map((p) => `  ${formatProblem(p)}`).join("\n")}`);
    this.name = "PackError";
  }
}
