/**
 * The object cache: each API instance keeps the models it loaded for a while, so joins, parent
 * walks and repeated `select` calls make no second request (Python cbapi: 1024 entries, entries
 * live 60 s from insertion, least recently used evicted first).
 *
 * Search and list results never come from it: a query row whose document differs from the
 * cached object's gives a fresh object that replaces the entry (Python keys its cache on the
 * whole initial document, to the same effect). A save or refresh puts the object back as the
 * freshest; a delete or a bulk change through the API evicts what it changed.
 *
 * @module
 */

/** Options of {@linkcode ObjectCache}. */
export interface ObjectCacheOptions {
  /**
   * Most entries kept; the least recently used is evicted beyond it.
   *
   * @default 1024
   */
  maxEntries?: number;
  /**
   * How long an entry lives after insertion, in milliseconds (reads do not extend it).
   *
   * @default 60000
   */
  ttlMs?: number;
  /**
   * The clock, for tests.
   *
   * @default Date.now
   */
  now?: () => number;
}

/**
 * One entry, a link of the recency list (least recently used first). A list, not the Map's own
 * insertion order: re-inserting a key on every read and evicting through `keys().next()` makes
 * V8 skip the deleted slots at the front of the table, which cost microseconds per row once
 * a search streams more rows than the cache holds.
 */
interface Entry {
  key: string;
  value: unknown;
  expires: number;
  prev: Entry | undefined;
  next: Entry | undefined;
}

/** Where an object remembers the key it was cached under (a property, not a WeakMap: cheaper). */
const CACHE_KEY = Symbol("cbapi.cacheKey");

type Keyed = { [CACHE_KEY]?: string };

/**
 * A size- and time-bounded LRU map.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ObjectCache } from "@cbapi/cbapi/core";
 * let t = 0;
 * const cache = new ObjectCache({ maxEntries: 2, ttlMs: 10, now: () => t });
 * cache.set("a", 1);
 * assert.ok(cache.get("a") === 1);
 * t = 11;
 * assert.ok(cache.get("a") === undefined);
 * ```
 */
export class ObjectCache {
  #map = new Map<string, Entry>();
  /** Least recently used. */
  #head: Entry | undefined;
  /** Most recently used. */
  #tail: Entry | undefined;
  #max: number;
  #ttl: number;
  #now: () => number;
  #hits = 0;
  #misses = 0;

  /**
   * Builds an empty cache.
   *
   * @param options Size, lifetime and clock.
   */
  constructor(options: ObjectCacheOptions = {}) {
    this.#max = options.maxEntries ?? 1024;
    this.#ttl = options.ttlMs ?? 60_000;
    this.#now = options.now ?? Date.now;
    if (!(this.#max >= 1)) throw new RangeError(`maxEntries must be at least 1, got ${this.#max}`);
  }

  #unlink(entry: Entry): void {
    if (entry.prev) entry.prev.next = entry.next;
    else this.#head = entry.next;
    if (entry.next) entry.next.prev = entry.prev;
    else this.#tail = entry.prev;
    entry.prev = entry.next = undefined;
  }

  #append(entry: Entry): void {
    entry.prev = this.#tail;
    entry.next = undefined;
    if (this.#tail) this.#tail.next = entry;
    else this.#head = entry;
    this.#tail = entry;
  }

  /**
   * The value under a key, if present and not expired; marks it recently used.
   *
   * @param key The key.
   * @returns The value or undefined.
   */
  get(key: string): unknown {
    const entry = this.#map.get(key);
    if (!entry) {
      this.#misses++;
      return undefined;
    }
    if (entry.expires <= this.#now()) {
      this.#map.delete(key);
      this.#unlink(entry);
      this.#misses++;
      return undefined;
    }
    if (entry !== this.#tail) {
      this.#unlink(entry);
      this.#append(entry);
    }
    this.#hits++;
    return entry.value;
  }

  /**
   * Stores a value (replacing any), evicting the least recently used entries beyond the limit.
   *
   * @param key The key.
   * @param value The value.
   */
  set(key: string, value: unknown): void {
    const expires = this.#now() + this.#ttl;
    const map = this.#map;
    let entry = map.get(key);
    if (entry) {
      this.#unlink(entry);
    } else {
      // Full: the least recently used entry leaves and its record is reused for the new one.
      while (map.size >= this.#max && this.#head) {
        entry = this.#head;
        map.delete(entry.key);
        this.#unlink(entry);
      }
      if (entry) entry.key = key;
      else entry = { key, value, expires, prev: undefined, next: undefined };
      map.set(key, entry);
    }
    entry.value = value;
    entry.expires = expires;
    this.#append(entry);
    if (typeof value === "object" && value !== null) (value as Keyed)[CACHE_KEY] = key;
  }

  /**
   * Removes one key.
   *
   * @param key The key.
   * @returns True when it was present.
   */
  delete(key: string): boolean {
    const entry = this.#map.get(key);
    if (!entry) return false;
    this.#map.delete(key);
    this.#unlink(entry);
    return true;
  }

  /**
   * Stores again an object that was cached once (under the key it had), as the freshest value
   * of that key with a new lifetime; an object never cached is left out.
   *
   * @param value The object (a model after a save or refresh).
   * @returns True when it was stored.
   */
  renew(value: object): boolean {
    const key = (value as Keyed)[CACHE_KEY];
    if (key === undefined) return false;
    this.set(key, value);
    return true;
  }

  /**
   * Removes the entry of the key an object was cached under, whichever object holds it now
   * (after a delete, every object of that key is stale).
   *
   * @param value The object.
   * @returns True when an entry was removed.
   */
  forget(value: object): boolean {
    const key = (value as Keyed)[CACHE_KEY];
    return key === undefined ? false : this.delete(key);
  }

  /**
   * Removes every entry whose key satisfies a test.
   *
   * @param test Called with each key.
   * @returns How many were removed.
   */
  deleteWhere(test: (key: string) => boolean): number {
    let n = 0;
    for (let entry = this.#head; entry;) {
      const next = entry.next;
      if (test(entry.key)) {
        this.#map.delete(entry.key);
        this.#unlink(entry);
        n++;
      }
      entry = next;
    }
    return n;
  }

  /** Empties the cache. */
  clear(): void {
    this.#map.clear();
    this.#head = this.#tail = undefined;
  }

  /** Number of entries, expired ones included until they are next touched. */
  get size(): number {
    return this.#map.size;
  }

  /** Hits and misses since creation. */
  get stats(): { hits: number; misses: number } {
    return { hits: this.#hits, misses: this.#misses };
  }
}
