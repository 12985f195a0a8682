/**
 * Win32 error names and the decoding of a failed Live Response command into a
 * {@linkcode LiveResponseError} (the HRESULT rules of the Python library).
 *
 * @example Name a Win32 error code
 * ```ts
 * import assert from "node:assert/strict";
 * import { win32ErrorName } from "@cbapi/cbapi/live-response";
 * assert.ok(win32ErrorName(2) === "ERROR_FILE_NOT_FOUND");
 * ```
 *
 * @module
 */

import { LiveResponseError } from "../core/mod.ts";
import { WIN32_NAMES_PACKED } from "./_win32_names.ts";

let table: Map<number, string> | undefined;

function names(): Map<number, string> {
  if (table) return table;
  table = new Map();
  let code = 0;
  for (const entry of WIN32_NAMES_PACKED.split(/\s+/)) {
    if (!entry) continue;
    const at = entry.indexOf(":");
    code += Number(entry.slice(0, at));
    table.set(code, entry.slice(at + 1));
  }
  return table;
}

/**
 * The symbolic name of a Win32 error code (`winerror.h`), such as `ERROR_FILE_NOT_FOUND` for 2.
 *
 * @param code A Win32 error code (0 to 65535).
 * @returns The name, or undefined for an unknown code.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { win32ErrorName } from "@cbapi/cbapi/live-response";
 * assert.ok(win32ErrorName(87) === "ERROR_INVALID_PARAMETER");
 * assert.ok(win32ErrorName(258) === "WAIT_TIMEOUT");
 * ```
 */
export function win32ErrorName(code: number): string | undefined {
  return names().get(code);
}

/** What a decoded HRESULT gives. */
export interface DecodedHresult {
  /** The unsigned HRESULT, or undefined when it could not be parsed. */
  code: number | undefined;
  /** The Win32 name when the facility is Win32 and the code is known, else `""`. */
  name: string;
  /** `Win32 error code 0x80070002 (ERROR_FILE_NOT_FOUND)` or `Unknown Win32 error code`. */
  message: string;
}

/**
 * Decodes a `WinHresult` result code as the Python library does: the name is looked up only when
 * the facility (`(code >> 16) & 0x1FFF`) is 7 (Win32).
 *
 * @param resultCode The `result_code` of a failed command (an unsigned HRESULT).
 * @returns The code, its name and the message text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeHresult } from "@cbapi/cbapi/live-response";
 * const d = decodeHresult(2147942487);
 * assert.ok(d.message === "Win32 error code 0x80070057 (ERROR_INVALID_PARAMETER)");
 * ```
 */
export function decodeHresult(resultCode: unknown): DecodedHresult {
  const n = typeof resultCode === "number"
    ? resultCode
    : typeof resultCode === "string" && /^-?\d+$/.test(resultCode.trim())
    ? Number(resultCode)
    : NaN;
  if (!Number.isInteger(n)) {
    return { code: undefined, name: "", message: "Unknown Win32 error code" };
  }
  const code = n >>> 0;
  const hex = `0x${code.toString(16).toUpperCase().padStart(8, "0")}`;
  const name = ((code >>> 16) & 0x1fff) === 7 ? win32ErrorName(code & 0xffff) ?? "" : "";
  return { code, name, message: `Win32 error code ${hex}${name ? ` (${name})` : ""}` };
}

/** Where a failed command ran, for the error message. */
export interface CommandErrorContext {
  /** Server base URL. */
  server: string;
  /** Sensor or device id. */
  sensorId: number;
}

/**
 * Builds the {@linkcode LiveResponseError} of a command document whose `status` is `error`.
 *
 * @param doc The failed command document.
 * @param context The server and sensor, for the message.
 * @returns The error (win32Code and description set for `WinHresult` results).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { liveResponseErrorFrom } from "@cbapi/cbapi/live-response";
 * const err = liveResponseErrorFrom(
 *   { status: "error", name: "get file", object: "c:\\x", result_type: "WinHresult", result_code: 2147942402 },
 *   { server: "https://cb.example", sensorId: 3 },
 * );
 * assert.ok(err.description === "ERROR_FILE_NOT_FOUND");
 * ```
 */
export function liveResponseErrorFrom(
  doc: Record<string, unknown>,
  context: CommandErrorContext,
): LiveResponseError {
  const what = `Live Response command "${String(doc.name ?? "?")}"${
    doc.object !== undefined && doc.object !== null ? ` on "${String(doc.object)}"` : ""
  } failed on sensor ${context.sensorId} of ${context.server}`;
  if (doc.status === "error" && doc.result_type === "WinHresult") {
    const d = decodeHresult(doc.result_code);
    return new LiveResponseError(
      `${what}: ${d.message}${
        doc.result_desc ? ` - ${String(doc.result_desc)}` : ""
      }. Check the path, key or process id on the endpoint`,
      {
        ...(d.code !== undefined ? { win32Code: d.code } : {}),
        description: d.name,
        details: doc,
      },
    );
  }
  return new LiveResponseError(
    `${what}${doc.result_desc ? `: ${String(doc.result_desc)}` : ""}. See the error's details`,
    { details: doc },
  );
}
