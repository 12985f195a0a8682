/**
 * The object cache: each API instance keeps the models it loaded for a while, so joins, parent
 * walks and repeated `select` calls make no second request (Python cbapi: 1024 entries, entries
 * live 60 s from insertion, least recently used evicted first).
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

interface Entry {
  value: unknown;
  expires: number;
}

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
      this.#misses++;
      return undefined;
    }
    this.#map.delete(key);
    this.#map.set(key, entry);
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
    this.#map.delete(key);
    this.#map.set(key, { value, expires: this.#now() + this.#ttl });
    while (this.#map.size > this.#max) {
      const oldest = this.#map.keys().next().value as string;
      this.#map.delete(oldest);
    }
  }

  /**
   * Removes one key.
   *
   * @param key The key.
   * @returns True when it was present.
   */
  delete(key: string): boolean {
    return this.#map.delete(key);
  }

  /** Empties the cache. */
  clear(): void {
    this.#map.clear();
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
