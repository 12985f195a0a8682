/**
 * Cb Response search queries (Solr-backed routes: processes, binaries, alerts, threat reports)
 * and the client-side list queries of the list-only routes.
 *
 * @module
 */

import {
  ApiError,
  type Document,
  ListQuery,
  type Model,
  type ModelClass,
  type Page,
  PaginatedQuery,
  type QueryParams,
  type RequestOptions,
  simpleMatch,
  splitClause,
} from "../core/mod.ts";
import { encodeQuery, parseQuery } from "../core/_encode.ts";
import { formatSolrTime } from "../core/_parse.ts";
import type { CbResponseAPI } from "./api.ts";
import type { Watchlist } from "./watchlist.ts";

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
export interface SearchState {
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
 * through the results 100 at a time with the next page prefetched.
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
export class SearchQuery<M extends Model> extends PaginatedQuery<M> {
  /** The API the query runs on. */
  protected readonly api: CbResponseAPI;
  /** The model class. */
  protected readonly cls: SearchModelClass<M>;
  /** The query's state. */
  protected readonly state: SearchState;

  /**
   * Builds a query; use `cb.select(Model)` instead.
   *
   * @param api The API.
   * @param cls The model class.
   * @param state Initial state.
   */
  constructor(api: CbResponseAPI, cls: SearchModelClass<M>, state: Partial<SearchState> = {}) {
    super();
    this.api = api;
    this.cls = cls;
    this.state = {
      clauses: state.clauses ?? [],
      sort: "sort" in state ? state.sort : cls.defaultSort,
      batchSize: state.batchSize ?? cls.searchPageSize,
      extra: state.extra ?? [],
      raw: state.raw,
    };
  }

  /**
   * A new query of the same class with part of the state replaced.
   *
   * @param patch The state to change.
   * @returns The new query.
   */
  protected derive(patch: Partial<SearchState>): this {
    const Ctor = this.constructor as new (
      api: CbResponseAPI,
      cls: SearchModelClass<M>,
      state: Partial<SearchState>,
    ) => this;
    return new Ctor(this.api, this.cls, { ...this.state, ...patch });
  }

  /**
   * Adds a query-language clause (ANDed with the ones before).
   *
   * @param clause A Cb query, for example `process_name:net.exe`.
   * @returns A new query.
   * @throws {ApiError} On a raw query.
   */
  where(clause: string): this {
    if (this.state.raw) throw new ApiError("Cannot call .where() on a raw query");
    if (typeof clause !== "string") throw new TypeError("where() takes a query string");
    return this.derive({ clauses: [...this.state.clauses, clause] });
  }

  /**
   * Same as {@linkcode SearchQuery.where} (the Python `and_`).
   *
   * @param clause A Cb query.
   * @returns A new query.
   */
  and(clause: string): this {
    return this.where(clause);
  }

  /**
   * Sorts the results (`"last_update asc"`); an empty string removes the sort.
   *
   * @param order Field and direction.
   * @returns A new query.
   */
  sort(order: string): this {
    const s = order.trim();
    return this.derive({ sort: s === "" ? undefined : s });
  }

  /**
   * Changes the number of rows per request.
   *
   * @param rows Rows per page (1 or more).
   * @returns A new query.
   */
  batchSize(rows: number): this {
    if (!Number.isInteger(rows) || rows < 1) {
      throw new RangeError(`Batch size must be a positive integer, got ${rows}`);
    }
    return this.derive({ batchSize: rows });
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
    return this.derive({
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
  async createWatchlist(name: string, options: RequestOptions = {}): Promise<Watchlist> {
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
    return await this.api.createWatchlist(name, searchQuery, indexType, options);
  }

  /**
   * A short description of the query for messages.
   *
   * @returns The description.
   */
  describe(): string {
    return `${this.cls.name} "${this.queryString}" on ${this.api.url}`;
  }

  /** Rows per request. */
  protected get pageSize(): number {
    return this.state.batchSize;
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

/** A model class whose collection is one list the server returns whole. */
export interface ListModelClass<M extends Model> extends ModelClass<M> {
  /** The route that lists every object (defaults to `urlObject`). */
  readonly listUrl?: string;
  /** Whether list rows are whole documents. */
  readonly listRowsAreFull?: boolean;
}

/**
 * A query over a list route (sensor groups, watchlists, banned hashes, ...): one GET, then a
 * client-side `where("field:value")` (case-insensitive equality, one clause) and a descending
 * `sort(field)`.
 *
 * @typeParam M The model the query yields.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbResponseAPI, SensorGroup } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const group = await cb.select(SensorGroup).where("name:Default Group").one();
 * assert.ok(group.id === 1);
 * ```
 */
export class SimpleQuery<M extends Model> extends ListQuery<M> {
  /** The API. */
  protected readonly api: CbResponseAPI;
  /** The model class. */
  protected readonly cls: ListModelClass<M>;
  /** The filter clause. */
  protected readonly clause: string | undefined;
  /** The sort field. */
  protected readonly sortField: string | undefined;

  /**
   * Builds a query; use `cb.select(Model)` instead.
   *
   * @param api The API.
   * @param cls The model class.
   * @param clause A `field:value` filter.
   * @param sortField A field to sort by, descending.
   */
  constructor(api: CbResponseAPI, cls: ListModelClass<M>, clause?: string, sortField?: string) {
    super();
    this.api = api;
    this.cls = cls;
    this.clause = clause;
    this.sortField = sortField;
  }

  /**
   * Keeps the objects whose field equals the value (case-insensitive). One clause only.
   *
   * @param clause `field:value`.
   * @returns A new query.
   * @throws {ApiError} On a second clause.
   */
  where(clause: string): SimpleQuery<M> {
    if (this.clause !== undefined) throw new ApiError("Cannot have multiple 'where' clauses");
    splitClause(clause);
    return new SimpleQuery(this.api, this.cls, clause, this.sortField);
  }

  /**
   * Not supported on list queries (the Python library refuses it too).
   *
   * @param _clause Ignored.
   * @returns Never.
   * @throws {ApiError} Always.
   */
  and(_clause: string): SimpleQuery<M> {
    throw new ApiError("Cannot have multiple 'where' clauses");
  }

  /**
   * Orders the results by a field, descending.
   *
   * @param field The field.
   * @returns A new query.
   */
  sort(field: string): SimpleQuery<M> {
    return new SimpleQuery(this.api, this.cls, this.clause, field.trim() || undefined);
  }

  /**
   * A short description of the query for messages.
   *
   * @returns The description.
   */
  describe(): string {
    return `${this.cls.name}${this.clause ? ` "${this.clause}"` : ""} on ${this.api.url}`;
  }

  /** Fetches the whole list. */
  protected async fetchAll(options: RequestOptions): Promise<M[]> {
    const data = await this.api.connection.getObject<unknown>(
      this.cls.listUrl ?? this.cls.urlObject,
      undefined,
      options,
    );
    const rows = Array.isArray(data) ? data as Document[] : [];
    let objects = rows.map((row) =>
      this.api.fromRow(
        this.cls,
        row[this.cls.primaryKey] as string | number,
        row,
        this.cls.listRowsAreFull ?? true,
      )
    );
    if (this.clause) {
      const [field, value] = splitClause(this.clause);
      objects = objects.filter((o) => simpleMatch(readAttr(o, field), value));
    }
    if (this.sortField) {
      const f = this.sortField;
      objects = [...objects].sort((a, b) => compareDesc(readAttr(a, f), readAttr(b, f)));
    }
    return objects;
  }
}

function readAttr(obj: Model, field: string): unknown {
  const value = (obj as unknown as Record<string, unknown>)[field];
  if (value !== undefined && typeof value !== "function") return value;
  return obj.get(field);
}

function compareDesc(a: unknown, b: unknown): number {
  const x = a ?? 0;
  const y = b ?? 0;
  if (x === y) return 0;
  return (x as number) < (y as number) ? 1 : -1;
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

/** A model class listed per parent object (feed actions per feed, tagged events per investigation). */
export interface ArrayModelClass<M extends Model> extends ModelClass<M> {
  /** The field `where()` must name (`group_id`, `watchlist_id`, `investigation_id`). */
  readonly parentField: string;
  /**
   * The route listing the objects of one parent.
   *
   * @param parentId The parent's id.
   * @returns The path.
   */
  listUrlFor(parentId: string): string;
}

/**
 * A query over the objects of one parent (`where("group_id:3")` on feed actions): one GET of the
 * parent's list route. The `where()` clause is required and must name the parent field.
 *
 * @typeParam M The model the query yields.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbResponseAPI, WatchlistAction } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const actions = await cb.select(WatchlistAction).where("watchlist_id:5").toArray();
 * assert.ok(Array.isArray(actions));
 * ```
 */
export class ArrayQuery<M extends Model> extends ListQuery<M> {
  /** The API. */
  protected readonly api: CbResponseAPI;
  /** The model class. */
  protected readonly cls: ArrayModelClass<M>;
  /** The parent id from the clause. */
  protected readonly parentId: string | undefined;

  /**
   * Builds a query; use `cb.select(Model)` instead.
   *
   * @param api The API.
   * @param cls The model class.
   * @param parentId The parent's id.
   */
  constructor(api: CbResponseAPI, cls: ArrayModelClass<M>, parentId?: string) {
    super();
    this.api = api;
    this.cls = cls;
    this.parentId = parentId;
  }

  /**
   * Names the parent: `where("group_id:3")`.
   *
   * @param clause `{parentField}:{id}`.
   * @returns A new query.
   * @throws {RangeError} When the field is not the parent field.
   * @throws {ApiError} On a second clause.
   */
  where(clause: string): ArrayQuery<M> {
    if (this.parentId !== undefined) throw new ApiError("Cannot have multiple 'where' clauses");
    const [field, value] = splitClause(clause);
    if (field !== this.cls.parentField) {
      throw new RangeError(`Field name must be: ${this.cls.parentField} (got "${field}")`);
    }
    return new ArrayQuery(this.api, this.cls, value);
  }

  /**
   * Same as {@linkcode ArrayQuery.where}.
   *
   * @param clause `{parentField}:{id}`.
   * @returns A new query.
   */
  and(clause: string): ArrayQuery<M> {
    return this.where(clause);
  }

  /**
   * A short description of the query for messages.
   *
   * @returns The description.
   */
  describe(): string {
    return `${this.cls.name} ${this.cls.parentField}:${this.parentId ?? "?"} on ${this.api.url}`;
  }

  /**
   * Fetches the parent's list.
   *
   * @param options Signal and timeout.
   * @returns The objects.
   */
  protected async fetchAll(options: RequestOptions): Promise<M[]> {
    if (this.parentId === undefined) {
      throw new ApiError(`Must use a search parameter: .where('${this.cls.parentField}:<id>')`);
    }
    const data = await this.api.connection.getObject<unknown>(
      this.cls.listUrlFor(this.parentId),
      undefined,
      options,
    );
    const rows = Array.isArray(data) ? data as Document[] : [];
    return rows.map((row) =>
      this.api.fromRow(this.cls, row[this.cls.primaryKey] as string | number, row, true)
    );
  }
}
