/**
 * The Cb Protection query conditions (`q=`) and sort (`sort=`), as the Cb Protection 8 REST API
 * documents them: `field:value` (equals, `*` wildcards, case-insensitive), `field!value` (not
 * equal), `field<value` / `field>value` (less / greater than, numbers and dates), and `|`
 * between values for alternatives (`policyId:1|5`). An empty value matches an empty or missing
 * field. Several `q` parameters are ANDed.
 *
 * @module
 */
import { HttpError } from "../_router.ts";
import type { ProtectionDoc } from "./_data.ts";

/** A compiled condition. */
export type Condition = (doc: ProtectionDoc) => boolean;

const CONDITION_REGEXP = /^([A-Za-z_][A-Za-z0-9_]*)([:!<>])(.*)$/s;

function text(value: unknown): string {
  if (value === null || value === undefined) return "";
  return String(value).toLowerCase();
}

function wildcard(pattern: string): RegExp {
  const body = pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*");
  return new RegExp(`^${body}$`, "is");
}

function equals(value: unknown, wanted: string): boolean {
  if (wanted === "") return value === null || value === undefined || value === "";
  if (wanted.includes("*")) return wildcard(wanted).test(text(value));
  if (typeof value === "number") return Number(wanted) === value;
  if (typeof value === "boolean") return wanted.toLowerCase() === String(value);
  return text(value) === wanted.toLowerCase();
}

function comparable(value: unknown): number | string | undefined {
  if (value === null || value === undefined || value === "") return undefined;
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  const s = String(value);
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
  if (/^\d{4}-\d{2}-\d{2}/.test(s)) {
    const t = Date.parse(s);
    if (!Number.isNaN(t)) return t;
  }
  return s.toLowerCase();
}

function compare(value: unknown, wanted: string): number | undefined {
  const a = comparable(value);
  const b = comparable(wanted);
  if (a === undefined || b === undefined || typeof a !== typeof b) return undefined;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Compiles one `q` condition.
 *
 * @param q The condition text.
 * @returns The predicate.
 * @throws {HttpError} 400 when the condition is malformed.
 */
export function compileCondition(q: string): Condition {
  const m = CONDITION_REGEXP.exec(q.trim());
  if (!m) throw new HttpError(400, `Invalid query condition '${q}': expected field:value`);
  const [, field, op, rawValue] = m as unknown as [string, string, string, string];
  const values = rawValue.split("|");
  switch (op) {
    case ":":
      return (doc) => values.some((v) => equals(doc[field], v));
    case "!":
      return (doc) => !values.some((v) => equals(doc[field], v));
    case "<":
      return (doc) => values.some((v) => (compare(doc[field], v) ?? 0) < 0);
    default:
      return (doc) => values.some((v) => (compare(doc[field], v) ?? 0) > 0);
  }
}

/**
 * Compiles a sort parameter (`field [ASC|DESC]`).
 *
 * @param sort The parameter.
 * @returns A comparator.
 * @throws {HttpError} 400 when the sort is malformed.
 */
export function compileSort(sort: string): (a: ProtectionDoc, b: ProtectionDoc) => number {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\s+(ASC|DESC))?$/i.exec(sort.trim());
  if (!m) throw new HttpError(400, `Invalid sort '${sort}': expected 'field [ASC|DESC]'`);
  const field = m[1]!;
  const dir = (m[2] ?? "ASC").toUpperCase() === "DESC" ? -1 : 1;
  return (a, b) => {
    const x = comparable(a[field]);
    const y = comparable(b[field]);
    if (x === y) return (Number(a.id) - Number(b.id)) * dir;
    if (x === undefined) return -dir;
    if (y === undefined) return dir;
    if (typeof x !== typeof y) return String(x) < String(y) ? -dir : dir;
    return (x < y ? -1 : 1) * dir;
  };
}
