/** Dates as the rules read them: ISO 8601 only, anything else is "cannot be read". */

/** Parse an ISO 8601 date or date-time; undefined when absent or malformed. */
export function parseDate(value: string | undefined): number | undefined {
  // Stryker disable next-line ConditionalExpression,MethodExpression,StringLiteral: a blank value fails the ISO pattern below as well
  if (value === undefined || value.trim() === "") return undefined;
  if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value.trim())) return undefined;
  // Stryker disable next-line MethodExpression: the pattern above already refused anything Date.parse would read differently untrimmed
  const ms = Date.parse(value.trim());
  // A calendar day that does not exist (30 February) is malformed, not the 2nd of March.
  return Number.isNaN(ms) || !isCalendarDate(value) ? undefined : ms;
}

/** The day a `YYYY-MM-DD…` string names exists (`Date.parse` rolls 2026-02-30 over to 2 March). */
export function isCalendarDate(value: string): boolean {
  const v = value.trim();
  if (!/^\d{4}-\d{2}-\d{2}/.test(v)) return false;
  // The digits read in place (no match array, no substrings): dates are read thousands of times a list.
  const y = digits(v, 0, 4);
  const mo = digits(v, 5, 7);
  const d = digits(v, 8, 10);
  const day = new Date(Date.UTC(y, mo - 1, d));
  return day.getUTCFullYear() === y && day.getUTCMonth() === mo - 1 && day.getUTCDate() === d;
}

/** The number the ASCII digits `text[from..to)` spell. */
function digits(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + text.charCodeAt(i) - 48;
  return n;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** A calendar day without a time (`2026-06-30`), as Dataverse's date-only columns return it. */
export function isDateOnly(value: string | undefined): value is string {
  return value !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(value.trim()) && isCalendarDate(value);
}

/** The calendar day `days` after a date-only value (`2026-06-30` + 1 → `2026-07-01`). */
export function addDays(dateOnly: string, days: number): string {
  // Stryker disable next-line MethodExpression: Date.parse reads a padded date-only value as the same day
  return new Date(Date.parse(dateOnly.trim()) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The moment a calendar day begins for someone whose clock is `utcOffsetMinutes` ahead of UTC
 * (Dynamics' convention: +60 in Berlin in winter, -420 in Los Angeles in summer).
 */
export function dayStart(dateOnly: string, utcOffsetMinutes: number): number {
  // Stryker disable next-line MethodExpression: Date.parse reads a padded date-only value as the same day
  return Date.parse(dateOnly.trim()) - utcOffsetMinutes * 60_000;
}
