/**
 * An in-memory Microsoft Graph for the endpoints PartnerGuard reads, answering the way the Graph
 * documentation shows: `$batch` (items in any order, each with its own status and a
 * `Content-Type: application/json` header), the GDAP and contracts lists filtered on the
 * customer (paged with an absolute `@odata.nextLink`), and findTenantInformationByTenantId.
 * Transport-free: the playground server and the tests put it behind HTTP.
 */
interface GraphTenant {
  tenantId: string;
  displayName: string;
  defaultDomainName: string;
}

export interface GraphData {
  tenants: GraphTenant[];
  /** delegatedAdminRelationship objects, as Graph returns them. */
  relationships: Record<string, unknown>[];
  /** contract objects, as Graph returns them. */
  contracts: Record<string, unknown>[];
}

interface GraphAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface GraphEmulatorOptions {
  /** Rows per list page (Graph's own page size is larger; small pages exercise paging). */
  pageSize?: number;
  /** Replace the answer to one GET (inside a batch or not): faults for tests and demos. */
  fault?: (path: string) => GraphAnswer | undefined;
  /** Answer batch items in reverse order, as Graph may. */
  reverseBatch?: boolean;
}

const JSON_HEADERS = { "Content-Type": "application/json" };
const ODATA_HEADERS = {
  "Cache-Control": "no-cache",
  "OData-Version": "4.0",
  "Content-Type": "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8",
};

function graphError(status: number, code: string, message: string): GraphAnswer {
  return {
    status,
    headers: JSON_HEADERS,
    body: {
      error: {
        code,
        message,
        innerError: { date: "2026-11-24T12:00:00", "request-id": "00000000-0000-4000-8000-000000000000" },
      },
    },
  };
}

export class GraphEmulator {
  constructor(
    private readonly data: GraphData,
    private readonly options: GraphEmulatorOptions = {},
  ) {}

  /** Handles one HTTP request; `path` includes the version segment and query, `origin` is used for absolute links. */
  handle(method: string, path: string, body: unknown, origin: string): GraphAnswer {
    const versionAt = path.indexOf("/v1.0/");
    if (versionAt < 0) return graphError(404, "BadRequest", "unsupported version");
    const root = `${origin}${path.slice(0, versionAt)}/v1.0`;
    const relative = path.slice(versionAt + "/v1.0".length);
    if (method === "POST" && relative === "/$batch") return this.batch(body, root);
    if (method === "GET") return this.get(relative, root);
    return graphError(405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.");
  }

  private batch(body: unknown, root: string): GraphAnswer {
    const requests = (body as { requests?: unknown } | null)?.requests;
    if (!Array.isArray(requests) || requests.length > 20)
      return graphError(400, "BadRequest", "Invalid batch payload.");
    const responses = requests.map((r: { id?: unknown; url?: unknown; method?: unknown }) => {
      const url = typeof r.url === "string" ? (r.url.startsWith("/") ? r.url : `/${r.url}`) : "";
      const answer =
        r.method === "GET"
          ? this.get(url, root)
          : graphError(405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.");
      return { id: r.id, status: answer.status, headers: answer.headers, body: answer.body };
    });
    if (this.options.reverseBatch) responses.reverse();
    return { status: 200, headers: JSON_HEADERS, body: { responses } };
  }

  private get(relative: string, root: string): GraphAnswer {
    const faulted = this.options.fault?.(relative);
    if (faulted) return faulted;
    const [path, query = ""] = relative.split("?", 2);
    const params = new URLSearchParams(query.replace(/\+/g, "%2B"));
    const filter = params.get("$filter") ?? "";
    const skip = Number(params.get("$skiptoken") ?? 0) || 0;
    if (path === "/tenantRelationships/delegatedAdminRelationships") {
      const m = /^customer\/tenantId eq '([0-9a-f-]{36})'$/i.exec(filter);
      if (!m) return graphError(400, "BadRequest", "Unsupported filter.");
      const rows = this.data.relationships.filter(
        (r) => String((r.customer as { tenantId?: string } | undefined)?.tenantId).toLowerCase() === m[1].toLowerCase(),
      );
      return this.page(
        rows,
        skip,
        `${root}${path}?$filter=${encodeURIComponent(filter)}`,
        `${root}/tenantRelationships/$metadata#delegatedAdminRelationships`,
      );
    }
    if (path === "/contracts") {
      const m = /^customerId eq ([0-9a-f-]{36})$/i.exec(filter);
      if (!m) return graphError(400, "BadRequest", "Unsupported filter.");
      const rows = this.data.contracts.filter((c) => String(c.customerId).toLowerCase() === m[1].toLowerCase());
      return this.page(
        rows,
        skip,
        `${root}${path}?$filter=${encodeURIComponent(filter)}`,
        `${root}/$metadata#contracts`,
      );
    }
    const info = /^\/tenantRelationships\/findTenantInformationByTenantId\(tenantId='([0-9a-f-]{36})'\)$/i.exec(path);
    if (info) {
      const tenant = this.data.tenants.find((t) => t.tenantId.toLowerCase() === info[1].toLowerCase());
      if (!tenant) return graphError(404, "Request_ResourceNotFound", `Tenant ${info[1]} not found.`);
      return {
        status: 200,
        headers: ODATA_HEADERS,
        body: {
          "@odata.context": `${root}/$metadata#microsoft.graph.tenantInformation`,
          federationBrandName: null,
          ...tenant,
        },
      };
    }
    return graphError(404, "Request_ResourceNotFound", `Resource not found for the segment '${path}'.`);
  }

  private page(rows: Record<string, unknown>[], skip: number, selfLink: string, context: string): GraphAnswer {
    const size = this.options.pageSize ?? 100;
    const value = rows.slice(skip, skip + size);
    const body: Record<string, unknown> = { "@odata.context": context, value };
    if (skip + size < rows.length) body["@odata.nextLink"] = `${selfLink}&$skiptoken=${skip + size}`;
    return { status: 200, headers: ODATA_HEADERS, body };
  }
}
