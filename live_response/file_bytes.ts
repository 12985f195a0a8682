/**
 * The bytes of a Live Response file or command output, with a {@linkcode FileBytes.text} method
 * to read them as text.
 *
 * @module
 */

/**
 * A `Uint8Array` returned by `LiveResponseSession.getFile()` and `createProcess()`: the bytes as
 * received, plus {@linkcode FileBytes.text} to decode them (the Python library returned `str`
 * on Python 2 and `bytes` on Python 3).
 *
 * @example Print a command's output
 * ```ts
 * import { FileBytes } from "@cbapi/cbapi/live-response";
 * import assert from "node:assert/strict";
 *
 * const out = new FileBytes(new TextEncoder().encode("Windows IP Configuration\r\n"));
 * assert.equal(out.text(), "Windows IP Configuration\r\n");
 * assert.ok(out instanceof Uint8Array);
 * ```
 */
export class FileBytes extends Uint8Array<ArrayBuffer> {
  /**
   * Copies bytes, or wraps a buffer without copying.
   *
   * @param data A buffer, bytes to copy, or a length of zero bytes.
   */
  constructor(data: ArrayBuffer | ArrayLike<number> | number) {
    super(data as ArrayBuffer);
  }

  /**
   * Decodes the bytes as text.
   *
   * @param encoding A `TextDecoder` label, such as `"utf-16le"` for files Windows tools write
   * in UTF-16 or `"windows-1252"`.
   * @returns The text (malformed bytes become U+FFFD; a byte order mark is dropped).
   */
  text(encoding = "utf-8"): string {
    return new TextDecoder(encoding).decode(this);
  }
}
