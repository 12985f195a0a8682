/**
 * A streaming ZIP reader for downloads (Binary `file`, Protection file uploads, Live Response
 * archives): it walks local file headers in order, drains the members before the wanted one and
 * returns the wanted member's bytes as a pull-based stream, inflating with the built-in
 * `DecompressionStream("deflate-raw")` and checking CRC-32 and size at the end. Nothing is
 * buffered beyond one chunk, so a member of any size flows through in bounded memory.
 *
 * Members whose sizes follow in a data descriptor (flag bit 3) are delimited by parsing the
 * deflate stream itself (decoding its codes without producing output) or, when stored, by finding the descriptor signature whose CRC and sizes match the
 * bytes before it.
 *
 * @module
 */
import {
  _ByteReader,
  type _Entry,
  type _Sizes,
  _truncated,
  _u32,
  _ZipError,
  CENTRAL_SIG,
  crc32,
  END_SIG,
  INFLATE_SLICE,
  LOCAL_SIG,
  ZIP64_END_SIG,
} from "./_zip_bytes.ts";
import { _memberData, _readLocalHeader } from "./_zip_headers.ts";

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
type _Producer = { next(): Promise<Uint8Array | undefined>; stop(reason: unknown): Promise<void> };

function _storedProducer(data: ReturnType<typeof _memberData>): _Producer {
  return { next: () => data.next(), stop: () => Promise.resolve() };
}

function _inflateProducer(entry: _Entry, data: ReturnType<typeof _memberData>): _Producer {
  const ds = new DecompressionStream("deflate-raw");
  const writer = ds.writable.getWriter();
  const out = ds.readable.getReader();
  let stopped = false;
  let feeder: Promise<void> | undefined;
  async function feed(): Promise<void> {
    try {
      for (let piece = await data.next(); piece; piece = await data.next()) {
        for (let i = 0; i < piece.length; i += INFLATE_SLICE) {
          await writer.ready;
          if (stopped) return;
          writer.write(piece.subarray(i, i + INFLATE_SLICE) as Uint8Array<ArrayBuffer>).catch(
            () => {},
          );
        }
      }
      if (!stopped) await writer.close();
    } catch (e) {
      await writer.abort(e).catch(() => {});
    }
  }
  return {
    async next() {
      feeder ??= feed();
      while (true) {
        let r: ReadableStreamReadResult<Uint8Array>;
        try {
          r = await out.read();
        } catch (e) {
          throw _wrapInflateError(entry, e);
        }
        if (r.done) return undefined;
        if (r.value.length > 0) return r.value;
      }
    },
    async stop(reason) {
      stopped = true;
      await out.cancel(reason).catch(() => {});
      await writer.abort(reason).catch(() => {});
      await feeder;
    },
  };
}

function _memberStream(
  br: _ByteReader,
  entry: _Entry,
  signal: AbortSignal | undefined,
): ReadableStream<Uint8Array> {
  const data = _memberData(br, entry);
  const producer = entry.method === 8 ? _inflateProducer(entry, data) : _storedProducer(data);
  let crc = 0;
  let size = 0;
  let finished = false;
  let onAbort: (() => void) | undefined;
  async function finish(reason?: unknown): Promise<void> {
    if (finished) return;
    finished = true;
    if (onAbort) signal?.removeEventListener("abort", onAbort);
    await br.cancel(reason);
    await producer.stop(reason);
  }
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (!signal) return;
      onAbort = () => {
        controller.error(signal.reason);
        finish(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
    },
    async pull(controller) {
      try {
        const piece = await producer.next();
        if (finished) return;
        if (piece === undefined) {
          _checkSizes(entry, data.sizes(), crc, size);
          await finish();
          controller.close();
          return;
        }
        crc = crc32(piece, crc);
        size += piece.length;
        controller.enqueue(piece);
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
    const skip = _memberData(br, entry);
    while (await skip.next());
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
  const br = new _ByteReader(body.getReader());
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
