/**
 * The Graph status table of the admin guide (docs/admin.md, "Microsoft Graph (optional)"; it was
 * the README's) says what the code does: every GDAP status the mapping knows
 * is listed once, in the row of what it means, and every contract type in the row of its
 * relationship type. A change to either without the other fails here.
 */
import { readFileSync } from "fs";
import { join } from "path";
import { CONTRACT_TYPES, GDAP_STATUSES } from "../../src/sources/graph/mapping";

const ADMIN_GUIDE = readFileSync(join(__dirname, "../../docs/admin.md"), "utf8");

function graphSection(): string {
  const start = ADMIN_GUIDE.indexOf("## Microsoft Graph (optional)");
  const end = ADMIN_GUIDE.indexOf("\n## ", start + 1);
  if (start < 0) throw new Error('docs/admin.md has no "Microsoft Graph (optional)" section');
  return ADMIN_GUIDE.slice(start, end < 0 ? undefined : end);
}

/** Rows of the "Graph says | PartnerGuard shows" table: [first cell, second cell]. */
function statusRows(): [string, string][] {
  const lines = graphSection().split("\n");
  const head = lines.findIndex((l) => /^\|\s*Graph says\s*\|\s*PartnerGuard shows\s*\|/.test(l));
  if (head < 0) throw new Error("no status table in the Graph section");
  const rows: [string, string][] = [];
  for (const line of lines.slice(head + 2)) {
    if (!line.startsWith("|")) break;
    const [said, shown] = line
      .split("|")
      .slice(1, 3)
      .map((c) => c.trim());
    rows.push([said, shown]);
  }
  return rows;
}

const ticked = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);

function meaningOf(shown: string): string | undefined {
  if (/\(blocks\)/.test(shown)) return "blocks";
  if (/^history/.test(shown)) return "history";
  if (/^nothing yet \(not evidence\)/.test(shown)) return "not evidence";
  return undefined;
}

test("every GDAP status of the mapping is in the admin guide's row of what it means, and no other", () => {
  const documented = new Map<string, string>();
  for (const [said, shown] of statusRows()) {
    if (!said.startsWith("GDAP ")) continue;
    const meaning = meaningOf(shown);
    if (!meaning) continue; // "any other status", "autoExtendDuration": not status rows
    for (const status of ticked(said)) {
      expect(documented.has(status) ? `${status} listed twice` : status).toBe(status);
      documented.set(status, meaning);
    }
  }
  expect(Object.fromEntries(documented)).toEqual({ ...GDAP_STATUSES });
});

test("every contract type of the mapping is in the admin guide's row of its relationship type", () => {
  const labels: Record<string, string> = { "CSP reseller": "csp-reseller", "GDAP admin relationship": "gdap" };
  const documented: Record<string, string> = {};
  for (const [said, shown] of statusRows()) {
    if (!said.startsWith("contract ")) continue;
    const label = Object.keys(labels).find((l) => shown.startsWith(l));
    for (const type of ticked(said)) documented[type] = label ? labels[label] : `unmapped: ${shown}`;
  }
  expect(documented).toEqual(CONTRACT_TYPES);
});
