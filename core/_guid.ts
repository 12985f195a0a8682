/**
 * Cb Response process GUIDs (SPEC 5.3.1): `SSSSSSSS-PPPP-PPPP-TTTT-TTTTTTTTTTTT`, the 32 hex
 * digits being the big-endian sensor id (u32), pid (u32) and create time (u64 Windows FILETIME:
 * 100 ns ticks since 1601-01-01 UTC). FILETIMEs do not fit in a double, so they go through
 * `BigInt`.
 *
 * @module
 */

/** FILETIME ticks between 1601-01-01 and 1970-01-01. */
const FILETIME_UNIX_EPOCH = 116444736000000000n;
const TICKS_PER_MS = 10000n;
const GUID_REGEXP =
  /^([0-9A-Fa-f]{8})-([0-9A-Fa-f]{4})-([0-9A-Fa-f]{4})-([0-9A-Fa-f]{4})-([0-9A-Fa-f]{12})$/;
const INT_ID_REGEXP = /^\s*[+-]?\d+\s*$/;
const HEX_REGEXP = /^[0-9A-Fa-f]+$/;

/** The parts of a process GUID. */
export interface ProcessGuidParts {
  /** The sensor id. */
  sensorId: number;
  /** The process id on the sensor. */
  pid: number;
  /** The process creation time (millisecond precision). */
  createTime: Date;
  /** The raw FILETIME (100 ns ticks since 1601-01-01 UTC). */
  filetime: bigint;
}

function _checkU32(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`Cannot build a process GUID: ${name} "${value}" is not a u32`);
  }
}

/**
 * Converts a `Date` to a Windows FILETIME.
 *
 * @param date The instant.
 * @returns 100 ns ticks since 1601-01-01 UTC.
 * @throws {RangeError} For an invalid date or one before 1601.
 *
 * @example
 * ```ts
 * import { dateToFiletime } from "./_guid.ts";
 * import assert from "node:assert/strict";
 * assert.ok(dateToFiletime(new Date(0)) === 116444736000000000n);
 * ```
 */
export function dateToFiletime(date: Date): bigint {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new RangeError("Cannot convert an invalid Date to a FILETIME");
  const ticks = BigInt(ms) * TICKS_PER_MS + FILETIME_UNIX_EPOCH;
  if (ticks < 0n || ticks > 0xffffffffffffffffn) {
    throw new RangeError(`Cannot convert "${date.toISOString()}" to a FILETIME: out of range`);
  }
  return ticks;
}

/**
 * Converts a Windows FILETIME to a `Date` (sub-millisecond ticks are dropped, rounding down).
 *
 * @param ticks 100 ns ticks since 1601-01-01 UTC.
 * @returns The instant.
 *
 * @example
 * ```ts
 * import { filetimeToDate } from "./_guid.ts";
 * import assert from "node:assert/strict";
 * assert.ok(filetimeToDate(116444736000000000n).getTime() === 0);
 * ```
 */
export function filetimeToDate(ticks: bigint): Date {
  const rel = ticks - FILETIME_UNIX_EPOCH;
  let ms = rel / TICKS_PER_MS;
  if (rel < 0n && rel % TICKS_PER_MS !== 0n) ms -= 1n;
  return new Date(Number(ms));
}

/**
 * Builds a 36-character process GUID from its parts (lower-case hex).
 *
 * @param sensorId The sensor id (u32).
 * @param pid The process id (u32).
 * @param createTime The process creation time.
 * @returns The GUID.
 * @throws {RangeError} When a number is not a u32 or the time cannot be a FILETIME.
 *
 * @example
 * ```ts
 * import { buildGuid } from "./_guid.ts";
 * import assert from "node:assert/strict";
 * const guid = buildGuid(3, 876, new Date(0));
 * assert.ok(guid === "00000003-0000-036c-019d-b1ded53e8000");
 * ```
 */
export function buildGuid(sensorId: number, pid: number, createTime: Date): string {
  _checkU32("sensor id", sensorId);
  _checkU32("pid", pid);
  const s = sensorId.toString(16).padStart(8, "0");
  const p = pid.toString(16).padStart(8, "0");
  const t = dateToFiletime(createTime).toString(16).padStart(16, "0");
  return `${s}-${p.slice(0, 4)}-${p.slice(4)}-${t.slice(0, 4)}-${t.slice(4)}`;
}

/**
 * Parses a process GUID into sensor id, pid and create time. Only the first 36 characters are
 * read, so a GUID with a segment suffix (`{guid}-00000001`) is accepted too.
 *
 * @param guid The GUID.
 * @returns Its parts.
 * @throws {SyntaxError} When the text is not a GUID.
 *
 * @example The documentation's GUID
 * ```ts
 * import { parseGuid } from "./_guid.ts";
 * import assert from "node:assert/strict";
 * const { sensorId, pid } = parseGuid("00000003-0000-036c-01d2-2efd3af51186");
 * assert.ok(sensorId === 3 && pid === 876);
 * ```
 */
export function parseGuid(guid: string): ProcessGuidParts {
  const parts = GUID_REGEXP.exec(guid.slice(0, 36));
  if (!parts || (guid.length > 36 && guid[36] !== "-")) {
    throw new SyntaxError(`Cannot parse process GUID "${guid}"`);
  }
  const [, s, p1, p2, t1, t2] = parts as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const filetime = BigInt("0x" + t1 + t2);
  return {
    sensorId: parseInt(s, 16),
    pid: parseInt(p1 + p2, 16),
    createTime: filetimeToDate(filetime),
    filetime,
  };
}

/** Options for {@linkcode splitProcessId}. */
export interface SplitProcessIdOptions {
  /**
   * Whether the server is 6.0.0 or newer; 49-character ids (12-digit segment) are only
   * recognised then.
   */
  serverAtLeast6: boolean;
}

/** A process id as `select(Process, id)` understands it. */
export interface SplitProcessId {
  /** The GUID (first 36 characters), the integer id of Cb 4.x, or the input when invalid. */
  guid: string | number;
  /** The segment given by a suffix, if any. */
  segment: number | undefined;
  /** `false` when the id has a length the server cannot know: never fetch it. */
  valid: boolean;
}

/**
 * Splits the id given to `select(Process, id)` (SPEC 5.3.1): an integer-looking id (Cb 4.x)
 * stays an integer; 36 characters are a GUID; 45 characters are `{guid}-XXXXXXXX` and 49
 * characters (servers >= 6.0 only) `{guid}-XXXXXXXXXXXX`, giving the suffix's hex value as the
 * segment; any other length is invalid. The whole suffix is read (Python's `guid[38:]` skips
 * its first digit, which only matters for unpadded suffixes).
 *
 * @param id The id.
 * @param options The server generation.
 * @returns The GUID, the segment and whether the id is valid.
 *
 * @example A GUID with a segment
 * ```ts
 * import { splitProcessId } from "./_guid.ts";
 * import assert from "node:assert/strict";
 * const r = splitProcessId("00000003-0000-036c-01d2-2efd3af51186-00000002", { serverAtLeast6: false });
 * assert.ok(r.segment === 2 && r.valid);
 * ```
 */
export function splitProcessId(
  id: string | number,
  options: SplitProcessIdOptions,
): SplitProcessId {
  if (typeof id === "number") {
    return Number.isInteger(id)
      ? { guid: id, segment: undefined, valid: true }
      : { guid: id, segment: undefined, valid: false };
  }
  if (INT_ID_REGEXP.test(id)) return { guid: Number(id.trim()), segment: undefined, valid: true };
  if (id.length === 36) return { guid: id, segment: undefined, valid: true };
  if (id.length === 45 || (id.length === 49 && options.serverAtLeast6)) {
    const suffix = id.slice(37);
    if (HEX_REGEXP.test(suffix)) {
      return { guid: id.slice(0, 36), segment: parseInt(suffix, 16), valid: true };
    }
  }
  return { guid: id, segment: undefined, valid: false };
}

/**
 * Formats a segment id as the zero-padded lower-case hex suffix of a segmented process id:
 * width 8 for `{guid}-XXXXXXXX`, 12 for the 6.x `{guid}-XXXXXXXXXXXX`.
 *
 * @param segment The segment (non-negative integer).
 * @param width The number of hex digits.
 * @returns The suffix, without the dash.
 * @throws {RangeError} When the segment is negative, not an integer or too wide.
 *
 * @example A 6.x segment
 * ```ts
 * import { segmentSuffix } from "./_guid.ts";
 * import assert from "node:assert/strict";
 * assert.ok(segmentSuffix(1495465643405, 12) === "015c30b2cd8d");
 * ```
 */
export function segmentSuffix(segment: number, width: 8 | 12): string {
  if (!Number.isSafeInteger(segment) || segment < 0) {
    throw new RangeError(`Cannot format segment "${segment}": not a non-negative integer`);
  }
  const hex = segment.toString(16);
  if (hex.length > width) {
    throw new RangeError(`Cannot format segment "${segment}" in ${width} hex digits`);
  }
  return hex.padStart(width, "0");
}
