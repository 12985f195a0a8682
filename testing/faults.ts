/**
 * Fault injection rules for the emulator: answer a status instead of the route, delay, drop the
 * connection before or after the route ran, truncate or garble the body, or redirect.
 *
 * @module
 */

/**
 * One fault rule. Matching requests are counted; after `skip` of them pass, the next `times`
 * matching requests get the fault.
 *
 * @example Make the next sensor list fail with 503 and a Retry-After
 * ```ts
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * import assert from "node:assert/strict";
 *
 * await using emu = await CbEmulator.start();
 * emu.faults.add({ path: "/api/v1/sensor", status: 503, retryAfter: 1 });
 * const res = await fetch(`${emu.url}/api/v1/sensor`, { headers: { "X-Auth-Token": emu.token } });
 * await res.body?.cancel();
 * assert.equal(res.status, 503);
 * assert.equal(res.headers.get("retry-after"), "1");
 * ```
 */
export interface FaultRule {
  /**
   * HTTP method to match (any case).
   *
   * @default {undefined} any method
   */
  method?: string;
  /** Exact pathname, a prefix when it ends with `*`, or a regular expression on the pathname. */
  path: string | RegExp;
  /**
   * Matching requests to let through untouched before the fault starts.
   *
   * @default {0}
   */
  skip?: number;
  /**
   * How many matching requests the fault hits (`Infinity` = always).
   *
   * @default {1}
   */
  times?: number;
  /**
   * Answer this status instead of running the route.
   *
   * @default {undefined}
   */
  status?: number;
  /**
   * Body for a `status` answer (default: a short text naming the status).
   *
   * @default {undefined}
   */
  body?: string;
  /**
   * Extra headers for the answer (fault or normal).
   *
   * @default {undefined}
   */
  headers?: Record<string, string>;
  /**
   * Sets `Retry-After`: seconds, or an HTTP-date string.
   *
   * @default {undefined}
   */
  retryAfter?: number | string;
  /**
   * Wait this long before answering.
   *
   * @default {undefined}
   */
  delayMs?: number;
  /**
   * Close the connection without answering: `"before"` the route ran (no state change) or
   * `"after"` it ran (state changed).
   *
   * @default {undefined}
   */
  drop?: "before" | "after";
  /**
   * Run the route, send the full Content-Length but only half the body, then close.
   *
   * @default {false}
   */
  truncate?: boolean;
  /**
   * Run the route but answer 200 `text/html` garbage instead of its body.
   *
   * @default {false}
   */
  nonJson?: boolean;
  /**
   * Answer 302 with this `Location` (relative or absolute) instead of running the route.
   *
   * @default {undefined}
   */
  redirect?: string;
}

/**
 * Adds and clears fault rules of a running emulator.
 *
 * @example Drop the next request to /api/info
 * ```ts
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * import assert from "node:assert/strict";
 *
 * await using emu = await CbEmulator.start();
 * emu.faults.add({ path: "/api/info", drop: "before" });
 * assert.equal(emu.faults.pending, 1);
 * await assert.rejects(fetch(`${emu.url}/api/info`, { headers: { "X-Auth-Token": emu.token } }));
 * assert.equal(emu.faults.pending, 0);
 * ```
 */
export interface FaultController {
  /**
   * Adds a rule (rules are tried in the order added).
   *
   * @throws {TypeError} when the rule is malformed
   */
  add(rule: FaultRule): void;
  /** Removes every rule. */
  clear(): void;
  /** Number of rules that still have hits left. */
  readonly pending: number;
}

interface ActiveRule {
  rule: FaultRule;
  seen: number;
  hits: number;
  times: number;
}

/** The emulator's fault table. */
export class FaultTable implements FaultController {
  #rules: ActiveRule[] = [];
  #onDrop: () => void;

  /** `onDrop` runs when a rule that drops connections is added. */
  constructor(onDrop: () => void = () => {}) {
    this.#onDrop = onDrop;
  }

  add(rule: FaultRule): void {
    if (typeof rule?.path !== "string" && !(rule?.path instanceof RegExp)) {
      throw new TypeError("Cannot add fault: path must be a string or a RegExp");
    }
    const times = rule.times ?? 1;
    if (!(times > 0)) throw new TypeError(`Cannot add fault: times must be positive, got ${times}`);
    if (rule.skip !== undefined && !(rule.skip >= 0)) {
      throw new TypeError(`Cannot add fault: skip must be >= 0, got ${rule.skip}`);
    }
    if (rule.drop !== undefined && rule.drop !== "before" && rule.drop !== "after") {
      throw new TypeError(`Cannot add fault: drop must be "before" or "after"`);
    }
    const effects = [
      rule.status,
      rule.delayMs,
      rule.drop,
      rule.truncate || undefined,
      rule.nonJson || undefined,
      rule.redirect,
      rule.headers,
      rule.retryAfter,
    ];
    if (effects.every((e) => e === undefined)) {
      throw new TypeError("Cannot add fault: the rule has no effect");
    }
    this.#rules.push({ rule: { ...rule }, seen: 0, hits: 0, times });
    if (rule.drop) this.#onDrop();
  }

  clear(): void {
    this.#rules = [];
  }

  get pending(): number {
    return this.#rules.filter((r) => r.hits < r.times).length;
  }

  /** Whether a rule that drops connections still has hits left. */
  get dropsPending(): boolean {
    return this.#rules.some((r) => r.rule.drop && r.hits < r.times);
  }

  /** The rule that applies to this request, if any (consumes one hit). */
  take(method: string, path: string): FaultRule | undefined {
    for (const r of this.#rules) {
      if (r.hits >= r.times) continue;
      if (r.rule.method && r.rule.method.toUpperCase() !== method) continue;
      if (!pathMatches(r.rule.path, path)) continue;
      if (r.seen < (r.rule.skip ?? 0)) {
        r.seen++;
        continue;
      }
      r.seen++;
      r.hits++;
      return r.rule;
    }
    return undefined;
  }
}

function pathMatches(pattern: string | RegExp, path: string): boolean {
  if (pattern instanceof RegExp) {
    pattern.lastIndex = 0;
    return pattern.test(path);
  }
  if (pattern.endsWith("*")) return path.startsWith(pattern.slice(0, -1));
  return pattern === path;
}

/** A short name for the effects of a rule, as shown in the request log. */
export function faultName(rule: FaultRule): string {
  const parts: string[] = [];
  if (rule.delayMs !== undefined) parts.push("delay");
  if (rule.redirect !== undefined) parts.push("redirect");
  else if (rule.status !== undefined) parts.push(`status ${rule.status}`);
  else if (rule.drop) parts.push(`drop ${rule.drop}`);
  else {
    if (rule.truncate) parts.push("truncate");
    if (rule.nonJson) parts.push("non-json");
  }
  if (rule.headers || rule.retryAfter !== undefined) parts.push("headers");
  return parts.join("+");
}
