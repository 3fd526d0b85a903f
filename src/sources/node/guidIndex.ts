/**
 * Dataverse ids, numbered in the order they are first seen, kept as 16 bytes each instead of
 * strings: `partnerguard sync --verdicts` names every account of a table (a million and more), and
 * a 36-character string in a `Map` costs about 150 bytes an id where this costs about 26 (16 bytes
 * of GUID, 4–8 of open-addressing hash table, no object per id). Lookups parse the id text in place
 * (no string is made); `idAt` writes the canonical form back out (lower case, no braces), the form
 * `normalizeGuid` gives, so an id comes back exactly as a `Map` of canonical ids would hold it.
 */
import { normalizeGuid } from "../webApi";

/** Slots per chunk of GUID words: growing never copies the ids already held. */
const CHUNK_BITS = 16;
const CHUNK = 1 << CHUNK_BITS;
const EMPTY = 0;
/** The hash table grows before it is 3/4 full (linear probing stays short below that). */
const MAX_LOAD = 0.75;

/** The value of one hexadecimal digit (either case), or -1. */
function nibble(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/**
 * The 128 bits of a GUID in its 36-character form (either case) into four 32-bit words at `out[at]`,
 * in the order its hexadecimal digits are written. False, and `out` partly written, when the text is
 * not a GUID in that form.
 */
function parse36(text: string, out: Uint32Array, at: number): boolean {
  if (text.length !== 36) return false;
  let i = 0;
  for (let w = 0; w < 4; w++) {
    let word = 0;
    for (let d = 0; d < 8; d++, i++) {
      if (i === 8 || i === 13 || i === 18 || i === 23) {
        if (text.charCodeAt(i) !== 0x2d) return false;
        i++;
      }
      const n = nibble(text.charCodeAt(i));
      if (n < 0) return false;
      word = (word << 4) | n;
    }
    out[at + w] = word >>> 0;
  }
  return true;
}

/**
 * A GUID's words, as `normalizeGuid` reads ids (either case, braces, spaces around); false when the
 * value is not a GUID.
 */
export function guidToWords(value: unknown, out: Uint32Array, at = 0): boolean {
  if (typeof value !== "string") return false;
  if (parse36(value, out, at)) return true;
  const canonical = normalizeGuid(value);
  return canonical !== undefined && parse36(canonical, out, at);
}

const HEX_CODES = Array.from("0123456789abcdef", (c) => c.charCodeAt(0));
const DASH = 0x2d;
const codes: number[] = new Array<number>(36).fill(DASH);

/** The canonical text (lower case, 8-4-4-4-12) of the GUID whose words are at `words[at]`. */
export function wordsToGuid(words: Uint32Array, at = 0): string {
  let i = 0;
  for (let w = 0; w < 4; w++) {
    const word = words[at + w];
    for (let shift = 28; shift >= 0; shift -= 4) {
      if (i === 8 || i === 13 || i === 18 || i === 23) i++;
      codes[i++] = HEX_CODES[(word >>> shift) & 15];
    }
  }
  // One flat string at once (adding characters one by one would build a rope of 36 pieces).
  return String.fromCharCode.apply(null, codes);
}

/** A 32-bit hash of four words (murmur3's finalizer over a mix of them): ids that differ in a digit spread. */
function hash(a: number, b: number, c: number, d: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b ^ (b >>> 15), 0x85ebca77);
  h = (h ^ Math.imul(c ^ (c >>> 13), 0xc2b2ae3d)) + Math.imul(d ^ (d >>> 16), 0x27d4eb2f);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export class GuidIndex {
  /** The ids' words, CHUNK slots (4 words each) per array. */
  private readonly chunks: Uint32Array[] = [];
  /** Open addressing, linear probing: slot + 1 at each used place, EMPTY elsewhere. */
  private table = new Int32Array(1024);
  private count = 0;
  private readonly scratch = new Uint32Array(4);

  /** How many ids are held (slots 0 … size - 1). */
  get size(): number {
    return this.count;
  }

  /** The slot of an id (any form `normalizeGuid` reads), or -1 when it is not held or not a GUID. */
  slotOf(id: unknown): number {
    if (!guidToWords(id, this.scratch)) return -1;
    return this.find(this.scratch);
  }

  /** The slot of an id, given one when it is new; -1 when the value is not a GUID. */
  add(id: unknown): number {
    const w = this.scratch;
    if (!guidToWords(id, w)) return -1;
    const known = this.find(w);
    if (known >= 0) return known;
    const slot = this.count++;
    const chunk = slot >>> CHUNK_BITS;
    if (chunk === this.chunks.length) this.chunks.push(new Uint32Array(CHUNK * 4));
    this.chunks[chunk].set(w, (slot & (CHUNK - 1)) * 4);
    if (this.count > this.table.length * MAX_LOAD) this.grow();
    else this.place(slot, hash(w[0], w[1], w[2], w[3]));
    return slot;
  }

  /** The id of a slot, in canonical form. */
  idAt(slot: number): string {
    if (!(slot >= 0 && slot < this.count)) throw new RangeError(`no id at slot ${slot}`);
    return wordsToGuid(this.chunks[slot >>> CHUNK_BITS], (slot & (CHUNK - 1)) * 4);
  }

  private find(w: Uint32Array): number {
    const mask = this.table.length - 1;
    for (let at = hash(w[0], w[1], w[2], w[3]) & mask; ; at = (at + 1) & mask) {
      const entry = this.table[at];
      if (entry === EMPTY) return -1;
      const slot = entry - 1;
      const chunk = this.chunks[slot >>> CHUNK_BITS];
      const o = (slot & (CHUNK - 1)) * 4;
      if (chunk[o] === w[0] && chunk[o + 1] === w[1] && chunk[o + 2] === w[2] && chunk[o + 3] === w[3]) return slot;
    }
  }

  private place(slot: number, h: number): void {
    const mask = this.table.length - 1;
    let at = h & mask;
    while (this.table[at] !== EMPTY) at = (at + 1) & mask;
    this.table[at] = slot + 1;
  }

  /** Twice the places, every slot placed again (the old table is garbage at once). */
  private grow(): void {
    this.table = new Int32Array(this.table.length * 2);
    for (let slot = 0; slot < this.count; slot++) {
      const chunk = this.chunks[slot >>> CHUNK_BITS];
      const o = (slot & (CHUNK - 1)) * 4;
      this.place(slot, hash(chunk[o], chunk[o + 1], chunk[o + 2], chunk[o + 3]));
    }
  }
}
