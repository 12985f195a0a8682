/**
 * The list routes' search: filters, 1-based paging and the `limit=0` count of the Cb Defense
 * `device`, `event` and `policy` lists.
 *
 * @module
 */
import type { RouteContext } from "../_router.ts";
import { DEFENSE_NOW } from "./_data.ts";

type Doc = Record<string, unknown>;

/** A Defense error answer: `{"success": false, "message": ...}` with a status. */
export class DefenseHttpError extends Error {
  /** Status to answer. */
  readonly status: number;

  /** Creates the error. */
  constructor(status: number, message: string) {
    super(message);
    this.name = "DefenseHttpError";
    this.status = status;
  }
}

/** A filter: takes a document and the parameter value, says whether it matches. */
export type Filter = (doc: Doc, value: string) => boolean;

const WINDOWS: Record<string, number> = {
  "1h": 3_600_000,
  "3h": 3 * 3_600_000,
  "1d": 86_400_000,
  "1w": 7 * 86_400_000,
  "2w": 14 * 86_400_000,
  "1m": 30 * 86_400_000,
  "3m": 90 * 86_400_000,
};

function lower(v: unknown): string {
  return v === null || v === undefined ? "" : String(v).toLowerCase();
}

/**
 * A `searchWindow` filter over a time field, relative to the data set's clock
 * ({@linkcode DEFENSE_NOW}).
 *
 * @param read Reads the time (epoch ms) of a document.
 * @returns The filter.
 */
export function windowFilter(read: (doc: Doc) => unknown): Filter {
  return (doc, value) => {
    if (value.toLowerCase() === "all") return true;
    const span = WINDOWS[value.toLowerCase()];
    if (span === undefined) {
      throw new DefenseHttpError(
        400,
        `Invalid searchWindow "${value}": use 1h, 3h, 1d, 1w, 2w, 1m, 3m or all`,
      );
    }
    const t = Number(read(doc));
    return Number.isFinite(t) && t >= DEFENSE_NOW - span;
  };
}

/** Case-insensitive equality on a field read by `read`. */
export function exact(read: (doc: Doc) => unknown): Filter {
  return (doc, value) => lower(read(doc)) === value.toLowerCase();
}

/** Case-insensitive substring on a field read by `read`. */
export function contains(read: (doc: Doc) => unknown): Filter {
  return (doc, value) => lower(read(doc)).includes(value.toLowerCase());
}

const PAGING = new Set(["rows", "start", "limit"]);

function nonNegative(ctx: RouteContext, name: string, fallback: number): number {
  const raw = ctx.query.get(name);
  if (raw === null) return fallback;
  if (!/^-?\d+$/.test(raw)) {
    throw new DefenseHttpError(400, `Parameter ${name} must be an integer, got "${raw}"`);
  }
  return Number(raw);
}

/**
 * Answers a list route: filters the documents, then pages them (`start` is 1-based; none means
 * the first row; `rows` defaults to 20; `limit=0` answers the count only).
 *
 * @param ctx The request.
 * @param docs Every document of the collection.
 * @param filters The filters this collection accepts, by parameter name.
 * @returns The answer body.
 */
export function searchList(
  ctx: RouteContext,
  docs: Iterable<Doc>,
  filters: Record<string, Filter>,
): Doc {
  const active: [Filter, string][] = [];
  for (const [key, value] of ctx.query) {
    if (PAGING.has(key)) continue;
    const filter = filters[key];
    if (!filter) {
      throw new DefenseHttpError(
        400,
        `Unknown search parameter "${key}": use one of ${Object.keys(filters).join(", ")}`,
      );
    }
    active.push([filter, value]);
  }
  const matched = [...docs].filter((d) => active.every(([f, v]) => f(d, v)));
  const limit = nonNegative(ctx, "limit", -1);
  const rows = nonNegative(ctx, "rows", 20);
  const start = Math.max(1, nonNegative(ctx, "start", 1));
  if (rows < 0) throw new DefenseHttpError(400, `Parameter rows must be 0 or more, got ${rows}`);
  const size = limit >= 0 ? Math.min(limit, rows) : rows;
  const results = limit === 0 ? [] : matched.slice(start - 1, start - 1 + size);
  return {
    success: true,
    message: "Success",
    totalResults: matched.length,
    elapsed: 0.004,
    results: structuredClone(results),
  };
}
