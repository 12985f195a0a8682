/**
 * Debug logging in the Python library's format
 * (`HTTP GET /api/v1/sensor/4 took 0.050s (response 200)`).
 *
 * Logging is off unless a {@linkcode Logger} is passed to `connect()` or the environment variable
 * `CBAPI_DEBUG` is set to `1`. The API token is never logged.
 *
 * @module
 */

/**
 * Receives the library's log lines. Any object with these methods works, `console` included.
 *
 * @example Collect the lines
 * ```ts
 * import type { Logger } from "@cbapi/cbapi/core";
 * const lines: string[] = [];
 * const logger: Logger = { debug: (m) => lines.push(m), warn: (m) => lines.push(m) };
 * logger.debug("HTTP GET /api/info took 0.010s (response 200)");
 * ```
 */
export interface Logger {
  /** A debug line: requests, saves, what the server answered. */
  debug(message: string): void;
  /** A warning: something the user should fix, such as a readable credential file. */
  warn(message: string): void;
}

/** A logger that drops everything. */
export const SILENT_LOGGER: Logger = Object.freeze({
  debug(): void {},
  warn(): void {},
});

/**
 * A logger that writes to standard error with the `cbapi` prefix.
 *
 * @example
 * ```ts
 * import { consoleLogger } from "@cbapi/cbapi/core";
 * const logger = consoleLogger();
 * logger.debug("hello");
 * ```
 *
 * @returns A logger writing both levels to `console.error`.
 */
export function consoleLogger(): Logger {
  return {
    debug(message: string): void {
      // deno-lint-ignore no-console
      console.error(`DEBUG:cbapi:${message}`);
    },
    warn(message: string): void {
      // deno-lint-ignore no-console
      console.error(`WARNING:cbapi:${message}`);
    },
  };
}

/**
 * A logger that only warns, on standard error: the default when debugging is off.
 *
 * @example
 * ```ts
 * import { warningsOnlyLogger } from "@cbapi/cbapi/core";
 * const logger = warningsOnlyLogger();
 * logger.debug("not shown");
 * ```
 */
export function warningsOnlyLogger(): Logger {
  return {
    debug(): void {},
    warn(message: string): void {
      // deno-lint-ignore no-console
      console.error(`WARNING:cbapi:${message}`);
    },
  };
}

/**
 * Formats a duration the way the Python library logs it: seconds with three decimals.
 *
 * @param ms Milliseconds.
 * @returns For example `0.050s`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatSeconds } from "@cbapi/cbapi/core";
 * assert.ok(formatSeconds(50) === "0.050s");
 * ```
 */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(3)}s`;
}
