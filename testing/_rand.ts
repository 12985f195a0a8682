/**
 * Deterministic helpers: a small seeded PRNG and hashing shortcuts used to build the data set.
 *
 * @module
 */
import { createHash } from "node:crypto";

/** A seeded pseudo-random generator (mulberry32): same seed, same sequence. */
export class Rng {
  #state: number;

  /** Creates a generator from a 32-bit seed. */
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** Next float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max] (inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** `n` lower-case hex digits. */
  hex(n: number): string {
    let out = "";
    for (let i = 0; i < n; i++) out += Math.floor(this.next() * 16).toString(16);
    return out;
  }
}

/** Hex digest of `text` with the given algorithm (md5, sha1, sha256). */
export function hashHex(algorithm: string, text: string | Uint8Array): string {
  return createHash(algorithm).update(text).digest("hex");
}

/** A 32-bit seed mixed from several parts (FNV-1a over their text). */
export function mixSeed(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const ch of parts.join("\u0000")) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
