/**
 * The query base: lazy, immutable query builders that implement `AsyncIterable`. Nothing is sent
 * until a query is iterated or a terminal method (`count`, `first`, `one`, `slice`, `toArray`)
 * is called; every builder method returns a new query.
 *
 * Paginated queries fetch one page per request. Once the first page reports the total, the next
 * pages are fetched concurrently, at most `pagesInFlight` at once (4 unless the API or the call
 * says otherwise), and yielded in order; breaking out of a loop or aborting cancels every
 * request in flight.
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

import type { BaseAPI } from "./api.ts";
import type { RequestOptions } from "./connection.ts";
import { ApiError, MoreThanOneResultError, NoResultError, ServerError } from "./errors.ts";
import type { Document, Model, ModelClass } from "./model.ts";
import { simpleMatch, splitClause } from "./_clause.ts";
import { addPythonHints } from "./_python_hints.ts";

/**
 * Pages a query keeps in flight at most when neither the call nor the API says otherwise.
 * Measured on the emulator at 50 ms per page (`deno task bench`): 4 pages in flight page about
 * 3.5x faster than one, 8 add little more, and 4 keeps the load a single client puts on a
 * production server modest (a Cb Response server answers searches from Solr on a few cores).
 */
export const DEFAULT_PAGES_IN_FLIGHT = 4;

/**
 * Per-call options of a query's iteration and terminal methods.
 *
 * @example Page one request at a time
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbResponseAPI, Process } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const rows = await cb.select(Process).batchSize(2).toArray({ pagesInFlight: 1 });
 * assert.ok(rows.length > 2);
 * ```
 */
export interface QueryOptions extends RequestOptions {
  /**
   * Most page requests in flight at once (1 = one page ahead, as a sequential client with
   * prefetch).
   *
   * @default the API's `pagesInFlight` (4)
   */
  pagesInFlight?: number;
}

/** One page of results. */
export interface Page<T> {
  /** The items of the page. */
  items: T[];
  /** The total number of results the server reports (undefined when unknown). */
  total: number | undefined;
}

/**
 * The immutable state every query holds: its `where()`/`and()` clauses and its sort. Queries
 * with more refinements extend it (see {@linkcode PaginatedState}).
 */
export interface QueryState {
  /** The clauses, in the order given (how they combine: {@linkcode ClauseRule}). */
  readonly clauses: readonly string[];
  /** The sort text, or undefined for none. */
  readonly sort: string | undefined;
}

/**
 * How `where()` and `and()` combine clauses:
 * - `"all"`: every clause is kept, in order (the server ANDs them);
 * - `"lastPerField"`: `field:value` clauses, the same field again replaces the earlier one;
 * - `"one"`: a single `field:value` clause; a second `where()`, or any `and()`, is refused.
 */
export type ClauseRule = "all" | "lastPerField" | "one";

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
export abstract class BaseQuery<T extends Model, S extends QueryState = QueryState>
  implements AsyncIterable<T> {
  /** The API the query runs on. */
  protected readonly api: BaseAPI;
  /** The model class the query yields. */
  protected readonly cls: ModelClass<T>;
  /** The query's state; a refinement builds a new query (see {@linkcode BaseQuery.with}). */
  protected readonly state: S;

  /**
   * Builds a query. Every query class takes these three arguments, so that
   * {@linkcode BaseQuery.with} can build another of the same class; use `cb.select(Model)`
   * instead.
   *
   * @param api The API.
   * @param cls The model class.
   * @param state The whole state.
   */
  constructor(api: BaseAPI, cls: ModelClass<T>, state: S) {
    this.api = api;
    this.cls = cls;
    this.state = state;
  }

  /**
   * A new query of the same class, on the same API and model, with part of the state replaced.
   * This query is left as it is; the new one starts with empty caches (count, results).
   *
   * @param patch The state to change.
   * @returns The new query.
   */
  protected with(patch: Partial<S>): this {
    const Ctor = this.constructor as new (api: BaseAPI, cls: ModelClass<T>, state: S) => this;
    return new Ctor(this.api, this.cls, { ...this.state, ...patch });
  }

  /**
   * The model of one result row: from the API's object cache when the row carries its id (the
   * class's primary key), else a new model holding the row.
   *
   * @param row The row.
   * @param full Whether the row is the whole document.
   * @returns The model.
   */
  protected modelOf(row: Document, full = false): T {
    const id = row[this.cls.primaryKey];
    if (typeof id === "string" || typeof id === "number") {
      return this.api.fromRow(this.cls, id, row, full);
    }
    return new this.cls(this.api as never, undefined, { info: row, full });
  }

  /** How `where()` and `and()` combine clauses (`"all"` unless a query class says otherwise). */
  protected get clauseRule(): ClauseRule {
    return "all";
  }

  /**
   * Checks a clause before `where()` adds it; throws to refuse it. Query classes with rules on
   * fields or states override it.
   *
   * @param _clause The clause.
   */
  protected checkClause(_clause: string): void {}

  /**
   * Adds a clause, combined with the ones before by the query's {@linkcode ClauseRule}.
   *
   * @param clause The clause, for example `process_name:net.exe`.
   * @returns A new query; this one is unchanged.
   * @throws {TypeError} When the clause is not a string.
   * @throws {SyntaxError} When a `field:value` clause has no colon or no field.
   * @throws {ApiError} When the query takes no further clause.
   */
  where(clause: string): this {
    if (typeof clause !== "string") {
      throw new TypeError(`where() takes a query string, got ${typeof clause}`);
    }
    const rule = this.clauseRule;
    if (rule === "one" && this.state.clauses.length > 0) {
      throw new ApiError("Cannot have multiple 'where' clauses");
    }
    this.checkClause(clause);
    let clauses: readonly string[];
    if (rule === "all") {
      clauses = [...this.state.clauses, clause];
    } else {
      const [field] = splitClause(clause);
      if (field === "") {
        throw new SyntaxError(`Query clause "${clause}" has no field before the colon`);
      }
      clauses = rule === "one"
        ? [clause]
        : [...this.state.clauses.filter((c) => splitClause(c)[0] !== field), clause];
    }
    return this.with({ clauses } as Partial<S>);
  }

  /**
   * Same as {@linkcode BaseQuery.where} (the Python `and_`); refused on queries that take one
   * clause.
   *
   * @param clause The clause.
   * @returns A new query; this one is unchanged.
   * @throws {ApiError} On a query that takes one clause only.
   */
  and(clause: string): this {
    if (this.clauseRule === "one") throw new ApiError("Cannot have multiple 'where' clauses");
    return this.where(clause);
  }

  /**
   * Sorts the results (`"last_update asc"` on searches, a field on lists); an empty string
   * removes the sort.
   *
   * @param order The sort.
   * @returns A new query; this one is unchanged.
   */
  sort(order: string): this {
    const s = order.trim();
    return this.with({ sort: s === "" ? undefined : s } as Partial<S>);
  }

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
    options: QueryOptions,
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
  async *iterate(options: QueryOptions = {}): AsyncGenerator<T, void, undefined> {
    const signal = options.signal;
    for await (const page of this.pagesFrom(0, undefined, options)) {
      for (const row of page) {
        signal?.throwIfAborted(); // no row after an abort, even from a page already here
        yield row;
      }
    }
  }

  /**
   * Iterates page by page.
   *
   * @param options Signal and timeout.
   * @returns An async generator of pages.
   */
  pages(options: QueryOptions = {}): AsyncGenerator<T[], void, undefined> {
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
  async slice(start = 0, end?: number, options: QueryOptions = {}): Promise<T[]> {
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
          `Cannot resolve negative slice bounds for ${this.describe()}: the server's result ` +
            `count (${String(total).slice(0, 40)}) is not a whole number of 0 or more. Use ` +
            `non-negative bounds, or check the server`,
          { status: 200, body: "", method: "GET", url: this.describe() },
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
  async at(index: number, options: QueryOptions = {}): Promise<T | undefined> {
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
  async first(options: QueryOptions = {}): Promise<T | undefined> {
    return (await this.slice(0, 1, options))[0];
  }

  /**
   * The only result.
   *
   * @param options Signal and timeout.
   * @returns The result.
   * @throws {NoResultError} When there is none (an {@linkcode ObjectNotFoundError} without a
   * status: the search answered, with no row).
   * @throws {MoreThanOneResultError} When there are several.
   */
  async one(options: QueryOptions = {}): Promise<T> {
    const rows = await this.slice(0, 2, options);
    if (rows.length === 0) {
      const query = this.describe();
      throw new NoResultError(
        `0 results for query ${query}: expected exactly one. Check the query, or use first()`,
        { query },
      );
    }
    if (rows.length > 1) {
      const total = await this.count(options);
      const query = this.describe();
      throw new MoreThanOneResultError(
        `${total} results found for query ${query}: expected exactly one. ` +
          `Narrow the query, or use first()`,
        { count: total, query },
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
  async toArray(options: QueryOptions = {}): Promise<T[]> {
    const out: T[] = [];
    for await (const page of this.pagesFrom(0, undefined, options)) out.push(...page);
    return out;
  }
}

// `query.length` and `query[0]` (Python habits) throw a TypeError naming the fix.
addPythonHints(BaseQuery.prototype);

/** The state of a server-paged query: clauses, sort and rows per request. */
export interface PaginatedState extends QueryState {
  /** Rows per request. */
  readonly batchSize: number;
}

/**
 * A server-paged query: subclasses fetch one window; this class pages (several windows in flight
 * once the total is known, see {@linkcode PaginatedQuery.pagesFrom}), yields them in order,
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
export abstract class PaginatedQuery<T extends Model, S extends PaginatedState = PaginatedState>
  extends BaseQuery<T, S> {
  #cachedCount: number | undefined;

  /**
   * Changes the number of rows per request.
   *
   * @param rows Rows per page (1 or more).
   * @returns A new query; this one is unchanged.
   * @throws {RangeError} When `rows` is not a positive integer.
   */
  batchSize(rows: number): this {
    if (!Number.isInteger(rows) || rows < 1) {
      throw new RangeError(`Batch size must be a positive integer, got ${rows}`);
    }
    return this.with({ batchSize: rows } as Partial<S>);
  }

  /** Rows per request: the state's `batchSize`. */
  protected get pageSize(): number {
    return this.state.batchSize;
  }

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

  /**
   * The total for paging when the pages do not report one (Protection): asked once, alongside
   * the second page, so that the pages after it can be fetched concurrently. Undefined (the
   * default) sends nothing and pages one ahead.
   *
   * @param _options Signal and timeout.
   * @returns The count request, or undefined.
   */
  protected fetchTotal(_options: RequestOptions): Promise<number> | undefined {
    return undefined;
  }

  /** Pages in flight when the call does not say: the API's `pagesInFlight`. */
  protected get pagesInFlight(): number {
    return this.api.pagesInFlight;
  }

  /**
   * Yields pages of results in order. The first page is fetched alone; once a page reports the
   * total, the windows after it are fetched concurrently, at most `pagesInFlight` at once. The
   * number in flight grows by one for each page the consumer takes (one page ahead after the
   * first page), so that a loop left after the first page cost at most one page more, as
   * before. A window is requested only when it lies before the total and the requested end;
   * leaving the loop, or the caller's abort, cancels every request in flight.
   */
  protected async *pagesFrom(
    start: number,
    limit: number | undefined,
    options: QueryOptions,
  ): AsyncGenerator<T[], void, undefined> {
    const outer = options.signal;
    outer?.throwIfAborted();
    const maxInFlight = this.prefetch
      ? checkPagesInFlight(options.pagesInFlight ?? this.pagesInFlight)
      : 1;
    const { pagesInFlight: _n, signal: _s, ...rest } = options;
    const end = limit === undefined ? Infinity : start + limit;
    const pageSize = this.pageSize;
    interface Window {
      offset: number;
      rows: number;
      controller: AbortController;
      page: Promise<Page<T>>;
    }
    const queue: Window[] = [];
    let total: number | undefined;
    let hint: number | undefined; // a count asked beside the pages: plans windows, ends nothing
    let counting: Promise<unknown> | undefined;
    let nextOffset = start;
    let taken = 0;
    const launch = () => {
      const offset = nextOffset;
      const rows = Math.max(1, Math.min(pageSize, end - offset));
      const controller = new AbortController();
      const page = this.fetchPage(offset, rows, { ...rest, signal: controller.signal });
      page.catch(() => {}); // observed when awaited; avoids an unhandled rejection on break
      queue.push({ offset, rows, controller, page });
      nextOffset = offset + rows;
    };
    const cancelQueued = (reason: unknown) => {
      for (const w of queue) w.controller.abort(reason);
    };
    const onAbort = () => {
      cancelQueued(outer?.reason);
      countController.abort(outer?.reason);
    };
    const countController = new AbortController();
    outer?.addEventListener("abort", onAbort, { once: true });
    // Windows allowed in flight now: one ahead until the total is known, then one more for
    // each page taken, up to the bound; a pending count request holds one place.
    const fill = (prefetch: boolean) => {
      const bound = Math.min(end, total ?? Infinity);
      const known = total ?? hint;
      const ahead = known === undefined ? 1 : Math.min(maxInFlight, taken + 1);
      const allowed = Math.min(maxInFlight - (counting ? 1 : 0), prefetch ? ahead : 0);
      while (
        queue.length < allowed && nextOffset < bound &&
        (queue.length === 0 || known === undefined || nextOffset < known)
      ) launch();
    };
    const seen = new Set<number>();
    let yielded = 0;
    try {
      launch();
      while (queue.length > 0) {
        const head = queue[0]!;
        const page = await head.page;
        outer?.throwIfAborted();
        queue.shift();
        seen.add(head.offset);
        if (page.total !== undefined) {
          total = page.total;
          this.#cachedCount = total;
        }
        let items = page.items;
        const received = items.length;
        if (limit !== undefined && yielded + received > limit) {
          items = items.slice(0, limit - yielded);
        }
        yielded += items.length;
        if (received === 0) {
          this.#cachedCount = Math.min(this.#cachedCount ?? head.offset, head.offset);
        }
        const next = this.nextStart(head.offset, received);
        const more = received > 0 && (limit === undefined || yielded < limit) &&
          (total === undefined || next < total) && !seen.has(next);
        if (!more) {
          cancelQueued(new DOMException("Query results complete", "AbortError"));
        } else if (next !== head.offset + head.rows) {
          // A short page or an odd stride: the windows planned after it start elsewhere.
          cancelQueued(new DOMException("Query window moved", "AbortError"));
          await settle(queue.splice(0));
          nextOffset = next;
        }
        if (more) {
          if (
            total === undefined && hint === undefined && !counting && maxInFlight > 1 &&
            received >= head.rows &&
            next + pageSize < end
          ) {
            const asked = this.fetchTotal({ ...rest, signal: countController.signal });
            if (asked) {
              counting = asked.then((n) => {
                if (Number.isFinite(n)) hint = n;
              }, () => {}).finally(() => counting = undefined);
            }
          }
          fill(this.prefetch);
        }
        if (items.length > 0) {
          yield items;
          taken++;
        }
        if (!more) break;
        fill(true);
      }
    } finally {
      outer?.removeEventListener("abort", onAbort);
      if (queue.length > 0) {
        cancelQueued(new DOMException("Query iteration ended", "AbortError"));
        await settle(queue.splice(0));
      }
      if (counting) {
        countController.abort(new DOMException("Query iteration ended", "AbortError"));
        await counting;
      }
    }
  }
}

async function settle(windows: ReadonlyArray<{ page: Promise<unknown> }>): Promise<void> {
  for (const w of windows) await w.page.catch(() => {});
}

/**
 * Checks a `pagesInFlight` setting.
 *
 * @param n The setting.
 * @returns The setting.
 * @throws {RangeError} When it is not a positive integer.
 */
export function checkPagesInFlight(n: number): number {
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`pagesInFlight must be a positive integer, got ${n}`);
  }
  return n;
}

/**
 * A query over a list the server returns whole (one GET, no paging), filtered and sorted on the
 * client: one `where("field:value")` clause (case-insensitive equality, see
 * {@linkcode simpleMatch}) and a descending `sort(field)`.
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
export abstract class ListQuery<T extends Model, S extends QueryState = QueryState>
  extends BaseQuery<T, S> {
  #results: T[] | undefined;

  /** One clause (a second `where()`, or any `and()`, is refused) unless a query says otherwise. */
  protected override get clauseRule(): ClauseRule {
    return "one";
  }

  /**
   * Whether the clauses filter the fetched list on the client (true); false when the server
   * applies them (the query's `fetchAll` sends them).
   */
  protected get filtersOnClient(): boolean {
    return true;
  }

  /**
   * Fetches and builds every object of the list.
   *
   * @param options Signal and timeout.
   * @returns The objects.
   */
  protected abstract fetchAll(options: RequestOptions): Promise<T[]>;

  /**
   * The filtered, sorted list (fetched once per query object): each clause keeps the objects
   * whose field matches (see {@linkcode simpleMatch}), the sort orders by a field, descending
   * (missing: 0).
   *
   * @param options Signal and timeout.
   * @returns The results.
   */
  protected async results(options: RequestOptions): Promise<T[]> {
    if (!this.#results) {
      let objects = await this.fetchAll(options);
      if (this.filtersOnClient) {
        for (const clause of this.state.clauses) {
          const [field, value] = splitClause(clause);
          objects = objects.filter((o) => simpleMatch(readAttribute(o, field), value));
        }
      }
      const sort = this.state.sort;
      if (sort !== undefined) {
        objects = [...objects].sort((a, b) =>
          compareDescending(readAttribute(a, sort), readAttribute(b, sort))
        );
      }
      this.#results = objects;
    }
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
    options: QueryOptions,
  ): AsyncGenerator<T[], void, undefined> {
    const all = await this.results(options);
    const rows = all.slice(start, limit === undefined ? undefined : start + limit);
    if (rows.length > 0) yield rows;
  }
}

/** A model's attribute (its typed accessor), or the document field of that name. */
function readAttribute(obj: Model, field: string): unknown {
  const value = (obj as unknown as Record<string, unknown>)[field];
  if (value !== undefined && typeof value !== "function") return value;
  return obj.get(field);
}

/** Descending order; missing values count as 0, dates by their time. */
function compareDescending(a: unknown, b: unknown): number {
  const x = a instanceof Date ? a.getTime() : a ?? 0;
  const y = b instanceof Date ? b.getTime() : b ?? 0;
  if (x === y) return 0;
  return (x as number) < (y as number) ? 1 : -1;
}
