/**
 * Every table of names in the docs comes from the code, so none can drift: the ones between
 * `<!-- generated:NAME -->` markers are rendered here from the model the packer writes and
 * src/schema.ts (UPDATE_DOCS=1 npx jest test/docs rewrites them), the ones between
 * `<!-- checked:NAME -->` markers are written by hand and compared with the code. Every `pg_` name
 * and every PARTNERGUARD_ variable the docs mention must exist.
 */
import { readFileSync, readdirSync, writeFileSync } from "fs";
import { join } from "path";
import * as schema from "../../src/schema";
import { ENVIRONMENT_VARIABLES, EnvVarType } from "../../src/pack/model/environmentVariables";
import { Depth, ROLES } from "../../src/pack/model/roles";
import { TABLES } from "../../src/pack/model/tables";
import { ACCOUNT_COLUMNS, ACCOUNT_FORM } from "../../src/pack/model/account";
import { CONTACT_COLUMNS, CONTACT_FORM } from "../../src/pack/model/contact";
import { APP } from "../../src/pack/model/app";
import { WEB_RESOURCES } from "../../src/pack/model/webResources";
import { Column, Labels } from "../../src/pack/model/types";
import { FEED_COLUMNS } from "../../src/core/feed";
import { RELATIONSHIP_TYPES } from "../../src/core/types";
import { ExitCode } from "../../cli/exitCodes";
import { ALIASES, MATCH_ORDER } from "../../cli/vetList";
import { configFromValues } from "../../src/sources/configSource";

const ROOT = join(__dirname, "../..");
const DOCS = join(ROOT, "docs");
const docPath = (name: string) => join(DOCS, name);
const read = (file: string) => readFileSync(file, "utf8");
const DOC_FILES = [
  join(ROOT, "README.md"),
  ...readdirSync(DOCS)
    .filter((f) => f.endsWith(".md"))
    .map(docPath),
];
const UPDATE = process.env.UPDATE_DOCS === "1";

const table = (head: string[], rows: string[][]): string =>
  [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join(
    "\n",
  );
const code = (s: string) => `\`${s}\``;

/** The generated block NAME of a doc equals `content` (rewritten when UPDATE_DOCS=1). */
function expectGenerated(file: string, name: string, content: string): void {
  const text = read(file);
  const open = new RegExp(`<!-- generated:${name}[ (][^\\n]*-->\\n`);
  const start = open.exec(text);
  const close = text.indexOf(`<!-- /generated:${name} -->`);
  if (!start || close < 0) throw new Error(`${file} has no generated block ${name}`);
  const from = start.index + start[0].length;
  const current = text.slice(from, close).trim();
  if (UPDATE && current !== content) {
    writeFileSync(file, text.slice(0, from) + content + "\n" + text.slice(close));
    return;
  }
  expect(`${name}:\n${current}`).toBe(`${name}:\n${content}`);
}

/** Rows (cells, trimmed) of the hand-written table between `<!-- checked:NAME -->` markers. */
function checkedRows(file: string, name: string): string[][] {
  const text = read(file);
  const start = text.indexOf(`<!-- checked:${name}`);
  const end = text.indexOf(`<!-- /checked:${name} -->`);
  if (start < 0 || end < 0) throw new Error(`${file} has no checked table ${name}`);
  const lines = text
    .slice(start, end)
    .split("\n")
    .filter((l) => l.startsWith("|"));
  return lines.slice(2).map((l) =>
    l
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim()),
  );
}

/** Source files under a folder (a file another process removes meanwhile is skipped). */
function sourceTexts(dir: string, ext: RegExp): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceTexts(p, ext));
    else if (ext.test(entry.name))
      try {
        out.push(read(p));
      } catch {
        // gone between the listing and the read
      }
  }
  return out;
}

const ticked = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);

// ---- generated: environment variables (admin.md) ----

const TYPE_WORDS: Record<number, string> = {
  [EnvVarType.string]: "Text",
  [EnvVarType.number]: "Number",
  [EnvVarType.boolean]: "Yes/No",
  [EnvVarType.json]: "JSON",
};

function environmentVariablesTable(): string {
  return table(
    ["variable", "display name", "type", "default", "meaning"],
    ENVIRONMENT_VARIABLES.map((v) => {
      let shipped: string;
      if (v.defaultValue === undefined) shipped = "none (the import asks; leave empty without Graph)";
      else if (v.schemaName === schema.EnvironmentVariables.policy)
        shipped = "the default policy ([below](#the-policy))";
      else if (v.type === EnvVarType.boolean) shipped = /^(yes|true|1)$/i.test(v.defaultValue) ? "Yes" : "No";
      else shipped = code(v.defaultValue);
      return [code(v.schemaName), v.displayName, TYPE_WORDS[v.type], shipped, v.description];
    }),
  );
}

// ---- generated: roles and their privileges (admin.md) ----

const ACTIONS = ["Create", "Read", "Write", "Delete", "Append", "AppendTo", "Assign", "Share"] as const;
/** The access levels as the role editor names them. */
const LEVEL: Record<Depth, string> = {
  Basic: "User",
  Local: "Business Unit",
  Deep: "Parent: Child Business Units",
  Global: "Organization",
};
const OUR_TABLES = new Map<string, string>(
  TABLES.map((t) => [t.schemaName, `${t.displayName[1033]} (${code(t.logicalName)})`]),
);
const PLATFORM_TABLES: Record<string, string> = {
  Account: `Account (${code("account")})`,
  User: `User (${code("systemuser")})`,
  Contact: `Contact (${code("contact")})`,
  EnvironmentVariableDefinition: "Environment variable definition (and its values)",
  AppModule: `Model-driven app (${code("appmodule")})`,
  appnotification: `Notification (${code("appnotification")})`,
  Role: `Security role (${code("role")})`,
};

function splitPrivilege(name: string): { action: string; entity: string } | undefined {
  // AppendTo before Append: the longer action name first.
  const m = /^prv(Create|Read|Write|Delete|AppendTo|Append|Assign|Share)(.+)$/.exec(name);
  return m ? { action: m[1], entity: m[2] } : undefined;
}

function rolesTable(): string {
  const rows = new Map<string, Map<string, string[]>>(); // row label -> role name -> grants
  const label = (entity: string) => OUR_TABLES.get(entity) ?? PLATFORM_TABLES[entity] ?? code(entity);
  for (const role of ROLES) {
    const ordered = [...role.privileges].sort((a, b) => {
      const pa = splitPrivilege(a.name);
      const pb = splitPrivilege(b.name);
      return ACTIONS.indexOf((pa?.action ?? "") as never) - ACTIONS.indexOf((pb?.action ?? "") as never);
    });
    for (const p of ordered) {
      const split = splitPrivilege(p.name);
      const row = split ? label(split.entity) : `${code(p.name)} (other privilege)`;
      const grant = split ? `${split.action} (${LEVEL[p.depth]})` : LEVEL[p.depth];
      if (!rows.has(row)) rows.set(row, new Map());
      const cell = rows.get(row)!;
      cell.set(role.name, [...(cell.get(role.name) ?? []), grant]);
    }
  }
  // Our tables in the model's order first, then the platform's as the roles name them.
  const rank = (row: string) => {
    const i = TABLES.findIndex((t) => row === OUR_TABLES.get(t.schemaName));
    return i < 0 ? TABLES.length : i;
  };
  return table(
    ["table", ...ROLES.map((r) => r.name)],
    [...rows]
      .sort((a, b) => rank(a[0]) - rank(b[0]))
      .map(([row, cells]) => [row, ...ROLES.map((r) => (cells.get(r.name) ?? ["—"]).join(", "))]),
  );
}

// ---- generated: vet's match columns (cli.md) ----

const COMPARED_AS: Record<(typeof MATCH_ORDER)[number], string> = {
  accountId: "the Dataverse account id (GUID, any case, braces allowed)",
  accountNumber: "`accountnumber`, case-insensitive",
  tenantId: "`pg_customertenantid` (GUID)",
  email: "the domain after `@` (`Jo <jo@contoso.com>` → `contoso.com`) against the accounts' website and email",
  domain:
    "the host without scheme, `www.`, port, path, query (`HTTPS://WWW.Contoso.com/de?x` → `contoso.com`), same comparison",
  name: "the exact name after normalising case, width and runs of spaces: last resort",
};

function vetMatchTable(): string {
  return table(
    ["matched by (`matchedBy`)", "accepted headers (without case, spaces, `-`, `_`, `.`)", "compared as"],
    MATCH_ORDER.map((column) => [code(column), ALIASES[column].map(code).join(", "), COMPARED_AS[column]]),
  );
}

// ---- generated: tables and columns (architecture.md) ----

function columnType(c: Column): string {
  switch (c.kind) {
    case "text":
      return `text (${c.maxLength})`;
    case "memo":
      return `multiline text (${c.maxLength})`;
    case "whole":
      return `whole number (${c.min}–${c.max})`;
    case "datetime":
      return c.dateOnly ? "date only" : "date and time";
    case "choice":
      return `choice: ${c.options.map((o) => o.label[1033]).join(", ")}`;
    case "lookup":
      return `lookup to ${code(c.target)}${c.onDelete === "cascade" ? " (deleted with it)" : ""}`;
  }
}

function tablesTable(): string {
  const rows: string[][] = [];
  for (const t of TABLES) {
    rows.push([`**${t.displayName[1033]}** ${code(t.logicalName)}`, code(t.primaryId), "primary key", ""]);
    for (const c of t.columns) rows.push(["", code(c.logicalName), columnType(c), c.label[1033]]);
  }
  rows.push([`**Account** ${code(schema.Account.logicalName)} (columns added)`, "", "", ""]);
  for (const c of ACCOUNT_COLUMNS) rows.push(["", code(c.logicalName), columnType(c), c.label[1033]]);
  rows.push([`**Contact** ${code(schema.Contact.logicalName)} (columns added)`, "", "", ""]);
  for (const c of CONTACT_COLUMNS) rows.push(["", code(c.logicalName), columnType(c), c.label[1033]]);
  return table(["table", "column", "type", "label"], rows);
}

describe("generated tables", () => {
  test("environment variables (admin.md) from the model", () =>
    expectGenerated(docPath("admin.md"), "environment-variables", environmentVariablesTable()));
  test("roles and privileges (admin.md) from the model", () =>
    expectGenerated(docPath("admin.md"), "roles", rolesTable()));
  test("vet's match columns and headers (cli.md) from cli/vetList.ts", () =>
    expectGenerated(docPath("cli.md"), "vet-match-columns", vetMatchTable()));
  test("tables and columns (architecture.md) from the model", () =>
    expectGenerated(docPath("architecture.md"), "tables", tablesTable()));
});

describe("checked tables", () => {
  test("the feed columns (admin.md) are the parser's, in its order, with its relationship types", () => {
    const rows = checkedRows(docPath("admin.md"), "feed-columns");
    expect(rows.map((r) => ticked(r[0])[0])).toEqual([...FEED_COLUMNS]);
    const types = rows.find((r) => r[0] === "`relationshipType`");
    expect(ticked(types![1])).toEqual([...RELATIONSHIP_TYPES]);
  });

  test("the command line's environment variables (cli.md) are exactly those the code reads", () => {
    const listed = checkedRows(docPath("cli.md"), "cli-environment-variables").map((r) => ticked(r[0])[0]);
    const inCode = new Set<string>();
    for (const text of [
      ...sourceTexts(join(ROOT, "cli"), /\.ts$/),
      ...sourceTexts(join(ROOT, "src/sources/node"), /\.ts$/),
    ])
      for (const m of text.matchAll(/PARTNERGUARD_[A-Z_]+/g)) inCode.add(m[0]);
    expect([...listed].sort()).toEqual([...inCode].sort());
  });

  test("every PARTNERGUARD_ variable any doc names exists in the code", () => {
    const everywhere = ["cli", "src", "scripts", "bench"]
      .flatMap((d) => sourceTexts(join(ROOT, d), /\.(ts|mjs|js)$/))
      .join("\n");
    for (const file of DOC_FILES)
      for (const m of read(file).matchAll(/PARTNERGUARD_[A-Z_]+/g))
        expect(`${file}: ${m[0]} ${everywhere.includes(m[0]) ? "exists" : "is not in the code"}`).toBe(
          `${file}: ${m[0]} exists`,
        );
  });

  test("the exit codes (cli.md) are exactly cli/exitCodes.ts's", () => {
    const listed = checkedRows(docPath("cli.md"), "exit-codes").map((r) => Number(r[0]));
    expect(listed.sort((a, b) => a - b)).toEqual(Object.values(ExitCode).sort((a, b) => a - b));
  });
});

describe("names in prose", () => {
  /** Every string the schema and the model name. */
  function knownNames(): Set<string> {
    const names = new Set<string>();
    const collect = (value: unknown) => {
      if (typeof value === "string") names.add(value);
      else if (Array.isArray(value)) value.forEach(collect);
      else if (value && typeof value === "object") Object.values(value).forEach(collect);
    };
    collect(schema);
    for (const t of TABLES) {
      collect([t.logicalName, t.schemaName, t.entitySet, t.primaryId, t.primaryName]);
      t.columns.forEach((c) => collect([c.logicalName, c.schemaName]));
      t.keys.forEach((k) => collect(k.schemaName));
    }
    ACCOUNT_COLUMNS.forEach((c) => collect(c.logicalName));
    CONTACT_COLUMNS.forEach((c) => collect(c.logicalName));
    ENVIRONMENT_VARIABLES.forEach((v) => collect(v.schemaName));
    WEB_RESOURCES.forEach((w) => collect(w.name));
    collect([APP.uniqueName, APP.siteMapUniqueName]);
    return names;
  }

  test("every `pg_` name in the docs is one the solution defines", () => {
    const known = knownNames();
    for (const file of DOC_FILES)
      for (const name of ticked(read(file)).filter((t) => /^pg_\S+$/.test(t)))
        expect(`${file}: ${name} ${known.has(name) ? "defined" : "not defined"}`).toBe(`${file}: ${name} defined`);
  });

  test("the role names the docs use are the solution's", () => {
    const admin = read(docPath("admin.md"));
    for (const name of Object.values(schema.SecurityRoles)) expect(admin).toContain(`**${name}**`);
    for (const file of DOC_FILES)
      for (const m of read(file).matchAll(/PartnerGuard (Seller|Approver|Administrator|Admin)\b/g))
        expect(Object.values(schema.SecurityRoles)).toContain(m[0]);
  });

  test("the form names admin.md tells admins to look for are the model's", () => {
    expect(read(docPath("admin.md"))).toContain(`**${ACCOUNT_FORM.name[1033]}**`);
    expect(read(docPath("admin.md"))).toContain(`**${CONTACT_FORM.name[1033]}**`);
  });
});

describe("facts admin.md states", () => {
  test("custom-table forms, views, columns and choices have English labels only", () => {
    const german = (labels: Labels | undefined) => labels !== undefined && labels[1031] !== undefined;
    for (const t of TABLES) {
      for (const form of t.forms) {
        expect(`${t.logicalName} form ${form.key}: ${german(form.name)}`).toBe(
          `${t.logicalName} form ${form.key}: false`,
        );
        for (const s of form.sections) expect(german(s.label)).toBe(false);
      }
      for (const view of t.views)
        expect(`${t.logicalName} view ${view.key}: ${german(view.name)}`).toContain(": false");
      for (const c of t.columns) {
        expect(`${t.logicalName}.${c.logicalName}: ${german(c.label)}`).toContain(": false");
        if (c.kind === "choice") for (const o of c.options) expect(german(o.label)).toBe(false);
      }
    }
    // ...while the tables' names, the account form and the app do have German.
    expect(TABLES.every((t) => german(t.displayName))).toBe(true);
    expect(german(ACCOUNT_FORM.name)).toBe(true);
    expect(german(CONTACT_FORM.name)).toBe(true);
  });

  test("pg_GraphEnabled decides over the policy's graph.enabled once it has a value", () => {
    const policy = JSON.stringify({ graph: { enabled: true } });
    const shipped = ENVIRONMENT_VARIABLES.find((v) => v.schemaName === schema.EnvironmentVariables.graphEnabled);
    expect(shipped?.defaultValue).toBeDefined(); // so it always has a value after the import
    const off = configFromValues(
      new Map([
        [schema.EnvironmentVariables.policy, policy],
        [schema.EnvironmentVariables.graphEnabled, shipped!.defaultValue!],
      ]),
    );
    expect(off.graphEnabled).toBe(false);
    const on = configFromValues(
      new Map([
        [schema.EnvironmentVariables.policy, JSON.stringify({ graph: { enabled: false } })],
        [schema.EnvironmentVariables.graphEnabled, "yes"],
      ]),
    );
    expect(on.graphEnabled).toBe(true);
    // Only without the variable does the policy decide.
    expect(configFromValues(new Map([[schema.EnvironmentVariables.policy, policy]])).graphEnabled).toBe(true);
  });

  test("the redirect URI admin.md registers is the page the solution ships, and only one is named", () => {
    const admin = read(docPath("admin.md"));
    const uris = new Set([...admin.matchAll(/https:\/\/[^\s`]*\/WebResources\/[^\s`]+/g)].map((m) => m[0]));
    for (const uri of uris) expect(uri.endsWith(`/WebResources/${schema.WebResources.authRedirect}`)).toBe(true);
    expect(uris.size).toBeGreaterThan(0);
  });
});
