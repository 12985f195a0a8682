/**
 * Wire encoders shared by every product: query strings (form style, sorted like the Python
 * client's `get_object`), path-style quoting, form decoding and the sorted-key JSON text the
 * Python client sends as request bodies.
 *
 * Private to `core`: the rest of the library reaches these through `Connection`.
 *
 * @module
 */

import { InvalidObjectError } from "./errors.ts";
import { MAX_DOCUMENT_DEPTH, nestedDeeperThan } from "./_depth.ts";

/** One scalar query value; `null`/`undefined` values are left out, like `requests` does. */
export type QueryScalar = string | number | boolean | bigint | null | undefined;

/** A query value: a scalar, or a list that expands to repeated keys. */
export type QueryValue = QueryScalar | readonly QueryScalar[];

/** Query parameters as ordered `(key, value)` pairs. */
export type QueryParams = ReadonlyArray<readonly [string, QueryValue]>;

/** Options for {@linkcode encodeQuery}. */
export interface EncodeQueryOptions {
  /**
   * Sort the pairs by key, then by value, before encoding (what the Python `get_object` does).
   *
   * @default {true}
   */
  sort?: boolean;
}

const UTF8 = new TextEncoder();
const HEX = "0123456789ABCDEF";
const FORM_SAFE_REGEXP = /^[A-Za-z0-9_.\-~]$/;
const PATH_SAFE_REGEXP = /^[A-Za-z0-9_.\-~/]$/;

/**
 * Stringifies a scalar the way Python's `str()` does for the values we send: booleans become
 * `True`/`False`, numbers and strings are kept as their text.
 *
 * @param value The value.
 * @returns Its text.
 *
 * @example Booleans
 * ```ts
 * import { pythonStr } from "./_encode.ts";
 * import assert from "node:assert/strict";
 * assert.ok(pythonStr(true) === "True");
 * ```
 */
export function pythonStr(value: string | number | boolean | bigint): string {
  if (value === true) return "True";
  if (value === false) return "False";
  return String(value);
}

function _percentEncode(text: string, safe: RegExp, spaceAsPlus: boolean): string {
  let out = "";
  for (const ch of text) {
    if (safe.test(ch)) {
      out += ch;
    } else if (ch === " " && spaceAsPlus) {
      out += "+";
    } else {
      for (const byte of UTF8.encode(ch)) {
        out += "%" + HEX[byte >> 4] + HEX[byte & 15];
      }
    }
  }
  return out;
}

/**
 * Form-encodes one key or value: space becomes `+`, `A-Z a-z 0-9 _ . - ~` stay, every other
 * character becomes upper-case `%XX` of its UTF-8 bytes (Python `quote_plus(s, safe="")`).
 *
 * @param text The text.
 * @returns The encoded text.
 *
 * @example Encode a query term
 * ```ts
 * import { quotePlus } from "./_encode.ts";
 * import assert from "node:assert/strict";
 * assert.ok(quotePlus("last_update desc") === "last_update+desc");
 * ```
 */
export function quotePlus(text: string): string {
  return _percentEncode(text, FORM_SAFE_REGEXP, true);
}

/**
 * Path-style quoting (Python `urllib.quote(s)` with `safe="/"`): space becomes `%20`, `/` and
 * the unreserved characters stay, everything else becomes `%XX` of its UTF-8 bytes. Used by the
 * Watchlist `query` setter and `ThreatReportQuery.set_ignored`.
 *
 * @param text The text.
 * @returns The quoted text.
 *
 * @example Quote a watchlist query
 * ```ts
 * import { quotePath } from "./_encode.ts";
 * import assert from "node:assert/strict";
 * assert.ok(quotePath("process_name:a b/c") === "process_name%3Aa%20b/c");
 * ```
 */
export function quotePath(text: string): string {
  return _percentEncode(text, PATH_SAFE_REGEXP, false);
}

function _comparePair(
  a: readonly [string, string | number | boolean | bigint],
  b: readonly [string, string | number | boolean | bigint],
): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  const x = a[1];
  const y = b[1];
  if (typeof x !== "string" && typeof y !== "string") {
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const sx = pythonStr(x);
  const sy = pythonStr(y);
  return sx < sy ? -1 : sx > sy ? 1 : 0;
}

/**
 * Expands list values into repeated keys and drops `null`/`undefined` values.
 *
 * @param params The parameters.
 * @returns Flat `(key, scalar)` pairs in the given order.
 *
 * @example Expand a list
 * ```ts
 * import { flattenQuery } from "./_encode.ts";
 * import assert from "node:assert/strict";
 * assert.ok(flattenQuery([["f", ["a", "b"]]]).length === 2);
 * ```
 */
export function flattenQuery(
  params: QueryParams,
): Array<[string, string | number | boolean | bigint]> {
  const pairs: Array<[string, string | number | boolean | bigint]> = [];
  for (const [key, value] of params) {
    const values: readonly QueryScalar[] = Array.isArray(value) ? value : [value as QueryScalar];
    for (const v of values) {
      if (v !== null && v !== undefined) pairs.push([key, v]);
    }
  }
  return pairs;
}

/**
 * Encodes query parameters exactly as the Python client puts them on the wire (SPEC 2.8):
 * list values expand to repeated keys, pairs are sorted by key then value (plain code-unit
 * order; two numbers compare numerically), values are stringified Python-style and form-encoded.
 *
 * @param params Ordered `(key, value)` pairs.
 * @param options Whether to sort.
 * @returns The query string, without a leading `?`.
 *
 * @example The process search of the docs
 * ```ts
 * import { encodeQuery } from "./_encode.ts";
 * import assert from "node:assert/strict";
 * const qs = encodeQuery([["q", "process_name:net.exe"], ["cb.urlver", 1], ["rows", 100]]);
 * assert.ok(qs === "cb.urlver=1&q=process_name%3Anet.exe&rows=100");
 * ```
 */
export function encodeQuery(params: QueryParams, options: EncodeQueryOptions = {}): string {
  const pairs = flattenQuery(params);
  if (options.sort ?? true) pairs.sort(_comparePair);
  return pairs.map(([k, v]) => quotePlus(k) + "=" + quotePlus(pythonStr(v))).join("&");
}

function _percentDecode(text: string): string {
  if (!text.includes("%")) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x25 && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      // Re-encode the character itself so that mixed text survives the byte round trip.
      const cp = text.codePointAt(i)!;
      if (cp > 0xffff) i++;
      for (const b of UTF8.encode(String.fromCodePoint(cp))) bytes.push(b);
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/**
 * Decodes a form-encoded query string into `(key, value)` pairs, keeping their order and blank
 * values (`q=` gives `["q", ""]`). `+` becomes a space; malformed `%` escapes are kept as text.
 * A leading `?` is ignored.
 *
 * @param query The query string.
 * @returns The pairs.
 *
 * @example Read a watchlist search query
 * ```ts
 * import { parseQuery } from "./_encode.ts";
 * import assert from "node:assert/strict";
 * const pairs = parseQuery("cb.urlver=1&q=is_executable_image%3Atrue");
 * assert.ok(pairs[1]![1] === "is_executable_image:true");
 * ```
 */
export function parseQuery(query: string): Array<[string, string]> {
  const text = query.startsWith("?") ? query.slice(1) : query;
  const pairs: Array<[string, string]> = [];
  for (const part of text.split(/[&;]/)) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const rawKey = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? "" : part.slice(eq + 1);
    pairs.push([
      _percentDecode(rawKey.replaceAll("+", " ")),
      _percentDecode(rawValue.replaceAll("+", " ")),
    ]);
  }
  return pairs;
}

function _jsonString(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += "\\\\";
    else if (c === 0x0a) out += "\\n";
    else if (c === 0x0d) out += "\\r";
    else if (c === 0x09) out += "\\t";
    else if (c === 0x08) out += "\\b";
    else if (c === 0x0c) out += "\\f";
    else if (c < 0x20 || c > 0x7e) out += "\\u" + c.toString(16).padStart(4, "0");
    else out += text[i];
  }
  return out + '"';
}

function _jsonValue(value: unknown, key: string, seen: Set<object>): string | undefined {
  if (
    value !== null && typeof value === "object" &&
    typeof (value as { toJSON?: unknown }).toJSON === "function"
  ) {
    value = (value as { toJSON(key: string): unknown }).toJSON(key);
  }
  switch (typeof value) {
    case "string":
      return _jsonString(value);
    case "number":
      return Number.isFinite(value) ? String(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "bigint":
      return value.toString();
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
  }
  if (value === null) return "null";
  const obj = value as object;
  if (seen.has(obj)) throw new TypeError("Cannot encode a cyclic structure as JSON");
  seen.add(obj);
  try {
    if (Array.isArray(obj)) {
      const items = obj.map((item, i) => _jsonValue(item, String(i), seen) ?? "null");
      return "[" + items.join(", ") + "]";
    }
    const record = obj as Record<string, unknown>;
    const parts: string[] = [];
    for (const k of Object.keys(record).sort()) {
      const text = _jsonValue(record[k], k, seen);
      if (text !== undefined) parts.push(_jsonString(k) + ": " + text);
    }
    return "{" + parts.join(", ") + "}";
  } finally {
    seen.delete(obj);
  }
}

/**
 * Serialises a value as Python's `json.dumps(value, sort_keys=True)` does (SPEC 2.9): object
 * keys sorted recursively (code-unit order), `", "` and `": "` separators, every character
 * outside printable ASCII escaped as lower-case `\uXXXX` (astral characters as two escapes),
 * `/` not escaped.
 *
 * Otherwise it follows `JSON.stringify`: `toJSON()` is honoured (a `Date` becomes its ISO text),
 * `undefined`, functions and symbols are dropped from objects and become `null` in arrays,
 * non-finite numbers become `null`. Numbers keep JavaScript's text (`3`, not Python's `3.0`);
 * a `bigint` is written as its digits. `undefined` at the top level gives `null`.
 *
 * @param value The value.
 * @returns The JSON text.
 * @throws {TypeError} When the value contains a cycle.
 *
 * @example A ban request body
 * ```ts
 * import { encodeJson } from "./_encode.ts";
 * import assert from "node:assert/strict";
 * const body = encodeJson({ text: "banned from API", md5hash: "7FB5" });
 * assert.ok(body === '{"md5hash": "7FB5", "text": "banned from API"}');
 * ```
 */
export function encodeJson(value: unknown): string {
  if (nestedDeeperThan(value)) {
    throw new InvalidObjectError(
      `Cannot send a JSON body nested deeper than ${MAX_DOCUMENT_DEPTH} levels: nothing was ` +
        `sent. Flatten the value that nests so deeply`,
    );
  }
  return _jsonValue(value, "", new Set()) ?? "null";
}

/**
 * One path segment made of an object id: percent-encoded, and refused when it would change the
 * route (`""`, `"."` and `".."`, which URL parsers resolve even when percent-encoded).
 *
 * @param id The id.
 * @param what What the id names, for the message (`Feed`, `rule`).
 * @returns The encoded segment.
 * @throws {InvalidObjectError} For an empty, `.` or `..` id.
 */
export function idSegment(id: unknown, what: string): string {
  const text = String(id);
  if (text === "" || text === "." || text === "..") {
    throw new InvalidObjectError(
      `Cannot use ${JSON.stringify(text)} as the id of ${what}: it would address another ` +
        `route, so nothing was sent. Give the object's real id`,
    );
  }
  return encodeURIComponent(text);
}
