/**
 * Runtime hints for Python habits in scripts that are not type-checked: reading `query.length`
 * or `query[0]` (a list in Python cbapi, an async query here) throws a `TypeError` naming the
 * call to use instead, rather than giving `undefined` silently. `deno check` rejects both already.
 *
 * @module
 */

function hint(read: string, fix: string): PropertyDescriptor {
  return {
    configurable: true,
    enumerable: false,
    get(): never {
      throw new TypeError(
        `${read}: a query is not a list as in Python cbapi; use ${fix} ` +
          `(or "for await (const x of query)" to iterate)`,
      );
    },
  };
}

/** Puts the hint getters on a query prototype. */
export function addPythonHints(proto: object): void {
  Object.defineProperty(proto, "length", hint("query.length", "await query.count()"));
  for (const i of [0, 1, 2, -1]) {
    Object.defineProperty(proto, String(i), hint(`query[${i}]`, `await query.at(${i})`));
  }
}

/**
 * The time options of earlier versions and of Python cbapi, which named no unit, and the names
 * that replaced them: every time option is in milliseconds and its name ends in `Ms`.
 */
const UNITLESS_TIME_OPTIONS: Readonly<Record<string, string>> = {
  timeout: "timeoutMs",
  interval: "intervalMs",
  pollInterval: "pollIntervalMs",
  waitTimeout: "waitTimeoutMs",
  jobTimeout: "jobTimeoutMs",
  commandTimeout: "commandTimeoutMs",
  sessionTimeout: "sessionTimeoutMs",
  keepaliveInterval: "keepaliveIntervalMs",
  sessionPollInterval: "sessionPollIntervalMs",
  commandPollInterval: "commandPollIntervalMs",
  reconnectDelay: "reconnectDelayMs",
  maxReconnectDelay: "maxReconnectDelayMs",
  connectTimeout: "connectTimeoutMs",
  latency: "searchLatencyMs",
};

/**
 * Throws a `TypeError` when an options object carries a time option without its unit (a
 * plain-JavaScript script, or one written from Python cbapi, where `timeout=30` means 30
 * seconds), so that the number is never read as milliseconds.
 *
 * @param options The options as given (undefined is fine).
 * @param where What was called, for the message.
 */
export function checkTimeUnits(options: object | undefined, where: string): void {
  if (options === undefined || options === null) return;
  for (const key in options) {
    const named = UNITLESS_TIME_OPTIONS[key];
    if (named !== undefined && Object.hasOwn(UNITLESS_TIME_OPTIONS, key)) {
      const value = (options as Record<string, unknown>)[key];
      const seconds = typeof value === "number" ? value : 30;
      throw new TypeError(
        `${where}: the option "${key}" names no unit. Time options are in milliseconds and say ` +
          `so: use ${named} (${seconds} seconds, as Python cbapi counts, is ${named}: ${
            seconds * 1000
          })`,
      );
    }
  }
}

/**
 * The two time options DESIGN.md (the public API contract) writes without a unit,
 * `isolate({ timeout: 30_000 })` and `notifications({ interval: 60_000 })`: still accepted, in
 * milliseconds as written there, and moved to their `Ms` name. A value under one second is
 * refused with the {@linkcode checkTimeUnits} message: that is Python's seconds
 * (`timeout=30`), and neither an isolation nor a notification poll makes sense faster.
 *
 * @param options The options as given.
 * @param key The DESIGN.md name (`timeout`, `interval`).
 * @param named Its `Ms` name.
 * @param where What was called, for the message.
 * @returns The options with `key` moved to `named`.
 */
export function fromDesignName<T extends object>(
  options: T,
  key: string,
  named: string,
  where: string,
): T {
  if (!Object.hasOwn(options, key)) return options;
  const { [key]: value, ...rest } = options as Record<string, unknown>;
  if (typeof value !== "number" || !(value >= 1000)) checkTimeUnits({ [key]: value }, where);
  if (Object.hasOwn(rest, named)) {
    throw new TypeError(`${where}: give ${named} or ${key} (its older name), not both`);
  }
  return { ...rest, [named]: value } as T;
}
