/**
 * The Web API's `$batch` wire format (OData 4.0 Part 1 §11.7, multipart/mixed; Dataverse:
 * powerapps-docs `webapi/execute-batch-operations-using-web-api.md`, summarised in
 * shared/design/dataverse-webapi-facts.md §4): MIME parts delimited by `--<boundary>` lines, each
 * part either an `application/http` message (a request or a response: start line, headers, blank
 * line, body) or, for a change set, a nested `multipart/mixed` body of such parts. Lines end with
 * CRLF. Used by the Node client (httpWebApi.ts) to write requests and read responses, and by the
 * emulator's HTTP server to read requests and write responses; the tests feed both the docs' own
 * request and response bodies.
 */

const CRLF = "\r\n";

/** A body the format cannot be read from: the service answers 400 (the emulator), the client fails it as malformed. */
export class MultipartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MultipartError";
  }
}

/** Header names in lower case (HTTP headers are case-insensitive). */
export type Headers = Map<string, string>;

export interface MimePart {
  headers: Headers;
  body: string;
}

/** An `application/http` message: a request (`POST /api/data/v9.2/tasks HTTP/1.1`) or a response (`HTTP/1.1 204 No Content`). */
export interface HttpMessage {
  startLine: string;
  headers: Headers;
  body: string;
}

/** The `boundary` parameter of a multipart Content-Type (quoted or not), or undefined. */
export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType || !/^\s*multipart\/mixed\s*;/i.test(contentType)) return undefined;
  const m = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^\s;]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

function parseHeaders(text: string): Headers {
  const headers: Headers = new Map();
  if (!text) return headers;
  for (const line of text.split(CRLF)) {
    const colon = line.indexOf(":");
    if (colon <= 0) throw new MultipartError(`not a header line: ${JSON.stringify(line.slice(0, 80))}`);
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

/** Headers, a blank line, the rest: the shape of a MIME part and of an HTTP message after its start line. */
function headersAndBody(text: string): { headers: Headers; body: string } {
  if (text.startsWith(CRLF)) return { headers: new Map(), body: text.slice(2) };
  const end = text.indexOf(CRLF + CRLF);
  if (end < 0) return { headers: parseHeaders(text), body: "" };
  return { headers: parseHeaders(text.slice(0, end)), body: text.slice(end + 4) };
}

/**
 * The parts of a multipart body (RFC 2046 §5.1.1): a delimiter is `--boundary` at the start of a
 * line, the close delimiter `--boundary--`; the CRLF before a delimiter belongs to it, not to the
 * part. Anything before the first delimiter (the preamble) is ignored.
 */
export function splitMultipart(body: string, boundary: string): MimePart[] {
  const delimiter = `--${boundary}`;
  let at = body.startsWith(delimiter) ? 0 : body.indexOf(CRLF + delimiter);
  if (at < 0) throw new MultipartError(`no --${boundary} delimiter in the body`);
  if (at > 0) at += 2;
  const parts: MimePart[] = [];
  for (;;) {
    at += delimiter.length;
    if (body.startsWith("--", at)) return parts; // the close delimiter
    // Transport padding (spaces, tabs) may follow a delimiter before its CRLF.
    while (body[at] === " " || body[at] === "\t") at++;
    if (!body.startsWith(CRLF, at)) throw new MultipartError(`the delimiter --${boundary} is not followed by CRLF`);
    at += 2;
    const next = body.indexOf(CRLF + delimiter, at);
    if (next < 0) throw new MultipartError(`no close delimiter --${boundary}-- after the last part`);
    parts.push(headersAndBody(body.slice(at, next)));
    at = next + 2;
  }
}

/** An `application/http` part's content: its start line, headers and body (trailing blank lines dropped). */
export function parseHttpMessage(text: string): HttpMessage {
  const lineEnd = text.indexOf(CRLF);
  const startLine = (lineEnd < 0 ? text : text.slice(0, lineEnd)).trim();
  if (!startLine) throw new MultipartError("an application/http part without a request or status line");
  const { headers, body } =
    lineEnd < 0 ? { headers: new Map<string, string>(), body: "" } : headersAndBody(text.slice(lineEnd + 2));
  return { startLine, headers, body: body.replace(/(\r\n)+$/, "") };
}

/** `HTTP/1.1 204 No Content` -> 204. */
export function statusOf(message: HttpMessage): number {
  const m = /^HTTP\/\d\.\d\s+(\d{3})\b/.exec(message.startLine);
  if (!m) throw new MultipartError(`not a status line: ${JSON.stringify(message.startLine.slice(0, 80))}`);
  return Number(m[1]);
}

/** One part of a body being written: its MIME headers and content. */
export interface PartOut {
  headers: Record<string, string>;
  content: string;
}

/** A multipart body with CRLF line endings, ending with the close delimiter and a CRLF (the service needs it). */
export function writeMultipart(boundary: string, parts: PartOut[]): string {
  const out: string[] = [];
  for (const part of parts) {
    out.push(`--${boundary}`);
    for (const [name, value] of Object.entries(part.headers)) out.push(`${name}: ${value}`);
    out.push("", part.content);
  }
  out.push(`--${boundary}--`, "");
  return out.join(CRLF);
}

/** An `application/http` message's text: start line, headers, blank line, body. */
export function writeHttpMessage(startLine: string, headers: Record<string, string>, body = ""): string {
  return [startLine, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), "", body].join(CRLF);
}
