/**
 * Cb Response search queries (Solr-backed routes: processes, binaries, alerts, threat reports)
 * and the client-side list queries of the list-only routes.
 *
 * @module
 */

import {
  ApiError,
  type Document,
  type Model,
  type ModelClass,
  type Page,
  PaginatedQuery,
  type PaginatedState,
  type QueryParams,
  type RequestOptions,
} from "../core/mod.ts";
import { encodeQuery, formatSolrTime, parseQuery } from "../core/_internal.ts";
import type { CbResponseAPI } from "./api.ts";
import type { Watchlist } from "./watchlist.ts";
import type { Process } from "./process.ts";

/** One facet value as the server counts it (Solr style). */
export interface FacetEntry {
  /** The field value. */
  name: string;
  /** How many results have it. */
  value: number;
  /** Share of all results in percent, as text with one decimal (for example `"23.4"`). */
  ratio: string;
  /** Size relative to the largest entry, in percent. */
  percent: number;
}

/** A search result page as the server sends it. */
export interface SearchResultData {
  /** The rows. */
  results?: Document[];
  /** Rows matching in all. */
  total_results?: number;
  /** Facets, when asked for. */
  facets?: Record<string, FacetEntry[]>;
  /** Further fields of the answer. */
  [key: string]: unknown;
}

/** A model class that a search query can yield. */
export interface SearchModelClass<M extends Model> extends ModelClass<M> {
  /** The default sort of searches (`last_update desc` for processes). */
  readonly defaultSort: string | undefined;
  /** Rows per page (100; alerts 500). */
  readonly searchPageSize: number;
  /**
   * Builds (or finds in the cache) the model for one result row.
   *
   * @param api The API.
   * @param row The row.
   * @returns The model.
   */
  fromSearchRow(api: CbResponseAPI, row: Document): M;
}

/** The immutable state of a search query. */
export interface SearchState extends PaginatedState {
  /** Query clauses, joined with a space (server-side AND). */
  readonly clauses: readonly string[];
  /** Sort text, or undefined for none. */
  readonly sort: string | undefined;
  /** Rows per request. */
  readonly batchSize: number;
  /** Extra parameters (process filters). */
  readonly extra: ReadonlyArray<readonly [string, string]>;
  /** Parameters of a raw (UI or watchlist) query, used instead of the defaults. */
  readonly raw: ReadonlyArray<readonly [string, string]> | undefined;
}

/**
 * A lazy, immutable Cb Response search. Each builder method returns a new query; iterating pages
 * through the results 100 at a time, several pages in flight once the first page gave the total
 * (`pagesInFlight`, 4 by default), rows in order. `where()`/`and()` add clauses joined with a
 * space (server-side AND), `sort("last_update asc")` sets the sort (an empty string removes
 * it), `batchSize(n)` the rows per request.
 *
 * @typeParam M The model the query yields.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Binary, CbResponseAPI } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const signed = cb.select(Binary).where("digsig_result:Signed");
 * for await (const bin of signed) assert.ok(bin.signed);
 * ```
 */
export class SearchQuery<M extends Model> extends PaginatedQuery<M, SearchState> {
  /** The API the query runs on. */
  declare protected readonly api: CbResponseAPI;
  /** The model class. */
  declare protected readonly cls: SearchModelClass<M>;

  /**
   * Builds a query; use `cb.select(Model)` instead.
   *
   * @param api The API.
   * @param cls The model class.
   * @param state Initial state (the model's default sort and page size unless given).
   */
  constructor(api: CbResponseAPI, cls: SearchModelClass<M>, state: Partial<SearchState> = {}) {
    super(api, cls, {
      clauses: [],
      sort: cls.defaultSort,
      batchSize: cls.searchPageSize,
      extra: [],
      raw: undefined,
      ...state,
    });
  }

  /** Refuses clauses on a raw query. */
  protected override checkClause(_clause: string): void {
    if (this.state.raw) throw new ApiError("Cannot call .where() on a raw query");
  }

  /** The query text sent as `q` (clauses joined with a space). */
  get queryString(): string {
    return this.state.clauses.join(" ");
  }

  /**
   * Where the same search opens in the Cb Response web UI: `{server}/#/search?{parameters}`, the
   * parameters form-encoded in the order the query holds them (binary searches too use
   * `#/search`, as the Python library does).
   */
  get webuiLink(): string {
    return `${this.api.url}/#/search?${encodeQuery(this.baseParams(true), { sort: false })}`;
  }

  /**
   * A new query of the same model whose parameters come from a query string of the web UI or a
   * watchlist's `search_query` (for example `cb.urlver=1&q=process_name%3Anet.exe`), used
   * instead of the defaults; paging still sets `start` and `rows`. A `sort` in the string is
   * kept unless {@linkcode SearchQuery.sort} replaces it. Blank parameters are dropped.
   *
   * @param queryString The form-encoded parameters (a leading `?` is allowed).
   * @returns A new raw query; `where()` is refused on it.
   *
   * @example A watchlist's saved search as a query
   * ```ts
   * import assert from "node:assert/strict";
   * import { CbResponseAPI, Process } from "@cbapi/cbapi/response";
   * import { CbEmulator } from "@cbapi/cbapi/testing";
   * await using emu = await CbEmulator.start();
   * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
   * const q = cb.select(Process).withRawQuery("cb.urlver=1&q=process_name%3Anet.exe");
   * assert.ok(await q.count() === 2);
   * ```
   */
  withRawQuery(queryString: string): this {
    const raw = parseQuery(queryString).filter(([, v]) => v !== "");
    const sort = raw.find(([k]) => k === "sort")?.[1];
    return this.with({
      raw,
      clauses: [],
      sort: sort ?? this.cls.defaultSort,
    });
  }

  /** Whether the query was built from a raw query string. */
  get isRaw(): boolean {
    return this.state.raw !== undefined;
  }

  /**
   * Saves this search as a watchlist (`POST /api/v1/watchlist`): `search_query` holds the
   * query's parameters form-encoded in order (for example
   * `cb.urlver=1&facet=false&q=process_name%3Anet.exe&sort=last_update+desc`), `index_type` is
   * `events` for process queries and `modules` for binary queries.
   *
   * @param name The watchlist's name.
   * @param options Signal and timeout.
   * @returns The saved watchlist, loaded from the server.
   * @throws {ApiError} When the query is neither a process nor a binary search.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { CbResponseAPI, Process } from "@cbapi/cbapi/response";
   * import { CbEmulator } from "@cbapi/cbapi/testing";
   * await using emu = await CbEmulator.start();
   * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
   * const q = cb.select(Process).where("process_name:net.exe");
   * const wl = await q.createWatchlist("[WARN] Attempts to mount internal share");
   * assert.ok(wl.index_type === "events");
   * ```
   */
  async createWatchlist(
    name: string,
    options: RequestOptions = {},
  ): Promise<Watchlist<M extends Process ? "events" : "modules">> {
    const indexType = this.cls.urlObject === "/api/v1/process"
      ? "events"
      : this.cls.urlObject === "/api/v1/binary"
      ? "modules"
      : undefined;
    if (!indexType) {
      throw new ApiError(
        `Cannot create a watchlist from a ${this.cls.name} query: only process and binary ` +
          `searches can become watchlists`,
      );
    }
    const searchQuery = encodeQuery(this.baseParams(true), { sort: false });
    return await this.api.createWatchlist(
      name,
      searchQuery,
      indexType as M extends Process ? "events" : "modules",
      options,
    );
  }

  /**
   * A short description of the query for messages.
   *
   * @returns The description.
   */
  describe(): string {
    return `${this.cls.name} "${this.queryString}" on ${this.api.url}`;
  }

  /**
   * The parameters every request of this query carries (insertion order).
   *
   * @param withSort Whether to add the sort.
   * @returns The parameters.
   */
  protected baseParams(withSort: boolean): Array<[string, string]> {
    if (this.state.raw) {
      // Counts keep the raw parameters as they are (sort included, as the Python client does);
      // searches take the query's sort.
      const drop = withSort ? ["start", "rows", "sort"] : ["start", "rows"];
      const params = this.state.raw.filter(([k]) => !drop.includes(k)).map((
        [k, v],
      ) => [k, v] as [string, string]);
      if (withSort && this.state.sort) params.push(["sort", this.state.sort]);
      return params;
    }
    // Python dict order: the defaults (with the process filters), then q, then sort.
    const params: Array<[string, string]> = [["cb.urlver", "1"]];
    if (this.api.versionAtLeast("5.1.1")) params.push(["facet", "false"]);
    for (const [k, v] of this.extraParams()) params.push([k, v]);
    params.push(["q", this.queryString]);
    if (withSort && this.state.sort) params.push(["sort", this.state.sort]);
    return params;
  }

  /** Parameters added by subclasses (process filters). */
  protected extraParams(): ReadonlyArray<readonly [string, string]> {
    return this.state.extra;
  }

  /** Fetches one page. */
  protected async fetchPage(
    start: number,
    rows: number,
    options: RequestOptions,
  ): Promise<Page<M>> {
    const params: QueryParams = [...this.baseParams(true), ["start", start], ["rows", rows]];
    const data = await this.api.connection.getObject<SearchResultData>(
      this.cls.urlObject,
      params,
      options,
    );
    const rowsData = Array.isArray(data?.results) ? data.results : [];
    return {
      items: rowsData.map((row) => this.cls.fromSearchRow(this.api, row)),
      total: typeof data?.total_results === "number" ? data.total_results : undefined,
    };
  }

  /** Asks the server for the count. */
  protected async fetchCount(options: RequestOptions): Promise<number> {
    const params: QueryParams = [...this.baseParams(false), ["start", 0], ["rows", 0]];
    const data = await this.api.connection.getObject<SearchResultData>(
      this.cls.urlObject,
      params,
      options,
    );
    return typeof data?.total_results === "number" ? data.total_results : 0;
  }

  /**
   * Facet counts of the results for one or more fields (Python `facets()`; the docs' `facet()`).
   * A trailing options object may carry a signal.
   *
   * @param fields Field names, optionally followed by request options.
   * @returns For each field, its facet entries.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { CbResponseAPI, Process } from "@cbapi/cbapi/response";
   * import { CbEmulator } from "@cbapi/cbapi/testing";
   * await using emu = await CbEmulator.start();
   * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
   * const f = await cb.select(Process).where("hostname:WIN-IA9NQ1GN8OI").facets("process_name");
   * assert.ok(Array.isArray(f.process_name));
   * ```
   */
  async facets(...fields: Array<string | RequestOptions>): Promise<Record<string, FacetEntry[]>> {
    const names = fields.filter((f): f is string => typeof f === "string");
    const options = (fields.find((f) => typeof f === "object") ?? {}) as RequestOptions;
    if (names.length === 0) throw new TypeError("facets() needs at least one field name");
    const params: Array<[string, string | number | string[]]> = [["cb.urlver", "1"], [
      "facet",
      "true",
    ]];
    if (this.state.raw) {
      // Facets of a raw query use its own filters (the Python client dropped them).
      for (const [k, v] of this.state.raw) {
        if (!["start", "rows", "sort", "facet", "cb.urlver", "facet.field"].includes(k)) {
          params.push([k, v]);
        }
      }
    } else {
      if (this.queryString) params.push(["q", this.queryString]);
      for (const [k, v] of this.extraParams()) params.push([k, v]);
    }
    params.push(["start", 0], ["rows", 0], ["facet.field", names]);
    const data = await this.api.connection.getObject<SearchResultData>(
      this.cls.urlObject,
      params,
      options,
    );
    const facets = data?.facets ?? {};
    const out: Record<string, FacetEntry[]> = {};
    for (const name of names) out[name] = facets[name] ?? [];
    return out;
  }
}

/**
 * Formats a time filter value: a Date as `YYYY-MM-DDTHH:MM:SSZ` (UTC), text as it is.
 *
 * @param value A Date or a Solr time string.
 * @returns The parameter text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { timeFilterValue } from "@cbapi/cbapi/response";
 * assert.ok(timeFilterValue(new Date(Date.UTC(2017, 4, 21, 18, 41, 58))) === "2017-05-21T18:41:58Z");
 * ```
 */
export function timeFilterValue(value: Date | string): string {
  return value instanceof Date ? formatSolrTime(value) : value;
}

export { type ListModelClass, SimpleQuery } from "./simple_query.ts";
export { type ArrayModelClass, ArrayQuery } from "./array_query.ts";
