/**
 * Live Response: sessions, commands and the job scheduler are not implemented yet; they are
 * planned work of this project. Until then this entry point exports the error a Live Response
 * command raises, {@linkcode LiveResponseError}.
 *
 * @example The error carries the Win32 code
 * ```ts
 * import { LiveResponseError } from "@cbapi/cbapi/live-response";
 * const err = new LiveResponseError("get file failed", { win32Code: 0x80070002, description: "ERROR_FILE_NOT_FOUND" });
 * console.assert(err.win32Code === 0x80070002);
 * ```
 *
 * @module
 */

export { LiveResponseError } from "../core/errors.ts";
