/** Solution/ is rendered from src/pack/model: the committed files must be what the model renders. */
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { generateSolution, isGeneratedPath, staleFiles } from "../../src/pack/generateSolution";
import { TABLES } from "../../src/pack/model/tables";
import { isSystemColumn } from "../../src/pack/model/systemColumns";
import { Table } from "../../src/pack/model/types";
import { renderView } from "../../src/pack/render/view";
import { renderTableForm } from "../../src/pack/render/form";
import { renderXml } from "../../src/pack/xml";
import { elements } from "../../src/pack/xmlScan";
import { REPO } from "./fixture";
import {
  Association,
  OutreachDecision,
  OutreachExceptionTable,
  REQUEST_OPEN_DAYS,
  ScriptFunctions,
  ServerColumns,
  WebResources,
} from "../../src/schema";

async function filesUnder(dir: string, rel = ""): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const child = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await filesUnder(dir, child)));
    else out.push(child);
  }
  return out;
}

const table = (logicalName: string): Table => TABLES.find((t) => t.logicalName === logicalName)!;

describe("Solution/", () => {
  it("matches src/pack/model (run npm run solution:generate after changing the model)", async () => {
    for (const [rel, content] of generateSolution()) {
      const committed = await readFile(path.join(REPO, "Solution", ...rel.split("/")), "utf8").catch(() => "(missing)");
      expect({ file: rel, content: committed }).toEqual({ file: rel, content });
    }
  });

  it("holds no generated file the model no longer renders (npm run solution:generate deletes them)", async () => {
    expect(staleFiles(await filesUnder(path.join(REPO, "Solution")), generateSolution())).toEqual([]);
  });

  it("tells generated files from hand-kept ones", () => {
    const rendered = new Map([["Entities/pg_outreachexception/FormXml/main/{new}.xml", ""]]);
    const existing = [
      "Entities/pg_outreachexception/FormXml/main/{new}.xml",
      "Entities/pg_outreachexception/FormXml/main/{old}.xml",
      "Entities/pg_gone/Entity.xml",
      "Entities/pg_gone/SavedQueries/{view}.xml",
      "Roles/Old role.xml",
      "WebResources/pg_/scripts/old.js.data.xml",
      "environmentvariabledefinitions/pg_Old/environmentvariabledefinition.xml",
      "Entities/account/RibbonDiff.xml",
      "WebResources/pg_/icons/outreach16.svg",
    ];
    expect(staleFiles(existing, rendered)).toEqual([
      "Entities/pg_gone/Entity.xml",
      "Entities/pg_gone/SavedQueries/{view}.xml",
      "Entities/pg_outreachexception/FormXml/main/{old}.xml",
      "Roles/Old role.xml",
      "WebResources/pg_/scripts/old.js.data.xml",
      "environmentvariabledefinitions/pg_Old/environmentvariabledefinition.xml",
    ]);
    for (const rel of generateSolution().keys())
      expect({ rel, generated: isGeneratedPath(rel) }).toEqual({ rel, generated: true });
  });

  it("has the views the issue asks for", () => {
    const names = TABLES.flatMap((t) => t.views.map((v) => v.name[1033]));
    expect(names).toEqual(
      expect.arrayContaining([
        "Active associations by account",
        "Associations expiring in 30 days",
        "Pending outreach exceptions",
        "Decisions",
        "Outreach audit by seller",
      ]),
    );
  });

  it("keys partner associations on source + external reference for upserts", () => {
    const association = TABLES.find((t) => t.logicalName === Association.logicalName)!;
    expect(association.keys[0].columns).toEqual([Association.source, Association.externalReference]);
  });

  it("names in views and forms only a table's own columns or the platform's system columns", () => {
    for (const t of TABLES) {
      const known = (name: string) =>
        name === t.primaryId || isSystemColumn(name) || t.columns.some((c) => c.logicalName === name);
      const named = [
        ...t.views.flatMap((v) => [
          ...v.columns,
          ...v.order.map((o) => o.attribute),
          ...v.conditions.filter((c) => !c.entityname).map((c) => c.attribute),
        ]),
        ...t.forms.flatMap((f) => f.sections.flatMap((s) => s.columns)),
      ];
      expect({ table: t.logicalName, unknown: named.filter((n) => !known(n)) }).toEqual({
        table: t.logicalName,
        unknown: [],
      });
    }
  });

  it("refuses to render a view or form naming a column the table does not have", () => {
    const exception = table(OutreachExceptionTable.logicalName);
    const view = exception.views[0];
    expect(() => renderView(exception, { ...view, columns: [...view.columns, "pg_requesterid"] })).toThrow(
      /unknown column pg_requesterid/,
    );
    expect(() =>
      renderView(exception, { ...view, conditions: [{ entityname: "nope", attribute: "x", operator: "null" }] }),
    ).toThrow(/unknown nope\.x/);
    const form = exception.forms[0];
    expect(() =>
      renderTableForm(exception, { ...form, sections: [{ label: { 1033: "x" }, columns: ["pg_validuntil"] }] }),
    ).toThrow(/unknown column pg_validuntil/);
  });
});

describe("requests and decisions", () => {
  it("has a decision table whose request lookup is required and cascades delete; other lookups keep their rows", () => {
    const decision = table(OutreachDecision.logicalName);
    expect(decision).toBeDefined();
    const lookup = decision.columns.find((c) => c.logicalName === OutreachDecision.exception);
    expect(lookup).toMatchObject({
      kind: "lookup",
      target: OutreachExceptionTable.logicalName,
      schemaName: OutreachDecision.exceptionNav,
      required: true,
      onDelete: "cascade",
    });
    const others = TABLES.flatMap((t) => t.columns).filter((c) => c.kind === "lookup" && c !== lookup);
    for (const c of others)
      expect({
        column: c.logicalName,
        onDelete: c.kind === "lookup" ? (c.onDelete ?? "removeLink") : undefined,
      }).toEqual({ column: c.logicalName, onDelete: "removeLink" });
  });

  it("keeps no requester, approver, status or valid-until on a request: createdby/createdon say who asked and when", () => {
    const exception = table(OutreachExceptionTable.logicalName);
    expect(exception.columns.map((c) => c.logicalName).sort()).toEqual(
      [
        OutreachExceptionTable.name,
        OutreachExceptionTable.account,
        OutreachExceptionTable.justification,
        OutreachExceptionTable.reasonCode,
        OutreachExceptionTable.requestedDays,
        // The account it was asked for, as text set on create (not a lookup Merge could move).
        OutreachExceptionTable.requestedFor,
      ].sort(),
    );
    expect(exception.forms).toHaveLength(1);
    // Only OnLoad (a request made on the form notifies the approvers): requests are never saved again, no OnSave.
    expect(exception.forms[0].handlers).toEqual([
      { event: "onload", library: WebResources.commandScript, functionName: ScriptFunctions.approvalsOnLoad },
    ]);
    expect(exception.forms[0].sections.map((s) => s.label[1033])).toEqual(["Request"]);
  });

  it("shows who created a request or decision, read-only, on its form", () => {
    for (const logicalName of [OutreachExceptionTable.logicalName, OutreachDecision.logicalName]) {
      const t = table(logicalName);
      const xml = renderXml(renderTableForm(t, t.forms[0]));
      const controls = elements(xml, "control");
      for (const column of [ServerColumns.createdBy, ServerColumns.createdOn]) {
        expect(controls.find((c) => c.attrs.datafieldname === column)?.attrs.disabled).toBe("true");
      }
      // The table's own columns stay editable (on create).
      expect(
        controls
          .filter((c) => c.attrs.disabled === "true")
          .map((c) => c.attrs.datafieldname)
          .sort(),
      ).toEqual([ServerColumns.createdBy, ServerColumns.createdOn]);
    }
  });

  it("lists pending requests: younger than REQUEST_OPEN_DAYS, without a decision, oldest first", () => {
    const exception = table(OutreachExceptionTable.logicalName);
    const pending = exception.views.find((v) => v.name[1033] === "Pending outreach exceptions")!;
    const fetch = elements(renderXml(renderView(exception, pending)), "fetch")[0].inner;
    const link = elements(fetch, "link-entity");
    expect(link).toHaveLength(1);
    expect(link[0].attrs).toEqual({
      name: OutreachDecision.logicalName,
      from: OutreachDecision.exception,
      to: OutreachExceptionTable.id,
      "link-type": "outer",
      alias: link[0].attrs.alias,
    });
    const conditions = elements(elements(fetch, "filter")[0].inner, "condition").map((c) => ({ ...c.attrs }));
    expect(conditions).toContainEqual({
      entityname: link[0].attrs.alias,
      attribute: OutreachDecision.id,
      operator: "null",
    });
    expect(conditions).toContainEqual({
      attribute: ServerColumns.createdOn,
      operator: "last-x-days",
      value: String(REQUEST_OPEN_DAYS),
    });
    expect(elements(fetch, "order").map((o) => ({ ...o.attrs }))).toEqual([
      { attribute: ServerColumns.createdOn, descending: "false" },
    ]);
  });

  it("lists decisions newest first with who decided and when", () => {
    const decision = table(OutreachDecision.logicalName);
    const view = decision.views.find((v) => v.name[1033] === "Decisions")!;
    expect(view.columns).toEqual([
      OutreachDecision.exception,
      OutreachDecision.decision,
      OutreachDecision.days,
      ServerColumns.createdBy,
      ServerColumns.createdOn,
    ]);
    expect(view.order).toEqual([{ attribute: ServerColumns.createdOn, descending: true }]);
    expect(decision.views.map((v) => v.key)).toEqual(
      expect.arrayContaining(["active", "advanced-find", "associated", "quick-find", "lookup", "decisions"]),
    );
  });
});
