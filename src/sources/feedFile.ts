/**
 * The partner feed's file formats: CSV with a header (delimiter sniffed: Excel writes `;` in much
 * of Europe, tab for "Unicode text"), or JSON (an array of objects with the same keys). One reader
 * for the playground's demo data, feed imports and offline vetting; what makes a row valid is the
 * core's (src/core/feed.ts).
 */
import { isObject } from "../core/json";
import { messageOf } from "./failures";
import { parse } from "csv-parse/sync";
import { FeedError, FeedParseResult, validateFeedRecords } from "../core/feed";

/** The delimiters a feed may use: Excel writes `;` where the decimal separator is a comma, tab for "Unicode text". */
export type CsvDelimiter = "," | ";" | "\t";

/**
 * The candidate that occurs most often outside quotes in the header line (a header names
 * columns: no stray delimiters). Comma when the header holds none of them.
 */
export function sniffDelimiter(text: string): CsvDelimiter {
  const counts: Record<CsvDelimiter, number> = { ",": 0, ";": 0, "\t": 0 };
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === "\n" || ch === "\r")) break;
    else if (!quoted && (ch === "," || ch === ";" || ch === "\t")) counts[ch]++;
  }
  const best = (Object.entries(counts) as [CsvDelimiter, number][]).sort((a, b) => b[1] - a[1])[0];
  // Stryker disable next-line ConditionalExpression,EqualityOperator: with no delimiter counted the first candidate is "," anyway
  return best[1] > 0 ? best[0] : ",";
}

export function parseFeedCsv(content: string, options: { delimiter?: CsvDelimiter } = {}): FeedParseResult {
  const errors: FeedError[] = [];
  let records: { raw: unknown; line: number }[];
  // Stryker disable next-line Regex,StringLiteral: a BOM is only ever the first character, and sniffing ignores text without delimiters
  const delimiter = options.delimiter ?? sniffDelimiter(content.replace(/^\uFEFF/, ""));
  try {
    const parsed: { record: Record<string, string>; info: { lines: number } }[] = parse(content, {
      delimiter,
      columns: (header: string[]) => header.map((h) => h.trim()),
      skip_empty_lines: true,
      relax_column_count: true,
      // Stryker disable next-line BooleanLiteral: the header names are trimmed, and trim() removes a BOM too
      bom: true,
      info: true,
    });
    records = parsed.map((p) => ({ raw: p.record, line: p.info.lines }));
  } catch (e) {
    const line = isObject(e) && typeof e.lines === "number" ? e.lines : 0;
    return { rows: [], errors: [{ line, message: `unreadable CSV: ${messageOf(e)}` }] };
  }
  if (records.length) {
    const header = Object.keys(records[0].raw as object);
    if (!header.includes("customerAccountId")) {
      const shown = header.join(delimiter === "\t" ? " <tab> " : delimiter);
      return {
        rows: [],
        errors: [
          {
            line: 1,
            message: `header (${shown.slice(0, 120)}) has no customerAccountId column (read with delimiter "${delimiter === "\t" ? "tab" : delimiter}")`,
          },
        ],
      };
    }
  }
  return validateFeedRecords(records, errors);
}

export function parseFeedJson(content: string): FeedParseResult {
  let data: unknown;
  try {
    data = JSON.parse(content) as unknown;
  } catch (e) {
    return { rows: [], errors: [{ line: 0, message: `unreadable JSON: ${messageOf(e)}` }] };
  }
  if (!Array.isArray(data))
    return { rows: [], errors: [{ line: 0, message: "JSON feed must be an array of objects" }] };
  return validateFeedRecords(data.map((raw: unknown, i) => ({ raw, line: i + 1 })));
}

/** Parse by content: JSON when it starts with `[`, CSV otherwise (delimiter sniffed unless given). */
export function parseFeed(content: string, options: { delimiter?: CsvDelimiter } = {}): FeedParseResult {
  return content
    .replace(/^\uFEFF/, "")
    .trimStart()
    .startsWith("[")
    ? parseFeedJson(content.replace(/^\uFEFF/, ""))
    : parseFeedCsv(content, options);
}
