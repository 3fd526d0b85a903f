/**
 * An in-memory Dataverse that answers the subset of the Web API PartnerGuard uses, the way the
 * platform does (see shared/design/dataverse-webapi-facts.md): FetchXML with hierarchy and `in`
 * conditions, outer/inner link-entities, `page`/`count` paging, null columns omitted, lookups as
 * `_x_value` (root) or `alias.x` (link-entity) with formatted values. It records every request and
 * throws on anything it does not implement, so a test can never pass against a silent stub.
 *
 * Used by the playground (in the browser), the tests, and the local Web API server of bench/.
 */
import { XMLParser } from "fast-xml-parser";
import { FORMATTED, Row, WebApiHost } from "../sources/webApi";

export interface LookupValue {
  $lookup: string; // target table
  id: string;
}

export type CellValue = string | number | boolean | LookupValue | null | undefined;
export type Record_ = Record<string, CellValue>;

export interface TableDefinition {
  primaryId: string;
  primaryName?: string;
  /** Choice labels per column, for formatted values. */
  choices?: Record<string, Record<number, string>>;
  /** The self-referential lookup used by hierarchy operators. */
  hierarchyParent?: string;
  /** Alternate keys (each a list of columns) that PATCH by key may use. */
  alternateKeys?: string[][];
}

export interface RequestRecord {
  operation: "retrieveMultipleRecords" | "createRecord" | "updateRecord" | "upsert";
  entity: string;
  options?: string;
  data?: Row;
}

export interface Fault {
  status: number;
  message: string;
}

export interface EmulatorOptions {
  /** Return a fault (or "hang" for a request that never answers) for a request. */
  fault?: (request: RequestRecord) => Fault | "hang" | undefined;
  latencyMs?: number;
}

export class EmulatorError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "",
  isArray: (name, _path, _leaf, isAttribute) => !isAttribute && ["attribute", "condition", "link-entity", "filter", "order", "value"].includes(name),
});

function isLookup(v: CellValue): v is LookupValue {
  return typeof v === "object" && v !== null && "$lookup" in v;
}

function newGuid(counter: number): string {
  const hex = counter.toString(16).padStart(12, "0");
  return `00000000-0000-4000-8000-${hex}`;
}

export class DataverseEmulator implements WebApiHost {
  readonly requests: RequestRecord[] = [];
  /** The most requests that were in flight at once (proves parallel reads). */
  maxInFlight = 0;
  private inFlight = 0;
  private readonly tables = new Map<string, Record_[]>();
  private created = 0;
  /** Column indexes (value -> row positions), built on demand and dropped on every write. */
  private readonly indexes = new Map<string, Map<string, number[]>>();
  /** Per parsed condition: its `in` values, or the ancestry set of a hierarchy condition. */
  private readonly conditionCache = new WeakMap<XmlNode, Set<string>>();

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

  insert(name: string, record: Record_): void {
    this.table(name).push(record);
    this.indexes.clear();
  }

  private async answer<T>(request: RequestRecord, work: () => T): Promise<T> {
    this.requests.push(request);
    const fault = this.options.fault?.(request);
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    try {
      if (this.options.latencyMs) await new Promise((r) => setTimeout(r, this.options.latencyMs));
      if (fault === "hang") return await new Promise<T>(() => undefined);
      if (fault) throw new EmulatorError(fault.status, fault.message);
      return work();
    } finally {
      this.inFlight--;
    }
  }

  retrieveMultipleRecords(entity: string, options?: string): Promise<{ entities: Row[]; nextLink?: string }> {
    return this.answer({ operation: "retrieveMultipleRecords", entity, options }, () => {
      if (!options?.startsWith("?fetchXml=")) throw new Error(`emulator: only FetchXML queries are implemented, got ${options}`);
      return { entities: this.fetch(entity, options.slice("?fetchXml=".length)) };
    });
  }

  createRecord(entity: string, data: Row): Promise<{ id: string; entityType: string }> {
    return this.answer({ operation: "createRecord", entity, data }, () => {
      const def = this.definitions[entity];
      if (!def) throw new EmulatorError(404, `emulator: no table ${entity}`);
      const id = newGuid(++this.created);
      // Dataverse stamps createdon itself.
      const record: Record_ = { [def.primaryId]: id, createdon: new Date(Date.now()).toISOString() };
      Object.assign(record, this.columnsOf(data, false));
      this.table(entity).push(record);
      this.indexes.clear();
      return { id, entityType: entity };
    });
  }

  updateRecord(entity: string, id: string, data: Row): Promise<{ id: string; entityType: string }> {
    return this.answer({ operation: "updateRecord", entity, data, options: id }, () => {
      const def = this.definitions[entity];
      if (!def) throw new EmulatorError(404, `emulator: no table ${entity}`);
      const record = this.table(entity).find((r) => this.idOf(r[def.primaryId]) === id.toLowerCase().replace(/[{}]/g, ""));
      if (!record) throw new EmulatorError(404, `emulator: ${entity} ${id} does not exist`);
      Object.assign(record, this.columnsOf(data, false));
      this.indexes.clear();
      return { id, entityType: entity };
    });
  }

  /** Body columns of a create or update; `@odata.bind` becomes a lookup. */
  private columnsOf(data: Row, checkTargets: boolean): Record_ {
    const record: Record_ = {};
    for (const [key, value] of Object.entries(data)) {
      const bind = /^(.+)@odata\.bind$/.exec(key);
      if (bind && value === null) {
        record[bind[1].toLowerCase()] = null; // clears the lookup
      } else if (bind && typeof value === "string") {
        const m = /^\/?(\w+)\(([^)]+)\)$/.exec(value);
        if (!m) throw new EmulatorError(400, `emulator: bad @odata.bind value ${value}`);
        const target = Object.keys(this.definitions).find((t) => `${t}s` === m[1] || t === m[1]);
        if (!target) throw new EmulatorError(400, `emulator: unknown entity set ${m[1]}`);
        const id = m[2].toLowerCase();
        const targetKey = this.definitions[target].primaryId;
        if (checkTargets && !this.table(target).some((r) => this.idOf(r[targetKey]) === id)) {
          // The platform refuses a lookup to a record that does not exist.
          throw new EmulatorError(404, `${target} With Id = ${id} Does Not Exist`);
        }
        record[bind[1].toLowerCase()] = { $lookup: target, id };
      } else if (value !== null && typeof value === "object") {
        throw new EmulatorError(400, `emulator: column ${key} holds an object; only @odata.bind lookups are implemented`);
      } else {
        record[key] = value as CellValue;
      }
    }
    return record;
  }

  /**
   * Upsert by alternate key (PATCH on `set(key=value,...)` without If-Match): key values in the URL
   * win on update; on create, body values for key columns are used, else the URL's are copied in.
   */
  upsertByKey(entity: string, key: Record<string, string | number>, data: Row): Promise<{ id: string; created: boolean }> {
    return this.answer({ operation: "upsert", entity, options: JSON.stringify(key), data }, () => {
      const def = this.definitions[entity];
      if (!def) throw new EmulatorError(404, `emulator: no table ${entity}`);
      const columns = Object.keys(key).sort();
      if (!(def.alternateKeys ?? []).some((k) => k.length === columns.length && [...k].sort().every((c, i) => c === columns[i]))) {
        throw new EmulatorError(
          400,
          `The key in the request URI is not valid for resource 'Microsoft.Dynamics.CRM.${entity}'. Ensure that the names and number of key properties match the declared or alternate key properties for the resource 'Microsoft.Dynamics.CRM.${entity}'.`,
        );
      }
      const values = this.columnsOf(data, true);
      const same = (r: Record_) => columns.every((c) => String(this.sortable(r[c])) === String(this.sortable(key[c])));
      const existing = this.table(entity).find(same);
      this.indexes.clear();
      if (existing) {
        Object.assign(existing, values, key);
        return { id: this.idOf(existing[def.primaryId]) ?? "", created: false };
      }
      const id = newGuid(++this.created);
      this.table(entity).push({ ...key, ...values, [def.primaryId]: id });
      return { id, created: true };
    });
  }

  /** One page of a FetchXML query with the Web API's "more records" flag (the HTTP server uses it). */
  fetchXmlPage(entity: string, fetchXml: string): Promise<{ entities: Row[]; moreRecords: boolean }> {
    return this.answer({ operation: "retrieveMultipleRecords", entity, options: `?fetchXml=${fetchXml}` }, () => {
      const { entities, total, end } = this.evaluate(entity, fetchXml);
      return { entities, moreRecords: end < total };
    });
  }

  // ---- FetchXML evaluation -------------------------------------------------------------

  private fetch(entitySet: string, fetchXml: string): Row[] {
    return this.evaluate(entitySet, fetchXml).entities;
  }

  private evaluate(entitySet: string, fetchXml: string): { entities: Row[]; total: number; end: number } {
    const doc = parser.parse(fetchXml) as XmlNode;
    const fetch = doc.fetch as XmlNode | undefined;
    if (!fetch) throw new EmulatorError(400, "emulator: not a FetchXML document");
    const entity = fetch.entity as XmlNode;
    const name = String(entity.name);
    if (name !== entitySet) throw new EmulatorError(400, `emulator: entity ${name} does not match the queried table ${entitySet}`);
    const def = this.definitions[name];
    if (!def) throw new EmulatorError(404, `emulator: no table ${name}`);
    const roots = this.candidates(name, entity.filter as XmlNode[] | undefined).filter((r) =>
      this.matchesFilters(name, r, entity.filter as XmlNode[] | undefined),
    );
    const orders = (entity.order as XmlNode[] | undefined) ?? [];
    roots.sort((a, b) => this.compareBy(orders, a, b));
    let rows = roots.map((root) => ({ root, values: this.project(name, root, entity, undefined) }));
    for (const link of (entity["link-entity"] as XmlNode[] | undefined) ?? []) {
      rows = rows.flatMap(({ root, values }) => this.join(root, link).map((extra) => ({ root, values: { ...values, ...extra } })));
    }
    const count = fetch.count !== undefined ? Number(fetch.count) : 5000;
    const page = fetch.page !== undefined ? Number(fetch.page) : 1;
    if (count > 5000) throw new EmulatorError(400, "emulator: count cannot exceed 5000");
    return { entities: rows.slice((page - 1) * count, page * count).map((r) => r.values), total: rows.length, end: page * count };
  }

  /** Positions of rows whose column holds the value (lower case; lookups by id). */
  private index(table: string, column: string): Map<string, number[]> {
    const name = `${table}|${column}`;
    let index = this.indexes.get(name);
    if (!index) {
      index = new Map();
      this.table(table).forEach((r, position) => {
        const v = r[column];
        const key = this.idOf(v) ?? (typeof v === "number" || typeof v === "boolean" ? String(v) : undefined);
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
    if (operator === "in" || operator === "eq-or-above" || operator === "above") return this.conditionSet(table, condition);
    if (operator === "eq" && typeof condition.value === "string") return new Set([condition.value.replace(/[{}]/g, "").toLowerCase()]);
    return undefined;
  }

  private conditionSet(table: string, condition: XmlNode): Set<string> {
    let set = this.conditionCache.get(condition);
    if (!set) {
      const operator = String(condition.operator);
      if (operator === "in") {
        set = new Set(((condition.value as unknown[] | undefined) ?? []).map((v) => String(v).replace(/[{}]/g, "").toLowerCase()));
      } else {
        const value = typeof condition.value === "string" ? condition.value.replace(/[{}]/g, "") : "";
        set = this.ancestry(table, value.toLowerCase(), operator === "eq-or-above");
      }
      this.conditionCache.set(condition, set);
    }
    return set;
  }

  private join(parent: Record_, link: XmlNode): Row[] {
    const table = String(link.name);
    const def = this.definitions[table];
    if (!def) throw new EmulatorError(404, `emulator: no table ${table}`);
    const from = String(link.from);
    const to = String(link.to);
    const alias = typeof link.alias === "string" ? link.alias : table;
    const key = this.idOf(parent[to]);
    const rowsOf = this.table(table);
    const matches = (key === undefined ? [] : (this.index(table, from).get(key) ?? []).map((p) => rowsOf[p])).filter((r) =>
      this.matchesFilters(table, r, link.filter as XmlNode[] | undefined),
    );
    matches.sort((a, b) => this.compareBy((link.order as XmlNode[] | undefined) ?? [], a, b));
    if (!matches.length) return link["link-type"] === "outer" ? [{}] : [];
    return matches.flatMap((m) => {
      const own = this.project(table, m, link, alias);
      const nested = ((link["link-entity"] as XmlNode[] | undefined) ?? []).reduce<Row[]>(
        (acc, inner) => acc.flatMap((row) => this.join(m, inner).map((extra) => ({ ...row, ...extra }))),
        [own],
      );
      return nested;
    });
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
        const position = target && this.tables.has(value.$lookup) ? this.index(value.$lookup, target.primaryId).get(value.id.toLowerCase())?.[0] : undefined;
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

  private matchesFilters(table: string, record: Record_, filters: XmlNode[] | undefined): boolean {
    return (filters ?? []).every((f) => this.matchesFilter(table, record, f));
  }

  private matchesFilter(table: string, record: Record_, filter: XmlNode): boolean {
    const results = [
      ...((filter.condition as XmlNode[] | undefined) ?? []).map((c) => this.matchesCondition(table, record, c)),
      ...((filter.filter as XmlNode[] | undefined) ?? []).map((f) => this.matchesFilter(table, record, f)),
    ];
    return filter.type === "or" ? results.some(Boolean) : results.every(Boolean);
  }

  private matchesCondition(table: string, record: Record_, condition: XmlNode): boolean {
    const column = String(condition.attribute);
    const operator = String(condition.operator);
    const raw = record[column];
    const actual = isLookup(raw) ? raw.id.toLowerCase() : raw;
    const value = typeof condition.value === "string" ? condition.value.replace(/[{}]/g, "") : undefined;
    const norm = (v: unknown) => (typeof v === "string" ? v.toLowerCase() : v);
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
        if (value === undefined || /[[\]]/.test(value)) throw new EmulatorError(400, `emulator: like pattern ${value} is not implemented`);
        if (typeof actual !== "string") return false;
        const pattern = value.replace(/[.*+?^${}()|\\]/g, "\\$&").replace(/%/g, ".*").replace(/_/g, ".");
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
    const byId = { get: (id: string) => rows[index.get(id)?.[0] ?? -1] as Record_ | undefined, has: (id: string) => index.has(id) };
    const found = new Set<string>();
    let current: string | undefined = includeSelf ? id : this.idOf(byId.get(id)?.[def.hierarchyParent]);
    for (let level = 0; current && byId.has(current) && !found.has(current) && level <= 100; level++) {
      found.add(current);
      current = this.idOf(byId.get(current)?.[def.hierarchyParent]);
    }
    return found;
  }
}
