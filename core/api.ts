/**
 * The base of the three product API classes: owns the {@linkcode Connection} and the object cache,
 * loads models by id through the cache, and creates new objects.
 *
 * @module
 */

import { ObjectCache, type ObjectCacheOptions } from "./cache.ts";
import type { Connection, RequestOptions } from "./connection.ts";
import { ApiError } from "./errors.ts";
import type { Document, Model, ModelApi, ModelClass, ModelId, MutableModel } from "./model.ts";

/** Options of the object cache of an API instance. */
export interface ApiOptions {
  /**
   * Object cache settings.
   *
   * @default { maxEntries: 1024, ttlMs: 60000 }
   */
  cache?: ObjectCacheOptions;
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
    return JSON.stringify([cls.name, id, ...extra]);
  }

  /**
   * The cached object for an id, or a new one built from `init` and cached. A cached object that
   * is fully loaded wins over a fresh query row.
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
   * A model built from a query row or other partial document, through the cache.
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
    return this.cachedObject(
      cls,
      canonical,
      () => new cls(this as never, canonical, { info, full }),
      extra,
    );
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
