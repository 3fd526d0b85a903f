/** Dates as the rules read them: ISO 8601 only, anything else is "cannot be read". */

/** Parse an ISO 8601 date or date-time; undefined when absent or malformed. */
export function parseDate(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value.trim())) return undefined;
  const ms = Date.parse(value.trim());
  return Number.isNaN(ms) ? undefined : ms;
}
