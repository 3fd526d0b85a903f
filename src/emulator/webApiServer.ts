/**
 * The Dataverse emulator behind a real HTTP server on 127.0.0.1, answering the Web API requests
 * the command line makes, the way Dataverse does (shared/design/dataverse-webapi-facts.md):
 * FetchXML GET with `page`/`count` paging and `@Microsoft.Dynamics.CRM.morerecords`, annotations
 * only when `Prefer: odata.include-annotations` asks for them, upsert by alternate key (PATCH,
 * 204 with the key URL in OData-EntityId), create (POST), update and delete by id (PATCH and
 * DELETE on `set(<guid>)`), OData error bodies, bearer tokens. The server's own token runs as the
 * system (application) user; a token in `users` runs as that persona, its security roles enforced.
 * Anything else is answered 501 with a message naming it: a test can never pass against a
 * request this server silently ignored. Faults (429 with Retry-After, 5xx) and latency are injected.
 * Query options are refused as the service refuses them (odataOptions.ts) and every FetchXML query
 * is validated against Fetch.xsd (fetchSchema.node.ts) before the emulator answers it.
 * The `Merge` action (POST Merge, merge.ts) and impersonation (`MSCRMCallerID` by systemuser id,
 * `CallerObjectId` by Entra object id: impersonate-another-user-web-api) are answered as well.
 * Used by the CLI tests and bench/vet-43k.ts.
 */
import { createServer, IncomingMessage, ServerResponse } from "http";
import { AddressInfo } from "net";
import { DataverseEmulator, EmulatorHost, ImpersonatingHost } from "./dataverseEmulator";
import { fetchXsdAvailable, fetchXsdCheck } from "./fetchSchema.node";
import { Persona } from "./security";
import { API_PREFIX, answerBatch, errorAnswer, odataError, routeRequest } from "./webApiRoutes";

export type { Answer } from "./webApiRoutes";
export { errorAnswer };
/** The documented GET URL limit; the status for going past it is not documented (we answer 414). */
export const MAX_URL_LENGTH = 32768;
/** Request heads the server reads (URL + headers): room for a URL past the limit, so it gets its 414. */
const MAX_HEADER_BYTES = 64 * 1024;

interface ServerRequest {
  method: string;
  /** Path and query after /api/data/v9.2/, decoded. */
  resource: string;
  entitySet: string;
  /** The FetchXML of a GET, decoded. */
  fetchXml?: string;
  body?: unknown;
  headers: IncomingMessage["headers"];
}

export interface InjectedFault {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface WebApiServerOptions {
  emulator: DataverseEmulator;
  /** The bearer token of the system (application) user: its requests are not checked. */
  token: string;
  /** Bearer token -> the persona its requests run as. Any token neither here nor `token` gets 401. */
  users?: Record<string, Persona>;
  latencyMs?: number;
  /** Return a fault for a request (it is recorded either way). */
  fault?: (request: ServerRequest, index: number) => InjectedFault | undefined;
  /**
   * Checks every FetchXML query before the emulator answers it (an EmulatorError 400 refuses it).
   * By default: Fetch.xsd (fetchSchema.node.ts) when the schemas are there; `false`: none.
   */
  checkQuery?: ((fetchXml: string) => Promise<void>) | false;
  /**
   * How long an idle keep-alive connection stays open (Node's default: 5 s). A bench whose server
   * and client both stall for seconds under load raises it: a client that reuses a connection the
   * server has just closed loses that request ("fetch failed"), and a lost `$batch` is not resent.
   */
  keepAliveTimeoutMs?: number;
}

export interface WebApiServer {
  url: string;
  requests: ServerRequest[];
  /** The most requests in flight at once. */
  maxInFlight: number;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    "OData-Version": "4.0",
    ...(body === undefined ? {} : { "Content-Type": "application/json; odata.metadata=minimal" }),
    ...headers,
  });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startWebApiServer(options: WebApiServerOptions): Promise<WebApiServer> {
  const requests: ServerRequest[] = [];
  let inFlight = 0;
  const state = { maxInFlight: 0 };
  const { emulator } = options;
  const personaHosts = new Map<string, ImpersonatingHost>();
  const checkQuery =
    options.checkQuery === false
      ? undefined
      : (options.checkQuery ?? (fetchXsdAvailable() ? fetchXsdCheck() : undefined));

  /** Who the bearer token signs in: the system user (the emulator itself), a persona, or nobody. */
  function hostFor(authorization: string | undefined): ImpersonatingHost | undefined {
    const token = /^Bearer (.+)$/.exec(authorization ?? "")?.[1];
    if (token === undefined) return undefined;
    if (token === options.token) return emulator;
    const persona = options.users && Object.hasOwn(options.users, token) ? options.users[token] : undefined;
    if (!persona) return undefined;
    let host = personaHosts.get(token);
    if (!host) {
      host = emulator.as(persona);
      personaHosts.set(token, host);
    }
    return host;
  }

  /**
   * The host a request acts as: the signed-in user, or the user an impersonation header names
   * (`MSCRMCallerID`: systemuser id; `CallerObjectId`: Entra object id, looked up on systemuser).
   * An object id no user has answers 404, as for a systemuser id the org does not have.
   */
  function impersonating(signedIn: ImpersonatingHost, headers: IncomingMessage["headers"]): EmulatorHost {
    const header = (name: string) => {
      const value = headers[name];
      return typeof value === "string" && value.trim() ? value.trim() : undefined;
    };
    const byUserId = header("mscrmcallerid");
    const byObjectId = header("callerobjectid");
    if (byUserId) return signedIn.onBehalfOf(byUserId);
    if (byObjectId) return signedIn.onBehalfOf(emulator.userIdOfObjectId(byObjectId) ?? byObjectId);
    return signedIn;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, base: string): Promise<void> {
    const rawUrl = req.url ?? "/";
    if (!rawUrl.startsWith(API_PREFIX))
      return send(res, 404, {
        error: { code: "", message: `No HTTP resource was found that matches the request URI '${rawUrl}'.` },
      });
    const rawResource = rawUrl.slice(API_PREFIX.length);
    const [pathPart, queryPart = ""] = rawResource.split("?", 2);
    const setMatch = /^(\w+)(?:\((.*)\))?$/.exec(decodeURIComponent(pathPart));
    const text = await readBody(req);
    const isBatch = pathPart === "$batch";
    let body: unknown;
    if (text && !isBatch) {
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        return send(res, 400, { error: { code: "0x80040216", message: "The request body is not valid JSON." } });
      }
    }
    const query = new URLSearchParams(queryPart);
    const request: ServerRequest = {
      method: req.method ?? "GET",
      resource: decodeURIComponent(rawResource),
      entitySet: setMatch?.[1] ?? pathPart,
      fetchXml: query.get("fetchXml") ?? undefined,
      body: isBatch ? text : body,
      headers: req.headers,
    };
    const index = requests.push(request) - 1;
    if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));

    const signedIn = hostFor(req.headers.authorization);
    if (!signedIn) {
      res.writeHead(401, {
        "WWW-Authenticate": `Bearer authorization_uri=https://login.microsoftonline.com/common/oauth2/authorize, resource_id=${base}`,
      });
      return void res.end();
    }
    const fault = options.fault?.(request, index);
    if (fault) return send(res, fault.status, fault.body, fault.headers);
    if (rawUrl.length > MAX_URL_LENGTH)
      return send(res, 414, odataError(414, `URL longer than ${MAX_URL_LENGTH} characters`).body);
    const host = impersonating(signedIn, req.headers);
    if (isBatch) {
      if (request.method !== "POST")
        return send(res, 405, odataError(405, "The $batch resource only accepts POST").body);
      const answer = await answerBatch(
        host,
        { contentType: req.headers["content-type"], prefer: String(req.headers.prefer ?? ""), body: text, base },
        checkQuery,
      );
      res.writeHead(answer.status, answer.headers);
      return void res.end(answer.body);
    }
    const answer = await routeRequest(host, request.method, rawResource, body, req.headers, base, checkQuery);
    return send(res, answer.status, answer.body, answer.headers);
  }

  // Node refuses request heads over 16 KB (431, before any handler runs), so a 20 KB FetchXML GET
  // that Dataverse serves would fail here alone. Take heads up to 64 KB and let the documented
  // URL limit (MAX_URL_LENGTH, answered 414 below) be the only one that binds.
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => {
    inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, inFlight);
    const base = `http://${req.headers.host ?? "127.0.0.1"}`;
    handle(req, res, base)
      .catch((error: unknown) => {
        const answer = errorAnswer(error);
        if (!res.headersSent) send(res, answer.status, answer.body);
      })
      .finally(() => inFlight--);
  });
  if (options.keepAliveTimeoutMs !== undefined) server.keepAliveTimeout = options.keepAliveTimeoutMs;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get maxInFlight() {
      return state.maxInFlight;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
