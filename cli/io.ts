/**
 * Where a command writes: data on stdout, chatter and progress on stderr (so `--json > file` and
 * pipes stay clean). The progress bar is only for a person: a TTY, not CI, not quiet.
 */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  /** A progress bar when a person is watching, else undefined. */
  progress(label: string): Progress | undefined;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface Progress {
  phase(name: string, total?: number): void;
  tick(): void;
  done(): void;
}

export function processIo(options: { quiet?: boolean } = {}): Io {
  const stderr = process.stderr;
  const human = stderr.isTTY === true && !process.env.CI && !options.quiet;
  return {
    out: (line) => process.stdout.write(line + "\n"),
    err: (line) => stderr.write(line + "\n"),
    progress: (label) => (human ? ttyProgress(stderr, label) : undefined),
    env: process.env,
    cwd: process.cwd(),
  };
}

function ttyProgress(stream: NodeJS.WriteStream, label: string): Progress {
  let name = "";
  let total: number | undefined;
  let count = 0;
  let last = 0;
  const render = (force = false) => {
    const now = Date.now();
    if (!force && now - last < 80) return; // redraw at most ~12 times a second
    last = now;
    const width = 24;
    const bar =
      total && total > 0
        ? `[${"#".repeat(Math.round((Math.min(count, total) / total) * width)).padEnd(width, ".")}] ${count}/${total}`
        : `${count} requests`;
    stream.write(`\r\x1b[2K${label} ${name} ${bar}`);
  };
  return {
    phase(next, size) {
      name = next;
      total = size;
      count = 0;
      render(true);
    },
    tick() {
      count++;
      render();
    },
    done() {
      stream.write("\r\x1b[2K");
    },
  };
}
