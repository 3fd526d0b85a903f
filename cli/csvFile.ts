/**
 * Files as sales ops hand them over and open them again: whatever Excel wrote (UTF-8 with or
 * without BOM, UTF-16 "Unicode text", Windows-1252; comma, semicolon or tab) comes in as text,
 * and what goes out opens in Excel without running anything (OWASP "CSV injection").
 */
import { createWriteStream, renameSync, rmSync, WriteStream } from "fs";
import { basename, dirname, join } from "path";
import { CsvDelimiter, sniffDelimiter } from "../src/sources/feedFile";

export type Delimiter = CsvDelimiter;
export { sniffDelimiter };

export interface DecodedText {
  text: string;
  /** Set when the file was not UTF-8 (the caller may mention it). */
  encoding: "utf-8" | "utf-16le" | "utf-16be" | "windows-1252";
  bom: boolean;
}

/** Why a file is not text: where the first binary byte sits, as a line number a person can find. */
export interface BinaryFile {
  line: number;
  offset: number;
}

function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/** Control bytes no text file holds (tab, LF, FF and CR are text): NUL above all, in every binary format. */
function isControl(byte: number): boolean {
  return byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0c && byte !== 0x0d;
}

/** Where the first control byte sits, or -1 (a plain loop: `findIndex` calls back once per byte of a large feed). */
function firstControl(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (byte < 0x20 && isControl(byte)) return i;
  }
  return -1;
}

/** Bytes -> text, or where the file stops being text. */
export function decodeText(bytes: Uint8Array): DecodedText | BinaryFile {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: new TextDecoder("utf-8").decode(bytes.subarray(3)), encoding: "utf-8", bom: true };
  }
  // Excel's "Unicode text" export: UTF-16 with a BOM (and tabs between cells).
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    return { text: new TextDecoder("utf-16le").decode(bytes.subarray(2)), encoding: "utf-16le", bom: true };
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return { text: new TextDecoder("utf-16be").decode(bytes.subarray(2)), encoding: "utf-16be", bom: true };
  const control = firstControl(bytes);
  if (control >= 0) return { line: lineAt(bytes, control), offset: control };
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes), encoding: "utf-8", bom: false };
  } catch {
    // Not UTF-8 but free of control bytes: what Excel's plain "CSV" writes on Windows in the West.
    return { text: new TextDecoder("windows-1252").decode(bytes), encoding: "windows-1252", bom: false };
  }
}

export const isBinary = (decoded: DecodedText | BinaryFile): decoded is BinaryFile => "offset" in decoded;

/** `--delimiter` as people type it: `,` `;` `tab` (or `\t`, or a real tab). */
export function parseDelimiter(value: string): Delimiter | undefined {
  const v = value.toLowerCase();
  if (v === "," || v === "comma") return ",";
  if (v === ";" || v === "semicolon") return ";";
  if (v === "\t" || v === "\\t" || v === "tab") return "\t";
  return undefined;
}

/**
 * Excel and LibreOffice read a cell that starts with = + - @ (or tab/CR, which they strip first)
 * as a formula. A leading apostrophe makes it text, shown without the apostrophe.
 */
function escapeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

interface CsvOutOptions {
  delimiter: Delimiter;
  /** A UTF-8 BOM, so Excel on Windows reads umlauts as UTF-8 instead of the ANSI code page. */
  bom: boolean;
}

/** One row -> one CSV line for Excel: every cell escaped, quoted when it holds the delimiter, a quote or a line end. */
function csvLine(row: string[], delimiter: Delimiter): string {
  let line = "";
  for (let i = 0; i < row.length; i++) {
    let cell = escapeCell(row[i]);
    if (cell.includes(delimiter) || cell.includes('"') || cell.includes("\n") || cell.includes("\r"))
      cell = `"${cell.replace(/"/g, '""')}"`;
    line += i ? delimiter + cell : cell;
  }
  return line + "\r\n";
}

/**
 * A CSV written as rows come: into a temporary file beside the target, renamed over it only when
 * the run completes, so a run that fails half-way leaves no half-written file behind.
 */
export class CsvOut {
  private constructor(
    private readonly stream: WriteStream,
    private readonly temp: string,
    private readonly target: string,
    private readonly delimiter: Delimiter,
  ) {}

  static async open(target: string, options: CsvOutOptions): Promise<CsvOut | Error> {
    const temp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
    const stream = createWriteStream(temp);
    const opened = await new Promise<Error | undefined>((resolve) => {
      stream.once("open", () => resolve(undefined));
      stream.once("error", (e) => resolve(e));
    });
    if (opened) return opened;
    const out = new CsvOut(stream, temp, target, options.delimiter);
    if (options.bom) await out.raw("\uFEFF");
    return out;
  }

  write(rows: string[][]): Promise<void> {
    let text = "";
    for (const row of rows) text += csvLine(row, this.delimiter);
    return this.raw(text);
  }

  private raw(text: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      this.stream.once("error", onError);
      const done = () => {
        this.stream.off("error", onError);
        resolve();
      };
      if (this.stream.write(text)) done();
      else this.stream.once("drain", done);
    });
  }

  /** Close and move into place. */
  async commit(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.stream.once("error", reject);
      this.stream.end(() => resolve());
    });
    renameSync(this.temp, this.target);
  }

  /** Close and throw away. */
  async abandon(): Promise<void> {
    await new Promise<void>((resolve) => {
      if (this.stream.closed) return resolve();
      this.stream.once("close", () => resolve());
      this.stream.destroy();
    });
    rmSync(this.temp, { force: true });
  }
}
