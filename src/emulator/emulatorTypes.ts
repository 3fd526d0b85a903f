/**
 * The emulator's data and request shapes, shared by the emulator (dataverseEmulator.ts, which
 * re-exports them), its security (security.ts, businessUnits.ts), Merge (merge.ts) and the HTTP
 * server (webApiServer.ts).
 */
import type { Row, WebApiHost } from "../sources/webApi";

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
  /**
   * Lookup columns -> target table. The Web API has no plain property by a lookup's name, so a body
   * sets these only with `@odata.bind`, to a row of that table (a plain value would skip Append/AppendTo).
   */
  lookups?: Record<string, string>;
  /**
   * Single-valued navigation properties whose name is not their column's: an activity's
   * `regardingobjectid_account_task@odata.bind` sets `regardingobjectid` (one property per target table).
   */
  navigation?: Record<string, string>;
  /** Relationships with cascade delete: rows of `table` whose lookup `column` points at a deleted row go with it. */
  cascadeDelete?: { table: string; column: string }[];
  /**
   * The table's columns (logical names), system columns included (tableColumns.ts). Columns named
   * above (primary id and name, lookups, choices, keys) count without being listed. A query naming
   * any other column is refused, as Dataverse refuses it (queryCheck.ts).
   */
  columns?: readonly string[];
  /**
   * Columns under column-level security (the solution's `IsSecured`): a persona reads, creates or
   * updates them only through its field security profiles (fieldSecurity.ts).
   */
  secured?: readonly string[];
  /**
   * Date columns of the solution model: date-only ones are `Edm.Date` on the Web API ("2026-06-01";
   * a value with a time part is refused), the others `Edm.DateTimeOffset` (tableColumns.ts).
   */
  dates?: Readonly<Record<string, "date" | "datetime">>;
  /** Rows of the table can be merged (the Web API `Merge` action: account, contact, lead, incident). */
  mergeable?: boolean;
  /**
   * A row may be created for another owner with the Create privilege alone, at a depth covering
   * that owner's business unit (no Assign): in-app notifications, whose documentation names only
   * that privilege for "send in-app notifications to others" (send-in-app-notifications.md).
   */
  createForOwner?: boolean;
}

/** The Web API `Merge` action's parameters (merge.ts). */
export interface MergeRequest {
  /** Logical name of the table of both rows. */
  entity: string;
  /** The row that stays. */
  target: string;
  /** The row merged into it, then deactivated. */
  subordinate: string;
  /** Columns to set on the target during the merge. */
  updateContent?: Row;
  /** Refuse the merge when the two rows have different parents. */
  performParentingChecks: boolean;
}

export interface RequestRecord {
  operation:
    | "retrieveMultipleRecords"
    | "createRecord"
    | "updateRecord"
    | "upsert"
    | "deleteRecord"
    | "merge"
    /** A GET of a metadata path or a function (`webApiGet`): `options` holds the path. */
    | "get"
    /** `POST $batch` (`batch`): one request; the requests inside it are recorded with `inBatch`. */
    | "batch";
  entity: string;
  options?: string;
  data?: Row;
  /** The persona's user id, for a request made through `as(persona)`; the impersonated user's when on behalf of one. */
  userId?: string;
  /** Who sent a request made on behalf of another user (impersonation): the caller, not `userId`. */
  callerId?: string;
  /** A request inside a `$batch`: no request of its own on the wire (the batch is recorded once). */
  inBatch?: true;
}

/** A `POST $batch` as it goes over the wire: its Content-Type, Prefer header and multipart body. */
export interface BatchPost {
  contentType: string | undefined;
  prefer?: string;
  body: string;
}

/** The answer to a `$batch`, as the service writes it (status, headers, multipart body). */
export interface BatchReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The Web API the emulator answers, for the system user or a persona (the HTTP server serves either). */
export interface EmulatorHost extends WebApiHost {
  retrieveMultipleRecords(entity: string, options?: string): Promise<{ entities: Row[]; nextLink?: string }>;
  createRecord(entity: string, data: Row): Promise<{ id: string; entityType: string }>;
  updateRecord(entity: string, id: string, data: Row): Promise<{ id: string; entityType: string }>;
  /** Delete a row and, by the tables' cascadeDelete rules, the rows that go with it. */
  deleteRecord(entity: string, id: string): Promise<{ id: string; entityType: string }>;
  upsertByKey(
    entity: string,
    key: Record<string, string | number>,
    data: Row,
  ): Promise<{ id: string; created: boolean }>;
  fetchXmlPage(entity: string, fetchXml: string): Promise<{ entities: Row[]; moreRecords: boolean }>;
  /**
   * A GET the emulator answers besides queries (path after /api/data/v9.2/): a column's MetadataId
   * (`EntityDefinitions(LogicalName='t')/Attributes(LogicalName='c')/MetadataId`) and
   * `systemusers(<id>)/Microsoft.Dynamics.CRM.RetrievePrincipalAttributePrivileges()`. Anything else: 501.
   */
  webApiGet(path: string): Promise<unknown>;
  /** The Web API `Merge` action (merge.ts): runs in system context once the caller's privileges pass. */
  merge(request: MergeRequest): Promise<void>;
  /**
   * A change set (`$batch`): what is done through `host` can be undone together by `rollback`, so
   * "if any one of the operations fails, any completed operations will be rolled back".
   */
  transaction(): { host: EmulatorHost; rollback(): void };
  /**
   * `POST $batch` in process (webApiRoutes.ts, `answerBatch`): one request (one latency, one
   * record); the requests inside it are answered as they are on their own, as the same caller.
   */
  batch(request: BatchPost): Promise<BatchReply>;
}

/** A signed-in user's (or the system's) Web API, which may also act on behalf of another user. */
export interface ImpersonatingHost extends EmulatorHost {
  /**
   * The Web API as `userId` (the `MSCRMCallerID` header; `CallerObjectId` names the user by Entra
   * object id): the impersonated user's privileges apply and rows are created by them, on behalf
   * of the caller, who needs prvActOnBehalfOfAnotherUser.
   */
  onBehalfOf(userId: string): EmulatorHost;
}
