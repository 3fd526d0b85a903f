/** Looks up a localized string by key and fills `{name}` placeholders. Output is plain text. */
export type Translate = (key: string, params?: Record<string, string | number>) => string;

/**
 * Fill a message: `{name}` placeholders, and ICU-style plurals
 * `{count, plural, =0 {…} one {# item} other {# items}}` (`#` is the number). English and German
 * share the plural categories one/other, so the rules of either serve both.
 */
const PLURAL_RULES = new Map<string, Intl.PluralRules>();

export function formatMessage(template: string, params: Record<string, string | number> = {}, locale = "en"): string {
  // Most messages have no plural: the simple placeholder pass is all they need.
  if (!template.includes(", plural,"))
    return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
  let rules = PLURAL_RULES.get(locale);
  if (!rules) {
    rules = new Intl.PluralRules(locale);
    PLURAL_RULES.set(locale, rules);
  }
  let out = "";
  for (let i = 0; i < template.length;) {
    const plural = /^\{(\w+),\s*plural,/.exec(template.slice(i));
    if (plural) {
      const end = closingBrace(template, i);
      if (end > i) {
        out += pluralOf(template.slice(i + plural[0].length, end), params[plural[1]], rules);
        i = end + 1;
        continue;
      }
    }
    const simple = /^\{(\w+)\}/.exec(template.slice(i));
    if (simple) {
      out += simple[1] in params ? String(params[simple[1]]) : simple[0];
      i += simple[0].length;
      continue;
    }
    out += template[i++];
  }
  return out;
}

/** Index of the brace closing the one opened at `open`, or -1. */
function closingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth === 0) return i;
  }
  return -1;
}

function pluralOf(options: string, value: string | number | undefined, rules: Intl.PluralRules): string {
  const n = typeof value === "number" ? value : Number(value);
  const cases = new Map<string, string>();
  const re = /\s*(=\d+|zero|one|two|few|many|other)\s*\{/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(options))) {
    const start = m.index + m[0].length - 1;
    const end = closingBrace(options, start);
    if (end < 0) break;
    cases.set(m[1], options.slice(start + 1, end));
    re.lastIndex = end + 1;
  }
  const chosen =
    (Number.isFinite(n) ? (cases.get(`=${n}`) ?? cases.get(rules.select(n))) : undefined) ?? cases.get("other") ?? "";
  return chosen.replace(/#/g, Number.isFinite(n) ? String(n) : String(value ?? ""));
}
