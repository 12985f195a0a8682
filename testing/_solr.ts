/**
 * Solr-style search over records: `q`, `start`, `rows`, `sort`, facets and grouping.
 *
 * @module
 */
import {
  compileQuery,
  QuerySyntaxError,
  type SearchRecord,
  type SearchSchema,
} from "./_query_lang.ts";
import { HttpError } from "./_router.ts";

/** One searchable row. */
export interface SearchItem<D> {
  /** Fields to match, sort and facet on. */
  index: SearchRecord;
  /** What to send back. */
  doc: D;
  /** Group key for `cb.group`. */
  group?: string;
}

/** A facet entry in the Solr style Cb uses. */
export interface FacetEntry {
  /** Value. */
  name: string | number | boolean;
  /** Count. */
  value: number;
  /** Share of all matches, percent, one decimal, as text. */
  ratio: string;
  /** Count relative to the top entry, percent. */
  percent: number;
}

/** The outcome of a search. */
export interface SearchOutcome<D> {
  /** The requested page. */
  results: D[];
  /** Number of matches (groups when grouped). */
  total: number;
  /** Start offset used. */
  start: number;
  /** Facets when asked for. */
  facets: Record<string, FacetEntry[]>;
}

function intParam(query: URLSearchParams, name: string, fallback: number): number {
  const raw = query.get(name);
  if (raw === null || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    throw new HttpError(400, `Invalid value for ${name}: "${raw}"`);
  }
  return n;
}

function compare(a: unknown, b: unknown): number {
  const missingA = a === undefined || a === null || a === "";
  const missingB = b === undefined || b === null || b === "";
  if (missingA || missingB) return missingA === missingB ? 0 : missingA ? 1 : -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function sortKey(v: unknown): unknown {
  return Array.isArray(v) ? v[0] : v;
}

/** Runs a search with the request's Solr parameters. */
export function solrSearch<D>(
  items: SearchItem<D>[],
  schema: SearchSchema,
  query: URLSearchParams,
  options: { grouped?: boolean; defaultRows?: number; now?: number } = {},
): SearchOutcome<D> {
  const start = intParam(query, "start", 0);
  const rows = intParam(query, "rows", options.defaultRows ?? 10);
  let match;
  try {
    match = compileQuery(query.getAll("q").join(" "), schema, options.now);
  } catch (e) {
    if (e instanceof QuerySyntaxError) {
      throw new HttpError(400, `org.apache.solr.search.SyntaxError: ${e.message}`);
    }
    throw e;
  }
  let hits = items.filter((it) => match(it.index));
  const sort = (query.get("sort") ?? "").trim();
  if (sort) {
    const keys = sort.split(",").map((part) => {
      const [field = "", dir = "asc"] = part.trim().split(/\s+/);
      const name = schema.aliases?.[field.toLowerCase()] ?? field;
      if (!/^(asc|desc)$/i.test(dir)) throw new HttpError(400, `Invalid sort direction "${dir}"`);
      return { name, desc: dir.toLowerCase() === "desc" };
    });
    hits = [...hits].sort((x, y) => {
      for (const k of keys) {
        const c = compare(sortKey(x.index[k.name]), sortKey(y.index[k.name]));
        if (c !== 0) return k.desc ? -c : c;
      }
      return 0;
    });
  }
  if (options.grouped) {
    const seen = new Set<string>();
    hits = hits.filter((h) => {
      const key = h.group ?? "";
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
  const facets: Record<string, FacetEntry[]> = {};
  if (query.get("facet")?.toLowerCase() === "true") {
    for (const field of query.getAll("facet.field")) {
      const name = schema.aliases?.[field.toLowerCase()] ?? field;
      facets[field] = facetCounts(hits.map((h) => h.index[name]), hits.length);
    }
  }
  return {
    results: hits.slice(start, start + rows).map((h) => h.doc),
    total: hits.length,
    start,
    facets,
  };
}

function facetCounts(values: unknown[], total: number): FacetEntry[] {
  const counts = new Map<string | number | boolean, number>();
  for (const v of values) {
    const distinct = new Set(Array.isArray(v) ? v : [v]);
    for (const x of distinct) {
      if (x === undefined || x === null || x === "") continue;
      counts.set(x as string, (counts.get(x as string) ?? 0) + 1);
    }
  }
  const entries = [...counts.entries()].sort((a, b) =>
    b[1] - a[1] || (String(a[0]) < String(b[0]) ? -1 : 1)
  ).slice(0, 200);
  const top = entries[0]?.[1] ?? 1;
  return entries.map(([name, value]) => ({
    name,
    value,
    ratio: (total ? (value / total) * 100 : 0).toFixed(1),
    percent: Math.round((value / top) * 100),
  }));
}
