/**
 * Byte-level helpers of the streaming ZIP reader (`_zip.ts`): signatures, CRC-32, little-endian
 * reads, the pushed-back byte reader and the shapes shared by its parts.
 *
 * @module
 */
import { crc32 as zlibCrc32 } from "node:zlib";

export const LOCAL_SIG = 0x04034b50;
export const CENTRAL_SIG = 0x02014b50;
export const END_SIG = 0x06054b50;
export const ZIP64_END_SIG = 0x06064b50;
export const DESCRIPTOR_SIG = 0x08074b50;
export const MAX_PIECE = 64 * 1024;
export const EMPTY = new Uint8Array(0);

/**
 * Computes the CRC-32 (ISO-HDLC, the ZIP and gzip checksum) of some bytes with the built-in
 * `node:zlib` `crc32`. Pass the previous result as `seed` to continue over several chunks.
 *
 * @param bytes The bytes.
 * @param seed The CRC of the bytes before these.
 * @returns The CRC as an unsigned 32-bit number.
 *
 * @example In two pieces
 * ```ts
 * import { crc32 } from "./_zip_bytes.ts";
 * import assert from "node:assert/strict";
 * const data = new TextEncoder().encode("123456789");
 * assert.ok(crc32(data) === 0xcbf43926);
 * assert.ok(crc32(data.subarray(4), crc32(data.subarray(0, 4))) === 0xcbf43926);
 * ```
 */
export function crc32(bytes: Uint8Array, seed = 0): number {
  return zlibCrc32(bytes, seed) >>> 0;
}

/** An error about the archive's content (as opposed to a caller's abort). */
export class _ZipError extends Error {}

export function _concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

export function _u16(b: Uint8Array, i: number): number {
  return b[i]! | (b[i + 1]! << 8);
}

export function _u32(b: Uint8Array, i: number): number {
  return (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
}

export function _u64(b: Uint8Array, i: number): number {
  return _u32(b, i) + _u32(b, i + 4) * 0x100000000;
}

/** How much one read of the archive asks for when the body can be read into our own buffer. */
const READ_CHUNK = 64 * 1024;

/**
 * Sequential reads over a byte stream, with push-back. A body that is a byte stream (a `fetch`
 * body is) is read with a BYOB reader into one buffer that is reused once its bytes are used up,
 * so reading the archive allocates nothing per chunk.
 */
export class _ByteReader {
  #reader: ReadableStreamDefaultReader<Uint8Array> | ReadableStreamBYOBReader;
  #byob: boolean;
  #spare: ArrayBuffer | undefined;
  #buf: Uint8Array = EMPTY;
  #done = false;

  constructor(body: ReadableStream<Uint8Array>) {
    let reader: ReadableStreamDefaultReader<Uint8Array> | ReadableStreamBYOBReader;
    try {
      reader = body.getReader({ mode: "byob" });
      this.#byob = true;
    } catch {
      reader = body.getReader();
      this.#byob = false;
    }
    this.#reader = reader;
  }

  /** The next chunk, or undefined at the end. */
  async #read(): Promise<unknown> {
    if (!this.#byob) {
      const r = await (this.#reader as ReadableStreamDefaultReader<Uint8Array>).read();
      return r.done ? undefined : r.value;
    }
    // Only called once every byte of the previous chunk was handed out and used: its buffer is
    // free again (callers copy what they keep, see `_zip.ts`).
    const buffer = this.#spare ?? new ArrayBuffer(READ_CHUNK);
    this.#spare = undefined;
    const r = await (this.#reader as ReadableStreamBYOBReader).read(new Uint8Array(buffer));
    if (r.value) this.#spare = r.value.buffer as ArrayBuffer;
    return r.done ? undefined : r.value;
  }

  /** Up to `max` bytes, or `undefined` at the end of the stream. */
  async readSome(max: number): Promise<Uint8Array | undefined> {
    while (this.#buf.length === 0) {
      if (this.#done) return undefined;
      const value = await this.#read();
      if (value === undefined) {
        this.#done = true;
        return undefined;
      }
      if (!(value instanceof Uint8Array)) {
        throw new TypeError("Cannot read ZIP: the body stream must yield Uint8Array chunks");
      }
      this.#buf = value;
    }
    const take = this.#buf.subarray(0, Math.min(max, this.#buf.length));
    this.#buf = this.#buf.subarray(take.length);
    return take;
  }

  /** Exactly `n` bytes, or `undefined` if the stream ends before the first byte. */
  async readExact(n: number, what: string): Promise<Uint8Array | undefined> {
    const out = new Uint8Array(n);
    let got = 0;
    while (got < n) {
      const piece = await this.readSome(n - got);
      if (!piece) {
        if (got === 0) return undefined;
        throw _truncated(what);
      }
      out.set(piece, got);
      got += piece.length;
    }
    return out;
  }

  unread(bytes: Uint8Array): void {
    this.#buf = _concat(bytes, this.#buf);
  }

  cancel(reason?: unknown): Promise<void> {
    this.#buf = EMPTY;
    this.#done = true;
    return this.#reader.cancel(reason).catch(() => {});
  }
}

export function _truncated(what: string): _ZipError {
  return new _ZipError(`Cannot read ZIP ${what}: the archive is truncated`);
}

export interface _Entry {
  name: string;
  flags: number;
  method: number;
  crc: number;
  csize: number;
  usize: number;
  zip64: boolean;
}

export interface _Sizes {
  crc: number;
  csize: number;
  usize: number;
}

/** Result of feeding bytes to a member-end finder. */
export interface _FinderResult {
  /** Bytes now known to belong to the member data. */
  data: Uint8Array;
  /** Bytes after the member data once its end is found (the data descriptor onwards). */
  rest: Uint8Array | undefined;
}

export interface _EndFinder {
  push(chunk: Uint8Array): _FinderResult;
}
