/**
 * The Cb Protection query: `q=` conditions (one parameter per clause, ANDed by the server),
 * `sort`, counts through `limit=-1`, and `limit`/`offset` paging 1000 rows at a time.
 *
 * @module
 */

import {
  type Document,
  type Model,
  type ModelClass,
  type Page,
  PaginatedQuery,
  type PaginatedState,
  type QueryParams,
  type RequestOptions,
} from "../core/mod.ts";
import type { CbProtectionAPI } from "./api.ts";

/** Rows per request, as the Python library asks for. */
export const PROTECTION_PAGE_SIZE = 1000;

/** A Protection model class: a model class that may need a minimum server version. */
export interface ProtectionModelClass<M extends Model> extends ModelClass<M> {
  /** The oldest server version that has this model's API (`8.0`), if any. */
  readonly minimumServerVersion?: string | undefined;
}

/** The immutable state of a Protection query. */
export interface ProtectionQueryState extends PaginatedState {
  /** The `q` clauses, one per `where()`. */
  readonly clauses: readonly string[];
  /** The sort text, or undefined. */
  readonly sort: string | undefined;
  /** Rows per request. */
  readonly batchSize: number;
}

/**
 * A lazy, immutable Cb Protection query. Each builder method returns a new query; iterating
 * pages through the results 1000 at a time; after a full first page the count is asked once
 * and the next pages are fetched concurrently (`pagesInFlight`, 4 by default), rows in order.
 * Each `where()`/`and()` condition (`field:value`, e.g. `ipAddress:10.201.2.*`) is one `q`
 * parameter, ANDed by the server; `sort("processorSpeed DESC")` sets the sort (an empty string
 * removes it); `batchSize(n)` the rows per request.
 *
 * Paging is corrected (SPEC §12.8): the Python library asks for the next page at
 * `offset = rows seen + 1`, which skips one row at every page boundary; this query asks at
 * `offset = rows seen`. The first page is the same on the wire (`limit=1000&offset=0`, or
 * `limit=1&offset=0` for `first()`), and `limit` is the number of rows wanted from `offset`.
 * {@linkcode ProtectionQuery.count} asks the server each time (`limit=-1`), as the Python
 * library does.
 *
 * @typeParam M The model the query yields.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbProtectionAPI, Computer } from "@cbapi/cbapi/protection";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbProtectionAPI.connect({ url: emu.url, token: emu.token });
 * const query = cb.select(Computer).where("deleted:false").sort("processorSpeed DESC");
 * const total = await query.count();
 * const firstTen = await query.slice(0, 10);
 * assert.ok(firstTen.length === Math.min(10, total));
 * ```
 */
export class ProtectionQuery<M extends Model> extends PaginatedQuery<M, ProtectionQueryState> {
  /** The API the query runs on. */
  declare protected readonly api: CbProtectionAPI;
  /** The model class. */
  declare protected readonly cls: ProtectionModelClass<M>;

  /**
   * Builds a query; use `cb.select(Model)` instead.
   *
   * @param api The API.
   * @param cls The model class.
   * @param state Initial state (1000 rows per request unless given).
   */
  constructor(
    api: CbProtectionAPI,
    cls: ProtectionModelClass<M>,
    state: Partial<ProtectionQueryState> = {},
  ) {
    super(api, cls, { clauses: [], sort: undefined, batchSize: PROTECTION_PAGE_SIZE, ...state });
  }

  /** The conditions of the query, in the order given. */
  get clauses(): readonly string[] {
    return this.state.clauses;
  }

  /**
   * A short description of the query for messages.
   *
   * @returns The description.
   */
  describe(): string {
    const q = this.state.clauses.map((c) => JSON.stringify(c)).join(" AND ");
    return `${this.cls.name} ${q || "(all)"} on ${this.api.url}`;
  }

  /**
   * The pages carry no total: after a full first page, the count (`limit=-1`) is asked once
   * alongside the second page, so that the pages after it can be fetched concurrently.
   *
   * @param options Signal and timeout.
   * @returns The count request.
   */
  protected override fetchTotal(options: RequestOptions): Promise<number> {
    return this.fetchCount(options);
  }

  /**
   * The number of results (`GET {path}?limit=-1&q=...`); asked again on every call.
   *
   * @param options Signal and timeout.
   * @returns The count.
   */
  override count(options: RequestOptions = {}): Promise<number> {
    return this.fetchCount(options);
  }

  /** Asks the server for the count. */
  protected async fetchCount(options: RequestOptions): Promise<number> {
    const params: QueryParams = [["limit", -1], ["q", this.state.clauses]];
    const data = await this.api.connection.getObject<{ count?: unknown }>(
      this.cls.urlObject,
      params,
      options,
    );
    const n = Number(data?.count ?? 0);
    return Number.isFinite(n) ? n : 0;
  }

  /** Fetches one page. */
  protected async fetchPage(
    start: number,
    rows: number,
    options: RequestOptions,
  ): Promise<Page<M>> {
    const params: Array<[string, string | number | readonly string[]]> = [
      ["limit", rows],
      ["offset", start],
      ["q", this.state.clauses],
    ];
    if (this.state.sort) params.push(["sort", this.state.sort]);
    const data = await this.api.connection.getObject<Document[]>(
      this.cls.urlObject,
      params,
      options,
    );
    const rowsData = Array.isArray(data) ? data : [];
    const items = rowsData.map((row) => this.modelOf(row));
    // A short page is the last one: the total is then known.
    return { items, total: items.length < rows ? start + items.length : undefined };
  }
}
