/**
 * CSV read incrementally, chunk by chunk, so a list of any size streams through in bounded
 * memory: RFC 4180 (quoted cells, `""` inside quotes, CRLF, LF or CR line ends) with the leniency
 * lists from other systems need, the same as the csv-parse options used before (`relax_quotes`,
 * `relax_column_count`, `skip_empty_lines`): a quote inside an unquoted cell is text, rows may
 * have fewer or more cells than the header, empty lines are skipped. Each record carries the line
 * it starts on. A quoted cell never closed is the one syntax error, reported with its line.
 */
export interface CsvRecord {
  cells: string[];
  /** 1-based line of the file the record starts on. */
  line: number;
  /** The line it ends on (differs only when a quoted cell holds a line break). */
  endLine: number;
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
    this.name = "CsvSyntaxError";
  }
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

export class CsvReader {
  private readonly delimiter: number;
  private cells: string[] = [];
  /** Text of the current cell carried over from earlier chunks. */
  private cell = "";
  /** Nothing of the current cell read yet (a quote here opens a quoted cell). */
  private atCellStart = true;
  private inQuotes = false;
  /** A quote inside quotes was the last character of a chunk: `""` or the closing quote, not known yet. */
  private quotePending = false;
  /** A CR ended the last chunk: an LF first in the next one belongs to it. */
  private crPending = false;
  /** Anything read on this record (an empty line is skipped). */
  private recordStarted = false;
  private line = 1;
  private recordLine = 1;

  constructor(delimiter: string) {
    this.delimiter = delimiter.charCodeAt(0);
  }

  /** Parse a chunk of text; returns the records it completed. */
  push(text: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    const n = text.length;
    const d = this.delimiter;
    let i = 0;
    if (this.crPending) {
      this.crPending = false;
      if (n > 0 && text.charCodeAt(0) === LF) i = 1;
    }
    let start = i;
    while (i < n) {
      if (this.inQuotes) {
        if (this.quotePending) {
          this.quotePending = false;
          if (text.charCodeAt(i) === QUOTE) {
            this.cell += '"';
            start = ++i;
            continue;
          }
          this.inQuotes = false;
          start = i;
          continue;
        }
        const q = text.indexOf('"', i);
        if (q < 0) {
          this.countLines(text, i, n);
          this.cell += text.slice(start, n);
          start = i = n;
          break;
        }
        this.countLines(text, i, q);
        this.cell += text.slice(start, q);
        if (q + 1 >= n) {
          this.quotePending = true;
          start = i = n;
          break;
        }
        if (text.charCodeAt(q + 1) === QUOTE) {
          this.cell += '"';
          start = i = q + 2;
          continue;
        }
        // The closing quote; anything after it up to the delimiter is kept as text (relaxed).
        this.inQuotes = false;
        start = i = q + 1;
        continue;
      }
      const c = text.charCodeAt(i);
      if (c === d) {
        this.cells.push(this.cell + text.slice(start, i));
        this.cell = "";
        this.atCellStart = true;
        this.recordStarted = true;
        start = ++i;
        continue;
      }
      if (c === LF || c === CR) {
        this.cells.push(this.cell + text.slice(start, i));
        this.cell = "";
        this.atCellStart = true;
        this.endRecord(out);
        this.line++;
        this.recordLine = this.line;
        i++;
        if (c === CR) {
          if (i < n) {
            if (text.charCodeAt(i) === LF) i++;
          } else this.crPending = true;
        }
        start = i;
        continue;
      }
      this.recordStarted = true;
      if (this.atCellStart) {
        this.atCellStart = false;
        if (c === QUOTE) {
          this.inQuotes = true;
          start = ++i;
          continue;
        }
      }
      i++;
    }
    if (start < n) this.cell += text.slice(start, n);
    return out;
  }

  /** The end of the input: the last record, or the error of a quote never closed. */
  end(): CsvRecord[] {
    const out: CsvRecord[] = [];
    if (this.inQuotes && !this.quotePending)
      throw new CsvSyntaxError(this.recordLine, `a quoted cell opened on line ${this.recordLine} is never closed`);
    this.inQuotes = false;
    this.quotePending = false;
    if (this.recordStarted || this.cell !== "") {
      this.cells.push(this.cell);
      this.cell = "";
      this.endRecord(out);
    }
    return out;
  }

  private endRecord(out: CsvRecord[]): void {
    const cells = this.cells;
    this.cells = [];
    if (!this.recordStarted && cells.length === 1 && cells[0] === "") return; // an empty line
    this.recordStarted = false;
    out.push({ cells, line: this.recordLine, endLine: this.line });
  }

  private countLines(text: string, from: number, to: number): void {
    for (let at = text.indexOf("\n", from); at >= 0 && at < to; at = text.indexOf("\n", at + 1)) this.line++;
  }
}
