/**
 * Reading XML we wrote or that a teammate hand-kept: a well-formedness check that names the line,
 * and a small element scanner for the reference checks (flat lookups by tag, not a DOM).
 */
import { XMLValidator } from "fast-xml-parser";
import { PackProblem } from "./errors";

export function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

export function checkWellFormed(text: string, file: string): PackProblem | undefined {
  const result = XMLValidator.validate(text);
  if (result === true) return undefined;
  return { file, line: result.err.line, message: `malformed XML: ${result.err.msg}` };
}

export interface ScannedElement {
  attrs: Record<string, string>;
  /** Text between the tags; empty for a self-closing element. */
  inner: string;
  index: number;
  line: number;
}

const ENTITY: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'" };
export const unescapeXml = (s: string): string => s.replace(/&(amp|lt|gt|quot|apos);/g, (m) => ENTITY[m]);

function parseAttrs(raw: string): Record<string, string> {
  // No prototype: an element without `constructor` must not find Object.prototype.constructor.
  const attrs = Object.create(null) as Record<string, string>;
  for (const m of raw.matchAll(/([\w:.-]+)\s*=\s*"([^"]*)"/g)) attrs[m[1]] = unescapeXml(m[2]);
  return attrs;
}

/** Every `<tag ...>` element (not nested in itself) with its attributes, inner text and line. */
export function elements(text: string, tag: string): ScannedElement[] {
  const re = new RegExp(`<${tag}(\\s[^>]*?)?(/>|>([\\s\\S]*?)</${tag}>)`, "g");
  return [...text.matchAll(re)].map((m) => ({
    attrs: parseAttrs(m[1] ?? ""),
    inner: m[3] ?? "",
    index: m.index,
    line: lineOf(text, m.index),
  }));
}

/** Text content of the first `<tag>` child, unescaped. */
export function childText(text: string, tag: string): string | undefined {
  const first = elements(text, tag)[0];
  return first === undefined ? undefined : unescapeXml(first.inner.trim());
}

/** Drops an XML declaration and a BOM so fragments can be nested into a bigger document. */
export function stripProlog(text: string): string {
  return text
    .replace(/^\uFEFF/, "")
    .replace(/^\s*<\?xml[^?]*\?>\s*/, "")
    .trim();
}

/** Content between the root element's tags; undefined when the root is not `tag`. */
export function innerOfRoot(text: string, tag: string): string | undefined {
  const body = stripProlog(text);
  const open = new RegExp(`^<${tag}(\\s[^>]*)?>`).exec(body);
  if (!open || !body.endsWith(`</${tag}>`)) return undefined;
  return body.slice(open[0].length, body.length - tag.length - 3).trim();
}

/** An attribute by name; safe for names such as `constructor` that plain objects inherit. */
export function attr(e: ScannedElement, name: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(e.attrs, name) ? e.attrs[name] : undefined;
}
