/**
 * An in-memory Dataverse that answers the subset of the Web API PartnerGuard uses, the way the
 * platform does (see shared/design/dataverse-webapi-facts.md): FetchXML with hierarchy and `in`
 * conditions, outer/inner link-entities, `page`/`count` paging, null columns omitted, lookups as
 * `_x_value` (root) or `alias.x` (link-entity) with formatted values. It records every request and
 * throws on anything it does not implement, so a test can never pass against a silent stub.
 * Before evaluating, it refuses (400) what Dataverse refuses in a query (queryCheck.ts,
 * odataOptions.ts), then answers 501 for valid FetchXML it does not evaluate (unimplemented.ts).
 *
 * Every created row carries the server-set columns (serverColumns.ts). The emulator itself runs
 * as the system user, which holds every privilege; `as(persona)` answers as a signed-in user
 * whose security roles are enforced (security.ts) at the depth of its business unit
 * (businessUnits.ts), with column-level security from its field security profiles
 * (fieldSecurity.ts). A host can act on behalf of another user (`onBehalfOf`, impersonation) and
 * merge two rows (`merge`, merge.ts), as the platform does (test/emulator/platformBehaviours.test.ts).
 *
 * Used by the playground (in the browser), the tests, and the local Web API server of bench/.
 */
import { XMLParser } from "fast-xml-parser";
import { RoleTable, SecurityRoleIds, ServerColumns, SystemUser, SystemUserRoles } from "../schema";
import { isCalendarDate } from "../core/dates";
import { FORMATTED, Row, normalizeGuid } from "../sources/webApi";
import { BusinessUnits, ROOT_BUSINESS_UNIT } from "./businessUnits";
import { ROLES } from "../pack/model/roles";
import type {
  BatchPost,
  BatchReply,
  CellValue,
  EmulatorHost,
  ImpersonatingHost,
  LookupValue,
  MergeRequest,
  Record_,
  RequestRecord,
  TableDefinition,
} from "./emulatorTypes";
import { mergeInto } from "./merge";
import { answerBatch } from "./webApiRoutes";
import { EmulatorError } from "./emulatorError";
import { attributeMetadataId } from "./fieldSecurity";
import { checkODataOptions } from "./odataOptions";
import { MAX_PAGE_SIZE, checkFetchXml } from "./queryCheck";
import { OrgPrivileges, Persona, PersonaAccess } from "./security";
import { createdColumns, isServerSet, stampModified } from "./serverColumns";
import { unimplementedIn } from "./unimplemented";

export { EmulatorError } from "./emulatorError";

export type {
  CellValue,
  EmulatorHost,
  ImpersonatingHost,
  LookupValue,
  MergeRequest,
  Record_,
  RequestRecord,
  TableDefinition,
} from "./emulatorTypes";

interface Fault {
  status: number;
  message: string;
  /** Seconds, as the service's Retry-After header says them on 429 (service protection). */
  retryAfterSeconds?: number;
}

export interface EmulatorOptions {
  /** Return a fault (or "hang" for a request that never answers) for a request. */
  fault?: (request: RequestRecord) => Fault | "hang" | undefined;
  latencyMs?: number;
  /** The server's clock (ms since the epoch) for createdon/modifiedon; Date.now when absent. */
  clock?: () => number;
  /**
   * A further check of every FetchXML query before it is evaluated (fetchSchema.node.ts validates
   * against Fetch.xsd); it throws an EmulatorError 400 for a query the service would refuse.
   */
  checkQuery?: (fetchXml: string) => Promise<void>;
  /**
   * The calling user's time zone (IANA name; the user's UserSettings in Dataverse), in which the
   * relative date operators (`today`, `yesterday`, `next-x-years`, `olderthan-x-days`) count days.
   * UTC when absent.
   */
  timeZone?: string;
  /**
   * Keep a query's whole (sorted, projected) result between its pages until the next write, so
   * paging through a table of a million rows costs one evaluation, not one per page. For benches:
   * rows changed behind the emulator's back (not through it or `insert`) would be missed.
   */
  cacheResults?: boolean;
}

/** Query results the emulator keeps between pages (cacheResults), the most recent ones. */
const CACHED_RESULTS = 8;

/** The user the unsecured emulator acts as (the system or application user); no systemuser row is inserted for it. */
export const SYSTEM_USER_ID = "00000000-0000-4000-a000-000000000001";

/**
 * Who performs an operation: the system user (no checks), or a persona whose privileges are
 * checked. On behalf of another user, `userId`/`access` are the impersonated user's and
 * `delegate` the caller who sent it; `refusal` is what the request answers before anything else
 * (an impersonated user that does not exist).
 */
interface Caller {
  userId: string;
  access?: PersonaAccess;
  delegate?: Caller;
  refusal?: EmulatorError;
  /** Inside a change set: how to undo each write, newest last. */
  undo?: (() => void)[];
  /** Inside a `$batch`: the batch was the request on the wire (its latency, its record). */
  inBatch?: true;
}

const SYSTEM: Caller = { userId: SYSTEM_USER_ID };

/** A create or update body, read. */
interface Body {
  /** Columns to store (server-set columns left out). */
  values: Record_;
  /** Lookups the body sets (`x@odata.bind`) or clears (null), by column: these need Append/AppendTo. */
  lookups: Map<string, LookupValue | null>;
  /** `ownerid@odata.bind`: setting the owner is an assignment, not an append. */
  owner?: LookupValue;
  overriddenCreatedOn?: unknown;
}

/**
 * A row of a table as the query's caller reads it: undefined beyond its Read depth, else the row
 * with the secured columns it may not read left out.
 */
type Reader = (table: string, row: Record_) => Record_ | undefined;

export type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "",
  isArray: (name, _path, _leaf, isAttribute) =>
    !isAttribute && ["attribute", "condition", "link-entity", "filter", "order", "value"].includes(name),
});

/**
 * A value the Web API cannot take for the column is refused as the service refuses it: a date-only
 * column is `Edm.Date` ("2026-06-01"; "Cannot convert the literal … to the expected type
 * 'Edm.Date'", platform-facts F), another date column `Edm.DateTimeOffset`, and a choice column only
 * takes its options' values (the platform's validation error, 0x80044331 family: "A validation
 * error occurred. The value … of '…' on record of type '…' is outside the valid range." [community]).
 */
function checkValue(entity: string, def: TableDefinition, column: string, value: unknown): void {
  if (value === null || value === undefined) return;
  const date = def.dates?.[column];
  const literal = typeof value === "string" ? value : JSON.stringify(value);
  if (date === "date" && (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value) || !isCalendarDate(value)))
    throw new EmulatorError(400, `Cannot convert the literal '${literal}' to the expected type 'Edm.Date'.`, "0x0");
  if (
    date === "datetime" &&
    (typeof value !== "string" ||
      !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(value) ||
      Number.isNaN(Date.parse(value)))
  )
    throw new EmulatorError(
      400,
      `Cannot convert the literal '${literal}' to the expected type 'Edm.DateTimeOffset'.`,
      "0x0",
    );
  const options = def.choices?.[column];
  if (options && !(typeof value === "number" && Object.hasOwn(options, value)))
    throw new EmulatorError(
      400,
      `A validation error occurred. The value ${literal} of '${column}' on record of type '${entity}' is outside the valid range.`,
      "0x80044331",
    );
}

function isLookup(v: CellValue): v is LookupValue {
  return typeof v === "object" && v !== null && "$lookup" in v;
}

function newGuid(counter: number): string {
  const hex = counter.toString(16).padStart(12, "0");
  return `00000000-0000-4000-8000-${hex}`;
}

const linksOf = (node: XmlNode): XmlNode[] => (node["link-entity"] as XmlNode[] | undefined) ?? [];

/** The link-entities inside a table's filters, nested filters included (filter link types, `any` …). */
function filterLinksOf(node: XmlNode): XmlNode[] {
  const found: XmlNode[] = [];
  const inFilter = (filter: XmlNode): void => {
    found.push(...linksOf(filter));
    for (const inner of (filter.filter as XmlNode[] | undefined) ?? []) inFilter(inner);
  };
  for (const filter of (node.filter as XmlNode[] | undefined) ?? []) inFilter(filter);
  return found;
}

/** The calendar day ("YYYY-MM-DD") of an instant in a time zone. */
function dayIn(instant: number, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(
    instant,
  );
}

/** A calendar day moved by whole days and years ("2026-12-04" + 1 day = "2026-12-05"). */
function shiftDay(day: string, days: number, years = 0): string {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(Date.UTC(y + years, m - 1, d + days)).toISOString().slice(0, 10);
}

/**
 * FetchXML's relative date operators (powerapps-docs `fetchxml/reference/operators.md`): `today`
 * "The value equals today's date", `yesterday`, `next-x-years` "within the next specified number of
 * years", `olderthan-x-days` "older than the specified number of days". Days are the calling user's
 * (`timeZone`). A date-only value ("2026-06-01", `Edm.Date`) is that day at 00:00 and is never
 * shifted; a date-and-time value is an instant. Where the docs do not say where the line falls
 * inside a day, the emulator reads "next" as from now and "older than X days" as before now minus
 * X days, and says so (docs/architecture.md, "Views"); the views combine the operators so that the
 * other reading gives the same rows.
 */
function relativeDate(
  operator: string,
  column: string,
  actual: CellValue,
  value: unknown,
  now: number,
  timeZone: string,
): boolean {
  if (actual === undefined || actual === null) return false;
  const dateOnly = typeof actual === "string" && /^\d{4}-\d{2}-\d{2}$/.test(actual);
  const instant = typeof actual === "string" && !dateOnly ? Date.parse(actual) : NaN;
  if (!dateOnly && Number.isNaN(instant))
    throw new EmulatorError(400, `emulator: ${operator} compares dates; ${column} holds ${JSON.stringify(actual)}`);
  const day = dateOnly ? actual : dayIn(instant, timeZone);
  const today = dayIn(now, timeZone);
  if (operator === "today") return day === today;
  if (operator === "yesterday") return day === shiftDay(today, -1);
  const x = typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!(x >= 1))
    throw new EmulatorError(
      400,
      `Invalid value specified for type. (${operator} on ${column} needs a whole number of at least 1, got ${String(value)})`,
      "0x80041108",
    );
  if (operator === "next-x-years") {
    // From now to the end of the day X years ahead: a date-only day starts at 00:00, so today's is past.
    const last = shiftDay(today, 0, x);
    return (dateOnly ? day > today : instant >= now) && day <= last;
  }
  // olderthan-x-days: before now minus X days (a date-only day by its 00:00).
  return dateOnly ? day <= dayIn(now - x * 86_400_000, timeZone) : instant < now - x * 86_400_000;
}

export class DataverseEmulator implements ImpersonatingHost {
  readonly requests: RequestRecord[] = [];
  /** The org's business units and who is in which (Local and Deep depths). */
  readonly businessUnits = new BusinessUnits();
  /** Every persona that signed in (`as`), by user id: impersonation acts with their privileges. */
  private readonly personas = new Map<string, Persona>();
  /** The most requests that were in flight at once (proves parallel reads). */
  maxInFlight = 0;
  private inFlight = 0;
  private readonly tables = new Map<string, Record_[]>();
  private created = 0;
  /** Column indexes (value -> row positions), built on demand and dropped on every write. */
  private readonly indexes = new Map<string, Map<string, number[]>>();
  /** Per parsed condition: its `in` values, or the ancestry set of a hierarchy condition. */
  private readonly conditionCache = new WeakMap<XmlNode, Set<string>>();
  /** Whole results by caller and query without its page (cacheResults), with the tables each query reads. */
  private readonly results = new Map<string, { rows: Row[]; tables: Set<string> }>();

  /**
   * After any write: indexes and cached results are stale; after an update of a row in place, only
   * the indexes of the columns it wrote (`table` and `columns`), and the results of queries that read
   * that table (its root or a link-entity). A query of another table shows a row of this one only as
   * a lookup's formatted value, its primary name: writing that column makes every result stale.
   */
  private changed(table?: string, columns?: string[]): void {
    if (table === undefined || columns === undefined) {
      this.results.clear();
      return this.indexes.clear();
    }
    const name = this.definitions[table]?.primaryName;
    if (name === undefined || columns.includes(name)) this.results.clear();
    else for (const [key, result] of this.results) if (result.tables.has(table)) this.results.delete(key);
    for (const column of columns) this.indexes.delete(`${table}|${column}`);
  }

  constructor(
    private readonly definitions: Record<string, TableDefinition>,
    private readonly options: EmulatorOptions = {},
  ) {
    for (const name of Object.keys(definitions)) this.tables.set(name, []);
  }

  setOptions(options: EmulatorOptions): void {
    Object.assign(this.options, options);
  }

  table(name: string): Record_[] {
    const rows = this.tables.get(name);
    if (!rows) throw new EmulatorError(404, `emulator: no table ${name}`);
    return rows;
  }

  /** Put a row in as it is (test data): no server columns, no checks. */
  insert(name: string, record: Record_): void {
    this.table(name).push(record);
    this.changed();
  }

  retrieveMultipleRecords(entity: string, options?: string): Promise<{ entities: Row[]; nextLink?: string }> {
    return this.retrieve(SYSTEM, entity, options);
  }

  createRecord(entity: string, data: Row): Promise<{ id: string; entityType: string }> {
    return this.create(SYSTEM, entity, data);
  }

  updateRecord(entity: string, id: string, data: Row): Promise<{ id: string; entityType: string }> {
    return this.update(SYSTEM, entity, id, data);
  }

  deleteRecord(entity: string, id: string): Promise<{ id: string; entityType: string }> {
    return this.delete(SYSTEM, entity, id);
  }

  /**
   * Upsert by alternate key (PATCH on `set(key=value,...)` without If-Match): key values in the URL
   * win on update; on create, body values for key columns are used, else the URL's are copied in.
   */
  upsertByKey(
    entity: string,
    key: Record<string, string | number>,
    data: Row,
  ): Promise<{ id: string; created: boolean }> {
    return this.upsert(SYSTEM, entity, key, data);
  }

  /** One page of a FetchXML query with the Web API's "more records" flag (the HTTP server uses it). */
  fetchXmlPage(entity: string, fetchXml: string): Promise<{ entities: Row[]; moreRecords: boolean }> {
    return this.page(SYSTEM, entity, fetchXml);
  }

  merge(request: MergeRequest): Promise<void> {
    return this.mergeAs(SYSTEM, request);
  }

  webApiGet(path: string): Promise<unknown> {
    return this.get(SYSTEM, path);
  }

  transaction(): { host: EmulatorHost; rollback(): void } {
    return this.transactionOf(SYSTEM);
  }

  batch(request: BatchPost): Promise<BatchReply> {
    return this.hostOf(SYSTEM).batch(request);
  }

  /** A change set as `caller`: writes through the host log how to undo them; rollback undoes them, newest first. */
  private transactionOf(caller: Caller): { host: EmulatorHost; rollback(): void } {
    const undo: (() => void)[] = [];
    return {
      host: this.hostOf({ ...caller, undo }),
      rollback: () => {
        for (const step of undo.reverse()) step();
        undo.length = 0;
        this.changed();
      },
    };
  }

  /** The system (application) user acting on behalf of a user: it holds every privilege, Delegate included. */
  onBehalfOf(userId: string): EmulatorHost {
    return this.hostOf(this.impersonated(SYSTEM, userId));
  }

  /**
   * The Web API as the persona sees it: every call is checked against the persona's privileges
   * (its roles from ROLES plus its base privileges) and recorded with its user id. The persona
   * gets a systemuser row, so lookups to it come back with its name, and joins its business unit.
   */
  as(persona: Persona): ImpersonatingHost {
    const access = new PersonaAccess(persona, this.businessUnits);
    const caller: Caller = { userId: access.userId, access };
    this.personas.set(caller.userId, persona);
    if (persona.businessUnitId) this.businessUnits.assign(caller.userId, persona.businessUnitId);
    const users = this.tables.get(SystemUser.logicalName);
    const known = users?.find((u) => this.idOf(u[SystemUser.id]) === caller.userId);
    const objectId = persona.objectId ? { [SystemUser.objectId]: persona.objectId.toLowerCase() } : {};
    if (known) {
      // A user row always says whether the user is enabled (systemuser.isdisabled is never null).
      Object.assign(known, { isdisabled: known.isdisabled ?? false }, objectId);
      this.changed();
    } else if (users)
      this.insert(SystemUser.logicalName, {
        [SystemUser.id]: caller.userId,
        fullname: persona.name,
        isdisabled: false,
        ...objectId,
      });
    this.assignRoles(caller.userId, persona);
    return { ...this.hostOf(caller), onBehalfOf: (userId) => this.hostOf(this.impersonated(caller, userId)) };
  }

  /**
   * The persona's PartnerGuard roles as the org holds them: a user is given the copy of a role
   * that belongs to the user's business unit; the root unit's copy has the id the solution ships,
   * each other unit's copy its own id with `parentrootroleid` naming the root one (role.md).
   */
  private assignRoles(userId: string, persona: Persona): void {
    if (!this.tables.has(RoleTable.logicalName) || !this.tables.has(SystemUserRoles.logicalName)) return;
    const unit = this.businessUnits.ofUser(userId);
    const root = ROOT_BUSINESS_UNIT;
    const assigned = this.table(SystemUserRoles.logicalName);
    for (const key of persona.roles) {
      const rootId = SecurityRoleIds[key];
      const roleId = unit === root ? rootId : `${rootId.slice(0, 24)}${unit.replace(/-/g, "").slice(-12)}`;
      const roles = this.table(RoleTable.logicalName);
      const lookupOf = (id: string) => ({ $lookup: RoleTable.logicalName, id });
      if (!roles.some((r) => this.idOf(r[RoleTable.id]) === roleId))
        this.insert(RoleTable.logicalName, {
          [RoleTable.id]: roleId,
          [RoleTable.name]: ROLES.find((r) => r.key === key)?.name ?? key,
          [RoleTable.parentRoot]: lookupOf(rootId),
          [RoleTable.businessUnit]: { $lookup: "businessunit", id: unit },
          [ServerColumns.owningBusinessUnit]: { $lookup: "businessunit", id: unit },
        });
      if (
        !assigned.some(
          (a) => this.idOf(a[SystemUserRoles.user]) === userId && this.idOf(a[SystemUserRoles.role]) === roleId,
        )
      )
        this.insert(SystemUserRoles.logicalName, {
          [SystemUserRoles.id]: newGuid(++this.created),
          [SystemUserRoles.user]: { $lookup: SystemUser.logicalName, id: userId },
          [SystemUserRoles.role]: lookupOf(roleId),
          [ServerColumns.owningBusinessUnit]: { $lookup: "businessunit", id: unit },
        });
    }
  }

  /** The systemuser id of the user with this Microsoft Entra object id (the `CallerObjectId` header). */
  userIdOfObjectId(objectId: string): string | undefined {
    const wanted = objectId.toLowerCase().replace(/[{}]/g, "");
    const user = this.tables.get(SystemUser.logicalName)?.find((u) => {
      const value = u[SystemUser.objectId];
      return typeof value === "string" && value.toLowerCase() === wanted;
    });
    return user ? this.idOf(user[SystemUser.id]) : undefined;
  }

  private hostOf(caller: Caller): EmulatorHost {
    return {
      retrieveMultipleRecords: (entity, options) => this.retrieve(caller, entity, options),
      createRecord: (entity, data) => this.create(caller, entity, data),
      updateRecord: (entity, id, data) => this.update(caller, entity, id, data),
      deleteRecord: (entity, id) => this.delete(caller, entity, id),
      upsertByKey: (entity, key, data) => this.upsert(caller, entity, key, data),
      fetchXmlPage: (entity, fetchXml) => this.page(caller, entity, fetchXml),
      merge: (request) => this.mergeAs(caller, request),
      transaction: () => this.transactionOf(caller),
      webApiGet: (path) => this.get(caller, path),
      batch: (request) =>
        this.answer(caller, { operation: "batch", entity: "$batch" }, () =>
          answerBatch(this.hostOf({ ...caller, inBatch: true }), request),
        ),
    };
  }

  /**
   * `delegate` acting as `userId` (impersonate-another-user-web-api): the impersonated user's
   * privileges and field security apply; a user the org does not have answers 404 on every request.
   * A systemuser row that is no persona holds no role, so every privilege check refuses it.
   */
  private impersonated(delegate: Caller, userId: string): Caller {
    const id = normalizeGuid(userId) ?? userId.toLowerCase();
    const persona = this.personas.get(id);
    const known =
      persona !== undefined || this.table(SystemUser.logicalName).some((u) => this.idOf(u[SystemUser.id]) === id);
    const access = new PersonaAccess(persona ?? { id, name: "", roles: [] }, this.businessUnits);
    return {
      userId: id,
      access,
      delegate,
      refusal: known ? undefined : new EmulatorError(404, `systemuser With Id = ${id} Does Not Exist`, "0x80040217"),
    };
  }

  // ---- Operations, as a caller ----------------------------------------------------------

  private async answer<T>(caller: Caller, request: RequestRecord, work: () => T | Promise<T>): Promise<T> {
    const recorded: RequestRecord = {
      ...request,
      ...(caller.access || caller.delegate ? { userId: caller.userId } : {}),
      ...(caller.delegate ? { callerId: caller.delegate.userId } : {}),
      ...(caller.inBatch ? { inBatch: true as const } : {}),
    };
    this.requests.push(recorded);
    const fault = this.options.fault?.(recorded);
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    try {
      if (this.options.latencyMs && !caller.inBatch) await new Promise((r) => setTimeout(r, this.options.latencyMs));
      if (fault === "hang") return await new Promise<T>(() => undefined);
      if (fault)
        throw Object.assign(new EmulatorError(fault.status, fault.message), { retryAfter: fault.retryAfterSeconds });
      // Impersonation: the caller must hold the Delegate privilege, whatever the impersonated user may do.
      caller.delegate?.access?.requirePrivilege(OrgPrivileges.actOnBehalfOfAnotherUser, "impersonation");
      if (caller.refusal) throw caller.refusal;
      return await work();
    } finally {
      this.inFlight--;
    }
  }

  private retrieve(
    caller: Caller,
    entity: string,
    options: string | undefined,
  ): Promise<{ entities: Row[]; nextLink?: string }> {
    return this.answer(caller, { operation: "retrieveMultipleRecords", entity, options }, async () => {
      // PCF passes FetchXML unencoded after `?fetchXml=` (it may hold `&amp;`): the rest is the query.
      if (!options?.startsWith("?fetchXml=")) {
        checkODataOptions(options ?? "");
        throw new EmulatorError(501, `emulator: only FetchXML queries are implemented, got ${options ?? "no options"}`);
      }
      const fetchXml = options.slice("?fetchXml=".length);
      await this.options.checkQuery?.(fetchXml);
      return { entities: this.evaluate(caller, entity, fetchXml).entities };
    });
  }

  /**
   * The GETs besides queries (EmulatorHost.webApiGet), as column-level-security.md and the function
   * reference describe them: metadata is readable by everyone; RetrievePrincipalAttributePrivileges
   * needs read access on the user row it names and lists what that user's field security profiles
   * grant (FieldSecurity.privileges), `CanRead`/`CanCreate`/`CanUpdate` as Int32 with the field
   * permission values 4 (Allowed) and 0 (Not Allowed).
   */
  private get(caller: Caller, path: string): Promise<unknown> {
    const metadata =
      /^EntityDefinitions\(LogicalName='([a-z0-9_]+)'\)\/Attributes\(LogicalName='([a-z0-9_]+)'\)\/MetadataId$/.exec(
        path,
      );
    const privileges =
      /^systemusers\(([0-9a-fA-F-]{36})\)\/Microsoft\.Dynamics\.CRM\.RetrievePrincipalAttributePrivileges\(\)$/.exec(
        path,
      );
    const entity = metadata ? "EntityDefinitions" : privileges ? SystemUser.logicalName : path.split(/[(/?]/)[0];
    return this.answer(caller, { operation: "get", entity, options: path }, () => {
      if (metadata) {
        const [, table, column] = metadata;
        const def = this.definitions[table];
        const known =
          def &&
          (column === def.primaryId ||
            column === def.primaryName ||
            !!def.columns?.includes(column) ||
            !!def.secured?.includes(column) ||
            column in (def.lookups ?? {}));
        if (!known)
          throw new EmulatorError(
            404,
            `Could not find attribute '${column}' of entity '${table}' (emulator)`,
            "0x80040217",
          );
        return { value: attributeMetadataId(table, column) };
      }
      if (privileges) {
        const userId = privileges[1].toLowerCase();
        const row = this.table(SystemUser.logicalName).find((u) => this.idOf(u[SystemUser.id]) === userId);
        if (!row) throw new EmulatorError(404, `systemuser With Id = ${userId} Does Not Exist`, "0x80040217");
        caller.access?.requireOn("Read", SystemUser.logicalName, row, userId);
        const persona = this.personas.get(userId);
        const granted = persona ? new PersonaAccess(persona, this.businessUnits).fields.privileges() : [];
        const level = (yes: boolean) => (yes ? 4 : 0);
        return {
          AttributePrivileges: granted.map((p) => ({
            AttributeId: attributeMetadataId(p.table, p.column),
            CanRead: level(p.read),
            CanCreate: level(p.create),
            CanUpdate: level(p.update),
          })),
        };
      }
      throw new EmulatorError(501, `emulator: GET ${path} is not implemented`);
    });
  }

  private page(caller: Caller, entity: string, fetchXml: string): Promise<{ entities: Row[]; moreRecords: boolean }> {
    return this.answer(
      caller,
      { operation: "retrieveMultipleRecords", entity, options: `?fetchXml=${fetchXml}` },
      async () => {
        await this.options.checkQuery?.(fetchXml);
        const { entities, total, end } = this.evaluate(caller, entity, fetchXml);
        return { entities, moreRecords: end < total };
      },
    );
  }

  private create(caller: Caller, entity: string, data: Row): Promise<{ id: string; entityType: string }> {
    return this.answer(caller, { operation: "createRecord", entity, data }, () => {
      this.definition(entity);
      caller.access?.require("Create", entity);
      // The platform refuses a lookup to a record that does not exist; the system user's writes
      // are not checked (test data may point at rows a test never inserts).
      const id = this.insertNew(caller, entity, this.columnsOf(entity, data, caller.access !== undefined), {});
      return { id, entityType: entity };
    });
  }

  private update(caller: Caller, entity: string, id: string, data: Row): Promise<{ id: string; entityType: string }> {
    return this.answer(caller, { operation: "updateRecord", entity, data, options: id }, () => {
      this.definition(entity);
      caller.access?.require("Write", entity);
      const record = this.find(entity, id);
      caller.access?.requireOn("Write", entity, record, this.rowId(entity, record));
      this.writeExisting(caller, entity, record, this.columnsOf(entity, data, caller.access !== undefined));
      return { id, entityType: entity };
    });
  }

  private upsert(
    caller: Caller,
    entity: string,
    key: Record<string, string | number>,
    data: Row,
  ): Promise<{ id: string; created: boolean }> {
    return this.answer(caller, { operation: "upsert", entity, options: JSON.stringify(key), data }, () => {
      const def = this.definition(entity);
      const columns = Object.keys(key).sort();
      if (
        !(def.alternateKeys ?? []).some(
          (k) => k.length === columns.length && [...k].sort().every((c, i) => c === columns[i]),
        )
      ) {
        throw new EmulatorError(
          400,
          `The key in the request URI is not valid for resource 'Microsoft.Dynamics.CRM.${entity}'. Ensure that the names and number of key properties match the declared or alternate key properties for the resource 'Microsoft.Dynamics.CRM.${entity}'.`,
        );
      }
      const same = (r: Record_) => columns.every((c) => String(this.sortable(r[c])) === String(this.sortable(key[c])));
      const existing = this.table(entity).find(same);
      if (existing) {
        const id = this.rowId(entity, existing);
        caller.access?.requireOn("Write", entity, existing, id);
        this.writeExisting(caller, entity, existing, this.columnsOf(entity, data, true), key);
        return { id, created: false };
      }
      caller.access?.require("Create", entity);
      return { id: this.insertNew(caller, entity, this.columnsOf(entity, data, true), key), created: true };
    });
  }

  private delete(caller: Caller, entity: string, id: string): Promise<{ id: string; entityType: string }> {
    return this.answer(caller, { operation: "deleteRecord", entity, options: id }, () => {
      this.definition(entity);
      caller.access?.require("Delete", entity);
      const doomed = this.withCascade(entity, this.find(entity, id), new Set());
      // Every row that would go needs Delete: one refusal refuses the whole delete, nothing is removed.
      for (const { table, row } of doomed) caller.access?.requireOn("Delete", table, row, this.rowId(table, row));
      for (const { table, row } of doomed) {
        const rows = this.table(table);
        const at = rows.indexOf(row);
        rows.splice(at, 1);
        caller.undo?.push(() => rows.splice(at, 0, row));
      }
      this.changed();
      return { id, entityType: entity };
    });
  }

  /**
   * Merge (merge.ts): the caller needs prvMerge and Read, Write, Append, AppendTo and Share on both
   * rows (merge-entity-using-web-api); `UpdateContent` is refused for a secured column the caller
   * may not update. Then it runs in system context: no check on the rows the cascade moves.
   */
  private mergeAs(caller: Caller, request: MergeRequest): Promise<void> {
    const { entity } = request;
    const data: Row = {
      Target: request.target,
      Subordinate: request.subordinate,
      PerformParentingChecks: request.performParentingChecks,
      ...(request.updateContent ? { UpdateContent: request.updateContent } : {}),
    };
    return this.answer(caller, { operation: "merge", entity, data }, () => {
      const def = this.definition(entity);
      if (!def.mergeable)
        throw new EmulatorError(
          400,
          `emulator: ${entity} rows cannot be merged (the platform merges account, contact, lead, incident)`,
        );
      const target = this.find(entity, request.target);
      const subordinate = this.find(entity, request.subordinate);
      const ids = { target: this.rowId(entity, target), subordinate: this.rowId(entity, subordinate) };
      if (ids.target === ids.subordinate)
        throw new EmulatorError(400, "emulator: the target and the subordinate of a merge are the same record");
      const updates = this.columnsOf(entity, request.updateContent ?? {}, true);
      if (updates.owner) throw new EmulatorError(400, "emulator: a merge cannot change the target's owner");
      const { access } = caller;
      if (access) {
        access.requirePrivilege(OrgPrivileges.merge, `Merge of ${entity}`);
        for (const [row, id] of [
          [target, ids.target],
          [subordinate, ids.subordinate],
        ] as const)
          for (const action of ["Read", "Write", "Append", "AppendTo", "Share"] as const)
            access.requireOn(action, entity, row, id);
        for (const column of this.securedIn(entity, updates.values))
          access.fields.requireWrite(entity, column, "update");
      }
      const parent = def.hierarchyParent;
      if (request.performParentingChecks && parent && this.idOf(target[parent]) !== this.idOf(subordinate[parent]))
        throw new EmulatorError(
          400,
          "emulator: PerformParentingChecks: the target and the subordinate have different parents",
        );
      if (caller.undo) {
        // A merge touches rows all over the store: a change set keeps a copy of every row to undo it.
        const copies = Object.keys(this.definitions).flatMap((t) =>
          this.table(t).map((row) => ({ row, copy: { ...row } })),
        );
        caller.undo.push(() => {
          for (const { row, copy } of copies) {
            for (const k of Object.keys(row)) delete row[k];
            Object.assign(row, copy);
          }
        });
      }
      mergeInto(
        { definitions: this.definitions, rows: (t) => this.table(t) },
        entity,
        ids,
        { target, subordinate },
        updates.values,
      );
      for (const row of [target, subordinate]) stampModified(row, caller.userId, this.now(), caller.delegate?.userId);
      this.changed();
    });
  }

  /** Store a new row: body values under the server columns; the caller's privileges checked first. */
  private insertNew(caller: Caller, entity: string, body: Body, key: Record_): string {
    const def = this.definition(entity);
    const owner = body.owner?.id ?? caller.userId;
    // Backdating needs its privilege (run-data-import: "you need the prvOverrideCreatedOnCreatedBy
    // privilege"); without it the platform refuses with the privilege error (a Configuration
    // Migration log quotes "Principal user is missing prvOverrideCreatedOnCreatedBy privilege"),
    // so the emulator refuses rather than ignores. Checked before the value.
    if (body.overriddenCreatedOn !== undefined && body.overriddenCreatedOn !== null)
      caller.access?.requirePrivilege(OrgPrivileges.overrideCreatedOn, `overriddencreatedon on ${entity}`);
    const record: Record_ = {
      [def.primaryId]: newGuid(++this.created),
      ...key,
      ...body.values,
      ...createdColumns(caller.userId, this.now(), body.overriddenCreatedOn, caller.delegate?.userId),
      [ServerColumns.owner]: { $lookup: SystemUser.logicalName, id: owner },
    };
    const id = this.rowId(entity, record);
    // A body may choose the new row's id; an id in use is the platform's duplicate-key refusal.
    if (this.index(entity, def.primaryId).has(id))
      throw new EmulatorError(412, "A record with matching key values already exists.", "0x80040237");
    const { access } = caller;
    if (access) {
      // Creating a row owned by someone else is creating it and assigning it: the Create depth must
      // cover the owner (Basic: only oneself) and Assign is needed too.
      if (owner !== caller.userId && !def.createForOwner) access.require("Assign", entity);
      access.requireOn("Create", entity, record, id);
      this.checkAppends(access, entity, record, id, body.lookups);
      for (const column of this.securedIn(entity, body.values))
        if (body.values[column] !== null) access.fields.requireWrite(entity, column, "create");
    }
    const rows = this.table(entity);
    rows.push(record);
    caller.undo?.push(() => {
      const at = rows.indexOf(record);
      if (at >= 0) rows.splice(at, 1);
    });
    this.changed();
    return id;
  }

  /** Update a row (PATCH by id, or the update half of an upsert) the caller may write. */
  private writeExisting(caller: Caller, entity: string, record: Record_, body: Body, key: Record_ = {}): void {
    const def = this.definition(entity);
    const id = this.rowId(entity, record);
    const { access } = caller;
    if (body.owner)
      throw new EmulatorError(400, `emulator: ownerid cannot be changed by an update of ${entity}; use Assign`);
    const newId = body.values[def.primaryId];
    if (newId !== undefined && this.idOf(newId) !== id)
      throw new EmulatorError(400, `emulator: the body's ${def.primaryId} does not match the record updated`);
    if (access) {
      this.checkAppends(access, entity, record, id, body.lookups);
      // Clearing a secured column is updating it too.
      for (const column of this.securedIn(entity, body.values)) access.fields.requireWrite(entity, column, "update");
    }
    if (caller.undo) {
      const before = { ...record };
      caller.undo.push(() => {
        for (const k of Object.keys(record)) delete record[k];
        Object.assign(record, before);
      });
    }
    // overriddencreatedon only means something on create: an update leaves createdon alone.
    Object.assign(record, body.values, key);
    stampModified(record, caller.userId, this.now(), caller.delegate?.userId);
    // The row stays where it is: only the indexes of the columns written go stale (rebuilding the
    // primary key's index after every update made a bench's 50,000 updates quadratic).
    this.changed(entity, [
      ...Object.keys(body.values),
      ...Object.keys(key),
      ServerColumns.modifiedOn,
      ServerColumns.modifiedBy,
      ServerColumns.modifiedOnBehalfBy,
    ]);
  }

  /** The secured columns (column-level security) among a body's columns. */
  private securedIn(entity: string, values: Record_): string[] {
    const secured = this.definition(entity).secured ?? [];
    return Object.keys(values).filter((column) => secured.includes(column));
  }

  /**
   * A row as the caller reads it: secured columns it has no read permission on are null, as the
   * platform returns them (fieldSecurity.ts). Filters and the projection both see this row.
   */
  private masked(access: PersonaAccess | undefined, table: string, row: Record_): Record_ {
    const secured = this.definitions[table]?.secured ?? [];
    if (!access || !secured.some((c) => row[c] !== undefined && !access.fields.allows(table, c, "read"))) return row;
    const copy = { ...row };
    for (const column of secured) if (!access.fields.allows(table, column, "read")) delete copy[column];
    return copy;
  }

  /**
   * Setting or clearing a lookup needs Append on the row; setting one needs AppendTo on the target
   * row too, at a depth that covers it (platform-facts.md F).
   */
  private checkAppends(
    access: PersonaAccess,
    entity: string,
    record: Record_,
    id: string,
    lookups: Map<string, LookupValue | null>,
  ): void {
    if (!lookups.size) return;
    access.requireOn("Append", entity, record, id);
    for (const target of lookups.values()) {
      if (target) access.requireOn("AppendTo", target.$lookup, this.find(target.$lookup, target.id), target.id);
    }
  }

  /** The row and, recursively, the rows its tables' cascade-delete relationships take with it. */
  private withCascade(table: string, row: Record_, seen: Set<Record_>): { table: string; row: Record_ }[] {
    seen.add(row);
    const id = this.rowId(table, row);
    const doomed = [{ table, row }];
    for (const rule of this.definition(table).cascadeDelete ?? []) {
      for (const child of this.table(rule.table)) {
        const link = child[rule.column];
        if (isLookup(link) && link.$lookup === table && link.id.toLowerCase() === id && !seen.has(child))
          doomed.push(...this.withCascade(rule.table, child, seen));
      }
    }
    return doomed;
  }

  /** Body columns of a create or update; `@odata.bind` becomes a lookup; server-set columns are dropped. */
  private columnsOf(entity: string, data: Row, checkTargets: boolean): Body {
    const declared = this.definition(entity).lookups ?? {};
    const body: Body = { values: {}, lookups: new Map() };
    for (const [key, value] of Object.entries(data)) {
      const bind = /^(.+)@odata\.bind$/.exec(key);
      const navigation = this.definition(entity).navigation ?? {};
      const column = bind ? (navigation[bind[1]] ?? bind[1].toLowerCase()) : key;
      if (isServerSet(column)) continue; // the server's value wins (serverColumns.ts)
      if (column === ServerColumns.overriddenCreatedOn) {
        body.overriddenCreatedOn = value;
      } else if (column === ServerColumns.owner) {
        if (!bind || typeof value !== "string")
          throw new EmulatorError(400, "emulator: the owner is set with ownerid@odata.bind to systemusers(<id>)");
        body.owner = this.lookupOf(value, checkTargets);
        if (body.owner.$lookup !== SystemUser.logicalName)
          throw new EmulatorError(400, `emulator: only users own rows here (teams are not emulated), got ${value}`);
      } else if (bind && value === null) {
        body.values[column] = null; // clears the lookup
        body.lookups.set(column, null);
      } else if (bind) {
        if (typeof value !== "string")
          throw new EmulatorError(400, `emulator: bad @odata.bind value ${JSON.stringify(value)}`);
        const target = this.lookupOf(value, checkTargets);
        const expected = Object.hasOwn(declared, column) ? declared[column] : undefined;
        if (expected && target.$lookup !== expected)
          throw new EmulatorError(400, `emulator: ${column} of ${entity} looks up ${expected}, not ${target.$lookup}`);
        body.values[column] = target;
        body.lookups.set(column, target);
      } else if (Object.hasOwn(declared, key)) {
        throw new EmulatorError(
          400,
          `Could not find a property named '${key}' on type 'Microsoft.Dynamics.CRM.${entity}'.`,
          "0x0",
        );
      } else if (value !== null && typeof value === "object") {
        throw new EmulatorError(
          400,
          `emulator: column ${key} holds an object; only @odata.bind lookups are implemented`,
        );
      } else {
        checkValue(entity, this.definition(entity), key, value);
        body.values[key] = value as CellValue;
      }
    }
    return body;
  }

  /** `/accounts(<id>)` -> a lookup to that account. */
  private lookupOf(reference: string, checkTarget: boolean): LookupValue {
    const m = /^\/?(\w+)\(([^)]+)\)$/.exec(reference);
    if (!m) throw new EmulatorError(400, `emulator: bad @odata.bind value ${reference}`);
    const target = Object.keys(this.definitions).find((t) => `${t}s` === m[1] || t === m[1]);
    if (!target) throw new EmulatorError(400, `emulator: unknown entity set ${m[1]}`);
    const id = m[2].toLowerCase().replace(/[{}]/g, "");
    if (checkTarget) this.find(target, id); // the platform refuses a lookup to a record that does not exist
    return { $lookup: target, id };
  }

  private definition(entity: string): TableDefinition {
    if (!Object.hasOwn(this.definitions, entity)) throw new EmulatorError(404, `emulator: no table ${entity}`);
    return this.definitions[entity];
  }

  /** The row with the id; 404 in the platform's words when there is none. */
  private find(entity: string, id: string): Record_ {
    const key = id.toLowerCase().replace(/[{}]/g, "");
    const position = this.index(entity, this.definition(entity).primaryId).get(key)?.[0];
    if (position === undefined) throw new EmulatorError(404, `${entity} With Id = ${key} Does Not Exist`, "0x80040217");
    return this.table(entity)[position];
  }

  private rowId(entity: string, row: Record_): string {
    return this.idOf(row[this.definition(entity).primaryId]) ?? "";
  }

  private now(): number {
    const { clock } = this.options;
    return clock ? clock() : Date.now();
  }

  // ---- FetchXML evaluation -------------------------------------------------------------

  private evaluate(caller: Caller, table: string, fetchXml: string): { entities: Row[]; total: number; end: number } {
    // What the service refuses first (400), then what the emulator does not evaluate (501).
    checkFetchXml(fetchXml, table, this.definitions);
    const fetch = (parser.parse(fetchXml) as XmlNode).fetch as XmlNode;
    const missing = unimplementedIn(fetch);
    if (missing.length) throw new EmulatorError(501, `emulator: ${missing.join(", ")} not implemented`);
    const count = fetch.count !== undefined ? Number(fetch.count) : MAX_PAGE_SIZE;
    const page = fetch.page !== undefined ? Number(fetch.page) : 1;
    const key = this.options.cacheResults
      ? `${caller.userId}|${fetchXml.replace(/ (page|paging-cookie)="[^"]*"/g, "")}`
      : undefined;
    const cached = key === undefined ? undefined : this.results.get(key);
    if (cached) {
      const all = cached.rows;
      return { entities: all.slice((page - 1) * count, page * count), total: all.length, end: page * count };
    }
    const entity = fetch.entity as XmlNode;
    const name = String(entity.name);
    const read = this.reader(caller, name, entity);
    const roots = this.candidates(name, entity.filter as XmlNode[] | undefined)
      .map((r) => read(name, r))
      .filter(
        (r): r is Record_ =>
          r !== undefined && this.matchesFilters(name, r, entity.filter as XmlNode[] | undefined, read),
      );
    const orders = (entity.order as XmlNode[] | undefined) ?? [];
    roots.sort((a, b) => this.compareBy(orders, a, b));
    let rows = roots.map((root) => ({ root, values: this.project(name, root, entity, undefined) }));
    for (const link of linksOf(entity)) {
      rows = rows.flatMap(({ root, values }) =>
        this.join(root, link, read).map((extra) => ({ root, values: { ...values, ...extra } })),
      );
    }
    if (key !== undefined) {
      if (this.results.size >= CACHED_RESULTS) this.results.delete(this.results.keys().next().value as string);
      const all = rows.map((r) => r.values);
      const tables = new Set<string>();
      const walk = (node: XmlNode) => {
        tables.add(String(node.name));
        linksOf(node).forEach(walk);
      };
      walk(entity);
      this.results.set(key, { rows: all, tables });
      return { entities: all.slice((page - 1) * count, page * count), total: all.length, end: page * count };
    }
    return {
      entities: rows.slice((page - 1) * count, page * count).map((r) => r.values),
      total: rows.length,
      end: page * count,
    };
  }

  /**
   * Which rows of the query's tables the caller reads: every table in it (root and link-entities,
   * nested too) needs prvRead, or the whole query is refused; rows beyond the Read depth are absent
   * (a hierarchy condition's ancestors included: query-hierarchical-data leaves out rows the caller
   * cannot read, silently); secured columns without read permission are null (masked).
   */
  private reader(caller: Caller, table: string, node: XmlNode): Reader {
    const { access } = caller;
    if (!access) return (_t, row) => row;
    const filters = new Map<string, (row: Record_) => boolean>();
    const walk = (t: string, n: XmlNode): void => {
      if (!filters.has(t)) filters.set(t, access.readable(t));
      for (const link of [...linksOf(n), ...filterLinksOf(n)]) walk(String(link.name), link);
    };
    walk(table, node);
    return (t, row) => (filters.get(t)?.(row) ? this.masked(access, t, row) : undefined);
  }

  /** Positions of rows whose column holds the value (lower case; lookups by id). */
  private index(table: string, column: string): Map<string, number[]> {
    const name = `${table}|${column}`;
    let index = this.indexes.get(name);
    if (!index) {
      index = new Map();
      this.table(table).forEach((r, position) => {
        const v = r[column];
        // Yes/No columns index as 1/0, the values FetchXML conditions give them.
        const key =
          this.idOf(v) ?? (typeof v === "number" ? String(v) : typeof v === "boolean" ? (v ? "1" : "0") : undefined);
        if (key === undefined) return;
        const list = index?.get(key);
        if (list) list.push(position);
        else index?.set(key, [position]);
      });
      this.indexes.set(name, index);
    }
    return index;
  }

  /**
   * The rows a query can match, narrowed by an index when the top-level filter is an `and` with an
   * `eq`, `in` or hierarchy condition; every row is still checked against the full filter after.
   * Only an optimisation: it keeps table order and never drops a row the filter would keep.
   */
  private candidates(table: string, filters: XmlNode[] | undefined): Record_[] {
    const rows = this.table(table);
    for (const filter of filters ?? []) {
      if (filter.type === "or") continue;
      for (const condition of (filter.condition as XmlNode[] | undefined) ?? []) {
        const values = this.narrowingValues(table, condition);
        if (!values) continue;
        const index = this.index(table, String(condition.attribute));
        const positions = [...values].flatMap((v) => index.get(v) ?? []).sort((a, b) => a - b);
        return positions.map((p) => rows[p]);
      }
    }
    return rows;
  }

  private narrowingValues(table: string, condition: XmlNode): Set<string> | undefined {
    const operator = String(condition.operator);
    if (operator === "in" || operator === "eq-or-above" || operator === "above")
      return this.conditionSet(table, condition);
    // "true"/"false" name a Yes/No value the index keeps as 1/0: no narrowing, the filter decides.
    if (operator === "eq" && typeof condition.value === "string" && !/^(true|false)$/i.test(condition.value))
      return new Set([condition.value.replace(/[{}]/g, "").toLowerCase()]);
    return undefined;
  }

  private conditionSet(table: string, condition: XmlNode): Set<string> {
    let set = this.conditionCache.get(condition);
    if (!set) {
      const operator = String(condition.operator);
      if (operator === "in") {
        set = new Set(
          ((condition.value as unknown[] | undefined) ?? []).map((v) => String(v).replace(/[{}]/g, "").toLowerCase()),
        );
      } else {
        const value = typeof condition.value === "string" ? condition.value.replace(/[{}]/g, "") : "";
        set = this.ancestry(table, value.toLowerCase(), operator === "eq-or-above");
      }
      this.conditionCache.set(condition, set);
    }
    return set;
  }

  /** The link-entity's rows for a parent row; rows the caller does not read are absent (outer: no columns, inner: no row). */
  private join(parent: Record_, link: XmlNode, read: Reader): Row[] {
    const table = String(link.name);
    this.definition(table);
    const from = String(link.from);
    const to = String(link.to);
    const alias = typeof link.alias === "string" ? link.alias : table;
    const key = this.idOf(parent[to]);
    const rowsOf = this.table(table);
    const matches = (
      key === undefined ? [] : (this.index(table, from).get(key) ?? []).map((p) => read(table, rowsOf[p]))
    )
      .filter((r): r is Record_ => r !== undefined)
      .filter((r) => this.matchesFilters(table, r, link.filter as XmlNode[] | undefined, read));
    matches.sort((a, b) => this.compareBy((link.order as XmlNode[] | undefined) ?? [], a, b));
    if (!matches.length) return link["link-type"] === "outer" ? [{}] : [];
    return matches.flatMap((m) =>
      linksOf(link).reduce<Row[]>(
        (acc, inner) => acc.flatMap((row) => this.join(m, inner, read).map((extra) => ({ ...row, ...extra }))),
        [this.project(table, m, link, alias)],
      ),
    );
  }

  private idOf(value: CellValue): string | undefined {
    if (isLookup(value)) return value.id.toLowerCase();
    return typeof value === "string" ? value.toLowerCase() : undefined;
  }

  private project(table: string, record: Record_, node: XmlNode, alias: string | undefined): Row {
    const def = this.definitions[table];
    const names = ((node.attribute as XmlNode[] | undefined) ?? []).map((a) => String(a.name));
    if (!alias && !names.includes(def.primaryId)) names.push(def.primaryId); // the key always comes back
    const out: Row = {};
    for (const column of names) {
      const value = record[column];
      if (value === undefined || value === null) continue; // FetchXML omits nulls
      if (isLookup(value)) {
        const key = alias ? `${alias}.${column}` : `_${column}_value`;
        const target = this.definitions[value.$lookup];
        const position =
          target && this.tables.has(value.$lookup)
            ? this.index(value.$lookup, target.primaryId).get(value.id.toLowerCase())?.[0]
            : undefined;
        const targetRow = position === undefined ? undefined : this.table(value.$lookup)[position];
        const name = target?.primaryName ? targetRow?.[target.primaryName] : undefined;
        if (typeof name === "string") out[key + FORMATTED] = name;
        out[key + "@Microsoft.Dynamics.CRM.lookuplogicalname"] = value.$lookup;
        out[key] = value.id;
        continue;
      }
      const key = alias ? `${alias}.${column}` : column;
      const label = typeof value === "number" ? def.choices?.[column]?.[value] : undefined;
      if (label) out[key + FORMATTED] = label;
      out[key] = value;
    }
    return out;
  }

  private compareBy(orders: XmlNode[], a: Record_, b: Record_): number {
    for (const order of orders) {
      const column = String(order.attribute);
      const x = this.sortable(a[column]);
      const y = this.sortable(b[column]);
      const c = x < y ? -1 : x > y ? 1 : 0;
      if (c !== 0) return order.descending === "true" ? -c : c;
    }
    return 0;
  }

  private sortable(v: CellValue): string | number {
    if (isLookup(v)) return v.id;
    if (typeof v === "number") return v;
    return v === undefined || v === null ? "" : String(v).toLowerCase();
  }

  private matchesFilters(table: string, record: Record_, filters: XmlNode[] | undefined, read: Reader): boolean {
    return (filters ?? []).every((f) => this.matchesFilter(table, record, f, read));
  }

  private matchesFilter(table: string, record: Record_, filter: XmlNode, read: Reader): boolean {
    const results = [
      ...((filter.condition as XmlNode[] | undefined) ?? []).map((c) => this.matchesCondition(table, record, c)),
      ...((filter.filter as XmlNode[] | undefined) ?? []).map((f) => this.matchesFilter(table, record, f, read)),
      ...linksOf(filter).map((link) => this.matchesFilterLink(record, link, read)),
    ];
    return filter.type === "or" ? results.some(Boolean) : results.every(Boolean);
  }

  /**
   * A link-entity inside a filter (fetchxml/filter-rows.md, "Filter on values in related records"):
   * a child condition of the filter, true when the linked table has rows whose `from` column holds
   * the row's `to` value (as SQL's `exists`) — `any`: one of them matches the link's filters;
   * `not any`: none does; `not all`: the same as `any`; `all`: there are such rows and none of them
   * matches (the doc's note: "the opposite of what the names might imply"). The linked rows are the
   * ones the caller reads [inferred: the service applies each linked table's read filter, as for
   * any link-entity; the docs do not say otherwise].
   */
  private matchesFilterLink(parent: Record_, link: XmlNode, read: Reader): boolean {
    const table = String(link.name);
    const key = this.idOf(parent[String(link.to)]);
    const rowsOf = this.table(table);
    const related = (key === undefined ? [] : (this.index(table, String(link.from)).get(key) ?? []))
      .map((p) => read(table, rowsOf[p]))
      .filter((r): r is Record_ => r !== undefined);
    const matching = related.some((r) => this.matchesFilters(table, r, link.filter as XmlNode[] | undefined, read));
    switch (link["link-type"]) {
      case "any":
      case "not all":
        return matching;
      case "not any":
        return !matching;
      case "all":
        return related.length > 0 && !matching;
      default:
        throw new EmulatorError(
          501,
          `emulator: link-type="${String(link["link-type"])}" inside a filter not implemented`,
        );
    }
  }

  private matchesCondition(table: string, record: Record_, condition: XmlNode): boolean {
    const column = String(condition.attribute);
    const operator = String(condition.operator);
    const raw = record[column];
    // A Yes/No column compares as 1/0 (FetchXML writes `value="0"` or `value="false"`).
    const actual = isLookup(raw) ? raw.id.toLowerCase() : typeof raw === "boolean" ? (raw ? 1 : 0) : raw;
    const value = typeof condition.value === "string" ? condition.value.replace(/[{}]/g, "") : undefined;
    const norm = (v: unknown) =>
      typeof raw === "boolean" && typeof v === "string"
        ? v.toLowerCase() === "true"
          ? "1"
          : v.toLowerCase() === "false"
            ? "0"
            : v
        : typeof v === "string"
          ? v.toLowerCase()
          : v;
    switch (operator) {
      case "eq":
        return String(norm(actual)) === String(norm(value));
      case "ne":
        return String(norm(actual)) !== String(norm(value));
      case "null":
        return actual === undefined || actual === null;
      case "not-null":
        return actual !== undefined && actual !== null;
      case "in":
        return this.conditionSet(table, condition).has(String(norm(actual)));
      case "like": {
        // % is any run of characters, _ one character; case-insensitive like SQL Server's default.
        if (value === undefined || /[[\]]/.test(value))
          throw new EmulatorError(400, `emulator: like pattern ${value} is not implemented`);
        if (typeof actual !== "string") return false;
        const pattern = value
          .replace(/[.*+?^${}()|\\]/g, "\\$&")
          .replace(/%/g, ".*")
          .replace(/_/g, ".");
        return new RegExp(`^${pattern}$`, "is").test(actual);
      }
      case "lt":
      case "le":
      case "gt":
      case "ge": {
        if (actual === undefined || actual === null || value === undefined) return false;
        const a = typeof actual === "number" ? actual : String(actual);
        const b = typeof actual === "number" ? Number(value) : value;
        return operator === "lt" ? a < b : operator === "le" ? a <= b : operator === "gt" ? a > b : a >= b;
      }
      case "eq-or-above":
      case "above":
        return this.conditionSet(table, condition).has(String(norm(actual)));
      case "today":
      case "yesterday":
      case "next-x-years":
      case "olderthan-x-days":
        return relativeDate(operator, column, actual, condition.value, this.now(), this.options.timeZone ?? "UTC");
      default:
        throw new EmulatorError(400, `emulator: condition operator ${operator} is not implemented`);
    }
  }

  /** The record and its ancestors over the table's hierarchical relationship (100 levels, loop-safe). */
  private ancestry(table: string, id: string, includeSelf: boolean): Set<string> {
    const def = this.definitions[table];
    if (!def.hierarchyParent) throw new EmulatorError(400, `emulator: ${table} has no hierarchical relationship`);
    const rows = this.table(table);
    const index = this.index(table, def.primaryId);
    const byId = {
      get: (id: string) => rows[index.get(id)?.[0] ?? -1] as Record_ | undefined,
      has: (id: string) => index.has(id),
    };
    const found = new Set<string>();
    let current: string | undefined = includeSelf ? id : this.idOf(byId.get(id)?.[def.hierarchyParent]);
    for (let level = 0; current && byId.has(current) && !found.has(current) && level <= 100; level++) {
      found.add(current);
      current = this.idOf(byId.get(current)?.[def.hierarchyParent]);
    }
    return found;
  }
}
