/**
 * A grid row → what its badge says, as data (no words): the stored status, the partner's name and
 * the protection's last day when those columns are in the view, and whether that day is already
 * past (the sync has not run since). Pure: the same row and day give the same model.
 */
import { StoredOutreach, StoredOutreachCodes, StoredVerdict } from "../../src/schema";
import type { GridColumn, GridRowData } from "./gridContract";

export interface BadgeModel {
  status: StoredOutreach;
  /** The partner of record's name, when the view has the name column or the lookup. */
  partner?: string;
  /** Last day of the protection ("YYYY-MM-DD"), when the view has the column and it holds one. */
  protectedUntil?: string;
  /** The protection ended before `today`: the stored status is older than the protection. */
  ended: boolean;
}

const BY_CODE = new Map<number, StoredOutreach>(
  (Object.keys(StoredOutreachCodes) as StoredOutreach[]).map((k) => [StoredOutreachCodes[k], k]),
);

/** A choice cell's value: a number, a numeric string, or an object carrying one. */
function statusOf(value: unknown): StoredOutreach | undefined {
  const raw = typeof value === "object" && value !== null && "value" in value ? value.value : value;
  const code = typeof raw === "number" ? raw : typeof raw === "string" && /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  return BY_CODE.get(code);
}

/** Text, or a lookup's `name`. */
function nameOf(value: unknown): string | undefined {
  const text =
    typeof value === "string"
      ? value
      : typeof value === "object" && value !== null && "name" in value
        ? value.name
        : undefined;
  return typeof text === "string" && text.trim() !== "" ? text.trim() : undefined;
}

/**
 * A date-only value as its day: "2026-06-01" (or an ISO string starting with the day) as written;
 * a Date by its local calendar day, as PCF hands dates to controls in the browser's time.
 */
function dayOf(value: unknown): string | undefined {
  if (typeof value === "string") return /^\d{4}-\d{2}-\d{2}/.exec(value.trim())?.[0];
  if (value instanceof Date && !Number.isNaN(value.getTime())) {
    const pad = (n: number) => String(n).padStart(2, "0");
    return `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}`;
  }
  return undefined;
}

/**
 * The badge of a row, or undefined when the status is empty or not one of ours (the grid then
 * shows its own cell). `cellValue` is the status cell's value; the other columns are read from the
 * row only when the view has them (no request: renderers are called for every visible cell).
 */
export function badgeModel(
  cellValue: unknown,
  rowData: GridRowData | undefined,
  columns: readonly GridColumn[],
  today: string,
): BadgeModel | undefined {
  const status = statusOf(cellValue) ?? statusOf(rowData?.[StoredVerdict.outreach]);
  if (!status) return undefined;
  const has = (name: string) => columns.some((c) => c.name === name);
  const read = (name: string) => (has(name) ? rowData?.[name] : undefined);
  const partner = nameOf(read(StoredVerdict.partnerName)) ?? nameOf(read(StoredVerdict.partner));
  const protectedUntil = dayOf(read(StoredVerdict.protectedUntil));
  return {
    status,
    ...(partner ? { partner } : {}),
    ...(protectedUntil ? { protectedUntil } : {}),
    // Only a running protection can end; "unverified" and "allowed" carry no protection to end.
    ended:
      protectedUntil !== undefined &&
      protectedUntil < today &&
      (status === "blocked" || status === "allowed-by-exception"),
  };
}
