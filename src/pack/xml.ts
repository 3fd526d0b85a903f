/**
 * A tiny XML writer: elements as data, rendered with two-space indentation and `\n` line ends,
 * so the same model always gives the same bytes. Attribute order is the order given.
 */
export interface XmlElement {
  tag: string;
  attrs: [string, string | number][];
  children: XmlNode[];
}
export type XmlNode = XmlElement | { text: string };

type Attrs = Record<string, string | number | undefined>;

/** `el("a", { x: 1 }, child, "text")`; undefined attributes are left out. */
export function el(
  tag: string,
  attrs: Attrs = {},
  ...children: (XmlNode | string | number | false | undefined)[]
): XmlElement {
  const list = Object.entries(attrs).filter((entry): entry is [string, string | number] => entry[1] !== undefined);
  const nodes = children
    .filter((c): c is XmlNode | string | number => c !== undefined && c !== false)
    .map((c) => (typeof c === "string" || typeof c === "number" ? { text: String(c) } : c));
  return { tag, attrs: list, children: nodes };
}

function escapeXml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function isText(node: XmlNode): node is { text: string } {
  return "text" in node;
}

export function renderXml(node: XmlNode, depth = 0): string {
  const pad = "  ".repeat(depth);
  if (isText(node)) return pad + escapeXml(node.text);
  const attrs = node.attrs.map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`).join("");
  if (node.children.length === 0) return `${pad}<${node.tag}${attrs} />`;
  if (node.children.every(isText)) {
    return `${pad}<${node.tag}${attrs}>${node.children.map((c) => (isText(c) ? escapeXml(c.text) : "")).join("")}</${node.tag}>`;
  }
  const inner = node.children.map((c) => renderXml(c, depth + 1)).join("\n");
  return `${pad}<${node.tag}${attrs}>\n${inner}\n${pad}</${node.tag}>`;
}

/** A whole document: no XML declaration (the platform's root files start with the root element). */
export function renderDocument(root: XmlElement): string {
  return renderXml(root) + "\n";
}
