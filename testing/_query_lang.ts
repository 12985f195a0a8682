/**
 * The Carbon Black (Solr/Lucene-style) query language: a parser and an evaluator over plain
 * records. Terms `field:value`, bare terms, quoted phrases, `*`/`?` wildcards, ranges
 * `[a TO b]`/`{a TO b}`, `AND`/`OR`/`NOT` (any case), implicit AND, parentheses (a missing final
 * `)` is tolerated, as the documentation's examples need) and `-field:value`.
 *
 * @module
 */

/** How a field's values are compared. */
export type FieldKind = "text" | "keyword" | "number" | "date" | "bool";

/** A scalar field value. */
export type FieldScalar = string | number | boolean | null | undefined;

/** A record to match: each field holds a scalar or a list (multi-valued field). */
export type SearchRecord = Record<string, FieldScalar | readonly FieldScalar[]>;

/** The fields a record type offers. */
export interface SearchSchema {
  /** Field kinds by name. Fields not listed match nothing. */
  fields: Record<string, FieldKind>;
  /** Alternative names, e.g. `md5` -> `process_md5`. */
  aliases?: Record<string, string>;
  /** Fields a bare term (no `field:`) is matched against. */
  defaultFields: readonly string[];
}

/** The query text cannot be parsed. */
export class QuerySyntaxError extends Error {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "QuerySyntaxError";
  }
}

type TermValue =
  | { kind: "word"; text: string }
  | { kind: "phrase"; text: string }
  | { kind: "range"; lo: string; hi: string; loIncl: boolean; hiIncl: boolean };

type Node =
  | { type: "all" }
  | { type: "and"; items: Node[] }
  | { type: "or"; items: Node[] }
  | { type: "not"; item: Node }
  | { type: "term"; field: string | undefined; value: TermValue };

type Token =
  | { t: "(" }
  | { t: ")" }
  | { t: "and" }
  | { t: "or" }
  | { t: "not" }
  | { t: "term"; field: string | undefined; value: TermValue; negate: boolean };

const FIELD_REGEXP = /^([A-Za-z_][A-Za-z0-9_.]*):/;
const TOKEN_SPLIT_REGEXP = /[\s\\/:"',;=()[\]{}|<>]+/;

function tokenize(q: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let depth = 0;
  while (i < q.length) {
    const c = q[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "(") {
      out.push({ t: "(" });
      depth++;
      i++;
      continue;
    }
    if (c === ")") {
      out.push({ t: ")" });
      depth--;
      i++;
      continue;
    }
    let negate = false;
    if ((c === "-" || c === "!" || c === "+") && i + 1 < q.length && !/\s/.test(q[i + 1]!)) {
      negate = c !== "+";
      i++;
      if (q[i] === "(") {
        if (negate) out.push({ t: "not" });
        continue;
      }
    }
    let field: string | undefined;
    const m = FIELD_REGEXP.exec(q.slice(i));
    if (m) {
      field = m[1];
      i += m[0].length;
    }
    const start = q[i];
    let value: TermValue;
    if (start === '"') {
      const end = q.indexOf('"', i + 1);
      if (end < 0) throw new QuerySyntaxError(`Unterminated quoted phrase at position ${i}`);
      value = { kind: "phrase", text: q.slice(i + 1, end) };
      i = end + 1;
    } else if (start === "[" || start === "{") {
      const close = q.slice(i + 1).search(/[\]}]/);
      if (close < 0) throw new QuerySyntaxError(`Unterminated range at position ${i}`);
      const end = i + 1 + close;
      const inner = q.slice(i + 1, end).trim();
      const parts = inner.split(/\s+TO\s+/i);
      if (parts.length !== 2 || !parts[0] || !parts[1]) {
        throw new QuerySyntaxError(`Malformed range "${q.slice(i, end + 1)}"`);
      }
      value = {
        kind: "range",
        lo: parts[0],
        hi: parts[1],
        loIncl: start === "[",
        hiIncl: q[end] === "]",
      };
      i = end + 1;
    } else {
      let j = i;
      while (j < q.length && !/\s/.test(q[j]!) && !(q[j] === ")" && depth > 0)) j++;
      const text = q.slice(i, j);
      i = j;
      if (text === "") {
        if (field === undefined) throw new QuerySyntaxError(`Unexpected character at ${i}`);
        throw new QuerySyntaxError(`Missing value for field "${field}"`);
      }
      if (field === undefined && !negate) {
        const op = text.toLowerCase();
        if (op === "and" || op === "&&") {
          out.push({ t: "and" });
          continue;
        }
        if (op === "or" || op === "||") {
          out.push({ t: "or" });
          continue;
        }
        if (op === "not") {
          out.push({ t: "not" });
          continue;
        }
      }
      value = { kind: "word", text };
    }
    out.push({ t: "term", field, value, negate });
  }
  return out;
}

class Parser {
  #tokens: Token[];
  #at = 0;

  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }

  parse(): Node {
    if (this.#tokens.length === 0) return { type: "all" };
    const node = this.#or();
    if (this.#at < this.#tokens.length) {
      throw new QuerySyntaxError(`Unexpected "${this.#tokens[this.#at]!.t}" in query`);
    }
    return node;
  }

  #peek(): Token | undefined {
    return this.#tokens[this.#at];
  }

  #or(): Node {
    const items = [this.#and()];
    while (this.#peek()?.t === "or") {
      this.#at++;
      items.push(this.#and());
    }
    return items.length === 1 ? items[0]! : { type: "or", items };
  }

  #and(): Node {
    const items = [this.#unary()];
    while (true) {
      const p = this.#peek();
      if (!p || p.t === ")" || p.t === "or") break;
      if (p.t === "and") this.#at++;
      items.push(this.#unary());
    }
    return items.length === 1 ? items[0]! : { type: "and", items };
  }

  #unary(): Node {
    const p = this.#peek();
    if (!p) throw new QuerySyntaxError("Query ends where a term was expected");
    if (p.t === "not") {
      this.#at++;
      return { type: "not", item: this.#unary() };
    }
    if (p.t === "(") {
      this.#at++;
      if (this.#peek()?.t === ")") throw new QuerySyntaxError("Empty parentheses in query");
      const inner = this.#or();
      if (this.#peek()?.t === ")") this.#at++;
      else if (this.#peek() !== undefined) throw new QuerySyntaxError("Missing )");
      return inner;
    }
    if (p.t === "term") {
      this.#at++;
      if (p.field === undefined && p.value.kind === "word" && /^\*(:\*)?$/.test(p.value.text)) {
        return p.negate ? { type: "not", item: { type: "all" } } : { type: "all" };
      }
      const term: Node = { type: "term", field: p.field, value: p.value };
      return p.negate ? { type: "not", item: term } : term;
    }
    throw new QuerySyntaxError(`Unexpected "${p.t}" in query`);
  }
}

/** Splits text into lower-case tokens the way text fields are indexed. */
export function textTokens(text: string): string[] {
  return text.toLowerCase().split(TOKEN_SPLIT_REGEXP).filter((t) => t !== "");
}

/** The suffixes of a path-like value that start after a separator (`\registry\x` → `registry\x`). */
function pathSuffixes(value: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if ((c === "\\" || c === "/" || c === " ") && i + 1 < value.length) {
      out.push(value.slice(i + 1));
    }
  }
  return out;
}

function wildcardRegExp(pattern: string): RegExp {
  const body = pattern.toLowerCase().replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${body}$`, "s");
}

function toMillis(v: FieldScalar | string): number {
  if (typeof v === "number") return v;
  if (typeof v !== "string") return NaN;
  let s = v.trim().replace(" ", "T");
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) s += "T00:00:00Z";
  else if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(s)) s += "Z";
  return Date.parse(s);
}

function containsRun(hay: string[], needle: string[]): boolean {
  outer: for (let i = 0; i <= hay.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

type Matcher = (v: FieldScalar) => boolean;

/** `-<N>m` / `-<N>h`: a time relative to the server's clock (`start:-1440m` = the last day). */
const RELATIVE_TIME_REGEXP = /^-(\d+)([mh])$/;

function scalarMatcher(kind: FieldKind, value: TermValue, now: number): Matcher {
  if (kind === "date" && value.kind === "word") {
    const rel = RELATIVE_TIME_REGEXP.exec(value.text.toLowerCase());
    if (rel) {
      const since = now - Number(rel[1]) * (rel[2] === "h" ? 3_600_000 : 60_000);
      return (v) => {
        if (v === null || v === undefined) return false;
        const x = toMillis(v);
        return !Number.isNaN(x) && x >= since;
      };
    }
  }
  if (value.kind === "range") {
    const { lo, hi, loIncl, hiIncl } = value;
    const num = kind === "number" ? Number : kind === "date" ? toMillis : undefined;
    if (num) {
      const a = lo === "*" ? -Infinity : num(lo);
      const b = hi === "*" ? Infinity : num(hi);
      if (Number.isNaN(a) || Number.isNaN(b)) {
        throw new QuerySyntaxError(`Invalid range bound in [${lo} TO ${hi}]`);
      }
      return (v) => {
        const x = num(v as string);
        if (v === null || v === undefined || Number.isNaN(x)) return false;
        return (loIncl ? x >= a : x > a) && (hiIncl ? x <= b : x < b);
      };
    }
    const a = lo === "*" ? undefined : lo.toLowerCase();
    const b = hi === "*" ? undefined : hi.toLowerCase();
    return (v) => {
      if (v === null || v === undefined) return false;
      const x = String(v).toLowerCase();
      return (a === undefined || (loIncl ? x >= a : x > a)) &&
        (b === undefined || (hiIncl ? x <= b : x < b));
    };
  }
  const text = value.text.toLowerCase();
  if (value.kind === "word" && text === "*") {
    return (v) => v !== null && v !== undefined && v !== "";
  }
  if (value.kind === "word" && /[*?]/.test(text)) {
    const re = wildcardRegExp(text);
    return (v) => {
      if (v === null || v === undefined) return false;
      const s = String(v).toLowerCase();
      return re.test(s) || (kind === "text" && (textTokens(s).some((t) => re.test(t)) ||
        pathSuffixes(s).some((t) => re.test(t))));
    };
  }
  switch (kind) {
    case "number": {
      const n = Number(text);
      return (v) => v !== null && v !== undefined && v !== "" && Number(v) === n;
    }
    case "bool":
      return (v) => v !== null && v !== undefined && String(v).toLowerCase() === text;
    case "date": {
      const ms = toMillis(text);
      return (v) => {
        if (v === null || v === undefined) return false;
        return String(v).toLowerCase().startsWith(text) ||
          (!Number.isNaN(ms) && toMillis(v) === ms);
      };
    }
    case "keyword":
      return (v) => v !== null && v !== undefined && String(v).toLowerCase() === text;
    case "text": {
      const needle = textTokens(text);
      return (v) => {
        if (v === null || v === undefined) return false;
        const s = String(v).toLowerCase();
        if (s === text) return true;
        return needle.length > 0 && containsRun(textTokens(s), needle);
      };
    }
  }
}

type Predicate = (rec: SearchRecord) => boolean;

function fieldPredicate(
  name: string,
  kind: FieldKind,
  value: TermValue,
  now: number,
): Predicate {
  const m = scalarMatcher(kind, value, now);
  return (rec) => {
    const v = rec[name];
    if (Array.isArray(v)) return v.some(m);
    return m(v as FieldScalar);
  };
}

function compileNode(node: Node, schema: SearchSchema, now: number): Predicate {
  switch (node.type) {
    case "all":
      return () => true;
    case "and": {
      const items = node.items.map((n) => compileNode(n, schema, now));
      return (r) => items.every((p) => p(r));
    }
    case "or": {
      const items = node.items.map((n) => compileNode(n, schema, now));
      return (r) => items.some((p) => p(r));
    }
    case "not": {
      const item = compileNode(node.item, schema, now);
      return (r) => !item(r);
    }
    case "term": {
      if (node.field === undefined) {
        const preds = schema.defaultFields.map((f) =>
          fieldPredicate(f, schema.fields[f] ?? "text", node.value, now)
        );
        return (r) => preds.some((p) => p(r));
      }
      const lower = node.field.toLowerCase();
      const name = schema.aliases?.[lower] ?? lower;
      const kind = schema.fields[name];
      if (!kind) return () => false;
      return fieldPredicate(name, kind, node.value, now);
    }
  }
}

/**
 * Compiles a query into a predicate over records of `schema`. Relative time terms
 * (`start:-1440m`, `last_update:-2h`) count back from `now` (ms since the epoch), the server's
 * clock.
 *
 * @throws {QuerySyntaxError} when the query cannot be parsed
 */
export function compileQuery(q: string, schema: SearchSchema, now: number = Date.now()): Predicate {
  return compileNode(new Parser(tokenize(q)).parse(), schema, now);
}
