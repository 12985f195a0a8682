/**
 * The base of the three product API classes: owns the {@linkcode Connection} and the object cache,
 * loads models by id through the cache, and creates new objects.
 *
 * @module
 */

import { ObjectCache, type ObjectCacheOptions } from "./cache.ts";
import type { Connection, RequestOptions } from "./connection.ts";
import { ApiError } from "./errors.ts";
import { checkPagesInFlight, DEFAULT_PAGES_IN_FLIGHT } from "./query.ts";
import {
  type Document,
  documentOf,
  type Model,
  type ModelApi,
  type ModelClass,
  type ModelId,
} from "./model.ts";
import type { MutableModel } from "./mutable_model.ts";

/** Options of the object cache of an API instance. */
export interface ApiOptions {
  /**
   * Object cache settings.
   *
   * @default { maxEntries: 1024, ttlMs: 60000 }
   */
  cache?: ObjectCacheOptions;
  /**
   * Most page requests a query keeps in flight at once (each query call may override it with
   * its own `pagesInFlight`). 1 pages one request ahead, as before.
   *
   * @default 4
   */
  pagesInFlight?: number;
}

/**
 * What every product API has: the connection, the cache, `create()` and closing.
 *
 * @example Any product API closes with `await using`
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbResponseAPI } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * assert.ok(cb.url === emu.url);
 * ```
 */
export abstract class BaseAPI implements ModelApi, AsyncDisposable {
  /** The request path of this API. */
  readonly connection: Connection;
  /** The object cache of this API instance. */
  readonly cache: ObjectCache;
  /** Most page requests a query keeps in flight at once (see {@linkcode ApiOptions}). */
  readonly pagesInFlight: number;
  #closed = false;

  /**
   * Builds the API around an open connection.
   *
   * @param connection The connection (owned and closed by this API).
   * @param options Cache settings.
   */
  protected constructor(connection: Connection, options: ApiOptions = {}) {
    this.connection = connection;
    this.cache = new ObjectCache(options.cache);
    this.pagesInFlight = checkPagesInFlight(options.pagesInFlight ?? DEFAULT_PAGES_IN_FLIGHT);
  }

  /** The server base URL. */
  get url(): string {
    return this.connection.url;
  }

  /**
   * The cache key of an object.
   *
   * @param cls The model class.
   * @param id The canonical id.
   * @param extra Further identity (such as a process segment).
   * @returns The key.
   */
  protected cacheKey(cls: ModelClass, id: ModelId, extra: readonly unknown[] = []): string {
    let key = `${cls.name}\u0000${typeof id === "number" ? "n" : "s"}${id}`;
    for (const e of extra) key += `\u0000${typeof e === "object" ? JSON.stringify(e) : e}`;
    return key;
  }

  /**
   * The cached object for an id, or a new one built and cached: joins, parents and
   * `select(Model, id)` use it, so an object costs at most one GET while it is cached.
   *
   * @typeParam M The model type.
   * @param cls The model class.
   * @param id The canonical id.
   * @param build Builds the object on a miss.
   * @param extra Further identity.
   * @returns The object.
   */
  cachedObject<M extends Model>(
    cls: ModelClass<M>,
    id: ModelId,
    build: () => M,
    extra: readonly unknown[] = [],
  ): M {
    const key = this.cacheKey(cls, id, extra);
    const hit = this.cache.get(key) as M | undefined;
    if (hit) return hit;
    const made = build();
    this.cache.set(key, made);
    return made;
  }

  /**
   * The object for a search or list row: the cached object when the row is unchanged (every
   * field of the row equals the row the object was built from, or the document it holds now),
   * else a fresh object built from the row, which replaces the cache entry. So a changed document is never served stale, and an unchanged one keeps
   * its identity and whatever it loaded (the walk-parents example asks nothing the second time).
   *
   * @typeParam M The model type.
   * @param cls The model class.
   * @param id The canonical id.
   * @param row The row.
   * @param build Builds the object from the row.
   * @param extra Further identity.
   * @returns The object.
   */
  cachedRow<M extends Model>(
    cls: ModelClass<M>,
    id: ModelId,
    row: Document,
    build: () => M,
    extra: readonly unknown[] = [],
  ): M {
    const key = this.cacheKey(cls, id, extra);
    const hit = this.cache.get(key) as (M & RowBuilt) | undefined;
    // As Python's key holds the initial document: an object built from the same row is kept
    // (whatever it loaded since), and so is one whose document agrees with the row (loaded by
    // id, by a join, or saved since).
    if (hit) {
      const initial = hit[INITIAL_ROW];
      if ((initial && rowMatches(row, initial)) || rowMatches(row, documentOf(hit))) return hit;
    }
    const made = build() as M & RowBuilt;
    made[INITIAL_ROW] = row;
    this.cache.set(key, made);
    return made;
  }

  /**
   * A model built from a query row or other partial document, through the cache (see
   * {@linkcode BaseAPI.cachedRow}). The model takes the row as its document (no copy).
   *
   * @typeParam M The model type.
   * @param cls The model class.
   * @param id The id.
   * @param info The row.
   * @param full Whether the row is the whole document.
   * @param extra Further identity.
   * @returns The object.
   */
  fromRow<M extends Model>(
    cls: ModelClass<M>,
    id: ModelId,
    info: Document,
    full = false,
    extra: readonly unknown[] = [],
  ): M {
    const canonical = cls.normaliseId(id);
    return this.cachedRow(
      cls,
      canonical,
      info,
      () => new cls(this as never, canonical, { info, full }),
      extra,
    );
  }

  /**
   * Evicts cached objects after a change made through this API that the objects cannot see
   * (a bulk update): one object by id, or every object of the class.
   *
   * @param cls The model class.
   * @param id The id (normalised as `select` does); every object of the class when left out.
   * @param extra Further identity.
   * @returns How many entries were removed.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { CbResponseAPI, Sensor } from "@cbapi/cbapi/response";
   * import { CbEmulator } from "@cbapi/cbapi/testing";
   * await using emu = await CbEmulator.start();
   * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
   * await cb.select(Sensor, 3);
   * assert.equal(cb.evict(Sensor, 3), 1);
   * ```
   */
  evict(cls: ModelClass, id?: ModelId, extra: readonly unknown[] = []): number {
    if (id !== undefined) {
      return this.cache.delete(this.cacheKey(cls, cls.normaliseId(id), extra)) ? 1 : 0;
    }
    const prefix = `${cls.name}\u0000`;
    return this.cache.deleteWhere((key) => key.startsWith(prefix));
  }

  /**
   * Loads an object by id through the cache: at most one request per object until the entry
   * expires or the object is refreshed.
   *
   * @typeParam M The model type.
   * @param cls The model class.
   * @param id The id.
   * @param options Signal and timeout.
   * @returns The loaded object.
   * @throws {ObjectNotFoundError} When the server has no such object.
   */
  async selectById<M extends Model>(
    cls: ModelClass<M>,
    id: ModelId,
    options: RequestOptions = {},
  ): Promise<M> {
    const canonical = cls.normaliseId(id);
    const key = this.cacheKey(cls, canonical);
    const hit = this.cache.get(key) as M | undefined;
    if (hit) {
      await hit.load(options);
      return hit;
    }
    const made = new cls(this as never, canonical, {});
    await made.load(options);
    this.cache.set(key, made);
    return made;
  }

  /**
   * A new, unsaved object of a creatable model, with `data` applied as assignments (no request).
   *
   * @typeParam M The model type.
   * @param cls The model class.
   * @param data Initial field values.
   * @returns The new object.
   * @throws {ApiError} When the model cannot be created through the API.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { BannedHash, CbResponseAPI } from "@cbapi/cbapi/response";
   * import { CbEmulator } from "@cbapi/cbapi/testing";
   * await using emu = await CbEmulator.start();
   * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
   * const bh = cb.create(BannedHash, { text: "Banned from API" });
   * assert.ok(bh.isDirty());
   * ```
   */
  create<M extends MutableModel>(cls: ModelClass<M>, data: Record<string, unknown> = {}): M {
    if (!cls.creatable) {
      throw new ApiError(
        `Cannot create object of type ${cls.name}: the server does not create it through the API`,
      );
    }
    const obj = new cls(this as never, undefined, {
      info: { [cls.primaryKey]: null },
      full: false,
    });
    for (const [k, v] of Object.entries(data)) obj.set(k, v);
    return obj;
  }

  /** Whether {@linkcode BaseAPI.close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Closes the connection (and its HTTP client). Idempotent. */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.connection.close();
      this.cache.clear();
    }
    return Promise.resolve();
  }

  /** Same as {@linkcode BaseAPI.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Short form without the token. */
  [Symbol.for("Deno.customInspect")](): string {
    return `${this.constructor.name} { url: "${this.url}" }`;
  }
}

/** The row an object was built from, kept on the object for the cache rule. */
const INITIAL_ROW = Symbol("cbapi.initialRow");

type RowBuilt = { [INITIAL_ROW]?: Document };

/** Whether every field of a row equals the same field of a document (JSON values). */
function rowMatches(row: Document, doc: Document): boolean {
  if (row === doc) return true;
  for (const k in row) {
    if (!sameJson(row[k], doc[k])) return false;
  }
  return true;
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!sameJson((a as Document)[k], (b as Document)[k])) return false;
  }
  return true;
}
