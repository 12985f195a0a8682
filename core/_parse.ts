/**
 * The one place loose wire values are parsed and Python-style text is produced: numbers sent as
 * strings, booleans in three spellings, timestamps in many shapes (SPEC 14), Solr/event times
 * (wall-clock values kept in the UTC fields of a `Date`), IP integers and MAC addresses.
 *
 * Private to `core` and the product models.
 *
 * @module
 */

const NUMBER_REGEXP = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INT_REGEXP = /^[+-]?\d+$/;
const HEX12_REGEXP = /^[0-9A-Fa-f]{12}$/;
const DATE_TIME_REGEXP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const SOLR_TIME_REGEXP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?Z$/;
const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * Reads a number sent as a number or as numeric text (`"106"`, `"3.5"`, `" 7 "`).
 *
 * @param value The wire value.
 * @returns The number, or `undefined` for anything else (empty text, `null`, non-finite).
 *
 * @example Sensor clock delta
 * ```ts
 * import { toNumber } from "./_parse.ts";
 * import assert from "node:assert/strict";
 * assert.ok(toNumber("106") === 106);
 * ```
 */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "bigint") return Number(value);
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  if (!NUMBER_REGEXP.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Reads an integer: a number (truncated toward zero, like Python `int(3.7)`) or integer text
 * (`"38"`, `"-1"`). Decimal text such as `"3.5"` is rejected, as Python's `int("3.5")` is.
 *
 * @param value The wire value.
 * @returns The integer, or `undefined`.
 *
 * @example Watchlist id
 * ```ts
 * import { toInt } from "./_parse.ts";
 * import assert from "node:assert/strict";
 * assert.ok(toInt("11") === 11);
 * ```
 */
export function toInt(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? Math.trunc(value) : undefined;
  if (typeof value === "bigint") return Number(value);
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  return INT_REGEXP.test(text) ? Number(text) : undefined;
}

/**
 * Reads a boolean: `true`/`false`, the text `"true"`/`"false"` in any case, or `1`/`0` (as
 * numbers or text).
 *
 * @param value The wire value.
 * @returns The boolean, or `undefined` for anything else.
 *
 * @example Text booleans
 * ```ts
 * import { toBool } from "./_parse.ts";
 * import assert from "node:assert/strict";
 * assert.ok(toBool("True") === true);
 * ```
 */
export function toBool(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value !== "string") return undefined;
  const text = value.trim().toLowerCase();
  if (text === "true" || text === "1") return true;
  if (text === "false" || text === "0") return false;
  return undefined;
}

function _fractionMs(fraction: string | undefined): number {
  return fraction ? Number(fraction.slice(0, 3).padEnd(3, "0")) : 0;
}

function _utc(parts: RegExpExecArray, fractionIndex: number): Date | undefined {
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(parts[i] ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, _fractionMs(parts[fractionIndex]));
  // Reject dates that rolled over (2018-02-30).
  return date.getUTCDate() === d ? date : undefined;
}

function _offsetMinutes(zone: string | undefined): number {
  if (!zone || zone.toUpperCase() === "Z") return 0;
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || 0));
}

/**
 * Parses any timestamp shape the servers send (SPEC 14) into an instant:
 * `2018-02-06 12:44:40.002234-06:00`, `1990-01-01 00:00:00-06:00`, `2017-02-01T03:52:34.137Z`,
 * `2016-04-12T09:21:00Z`, `2018-01-18T20:30:15.245539Z`, `2018-02-06 18:40:06.467689` (no zone:
 * taken as UTC), a bare date, epoch seconds as a number or numeric text (`1517942688.4954`), or
 * a `Date`. Fractions beyond milliseconds are truncated.
 *
 * @param value The wire value.
 * @returns The instant, or `undefined` for `null`, empty or unparseable values.
 *
 * @example A sensor date with an offset
 * ```ts
 * import { parseTimestamp } from "./_parse.ts";
 * import assert from "node:assert/strict";
 * const d = parseTimestamp("2018-02-06 12:44:40.002234-06:00")!;
 * assert.ok(d.toISOString() === "2018-02-06T18:44:40.002Z");
 * ```
 */
export function parseTimestamp(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value === "number" || typeof value === "bigint") {
    return _fromEpochMs(Number(value) * 1000);
  }
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  if (NUMBER_REGEXP.test(text)) return _fromEpochMs(Number(text) * 1000);
  const parts = DATE_TIME_REGEXP.exec(text);
  if (!parts) return undefined;
  const wall = _utc(parts, 7);
  if (!wall) return undefined;
  return new Date(wall.getTime() - _offsetMinutes(parts[8]) * 60_000);
}

/**
 * Parses an event or process time leniently and drops any zone (SPEC 5.3.6): the result's UTC
 * fields hold the wall-clock values as written (sensor-local time). Accepts the shapes of
 * {@linkcode parseTimestamp} except epoch numbers, which are read as epoch seconds.
 *
 * @param value The wire value.
 * @returns The wall-clock time, or `undefined`.
 *
 * @example The offset is ignored
 * ```ts
 * import { parseWallClock } from "./_parse.ts";
 * import assert from "node:assert/strict";
 * const d = parseWallClock("2017-01-03 22:04:54.640-05:00")!;
 * assert.ok(d.toISOString() === "2017-01-03T22:04:54.640Z");
 * ```
 */
export function parseWallClock(value: unknown): Date | undefined {
  if (typeof value !== "string") return parseTimestamp(value);
  const parts = DATE_TIME_REGEXP.exec(value.trim());
  return parts ? _utc(parts, 7) : parseTimestamp(value);
}

function _fromEpochMs(ms: number): Date | undefined {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * Reads epoch milliseconds (a number or numeric text), e.g. a Cb 6.x process `segment_id`.
 *
 * @param value The wire value.
 * @returns The instant, or `undefined`.
 *
 * @example A segment id
 * ```ts
 * import { parseEpochMs } from "./_parse.ts";
 * import assert from "node:assert/strict";
 * assert.ok(parseEpochMs(1495465643405)!.toISOString() === "2017-05-22T15:07:23.405Z");
 * ```
 */
export function parseEpochMs(value: unknown): Date | undefined {
  const ms = toNumber(value);
  return ms === undefined ? undefined : _fromEpochMs(ms);
}

/**
 * Parses a Solr process time, `%Y-%m-%dT%H:%M:%S.%fZ` or the same without the fraction
 * (SPEC 5.3.3). The result's UTC fields are the wall-clock values. `-1` (number or text) means
 * the epoch.
 *
 * @param value The wire value.
 * @returns The time, or `undefined` when absent or in another format.
 *
 * @example A process start time
 * ```ts
 * import { parseSolrTime } from "./_parse.ts";
 * import assert from "node:assert/strict";
 * const d = parseSolrTime("2017-04-29T04:21:18.123Z")!;
 * assert.ok(d.getUTCHours() === 4);
 * ```
 */
export function parseSolrTime(value: unknown): Date | undefined {
  if (value === -1 || value === "-1") return new Date(0);
  if (typeof value !== "string") return undefined;
  const parts = SOLR_TIME_REGEXP.exec(value.trim());
  return parts ? _utc(parts, 7) : undefined;
}

function _pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

function _checkDate(date: Date): void {
  if (Number.isNaN(date.getTime())) throw new RangeError("Cannot format an invalid Date");
}

function _datePart(date: Date): string {
  return `${_pad(date.getUTCFullYear(), 4)}-${_pad(date.getUTCMonth() + 1)}-${
    _pad(date.getUTCDate())
  }`;
}

function _timePart(date: Date): string {
  return `${_pad(date.getUTCHours())}:${_pad(date.getUTCMinutes())}:${_pad(date.getUTCSeconds())}`;
}

/**
 * Formats a time filter value as `YYYY-MM-DDTHH:MM:SSZ` (UTC, no fraction), as the Process
 * query `min_last_update` family sends it (SPEC 4.7).
 *
 * @param date The instant.
 * @returns The text.
 * @throws {RangeError} For an invalid `Date`.
 *
 * @example
 * ```ts
 * import { formatSolrTime } from "./_parse.ts";
 * import assert from "node:assert/strict";
 * assert.ok(formatSolrTime(new Date(Date.UTC(2017, 3, 29, 4, 21, 18, 500))) === "2017-04-29T04:21:18Z");
 * ```
 */
export function formatSolrTime(date: Date): string {
  _checkDate(date);
  return `${_datePart(date)}T${_timePart(date)}Z`;
}

/**
 * Formats RFC 822 text in GMT, as a Sensor's `event_log_flush_time` is sent to servers newer
 * than 6.0.0: `Tue, 06 Feb 2018 12:44:40 GMT`.
 *
 * @param date The instant.
 * @returns The text.
 * @throws {RangeError} For an invalid `Date`.
 *
 * @example
 * ```ts
 * import { formatRfc822 } from "./_parse.ts";
 * import assert from "node:assert/strict";
 * assert.ok(formatRfc822(new Date(Date.UTC(2018, 1, 6, 12, 44, 40))) === "Tue, 06 Feb 2018 12:44:40 GMT");
 * ```
 */
export function formatRfc822(date: Date): string {
  _checkDate(date);
  return `${DAYS[date.getUTCDay()]}, ${_pad(date.getUTCDate())} ${MONTHS[date.getUTCMonth()]} ${
    _pad(date.getUTCFullYear(), 4)
  } ${_timePart(date)} GMT`;
}

/**
 * Formats `YYYY-MM-DD HH:MM:SS.ffffff` (UTC fields, microseconds always present), the form a
 * Sensor's `event_log_flush_time` takes for servers up to 6.0.0.
 *
 * @param date The instant.
 * @returns The text.
 * @throws {RangeError} For an invalid `Date`.
 *
 * @example
 * ```ts
 * import { formatPythonDateTime } from "./_parse.ts";
 * import assert from "node:assert/strict";
 * assert.ok(formatPythonDateTime(new Date(Date.UTC(2018, 1, 6))) === "2018-02-06 00:00:00.000000");
 * ```
 */
export function formatPythonDateTime(date: Date): string {
  _checkDate(date);
  return `${_datePart(date)} ${_timePart(date)}.${_pad(date.getUTCMilliseconds() * 1000, 6)}`;
}

/**
 * Formats a time the way Python prints a naive `datetime` (`str(dt)`): `2016-11-11 20:59:31.631000`,
 * with the microseconds left out entirely when they are zero. Uses the UTC fields.
 *
 * @param date The time.
 * @returns The text.
 * @throws {RangeError} For an invalid `Date`.
 *
 * @example
 * ```ts
 * import { formatDisplayTime } from "./_parse.ts";
 * import assert from "node:assert/strict";
 * assert.ok(formatDisplayTime(new Date(Date.UTC(2016, 10, 11, 20, 59, 31))) === "2016-11-11 20:59:31");
 * ```
 */
export function formatDisplayTime(date: Date): string {
  _checkDate(date);
  const ms = date.getUTCMilliseconds();
  const base = `${_datePart(date)} ${_timePart(date)}`;
  return ms === 0 ? base : `${base}.${_pad(ms * 1000, 6)}`;
}

/**
 * Converts an IPv4 address sent as a 32-bit integer (signed or unsigned, big-endian) to a
 * dotted quad: `-1062731420` → `192.168.1.100`.
 *
 * @param value The integer (number or integer text).
 * @returns The dotted quad, or `undefined` when the value is not an integer in
 * `[-2^31, 2^32)`.
 *
 * @example
 * ```ts
 * import { ipFromInt } from "./_parse.ts";
 * import assert from "node:assert/strict";
 * assert.ok(ipFromInt(-1062731420) === "192.168.1.100");
 * ```
 */
export function ipFromInt(value: unknown): string | undefined {
  const n = typeof value === "number" ? value : toInt(value);
  if (n === undefined || !Number.isInteger(n) || n < -0x80000000 || n > 0xffffffff) {
    return undefined;
  }
  const u = n >>> 0;
  return [u >>> 24, (u >>> 16) & 255, (u >>> 8) & 255, u & 255].join(".");
}

/**
 * Formats a MAC address sent as 12 hex digits (`00155d019c08`) as `00:15:5d:01:9c:08`. Any
 * other text is returned unchanged.
 *
 * @param mac The address.
 * @returns The colon-separated form.
 *
 * @example
 * ```ts
 * import { formatMac } from "./_parse.ts";
 * import assert from "node:assert/strict";
 * assert.ok(formatMac("00155d019c08") === "00:15:5d:01:9c:08");
 * ```
 */
export function formatMac(mac: string): string {
  if (!HEX12_REGEXP.test(mac)) return mac;
  return mac.match(/../g)!.join(":");
}
