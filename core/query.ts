/**
 * The query base: lazy, immutable query builders that implement `AsyncIterable`. Nothing is sent
 * until a query is iterated or a terminal method (`count`, `first`, `one`, `slice`, `toArray`)
 * is called; every builder method returns a new query.
 *
 * Paginated queries fetch one page per request and prefetch the next page while the current one
 * is consumed; breaking out of a loop aborts the prefetch.
 *
 * @example Iterate, count, slice
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbResponseAPI, Process } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const q = cb.select(Process).where("process_name:cmd.exe");
 * const n = await q.count();
 * const firstTwo = await q.slice(0, 2);
 * assert.ok(n >= firstTwo.length);
 * ```
 *
 * @module
 */

import type { RequestOptions } from "./connection.ts";
import { MoreThanOneResultError, ObjectNotFoundError, ServerError } from "./errors.ts";
import { addPythonHints } from "./_python_hints.ts";

/** One page of results. */
export interface Page<T> {
  /** The items of the page. */
  items: T[];
  /** The total number of results the server reports (undefined when unknown). */
  total: number | undefined;
}

/**
 * The contract shared by every query: async iteration plus the terminal methods.
 *
 * @typeParam T The model type the query yields.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbResponseAPI, SensorGroup } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const groups = cb.select(SensorGroup);
 * assert.ok((await groups.count()) === (await groups.toArray()).length);
 * assert.ok((await groups.first()) !== undefined);
 * ```
 */
export abstract class BaseQuery<T> implements AsyncIterable<T> {
  /**
   * Yields the results in windows: `start` is the first row, `limit` the most rows (undefined
   * for all). Implementations stop on their own rules.
   *
   * @param start First row.
   * @param limit Most rows, or undefined.
   * @param options Signal and timeout.
   */
  protected abstract pagesFrom(
    start: number,
    limit: number | undefined,
    options: RequestOptions,
  ): AsyncGenerator<T[], void, undefined>;

  /**
   * The number of results.
   *
   * @param options Signal and timeout.
   * @returns The count.
   */
  abstract count(options?: RequestOptions): Promise<number>;

  /** A short description used in error messages. */
  abstract describe(): string;

  /** Iterates over every result. */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this.iterate();
  }

  /**
   * Iterates over every result with a signal or timeout.
   *
   * @param options Signal and timeout.
   * @returns An async generator of results.
   */
  async *iterate(options: RequestOptions = {}): AsyncGenerator<T, void, undefined> {
    for await (const page of this.pagesFrom(0, undefined, options)) yield* page;
  }

  /**
   * Iterates page by page.
   *
   * @param options Signal and timeout.
   * @returns An async generator of pages.
   */
  pages(options: RequestOptions = {}): AsyncGenerator<T[], void, undefined> {
    return this.pagesFrom(0, undefined, options);
  }

  /**
   * The results from `start` to before `end` (like `Array.prototype.slice`; negative bounds count
   * from the end and cost one count request; no step).
   *
   * @param start First index.
   * @param end End index (exclusive); all remaining when left out.
   * @param options Signal and timeout.
   * @returns The results.
   */
  async slice(start = 0, end?: number, options: RequestOptions = {}): Promise<T[]> {
    if (!Number.isInteger(start) || (end !== undefined && !Number.isInteger(end))) {
      throw new TypeError(`Slice bounds must be integers, got ${start} and ${end}`);
    }
    let from = start;
    let to = end;
    if (from < 0 || (to !== undefined && to < 0)) {
      // Negative bounds rest on the count: it must be usable, and it also ends the window, so a
      // server whose pages never end cannot keep this loop going.
      const total = await this.count(options);
      if (!Number.isSafeInteger(total) || total < 0) {
        throw new ServerError(
          { status: 200, body: "", method: "GET", url: this.describe() },
          `Cannot resolve negative slice bounds for ${this.describe()}: the server's result ` +
            `count (${String(total).slice(0, 40)}) is not a whole number of 0 or more. Use ` +
            `non-negative bounds, or check the server`,
        );
      }
      if (from < 0) from = Math.max(0, total + from);
      to = to === undefined ? total : to < 0 ? Math.max(0, total + to) : Math.min(to, total);
    }
    if (to !== undefined && to <= from) return [];
    const out: T[] = [];
    const limit = to === undefined ? undefined : to - from;
    for await (const page of this.pagesFrom(from, limit, options)) {
      for (const item of page) {
        if (limit !== undefined && out.length >= limit) break;
        out.push(item);
      }
      if (limit !== undefined && out.length >= limit) break;
    }
    return out;
  }

  /**
   * The result at an index (negative counts from the end), or undefined when out of range.
   *
   * @param index The index.
   * @param options Signal and timeout.
   * @returns The result or undefined.
   */
  async at(index: number, options: RequestOptions = {}): Promise<T | undefined> {
    const rows = index < 0
      ? await this.slice(index, index === -1 ? undefined : index + 1, options)
      : await this.slice(index, index + 1, options);
    return rows[0];
  }

  /**
   * The first result, or undefined when there is none.
   *
   * @param options Signal and timeout.
   * @returns The first result.
   */
  async first(options: RequestOptions = {}): Promise<T | undefined> {
    return (await this.slice(0, 1, options))[0];
  }

  /**
   * The only result.
   *
   * @param options Signal and timeout.
   * @returns The result.
   * @throws {ObjectNotFoundError} When there is none.
   * @throws {MoreThanOneResultError} When there are several.
   */
  async one(options: RequestOptions = {}): Promise<T> {
    const rows = await this.slice(0, 2, options);
    if (rows.length === 0) {
      throw new ObjectNotFoundError(
        { status: 404, body: "", method: "GET", url: this.describe() },
        `0 results for query ${this.describe()}: expected exactly one. Check the query, or use first()`,
      );
    }
    if (rows.length > 1) {
      const total = await this.count(options);
      throw new MoreThanOneResultError(
        `${total} results found for query ${this.describe()}: expected exactly one. ` +
          `Narrow the query, or use first()`,
        total,
      );
    }
    return rows[0]!;
  }

  /**
   * Every result in an array.
   *
   * @param options Signal and timeout.
   * @returns The results.
   */
  async toArray(options: RequestOptions = {}): Promise<T[]> {
    const out: T[] = [];
    for await (const page of this.pagesFrom(0, undefined, options)) out.push(...page);
    return out;
  }
}

// `query.length` and `query[0]` (Python habits) throw a TypeError naming the fix.
addPythonHints(BaseQuery.prototype);

/**
 * A server-paged query: subclasses fetch one window; this class pages, prefetches the next page,
 * stops on the total, on an empty page or on the requested limit, and caches the count.
 *
 * @typeParam T The model type the query yields.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbResponseAPI, Process } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * let pages = 0;
 * for await (const page of cb.select(Process).where("process_name:cmd.exe").batchSize(4).pages()) {
 *   assert.ok(page.length <= 4);
 *   pages++;
 * }
 * assert.ok(pages > 1);
 * ```
 */
export abstract class PaginatedQuery<T> extends BaseQuery<T> {
  #cachedCount: number | undefined;

  /** Rows per request. */
  protected abstract get pageSize(): number;

  /**
   * Fetches one window of rows.
   *
   * @param start First row.
   * @param rows Rows asked for.
   * @param options Signal and timeout.
   * @returns The page.
   */
  protected abstract fetchPage(
    start: number,
    rows: number,
    options: RequestOptions,
  ): Promise<Page<T>>;

  /**
   * Asks the server for the count.
   *
   * @param options Signal and timeout.
   * @returns The count.
   */
  protected abstract fetchCount(options: RequestOptions): Promise<number>;

  /**
   * The number of results (one count request, then cached on this query).
   *
   * @param options Signal and timeout.
   * @returns The count.
   */
  async count(options: RequestOptions = {}): Promise<number> {
    if (this.#cachedCount === undefined) this.#cachedCount = await this.fetchCount(options);
    return this.#cachedCount;
  }

  /** Whether the next page may be fetched while the current one is consumed. */
  protected get prefetch(): boolean {
    return true;
  }

  /**
   * Where the page after `start` (which returned `received` rows) begins. Override for servers
   * with odd offsets.
   *
   * @param start The window start.
   * @param received Rows received.
   * @returns The next start.
   */
  protected nextStart(start: number, received: number): number {
    return start + received;
  }

  /** Yields pages of results. */
  protected async *pagesFrom(
    start: number,
    limit: number | undefined,
    options: RequestOptions,
  ): AsyncGenerator<T[], void, undefined> {
    const outer = options.signal;
    const controller = new AbortController();
    const onAbort = () => controller.abort(outer?.reason);
    outer?.addEventListener("abort", onAbort, { once: true });
    const signal = controller.signal;
    const pageOptions: RequestOptions = { ...options, signal };
    let pending: Promise<Page<T>> | undefined;
    try {
      outer?.throwIfAborted();
      let offset = start;
      let yielded = 0;
      const want = (from: number) => {
        const left = limit === undefined
          ? this.pageSize
          : Math.min(this.pageSize, limit - (from - start));
        return Math.max(1, left);
      };
      pending = this.fetchPage(offset, want(offset), pageOptions);
      const seen = new Set<number>();
      while (pending) {
        const page = await pending;
        pending = undefined;
        seen.add(offset);
        if (page.total !== undefined) this.#cachedCount = page.total;
        let items = page.items;
        if (limit !== undefined && yielded + items.length > limit) {
          items = items.slice(0, limit - yielded);
        }
        yielded += items.length;
        const next = this.nextStart(offset, page.items.length);
        const more = page.items.length > 0 && (limit === undefined || yielded < limit) &&
          (page.total === undefined || next < page.total) && !seen.has(next);
        if (page.items.length === 0) {
          this.#cachedCount = Math.min(this.#cachedCount ?? offset, offset);
        }
        if (more) {
          offset = next;
          if (this.prefetch) {
            pending = this.fetchPage(offset, want(offset), pageOptions);
            pending.catch(() => {}); // observed when awaited; avoid an unhandled rejection on break
          }
        }
        if (items.length > 0) yield items;
        if (more && !pending) pending = this.fetchPage(offset, want(offset), pageOptions);
      }
    } finally {
      outer?.removeEventListener("abort", onAbort);
      if (pending) {
        controller.abort(new DOMException("Query iteration ended", "AbortError"));
        await pending.catch(() => {});
      }
    }
  }
}

/**
 * A query over a list the server returns whole (one GET, no paging), filtered and sorted on the
 * client: one `where("field:value")` clause (case-insensitive equality) and a descending sort.
 *
 * @typeParam T The model type the query yields.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbResponseAPI, Sensor } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const last = await cb.select(Sensor).where("ip:192.168").slice(-1);
 * assert.ok(last.length === 1);
 * ```
 */
export abstract class ListQuery<T> extends BaseQuery<T> {
  #results: T[] | undefined;

  /**
   * Fetches and builds every object of the list.
   *
   * @param options Signal and timeout.
   * @returns The objects.
   */
  protected abstract fetchAll(options: RequestOptions): Promise<T[]>;

  /**
   * The filtered, sorted list (fetched once per query object).
   *
   * @param options Signal and timeout.
   * @returns The results.
   */
  protected async results(options: RequestOptions): Promise<T[]> {
    if (!this.#results) this.#results = await this.fetchAll(options);
    return this.#results;
  }

  /**
   * The number of results.
   *
   * @param options Signal and timeout.
   * @returns The count.
   */
  async count(options: RequestOptions = {}): Promise<number> {
    return (await this.results(options)).length;
  }

  /** Yields pages of results. */
  protected async *pagesFrom(
    start: number,
    limit: number | undefined,
    options: RequestOptions,
  ): AsyncGenerator<T[], void, undefined> {
    const all = await this.results(options);
    const rows = all.slice(start, limit === undefined ? undefined : start + limit);
    if (rows.length > 0) yield rows;
  }
}

/**
 * Compares a model attribute with a `where("field:value")` value the way the Python SimpleQuery
 * does: text, case-insensitive equality; a missing attribute never matches.
 *
 * @param value The attribute value.
 * @param wanted The value from the clause.
 * @returns Whether it matches.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { simpleMatch } from "@cbapi/cbapi/core";
 * assert.ok(simpleMatch("Default Group", "default group"));
 * assert.ok(!simpleMatch(undefined, "x"));
 * ```
 */
export function simpleMatch(value: unknown, wanted: string): boolean {
  if (value === undefined || value === null) return false;
  const text = value === true ? "true" : value === false ? "false" : String(value);
  return text.toLowerCase() === wanted.toLowerCase();
}

/**
 * Splits a `field:value` clause at the first colon.
 *
 * @param clause The clause.
 * @returns The field and value.
 * @throws {SyntaxError} When there is no colon.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { splitClause } from "@cbapi/cbapi/core";
 * const [field, value] = splitClause("hostname:WIN-IA9NQ1GN8OI");
 * assert.ok(field === "hostname" && value === "WIN-IA9NQ1GN8OI");
 * ```
 */
export function splitClause(clause: string): [string, string] {
  const i = clause.indexOf(":");
  if (i < 0) {
    throw new SyntaxError(`Query clause "${clause}" must have the form field:value`);
  }
  return [clause.slice(0, i).trim(), clause.slice(i + 1).trim()];
}
