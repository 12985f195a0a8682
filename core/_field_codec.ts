// How a model's raw document values are read as their field types and written back (SPEC 3.6).

import { formatPythonDateTime, parseTimestamp, toBool, toInt, toNumber } from "./_parse.ts";
import type { FieldSpec } from "./fields.ts";

/**
 * Reads a raw document value as a schema type (SPEC §3.6, with the Python quirks fixed: the
 * string "false" reads false; null dates read undefined).
 *
 * @param kind The field type.
 * @param raw The raw value.
 * @returns The typed value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readField } from "./_internal.ts";
 * assert.ok(readField("integer", "106") === 106);
 * assert.ok(readField("boolean", "false") === false);
 * ```
 */
export function readField(kind: FieldSpec, raw: unknown): unknown {
  if (typeof kind !== "string") {
    if (Array.isArray(kind)) return Array.isArray(raw) ? raw : [];
    return raw && typeof raw === "object" && !Array.isArray(raw) ? raw : {};
  }
  if (raw === undefined || raw === null) {
    if (kind === "array") return [];
    if (kind === "object" || kind === "json") return {};
    return undefined;
  }
  switch (kind) {
    case "json":
      return readJsonObject(raw);
    case "integer":
      return toInt(raw) ?? raw;
    case "double":
      return toNumber(raw) ?? raw;
    case "boolean":
      return toBool(raw) ?? Boolean(raw);
    case "iso-date-time":
      return parseTimestamp(raw) ?? raw;
    case "epoch-ms-date-time": {
      const n = toNumber(raw);
      return n === undefined ? raw : new Date(n);
    }
    case "byte":
      return typeof raw === "string" ? decodeBase64(raw) : raw;
    default:
      return raw;
  }
}

/**
 * Turns a typed value into the raw document value for a schema type.
 *
 * @param kind The field type.
 * @param value The typed value.
 * @returns What is stored in the document.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeField } from "./_internal.ts";
 * assert.ok(writeField("iso-date-time", new Date(Date.UTC(2018, 1, 6, 12, 44, 40))) === "2018-02-06 12:44:40.000000");
 * ```
 */
export function writeField(kind: FieldSpec, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  switch (kind) {
    case "integer": {
      const n = toInt(value);
      if (n === undefined) throw new TypeError(`Expected an integer, got ${JSON.stringify(value)}`);
      return n;
    }
    case "double": {
      const n = toNumber(value);
      if (n === undefined) throw new TypeError(`Expected a number, got ${JSON.stringify(value)}`);
      return n;
    }
    case "boolean":
      return toBool(value) ?? Boolean(value);
    case "iso-date-time":
      if (value instanceof Date) return formatPythonDateTime(value);
      if (typeof value === "string") return value;
      throw new TypeError(`Expected a Date or a date string, got ${JSON.stringify(value)}`);
    case "epoch-ms-date-time":
      return value instanceof Date ? value.getTime() : value;
    case "byte":
      return value instanceof Uint8Array ? encodeBase64(value) : value;
    default:
      return value;
  }
}

/** A JSON object sent as JSON text (Alert `ioc_attr`) or as an object; anything else as `{ value }`. */
function readJsonObject(raw: unknown): Record<string, unknown> {
  let value = raw;
  if (typeof raw === "string") {
    try {
      value = JSON.parse(raw);
    } catch {
      return { value: raw };
    }
  }
  if (value && typeof value === "object" && !Array.isArray(value)) {
    return value as Record<string, unknown>;
  }
  return { value };
}

function decodeBase64(text: string): Uint8Array {
  try {
    return Uint8Array.fromBase64(text);
  } catch {
    return new Uint8Array();
  }
}

function encodeBase64(bytes: Uint8Array): string {
  return bytes.toBase64();
}
