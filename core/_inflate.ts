/**
 * Raw inflate into caller-owned buffers, with `node:zlib` `createInflateRaw()`.
 *
 * The public stream API of `node:zlib` allocates a new output buffer for every 64 KiB it
 * produces; a 1 GiB download then leaves 1 GiB of garbage for V8 to collect (about 64 MiB at a
 * time: its external-memory trigger). The inflater's handle can also write into a buffer it is
 * given, synchronously: `handle.writeSync(flush, in, inOff, inLen, out, outOff, outLen)` leaves
 * the bytes left in `out` and `in` in the stream's `_writeState` and reports errors through
 * `handle.onerror`. That is the internal door Node's own synchronous helpers use, and the one
 * Deno's `node:zlib` keeps; {@linkcode RawInflater.open} returns undefined when it is missing, and
 * callers then use the public stream API (`tests/core/zip_test.ts` pins that the door exists).
 *
 * @module
 */
import { constants, createInflateRaw, type InflateRaw } from "node:zlib";

interface ZlibHandle {
  writeSync(
    flush: number,
    input: Uint8Array,
    inOff: number,
    inLen: number,
    out: Uint8Array,
    outOff: number,
    outLen: number,
  ): void;
  onerror: (message: string, errno: number) => void;
}

const NO_INPUT = new Uint8Array(1);

/** What one {@linkcode RawInflater.inflate} call did. */
export interface InflateStep {
  /** Input bytes consumed. */
  used: number;
  /** Output bytes written at the start of `out`. */
  produced: number;
  /** Whether `out` was filled (more output may be pending: call again). */
  full: boolean;
}

/** A raw-deflate decoder writing into buffers the caller owns and reuses. */
export class RawInflater {
  #stream: InflateRaw;
  #handle: ZlibHandle;
  #state: Uint32Array;
  #error: Error | undefined;
  #closed = false;

  private constructor(stream: InflateRaw, handle: ZlibHandle, state: Uint32Array) {
    this.#stream = stream;
    this.#handle = handle;
    this.#state = state;
    handle.onerror = (message, errno) => {
      this.#error ??= Object.assign(new Error(message), { errno });
    };
  }

  /**
   * A new inflater, or undefined when this runtime's `node:zlib` lacks the synchronous handle.
   *
   * @returns The inflater.
   */
  static open(): RawInflater | undefined {
    const stream = createInflateRaw();
    const inner = stream as unknown as { _handle?: Partial<ZlibHandle>; _writeState?: unknown };
    const handle = inner._handle;
    const state = inner._writeState;
    if (typeof handle?.writeSync !== "function" || !(state instanceof Uint32Array)) {
      stream.close();
      return undefined;
    }
    return new RawInflater(stream, handle as ZlibHandle, state);
  }

  /**
   * Inflates from `input[inOff, inOff + inLen)` into `out` until the input is used up, `out` is
   * full or the deflate stream ends. `finish` says no input follows (a stream that is not
   * complete then fails with "unexpected end of file").
   *
   * @param input Compressed bytes.
   * @param inOff Where they start.
   * @param inLen How many there are.
   * @param out Where to write.
   * @param finish Whether this is the last input.
   * @returns What was consumed and produced.
   * @throws {Error} The decoder's message for invalid or truncated data.
   */
  inflate(
    input: Uint8Array,
    inOff: number,
    inLen: number,
    out: Uint8Array,
    finish: boolean,
  ): InflateStep {
    if (this.#error) throw this.#error;
    const flush = finish ? constants.Z_FINISH : constants.Z_NO_FLUSH;
    // The handle refuses a zero-length input buffer even with nothing to read from it.
    const source = inLen === 0 ? NO_INPUT : input;
    this.#handle.writeSync(flush, source, inLen === 0 ? 0 : inOff, inLen, out, 0, out.length);
    if (this.#error) throw this.#error;
    const availOut = this.#state[0]!;
    const availIn = this.#state[1]!;
    return { used: inLen - availIn, produced: out.length - availOut, full: availOut === 0 };
  }

  /** Frees the decoder (idempotent). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stream.close();
  }
}
