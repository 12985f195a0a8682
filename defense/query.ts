/**
 * The Cb Defense query: `where("key:value")` clauses become query parameters, pages of 100 rows
 * with the backend's 1-based `start`, and counts through `limit=0`.
 *
 * @module
 */

import {
  ApiError,
  type BaseAPI,
  type ClauseRule,
  type Document,
  type Model,
  type ModelClass,
  type Page,
  PaginatedQuery,
  type PaginatedState,
  type QueryParams,
  type RequestOptions,
} from "../core/mod.ts";
import { splitClause } from "../core/_internal.ts";

/** The page size of Defense queries: every page asks for `rows=100`. */
export const DEFENSE_PAGE_SIZE = 100;

/** A Defense list answer. */
interface ListAnswer {
  success?: boolean;
  message?: string;
  results?: Document[];
  totalResults?: number;
}

/**
 * A lazy, immutable query over a Cb Defense list (`device`, `event`, `policy`).
 *
 * Each `where("key:value")` (or `and()`) clause becomes the query parameter `key=value` (split
 * at the first colon; the same key twice: the last wins). Device filters include
 * `hostNameExact`, `hostName` and `ipAddress`; event filters `hostName`, `deviceId`,
 * `applicationName`, `eventType`, `searchWindow`. Pages ask for `rows=100`; the first page sends no
 * `start`, later ones the 1-based `start` of their first row. Counting sends `limit=0` and reads
 * `totalResults`. The server cannot sort.
 *
 * @typeParam T The model type the query yields.
 *
 * @example Find the documentation's device
 * ```ts
 * import { CbDefenseAPI, Device } from "@cbapi/cbapi/defense";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * import assert from "node:assert/strict";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbDefenseAPI.connect({ url: emu.url, token: emu.defenseToken });
 * const device = await cb.select(Device)
 *   .where("hostNameExact:WIN-IA9NQ1GN8OI")
 *   .and("ipAddress:192.168.215.150")
 *   .first();
 * assert.equal(device?.name, "WIN-IA9NQ1GN8OI");
 * ```
 */
export class DefenseQuery<T extends Model> extends PaginatedQuery<T> {
  /**
   * Builds a query; use `cb.select(Model)` instead.
   *
   * @param api The Defense API.
   * @param cls The model class.
   * @param state Initial state (100 rows per page unless given).
   */
  constructor(api: BaseAPI, cls: ModelClass<T>, state: Partial<PaginatedState> = {}) {
    super(api, cls, { clauses: [], sort: undefined, batchSize: DEFENSE_PAGE_SIZE, ...state });
  }

  /** Each key is one query parameter: the same key again replaces the earlier value. */
  protected override get clauseRule(): ClauseRule {
    return "lastPerField";
  }

  /**
   * Cb Defense lists cannot be sorted by the server: this always throws.
   *
   * @param _field The sort field.
   * @returns Never.
   * @throws {ApiError} Always.
   */
  override sort(_field: string): never {
    throw new ApiError(
      `Cannot sort ${this.cls.name} results: the Cb Defense API at ${this.api.url} does not ` +
        `sort. Sort the array from toArray() instead`,
    );
  }

  /** The filters as query parameters, in the order given. */
  get filters(): Record<string, string> {
    return Object.fromEntries(this.#filters());
  }

  /** A short description used in error messages. */
  describe(): string {
    const clauses = this.#filters().map(([k, v]) => `${k}:${v}`).join(" ");
    return `${this.cls.name}${clauses ? ` where ${clauses}` : ""} on ${this.api.url}`;
  }

  #filters(): Array<[string, string]> {
    return this.state.clauses.map(splitClause);
  }

  #params(extra: [string, string | number][]): QueryParams {
    return [...extra, ...this.#filters()];
  }

  async #get(params: QueryParams, options: RequestOptions): Promise<ListAnswer> {
    const data = await this.api.connection.getObject<ListAnswer>(
      this.cls.urlObject,
      params,
      options,
    );
    if (data && data.success === false) {
      throw new ApiError(
        `Cannot list ${this.describe()}: the server says "${data.message ?? "failure"}"`,
      );
    }
    return data ?? {};
  }

  /**
   * Fetches one page: `rows` is always the page size; `start` is left out for the first row
   * and 1-based otherwise.
   *
   * @param start First row (0-based).
   * @param _rows Rows wanted (the page size is asked for anyway, as the Python library does).
   * @param options Signal and timeout.
   * @returns The page.
   */
  protected async fetchPage(
    start: number,
    _rows: number,
    options: RequestOptions,
  ): Promise<Page<T>> {
    const paging: [string, string | number][] = [["rows", this.pageSize]];
    if (start > 0) paging.push(["start", start + 1]);
    const data = await this.#get(this.#params(paging), options);
    const items = (data.results ?? []).map((row) => this.modelOf(row));
    return { items, total: typeof data.totalResults === "number" ? data.totalResults : undefined };
  }

  /**
   * Counts through `limit=0`.
   *
   * @param options Signal and timeout.
   * @returns `totalResults`.
   */
  protected async fetchCount(options: RequestOptions): Promise<number> {
    const data = await this.#get(this.#params([["limit", 0]]), options);
    return Number(data.totalResults ?? 0);
  }
}
