/**
 * A text file of any size read as a stream of decoded chunks, the way `decodeText` reads a small
 * one whole: UTF-8 with or without BOM, UTF-16 with BOM, Windows-1252 when the bytes are not
 * UTF-8; a file with control bytes (binary) is refused with the line of the first one. A first
 * pass over the bytes decides the encoding (it holds one chunk at a time), so nothing is
 * processed before the file is known to be text.
 */
import { open } from "fs/promises";
import { DecodedText, BinaryFile } from "./csvFile";

type TextEncoding = DecodedText["encoding"];

interface TextFileInfo {
  encoding: TextEncoding;
  /** Bytes of BOM to skip. */
  skip: number;
  bom: boolean;
}

const CHUNK = 1 << 20;
/**
 * Decoded chunks are small: the records of one chunk wait until the batches take them, and
 * records that wait long survive into V8's old generation, which then grows with the list.
 */
const TEXT_CHUNK = 64 << 10;

/** The file's encoding, or where it stops being text. Reads the file once, a chunk at a time. */
export async function scanTextFile(path: string): Promise<TextFileInfo | BinaryFile> {
  const file = await open(path, "r");
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    let { bytesRead } = await file.read(buffer, 0, CHUNK, 0);
    const b = buffer;
    if (bytesRead >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf)
      return { encoding: "utf-8", skip: 3, bom: true };
    if (bytesRead >= 2 && b[0] === 0xff && b[1] === 0xfe) return { encoding: "utf-16le", skip: 2, bom: true };
    if (bytesRead >= 2 && b[0] === 0xfe && b[1] === 0xff) return { encoding: "utf-16be", skip: 2, bom: true };
    const utf8 = new TextDecoder("utf-8", { fatal: true });
    let isUtf8 = true;
    let line = 1;
    let position = 0;
    while (bytesRead > 0) {
      for (let i = 0; i < bytesRead; i++) {
        const byte = b[i];
        if (byte >= 0x20) continue;
        if (byte === 0x0a) line++;
        // Tab, LF, FF and CR are text; any other control byte (NUL above all) is not.
        else if (byte !== 0x09 && byte !== 0x0c && byte !== 0x0d) return { line, offset: position + i };
      }
      if (isUtf8) {
        try {
          utf8.decode(b.subarray(0, bytesRead), { stream: true });
        } catch {
          isUtf8 = false;
        }
      }
      position += bytesRead;
      ({ bytesRead } = await file.read(buffer, 0, CHUNK, position));
    }
    if (isUtf8) {
      try {
        utf8.decode();
      } catch {
        isUtf8 = false;
      }
    }
    // Not UTF-8 but free of control bytes: what Excel's plain "CSV" writes on Windows in the West.
    return { encoding: isUtf8 ? "utf-8" : "windows-1252", skip: 0, bom: false };
  } finally {
    await file.close();
  }
}

/** The file's text, decoded chunk by chunk (64 KB each). */
export async function* textChunks(path: string, info: TextFileInfo): AsyncGenerator<string> {
  const file = await open(path, "r");
  try {
    const decoder = new TextDecoder(info.encoding);
    const buffer = Buffer.allocUnsafe(TEXT_CHUNK);
    let position = info.skip;
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, TEXT_CHUNK, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      const text = decoder.decode(buffer.subarray(0, bytesRead), { stream: true });
      if (text) yield text;
    }
    const rest = decoder.decode();
    if (rest) yield rest;
  } finally {
    await file.close();
  }
}
