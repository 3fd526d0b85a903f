/**
 * The syntax of a Web API `$filter` expression, as dataverse-webapi-facts.md §1–2 documents it:
 * comparisons `eq ne gt ge lt le`, `and`/`or`/`not`, parentheses, `contains`/`startswith`/
 * `endswith`, lambda `any`/`all` on navigation paths, `Microsoft.Dynamics.CRM.<Function>(Name=value,…)`
 * query functions, parameter aliases (`@p1`), and literals: strings with doubled quotes, numbers,
 * GUIDs, dates, `true`/`false`/`null`. Only the syntax is checked (the emulator does not evaluate
 * OData queries); an expression outside it is refused with Microsoft.OData.Core's lexer message,
 * "Syntax error at position N in '…'.", which a Web API answer carries.
 */

type TokenKind = "(" | ")" | "," | ":" | "=" | "[" | "]" | "string" | "literal" | "alias" | "name";

interface Token {
  kind: TokenKind;
  text: string;
  at: number;
}

/** Lexical forms, tried in order at each position (GUIDs and dates before numbers and names). */
const LEXEMES: readonly [TokenKind, RegExp][] = [
  ["string", /'(?:[^']|'')*'|"(?:[^"\\]|\\.)*"/y],
  ["literal", /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![\w-])/y],
  ["literal", /\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?(?![\w:.+-])/y],
  ["literal", /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?[mMlLdDfF]?(?![\w.])/y],
  ["alias", /@[A-Za-z_]\w*/y],
  ["name", /[A-Za-z_]\w*(?:[./][A-Za-z_]\w*)*/y],
];

const COMPARISONS: ReadonlySet<string> = new Set(["eq", "ne", "gt", "ge", "lt", "le"]);
const STRING_FUNCTIONS: ReadonlySet<string> = new Set(["contains", "startswith", "endswith"]);

export class ODataSyntaxError extends Error {
  constructor(
    readonly position: number,
    readonly text: string,
  ) {
    super(`Syntax error at position ${position} in '${text}'.`);
  }
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    if (/\s/.test(text[at])) {
      at++;
      continue;
    }
    if ("(),:=[]".includes(text[at])) {
      tokens.push({ kind: text[at] as TokenKind, text: text[at], at });
      at++;
      continue;
    }
    const lexeme = LEXEMES.map(([kind, re]) => {
      re.lastIndex = at;
      const m = re.exec(text);
      return m ? { kind, text: m[0], at } : undefined;
    }).find((t) => t !== undefined);
    if (!lexeme) throw new ODataSyntaxError(at, text);
    tokens.push(lexeme);
    at += lexeme.text.length;
  }
  return tokens;
}

class FilterParser {
  private next = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly text: string,
  ) {}

  parse(): void {
    this.or();
    if (this.peek()) this.fail();
  }

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.next + offset];
  }

  private fail(): never {
    throw new ODataSyntaxError(this.peek()?.at ?? this.text.length, this.text);
  }

  private take(kind: TokenKind, text?: string): Token {
    const token = this.peek();
    if (!token || token.kind !== kind || (text !== undefined && token.text !== text)) this.fail();
    this.next++;
    return token;
  }

  private isWord(word: string): boolean {
    const token = this.peek();
    return token?.kind === "name" && token.text === word;
  }

  private or(): void {
    this.and();
    while (this.isWord("or")) {
      this.next++;
      this.and();
    }
  }

  private and(): void {
    this.not();
    while (this.isWord("and")) {
      this.next++;
      this.not();
    }
  }

  private not(): void {
    if (this.isWord("not")) {
      this.next++;
      return this.not();
    }
    this.primary();
  }

  private primary(): void {
    const token = this.peek();
    if (!token) return this.fail();
    if (token.kind === "(") {
      this.next++;
      this.or();
      this.take(")");
      return;
    }
    if (token.kind === "name" && this.peek(1)?.kind === "(") return this.call(token);
    this.operand();
    const operator = this.peek();
    // A boolean column stands alone (`isdisabled`, `not isdisabled`).
    if (token.kind === "name" && (!operator || operator.kind === ")" || /^(and|or)$/.test(operator.text))) return;
    if (operator?.kind !== "name" || !COMPARISONS.has(operator.text)) return this.fail();
    this.next++;
    this.operand();
  }

  /** `contains(a,'x')`, `path/any(o:o/x eq 1)`, `Microsoft.Dynamics.CRM.In(PropertyName='a',PropertyValues=[…])`. */
  private call(name: Token): void {
    const lambda = /\/(any|all)$/.test(name.text);
    const query = name.text.startsWith("Microsoft.Dynamics.CRM.");
    if (!STRING_FUNCTIONS.has(name.text) && !lambda && !query) return this.fail(); // no other functions
    this.next++;
    this.take("(");
    if (STRING_FUNCTIONS.has(name.text)) {
      this.operand();
      this.take(",");
      this.operand();
    } else if (lambda) {
      if (this.peek()?.kind !== ")") {
        this.take("name");
        this.take(":");
        this.or();
      }
    } else {
      this.list(() => {
        this.take("name");
        this.take("=");
        this.parameterValue();
      });
    }
    this.take(")");
  }

  /** One or more items separated by commas. */
  private list(item: () => void): void {
    item();
    while (this.peek()?.kind === ",") {
      this.next++;
      item();
    }
  }

  private parameterValue(): void {
    if (this.peek()?.kind !== "[") return this.operand();
    this.next++;
    if (this.peek()?.kind !== "]") this.list(() => this.operand());
    this.take("]");
  }

  private operand(): void {
    const token = this.peek();
    if (!token || !["string", "literal", "alias", "name"].includes(token.kind)) return this.fail();
    if (token.kind === "name" && /^(and|or|not)$/.test(token.text)) return this.fail();
    this.next++;
  }
}

/** Throws ODataSyntaxError when the `$filter` text is not a Web API filter expression. */
export function checkFilterSyntax(text: string): void {
  new FilterParser(tokenize(text), text).parse();
}
