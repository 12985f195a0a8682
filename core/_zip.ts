/**
 * A streaming ZIP reader for downloads (Binary `file`, Protection file uploads, Live Response
 * archives): it walks local file headers in order, drains the members before the wanted one and
 * returns the wanted member's bytes as a pull-based stream, inflating with the built-in
 * `node:zlib` `createInflateRaw()` and checking CRC-32 (`zlib.crc32`) and size at the end. The
 * inflater produces at most one output chunk ahead of the reader (it pauses until that chunk is
 * taken), so a member of any size flows through in bounded memory.
 *
 * Members whose sizes follow in a data descriptor (flag bit 3) are delimited, when deflated, by
 * the inflater itself: it stops at the end of the deflate stream and `bytesWritten` says how many
 * compressed bytes that was, so the rest of the last piece is pushed back and the descriptor read
 * after it. A stored member is delimited by the descriptor signature whose CRC and sizes match
 * the bytes before it.
 *
 * @module
 */
import { createInflateRaw } from "node:zlib";
import { RawInflater } from "./_inflate.ts";
import {
  _ByteReader,
  type _Entry,
  type _Sizes,
  _truncated,
  _u32,
  _ZipError,
  CENTRAL_SIG,
  crc32,
  EMPTY,
  END_SIG,
  LOCAL_SIG,
  MAX_PIECE,
  ZIP64_END_SIG,
} from "./_zip_bytes.ts";
import { _memberData, _readDescriptor, _readLocalHeader } from "./_zip_headers.ts";

export { crc32 } from "./_zip_bytes.ts";

/** Options for {@linkcode openZipMember}. */
export interface OpenZipMemberOptions {
  /** Aborts reading; the source body is cancelled and `signal.reason` is raised. */
  signal?: AbortSignal;
}

function _checkSizes(entry: _Entry, sizes: _Sizes, crc: number, size: number): void {
  if (crc !== sizes.crc) {
    throw new _ZipError(
      `ZIP member ${JSON.stringify(entry.name)} is corrupt: CRC mismatch (expected ${
        sizes.crc.toString(16).padStart(8, "0")
      }, got ${crc.toString(16).padStart(8, "0")})`,
    );
  }
  if (size !== sizes.usize) {
    throw new _ZipError(
      `ZIP member ${
        JSON.stringify(entry.name)
      } is corrupt: size mismatch (expected ${sizes.usize}, got ${size})`,
    );
  }
}

function _wrapInflateError(entry: _Entry, e: unknown): unknown {
  if (e instanceof _ZipError) return e;
  return new _ZipError(
    `ZIP member ${JSON.stringify(entry.name)} is corrupt: invalid deflate data`,
    {
      cause: e,
    },
  );
}

/** Produces uncompressed pieces of the member; `undefined` at its end. */
type _Producer = {
  next(): Promise<Uint8Array | undefined>;
  stop(reason: unknown): Promise<void>;
  sizes(): _Sizes;
};

/** Writes the member's next bytes into a view; 0 at its end. */
type _Filler = {
  fill(view: Uint8Array): Promise<number>;
  stop(reason: unknown): Promise<void>;
  sizes(): _Sizes;
};

/** Size of the chunks handed to a default reader (a BYOB reader brings its own buffer). */
const OUT_CHUNK = 64 * 1024;

function _storedProducer(data: ReturnType<typeof _memberData>): _Producer {
  return { next: () => data.next(), stop: () => Promise.resolve(), sizes: () => data.sizes() };
}

/** A producer of chunks as a filler: copies into the view, keeping what does not fit. */
function _chunkFiller(producer: _Producer): _Filler {
  let pending: Uint8Array = EMPTY;
  return {
    async fill(view) {
      if (pending.length === 0) pending = (await producer.next()) ?? EMPTY;
      const n = Math.min(pending.length, view.length);
      view.set(pending.subarray(0, n));
      pending = pending.subarray(n);
      return n;
    },
    stop: (reason) => producer.stop(reason),
    sizes: () => producer.sizes(),
  };
}

/**
 * Inflates a member straight into the reader's buffer with `_inflate.ts` (no allocation per
 * chunk). The compressed bytes come from the known-size member data or, for a member with a data
 * descriptor, from the archive until the deflate stream ends: the decoder stops there with input
 * left (or, when the stream ended exactly at the end of a piece, takes nothing of the next one);
 * that rest goes back to the reader and the descriptor is read after it.
 */
function _syncInflateFiller(br: _ByteReader, entry: _Entry, inflater: RawInflater): _Filler {
  const label = JSON.stringify(entry.name);
  const raw = entry.flags & 8 ? undefined : _memberData(br, entry);
  let sizes: _Sizes = { crc: entry.crc, csize: entry.csize, usize: entry.usize };
  let piece: Uint8Array = EMPTY;
  let inOff = 0;
  let inLen = 0;
  let consumed = 0;
  let inputEnded = false;
  let pendingOutput = false;
  let done = false;
  async function end(): Promise<void> {
    done = true;
    inflater.close();
    if (raw) {
      if (inLen > 0) {
        throw new _ZipError(
          `ZIP member ${label} is corrupt: its deflate stream ends before its compressed size`,
        );
      }
      return;
    }
    br.unread(piece.subarray(inOff, inOff + inLen));
    sizes = await _readDescriptor(br, entry);
    if (sizes.csize !== consumed) {
      throw new _ZipError(`ZIP member ${label} is corrupt: compressed size mismatch`);
    }
  }
  return {
    async fill(view) {
      while (!done) {
        if (inLen === 0 && !pendingOutput && !inputEnded) {
          const next = raw ? await raw.next() : await br.readSome(MAX_PIECE);
          if (next) {
            piece = next;
            inOff = 0;
            inLen = next.length;
          } else if (raw) {
            piece = EMPTY;
            inputEnded = true;
          } else {
            throw _truncated(`member ${label}`);
          }
        }
        let step;
        try {
          step = inflater.inflate(piece, inOff, inLen, view, inputEnded);
        } catch (e) {
          throw _wrapInflateError(entry, e);
        }
        inOff += step.used;
        inLen -= step.used;
        consumed += step.used;
        pendingOutput = step.full;
        if (!step.full && (inLen > 0 || inputEnded)) await end();
        if (step.produced > 0) return step.produced;
      }
      return 0;
    },
    stop() {
      done = true;
      inflater.close();
      return Promise.resolve();
    },
    sizes: () => sizes,
  };
}

/**
 * Inflates a member with the public stream API of `node:zlib` (used when the synchronous handle
 * of `_inflate.ts` is missing): chunks are fresh buffers, one chunk ahead of the reader at most.
 * The end of a member with a data descriptor is where the inflater stops: `bytesWritten` counts
 * the compressed bytes it consumed, the rest of the last piece goes back to the reader.
 */
function _streamInflateProducer(br: _ByteReader, entry: _Entry): _Producer {
  const label = JSON.stringify(entry.name);
  const raw = entry.flags & 8 ? undefined : _memberData(br, entry);
  const inflater = createInflateRaw({ chunkSize: OUT_CHUNK });
  const out: Uint8Array[] = [];
  let sizes: _Sizes = { crc: entry.crc, csize: entry.csize, usize: entry.usize };
  let ended = false;
  let stopped = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  let written: (() => void) | undefined;
  const poke = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  inflater.on("data", (chunk: Uint8Array) => {
    out.push(chunk);
    inflater.pause(); // one chunk ahead of the reader at most
    poke();
  });
  inflater.on("end", () => {
    ended = true;
    poke();
  });
  inflater.on("error", (e: unknown) => {
    failure ??= e;
    written?.();
    poke();
  });
  function write(piece: Uint8Array): Promise<void> {
    return new Promise((resolve) => {
      written = resolve;
      inflater.write(piece, () => resolve());
    });
  }
  async function feed(): Promise<void> {
    try {
      while (!stopped && failure === undefined) {
        const piece = raw ? await raw.next() : await br.readSome(MAX_PIECE);
        if (stopped) return;
        if (!piece) {
          if (!raw) throw _truncated(`member ${label}`);
          break;
        }
        const before = inflater.bytesWritten;
        await write(piece);
        if (stopped || failure !== undefined) return;
        const used = inflater.bytesWritten - before;
        if (used < piece.length) {
          if (raw) {
            throw new _ZipError(
              `ZIP member ${label} is corrupt: its deflate stream ends before its compressed size`,
            );
          }
          br.unread(piece.subarray(used));
          sizes = await _readDescriptor(br, entry);
          if (sizes.csize !== inflater.bytesWritten) {
            throw new _ZipError(`ZIP member ${label} is corrupt: compressed size mismatch`);
          }
          break;
        }
      }
      if (!stopped && failure === undefined) inflater.end();
    } catch (e) {
      failure ??= e;
      poke();
    }
  }
  let feeder: Promise<void> | undefined;
  return {
    async next() {
      feeder ??= feed();
      while (true) {
        const chunk = out.shift();
        if (chunk) {
          if (out.length === 0) inflater.resume();
          return chunk;
        }
        if (failure !== undefined) throw _wrapInflateError(entry, failure);
        if (ended) {
          // The inflater ends with the deflate stream, possibly before the feeder has read the
          // data descriptor that holds the sizes to check.
          await feeder;
          if (failure !== undefined) throw _wrapInflateError(entry, failure);
          return undefined;
        }
        const woken = new Promise<void>((resolve) => (wake = resolve));
        inflater.resume();
        if (out.length === 0 && failure === undefined && !ended) await woken;
        else wake = undefined;
      }
    },
    async stop() {
      stopped = true;
      inflater.destroy();
      written?.();
      await feeder;
    },
    sizes: () => sizes,
  };
}

/** The member's uncompressed bytes, written into the reader's buffers. */
function _filler(br: _ByteReader, entry: _Entry): _Filler {
  if (entry.method !== 8) return _chunkFiller(_storedProducer(_memberData(br, entry)));
  const inflater = RawInflater.open();
  return inflater
    ? _syncInflateFiller(br, entry, inflater)
    : _chunkFiller(_streamInflateProducer(br, entry));
}

/**
 * The member as a byte stream: a BYOB reader gets the bytes written straight into its buffer
 * (inflated there, nothing allocated per chunk); a default reader gets fresh 64 KiB chunks.
 */
function _memberStream(
  br: _ByteReader,
  entry: _Entry,
  signal: AbortSignal | undefined,
): ReadableStream<Uint8Array> {
  const filler = _filler(br, entry);
  let crc = 0;
  let size = 0;
  let finished = false;
  let onAbort: (() => void) | undefined;
  async function finish(reason?: unknown): Promise<void> {
    if (finished) return;
    finished = true;
    if (onAbort) signal?.removeEventListener("abort", onAbort);
    await br.cancel(reason);
    await filler.stop(reason);
  }
  return new ReadableStream({
    type: "bytes",
    autoAllocateChunkSize: OUT_CHUNK,
    start(controller) {
      if (!signal) return;
      onAbort = () => {
        controller.error(signal.reason);
        finish(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
    },
    async pull(controller) {
      const request = controller.byobRequest!;
      const view = request.view as Uint8Array;
      try {
        const n = await filler.fill(view);
        if (finished) return;
        if (n === 0) {
          _checkSizes(entry, filler.sizes(), crc, size);
          await finish();
          controller.close();
          request.respond(0);
          return;
        }
        crc = crc32(view.subarray(0, n), crc);
        size += n;
        request.respond(n);
      } catch (e) {
        if (finished) return;
        await finish(e);
        controller.error(e);
      }
    },
    cancel(reason) {
      return finish(reason);
    },
  }, { highWaterMark: 0 });
}

async function _findMember(br: _ByteReader, name: string): Promise<_Entry> {
  const seen: string[] = [];
  let scratch: Uint8Array | undefined;
  const notFound = () =>
    new _ZipError(
      `Cannot find ZIP member ${JSON.stringify(name)}: the archive holds ${
        seen.length ? seen.map((s) => JSON.stringify(s)).join(", ") : "no members"
      }`,
    );
  while (true) {
    const sig = await br.readExact(4, "signature");
    if (!sig) {
      throw seen.length ? _truncated(`while looking for ${JSON.stringify(name)}`) : notFound();
    }
    const value = _u32(sig, 0);
    if (value === CENTRAL_SIG || value === END_SIG || value === ZIP64_END_SIG) throw notFound();
    if (value !== LOCAL_SIG) {
      throw new _ZipError(
        `Cannot read ZIP: unexpected signature 0x${value.toString(16).padStart(8, "0")}`,
      );
    }
    const entry = await _readLocalHeader(br);
    if (entry.name === name) {
      if (entry.flags & 1) {
        throw new _ZipError(`Cannot read ZIP member ${JSON.stringify(name)}: it is encrypted`);
      }
      if (entry.method !== 0 && entry.method !== 8) {
        throw new _ZipError(
          `Cannot read ZIP member ${
            JSON.stringify(name)
          }: compression method ${entry.method} is not supported`,
        );
      }
      return entry;
    }
    seen.push(entry.name);
    // An earlier member is skipped unread when its size is known; a deflated one with a data
    // descriptor has to be inflated (and thrown away) to find where it ends.
    if (entry.method === 8 && entry.flags & 8) {
      const skip = _filler(br, entry);
      scratch ??= new Uint8Array(OUT_CHUNK);
      try {
        while (await skip.fill(scratch) > 0);
      } finally {
        await skip.stop(undefined);
      }
    } else {
      const skip = _memberData(br, entry);
      while (await skip.next());
    }
  }
}

/**
 * Opens one member of a ZIP archive arriving as a stream. Local headers are read in order and
 * earlier members are drained without being kept; the result streams the member's uncompressed
 * bytes (stored or deflate), pulled from `body` only as the caller reads. At the end the CRC-32
 * and size are checked and the rest of `body` is cancelled. Cancelling the result, or aborting
 * `signal`, cancels `body`.
 *
 * @param body The archive bytes, e.g. a `Response.body`. It is locked and consumed.
 * @param name The member name, e.g. `filedata`.
 * @param options An abort signal.
 * @returns The member's bytes. The stream errors with an `Error` when the member is corrupt
 * (`... is corrupt: CRC mismatch`) or the archive is truncated.
 * @throws {Error} When the member is missing (the message lists the members seen), the archive
 * is truncated or malformed, or the member is encrypted or uses another compression method.
 *
 * @example Read `filedata` from a Binary download
 * ```ts ignore
 * import { openZipMember } from "./_zip.ts";
 * const res = await fetch("https://cb.example/api/v1/binary/C7F5CAE0B450BE875EEE0E6DDFA771FE");
 * const file = await openZipMember(res.body!, "filedata");
 * ```
 */
export async function openZipMember(
  body: ReadableStream<Uint8Array>,
  name: string,
  options: OpenZipMemberOptions = {},
): Promise<ReadableStream<Uint8Array>> {
  const { signal } = options;
  const br = new _ByteReader(body);
  const onAbort = () => {
    br.cancel(signal?.reason);
  };
  try {
    signal?.throwIfAborted();
    signal?.addEventListener("abort", onAbort, { once: true });
    const entry = await _findMember(br, name);
    signal?.throwIfAborted();
    signal?.removeEventListener("abort", onAbort);
    return _memberStream(br, entry, signal);
  } catch (e) {
    signal?.removeEventListener("abort", onAbort);
    await br.cancel(e);
    if (signal?.aborted) throw signal.reason;
    throw e;
  }
}
