/**
 * The account views as the grid gets them: each public view (savedquery) of the account entity in
 * the zip's customizations.xml, with its columns (layoutxml cells, in order) and its query
 * (fetchxml, run as it is through the in-page emulator as the signed-in seller), and the columns'
 * data types and labels from the entity's attribute metadata. Columns the solution does not define
 * (Microsoft's own, such as `name`) get the type the platform gives them.
 */
import type { ColumnDataType, ColumnDefinition } from "./gridCustomizer";

export interface GridView {
  id: string;
  names: Record<number, string>;
  fetchXml: string;
  columns: ColumnDefinition[];
  /** Column labels by language, by column name. */
  labels: Record<string, Record<number, string>>;
  /** True for the playground's own view (not part of the solution). */
  playground?: boolean;
}

interface AttributeMeta {
  dataType: ColumnDataType;
  labels: Record<number, string>;
}

/** Microsoft's account columns the views use (the system's own metadata, not in our solution). */
const SYSTEM_COLUMNS: Record<string, AttributeMeta> = {
  name: { dataType: "Text", labels: { 1033: "Account Name", 1031: "Firmenname" } },
  accountid: { dataType: "Text", labels: { 1033: "Account", 1031: "Firma" } },
};

function dataTypeOf(type: string, format: string | undefined): ColumnDataType {
  switch (type) {
    case "picklist":
    case "state":
    case "status":
      return "OptionSet";
    case "lookup":
    case "customer":
    case "owner":
      return "Lookup";
    case "datetime":
      return format === "date" ? "DateOnly" : "DateAndTime";
    case "bit":
      return "TwoOptions";
    case "int":
      return "Integer";
    case "decimal":
    case "money":
    case "float":
      return "Decimal";
    default:
      return "Text";
  }
}

const childText = (el: Element, name: string): string | undefined =>
  Array.from(el.children)
    .find((c) => c.localName === name)
    ?.textContent?.trim();

function entityElement(doc: Document, entity: string): Element | undefined {
  return Array.from(doc.getElementsByTagName("Entity")).find(
    (e) => childText(e, "Name")?.toLowerCase() === entity.toLowerCase(),
  );
}

function attributeMeta(entityEl: Element | undefined): Map<string, AttributeMeta> {
  const meta = new Map<string, AttributeMeta>();
  for (const a of entityEl ? Array.from(entityEl.getElementsByTagName("attribute")) : []) {
    const name = (a.getAttribute("PhysicalName") ?? "").toLowerCase();
    const type = childText(a, "Type");
    if (!name || !type) continue;
    const labels: Record<number, string> = {};
    a.querySelectorAll("displaynames > displayname").forEach((d) => {
      labels[Number(d.getAttribute("languagecode"))] = d.getAttribute("description") ?? "";
    });
    meta.set(name, { dataType: dataTypeOf(type, childText(a, "Format")?.toLowerCase()), labels });
  }
  return meta;
}

function columnsOf(
  cells: { name: string; width?: number }[],
  primary: string | undefined,
  meta: Map<string, AttributeMeta>,
): { columns: ColumnDefinition[]; labels: Record<string, Record<number, string>> } {
  const labels: Record<string, Record<number, string>> = {};
  const columns = cells.map((cell): ColumnDefinition => {
    const m = meta.get(cell.name) ?? SYSTEM_COLUMNS[cell.name] ?? { dataType: "Text" as const, labels: {} };
    labels[cell.name] = m.labels;
    return {
      name: cell.name,
      displayName: m.labels[1033] ?? cell.name,
      dataType: m.dataType,
      isPrimary: cell.name === primary,
      ...(cell.width ? { width: cell.width } : {}),
    };
  });
  return { columns, labels };
}

/** The solution's public views of `entity`, in the order the zip holds them. */
export function readViews(customizationsXml: string, entity = "account"): GridView[] {
  const doc = new DOMParser().parseFromString(customizationsXml, "application/xml");
  const entityEl = entityElement(doc, entity);
  if (!entityEl) return [];
  const meta = attributeMeta(entityEl);
  const views: GridView[] = [];
  for (const q of Array.from(entityEl.getElementsByTagName("savedquery"))) {
    if (childText(q, "querytype") !== "0" || childText(q, "isprivate") === "1") continue;
    const fetch = q.getElementsByTagName("fetch")[0];
    const grid = q.getElementsByTagName("grid")[0];
    if (!fetch || !grid) continue;
    const cells = Array.from(grid.getElementsByTagName("cell")).map((c) => ({
      name: c.getAttribute("name") ?? "",
      width: Number(c.getAttribute("width")) || undefined,
    }));
    const names: Record<number, string> = {};
    q.querySelectorAll("LocalizedNames > LocalizedName").forEach((n) => {
      names[Number(n.getAttribute("languagecode"))] = n.getAttribute("description") ?? "";
    });
    views.push({
      id: childText(q, "savedqueryid") ?? "",
      names,
      fetchXml: new XMLSerializer().serializeToString(fetch),
      ...columnsOf(cells, grid.getAttribute("jump") ?? undefined, meta),
    });
  }
  return views;
}

/**
 * The playground's own view, beside the solution's: every account that is not a partner (the
 * demo's customers) whatever its stored status (the solution's views each filter on one status),
 * with the columns of the first solution view that shows the status, so a selection can mix
 * allowed and blocked accounts. Partners are left out with `ne` conditions, so the query names no
 * customer (the "source failure" demo account fails every account request that names it).
 */
export function playgroundView(
  customizationsXml: string,
  solutionViews: GridView[],
  partnerIds: string[],
  statusColumn: string,
): GridView | undefined {
  const model = solutionViews.find((v) => v.columns.some((c) => c.name === statusColumn));
  if (!model) return undefined;
  const doc = new DOMParser().parseFromString(customizationsXml, "application/xml");
  const meta = attributeMeta(entityElement(doc, "account"));
  const attributes = model.columns.map((c) => `<attribute name="${c.name}" />`).join("");
  const notPartners = partnerIds
    .map((id) => `<condition attribute="accountid" operator="ne" value="${id}" />`)
    .join("");
  return {
    id: "playground-demo-accounts",
    names: { 1033: "Demo customer accounts (playground view)", 1031: "Demo-Kundenfirmen (Playground-Ansicht)" },
    fetchXml:
      `<fetch version="1.0" output-format="xml-platform" mapping="logical"><entity name="account">${attributes}` +
      `<order attribute="name" descending="false" /><filter type="and">${notPartners}</filter></entity></fetch>`,
    ...columnsOf(
      model.columns.map((c) => ({ name: c.name, width: c.width })),
      model.columns.find((c) => c.isPrimary)?.name,
      meta,
    ),
    playground: true,
  };
}
