/**
 * The Cb Defense query: `where("key:value")` clauses become query parameters, pages of 100 rows
 * with the backend's 1-based `start`, and counts through `limit=0`.
 *
 * @module
 */

import {
  ApiError,
  type BaseAPI,
  type Document,
  type Model,
  type ModelClass,
  type Page,
  PaginatedQuery,
  type QueryParams,
  type RequestOptions,
  splitClause,
} from "../core/mod.ts";

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
 * Each `where("key:value")` clause becomes the query parameter `key=value` (split at the first
 * colon; the same key twice: the last wins). Pages ask for `rows=100`; the first page sends no
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
  #api: BaseAPI;
  #cls: ModelClass<T>;
  #filters: ReadonlyMap<string, string>;
  #pageSize: number;

  /**
   * Builds a query; use `cb.select(Model)` instead.
   *
   * @param api The Defense API.
   * @param cls The model class.
   * @param filters The filters so far.
   * @param pageSize Rows per page.
   */
  constructor(
    api: BaseAPI,
    cls: ModelClass<T>,
    filters: ReadonlyMap<string, string> = new Map(),
    pageSize: number = DEFENSE_PAGE_SIZE,
  ) {
    super();
    this.#api = api;
    this.#cls = cls;
    this.#filters = filters;
    this.#pageSize = pageSize;
  }

  /**
   * Adds a `key:value` filter (a new query is returned; this one is unchanged). Device filters
   * include `hostNameExact`, `hostName` and `ipAddress`; event filters `hostName`, `deviceId`,
   * `applicationName`, `eventType`, `searchWindow`.
   *
   * @param clause The filter, such as `hostNameExact:WIN-IA9NQ1GN8OI`.
   * @returns The new query.
   * @throws {SyntaxError} When the clause has no colon.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { CbDefenseAPI, Device } from "@cbapi/cbapi/defense";
   * import { CbEmulator } from "@cbapi/cbapi/testing";
   * await using emu = await CbEmulator.start();
   * await using cb = await CbDefenseAPI.connect({ url: emu.url, token: emu.defenseToken });
   * const q = cb.select(Device).where("ipAddress:192.168.215.150");
   * assert.ok((await q.count()) === 1);
   * ```
   */
  where(clause: string): DefenseQuery<T> {
    const [key, value] = splitClause(clause);
    if (key === "") throw new SyntaxError(`Query clause "${clause}" has no key before the colon`);
    const filters = new Map(this.#filters);
    filters.delete(key);
    filters.set(key, value);
    return new DefenseQuery(this.#api, this.#cls, filters, this.#pageSize);
  }

  /**
   * Same as {@linkcode DefenseQuery.where} (the Python `and_`).
   *
   * @param clause The filter.
   * @returns The new query.
   * @throws {SyntaxError} When the clause has no colon.
   */
  and(clause: string): DefenseQuery<T> {
    return this.where(clause);
  }

  /**
   * Changes the rows asked for per page.
   *
   * @param size Rows per page (1 or more).
   * @returns The new query.
   * @throws {RangeError} When the size is not a positive integer.
   */
  batchSize(size: number): DefenseQuery<T> {
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`Batch size must be a positive integer, got ${size}`);
    }
    return new DefenseQuery(this.#api, this.#cls, this.#filters, size);
  }

  /**
   * Cb Defense lists cannot be sorted by the server: this always throws.
   *
   * @param _field The sort field.
   * @returns Never.
   * @throws {ApiError} Always.
   */
  sort(_field: string): never {
    throw new ApiError(
      `Cannot sort ${this.#cls.name} results: the Cb Defense API at ${this.#api.url} does not ` +
        `sort. Sort the array from toArray() instead`,
    );
  }

  /** The filters as query parameters, in the order given. */
  get filters(): Record<string, string> {
    return Object.fromEntries(this.#filters);
  }

  /** A short description used in error messages. */
  describe(): string {
    const clauses = [...this.#filters].map(([k, v]) => `${k}:${v}`).join(" ");
    return `${this.#cls.name}${clauses ? ` where ${clauses}` : ""} on ${this.#api.url}`;
  }

  /** Rows per request. */
  protected get pageSize(): number {
    return this.#pageSize;
  }

  /** Pages in flight: the API's setting. */
  protected override get pagesInFlight(): number {
    return this.#api.pagesInFlight;
  }

  #params(extra: [string, string | number][]): QueryParams {
    return [...extra, ...this.#filters];
  }

  async #get(params: QueryParams, options: RequestOptions): Promise<ListAnswer> {
    const data = await this.#api.connection.getObject<ListAnswer>(
      this.#cls.urlObject,
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
    const paging: [string, string | number][] = [["rows", this.#pageSize]];
    if (start > 0) paging.push(["start", start + 1]);
    const data = await this.#get(this.#params(paging), options);
    const pk = this.#cls.primaryKey;
    const items = (data.results ?? []).map((row) => {
      const id = row[pk];
      if (typeof id !== "string" && typeof id !== "number") {
        return new this.#cls(this.#api as never, undefined, { info: row });
      }
      return this.#api.fromRow(this.#cls, id, row);
    });
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
