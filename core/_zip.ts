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

/** Options for {@linkcode openZipMember}. */
export interface OpenZipMemberOptions {
  /** Aborts reading; the source body is cancelled and `signal.reason` is raised. */
  signal?: AbortSignal;
}

const LOCAL_SIG = 0x04034b50;
const CENTRAL_SIG = 0x02014b50;
const END_SIG = 0x06054b50;
const ZIP64_END_SIG = 0x06064b50;
const DESCRIPTOR_SIG = 0x08074b50;
const MAX_PIECE = 64 * 1024;
const INFLATE_SLICE = 16 * 1024;
const EMPTY = new Uint8Array(0);

let crcTables: Int32Array[] | undefined;

function _crcTables(): Int32Array[] {
  if (crcTables) return crcTables;
  const t0 = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t0[n] = c;
  }
  const tables = [t0];
  for (let k = 1; k < 8; k++) {
    const prev = tables[k - 1]!;
    const t = new Int32Array(256);
    for (let n = 0; n < 256; n++) t[n] = (prev[n]! >>> 8) ^ t0[prev[n]! & 255]!;
    tables.push(t);
  }
  crcTables = tables;
  return tables;
}

/**
 * Computes the CRC-32 (ISO-HDLC, the ZIP and gzip checksum) of some bytes. Pass the previous
 * result as `seed` to continue over several chunks.
 *
 * @param bytes The bytes.
 * @param seed The CRC of the bytes before these.
 * @returns The CRC as an unsigned 32-bit number.
 *
 * @example In two pieces
 * ```ts
 * import { crc32 } from "./_zip.ts";
 * import assert from "node:assert/strict";
 * const data = new TextEncoder().encode("123456789");
 * assert.ok(crc32(data) === 0xcbf43926);
 * assert.ok(crc32(data.subarray(4), crc32(data.subarray(0, 4))) === 0xcbf43926);
 * ```
 */
export function crc32(bytes: Uint8Array, seed = 0): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = _crcTables() as [
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
  ];
  let c = ~seed;
  let i = 0;
  const n = bytes.length;
  for (; i + 8 <= n; i += 8) {
    c ^= bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    c = t7[c & 255]! ^ t6[(c >>> 8) & 255]! ^ t5[(c >>> 16) & 255]! ^ t4[c >>> 24]! ^
      t3[bytes[i + 4]!]! ^ t2[bytes[i + 5]!]! ^ t1[bytes[i + 6]!]! ^ t0[bytes[i + 7]!]!;
  }
  for (; i < n; i++) c = t0[(c ^ bytes[i]!) & 255]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** An error about the archive's content (as opposed to a caller's abort). */
class _ZipError extends Error {}

function _concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function _u16(b: Uint8Array, i: number): number {
  return b[i]! | (b[i + 1]! << 8);
}

function _u32(b: Uint8Array, i: number): number {
  return (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
}

function _u64(b: Uint8Array, i: number): number {
  return _u32(b, i) + _u32(b, i + 4) * 0x100000000;
}

/** Sequential reads over a byte stream, with push-back. */
class _ByteReader {
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #buf: Uint8Array = EMPTY;
  #done = false;

  constructor(reader: ReadableStreamDefaultReader<Uint8Array>) {
    this.#reader = reader;
  }

  /** Up to `max` bytes, or `undefined` at the end of the stream. */
  async readSome(max: number): Promise<Uint8Array | undefined> {
    while (this.#buf.length === 0) {
      if (this.#done) return undefined;
      const r = await this.#reader.read();
      if (r.done) {
        this.#done = true;
        return undefined;
      }
      if (!(r.value instanceof Uint8Array)) {
        throw new TypeError("Cannot read ZIP: the body stream must yield Uint8Array chunks");
      }
      this.#buf = r.value;
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

function _truncated(what: string): _ZipError {
  return new _ZipError(`Cannot read ZIP ${what}: the archive is truncated`);
}

interface _Entry {
  name: string;
  flags: number;
  method: number;
  crc: number;
  csize: number;
  usize: number;
  zip64: boolean;
}

interface _Sizes {
  crc: number;
  csize: number;
  usize: number;
}

/** Result of feeding bytes to a member-end finder. */
interface _FinderResult {
  /** Bytes now known to belong to the member data. */
  data: Uint8Array;
  /** Bytes after the member data once its end is found (the data descriptor onwards). */
  rest: Uint8Array | undefined;
}

interface _EndFinder {
  push(chunk: Uint8Array): _FinderResult;
}

const NEED_MORE = Symbol("need more input");
const CL_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
const LEN_EXTRA = [
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  1,
  1,
  1,
  1,
  2,
  2,
  2,
  2,
  3,
  3,
  3,
  3,
  4,
  4,
  4,
  4,
  5,
  5,
  5,
  5,
  0,
];
const DIST_EXTRA = [
  0,
  0,
  0,
  0,
  1,
  1,
  2,
  2,
  3,
  3,
  4,
  4,
  5,
  5,
  6,
  6,
  7,
  7,
  8,
  8,
  9,
  9,
  10,
  10,
  11,
  11,
  12,
  12,
  13,
  13,
];

interface _Huffman {
  /** Indexed by the next `bits` input bits: `symbol << 4 | length`, 0 for unused codes. */
  table: Uint16Array;
  bits: number;
}

let fixedCodes: [_Huffman, _Huffman] | undefined;

function _buildHuffman(lengths: ArrayLike<number>, what: string): _Huffman {
  const count = new Array<number>(16).fill(0);
  let maxLen = 0;
  for (let i = 0; i < lengths.length; i++) {
    const len = lengths[i]!;
    count[len]!++;
    if (len > maxLen) maxLen = len;
  }
  count[0] = 0;
  let left = 1;
  for (let len = 1; len <= 15; len++) {
    left = (left << 1) - count[len]!;
    if (left < 0) throw new _ZipError(`${what}: over-subscribed Huffman code`);
  }
  const next = new Array<number>(16).fill(0);
  let code = 0;
  for (let len = 1; len <= 15; len++) {
    code = (code + count[len - 1]!) << 1;
    next[len] = code;
  }
  const table = new Uint16Array(1 << maxLen);
  for (let sym = 0; sym < lengths.length; sym++) {
    const len = lengths[sym]!;
    if (len === 0) continue;
    const code = next[len]!++;
    let rev = 0;
    for (let k = 0; k < len; k++) rev |= ((code >> k) & 1) << (len - 1 - k);
    for (let i = rev; i < table.length; i += 1 << len) table[i] = (sym << 4) | len;
  }
  return { table, bits: maxLen };
}

function _fixedCodes(what: string): [_Huffman, _Huffman] {
  if (!fixedCodes) {
    const lit = new Array<number>(288).fill(8, 0, 144).fill(9, 144, 256).fill(7, 256, 280)
      .fill(8, 280, 288);
    fixedCodes = [_buildHuffman(lit, what), _buildHuffman(new Array(32).fill(5), what)];
  }
  return fixedCodes;
}

/**
 * Finds where a raw deflate stream ends without inflating it: decodes block headers and
 * Huffman symbols (no window, no output), resumable across chunks.
 */
class _DeflateEndFinder implements _EndFinder {
  #what: string;
  #buf: Uint8Array = EMPTY;
  #pos = 0;
  #acc = 0;
  #accLen = 0;
  #held: Uint8Array = EMPTY;
  #skipBits = 0;
  /** 0 block header, 1 stored copy, 2 codes, 3 done. */
  #state = 0;
  #final = false;
  #storedLeft = 0;
  #lit: _Huffman | undefined;
  #dist: _Huffman | undefined;

  /** @param what Names the member in error messages. */
  constructor(what: string) {
    this.#what = what;
  }

  /** Feeds the next chunk of input. */
  push(chunk: Uint8Array): _FinderResult {
    if (this.#state === 3) return { data: EMPTY, rest: chunk };
    const buf = _concat(this.#held, chunk);
    this.#buf = buf;
    this.#pos = 0;
    this.#acc = 0;
    this.#accLen = 0;
    if (this.#skipBits) {
      this.#acc = buf[0]! >>> this.#skipBits;
      this.#accLen = 8 - this.#skipBits;
      this.#pos = 1;
    }
    let cpPos = this.#pos;
    let cpAcc = this.#acc;
    let cpLen = this.#accLen;
    try {
      while (this.#state !== 3) {
        cpPos = this.#pos;
        cpAcc = this.#acc;
        cpLen = this.#accLen;
        this.#step();
      }
    } catch (e) {
      if (e !== NEED_MORE) throw e;
      this.#pos = cpPos;
      this.#acc = cpAcc;
      this.#accLen = cpLen;
      const start = this.#pos - Math.ceil(this.#accLen / 8);
      this.#skipBits = (8 - (this.#accLen % 8)) % 8;
      this.#held = buf.slice(start);
      this.#buf = EMPTY;
      return { data: buf.subarray(0, start), rest: undefined };
    }
    const end = this.#pos - (this.#accLen >> 3);
    this.#held = EMPTY;
    this.#buf = EMPTY;
    return { data: buf.subarray(0, end), rest: buf.subarray(end) };
  }

  #corrupt(why: string): _ZipError {
    return new _ZipError(`ZIP member ${this.#what} is corrupt: ${why}`);
  }

  #need(n: number): void {
    while (this.#accLen < n) {
      if (this.#pos >= this.#buf.length) throw NEED_MORE;
      this.#acc |= this.#buf[this.#pos++]! << this.#accLen;
      this.#accLen += 8;
    }
  }

  #bits(n: number): number {
    this.#need(n);
    const v = this.#acc & ((1 << n) - 1);
    this.#acc >>>= n;
    this.#accLen -= n;
    return v;
  }

  #decode(h: _Huffman): number {
    if (h.bits === 0) throw this.#corrupt("invalid deflate data (empty code)");
    this.#need(h.bits);
    const e = h.table[this.#acc & ((1 << h.bits) - 1)]!;
    const len = e & 15;
    if (len === 0) throw this.#corrupt("invalid deflate data (bad code)");
    this.#acc >>>= len;
    this.#accLen -= len;
    return e >> 4;
  }

  #step(): void {
    if (this.#state === 0) this.#blockHeader();
    else if (this.#state === 1) this.#storedCopy();
    else this.#symbol();
  }

  #blockHeader(): void {
    const final = this.#bits(1) === 1;
    const type = this.#bits(2);
    if (type === 0) {
      this.#bits(this.#accLen & 7);
      const len = this.#bits(16);
      const nlen = this.#bits(16);
      if (len !== (~nlen & 0xffff)) throw this.#corrupt("invalid deflate data (stored length)");
      this.#pos -= this.#accLen >> 3;
      this.#acc = 0;
      this.#accLen = 0;
      this.#storedLeft = len;
      this.#state = 1;
    } else if (type === 1) {
      [this.#lit, this.#dist] = _fixedCodes(this.#what);
      this.#state = 2;
    } else if (type === 2) {
      [this.#lit, this.#dist] = this.#dynamicCodes();
      this.#state = 2;
    } else {
      throw this.#corrupt("invalid deflate data (block type 3)");
    }
    this.#final = final;
  }

  #dynamicCodes(): [_Huffman, _Huffman] {
    const hlit = this.#bits(5) + 257;
    const hdist = this.#bits(5) + 1;
    const hclen = this.#bits(4) + 4;
    if (hlit > 286 || hdist > 30) throw this.#corrupt("invalid deflate data (code counts)");
    const clens = new Array<number>(19).fill(0);
    for (let i = 0; i < hclen; i++) clens[CL_ORDER[i]!] = this.#bits(3);
    const clCode = _buildHuffman(clens, `ZIP member ${this.#what} is corrupt`);
    const lengths = new Array<number>(hlit + hdist).fill(0);
    for (let i = 0; i < lengths.length;) {
      const sym = this.#decode(clCode);
      if (sym < 16) {
        lengths[i++] = sym;
        continue;
      }
      let value = 0;
      let repeat: number;
      if (sym === 16) {
        if (i === 0) throw this.#corrupt("invalid deflate data (repeat)");
        value = lengths[i - 1]!;
        repeat = 3 + this.#bits(2);
      } else if (sym === 17) {
        repeat = 3 + this.#bits(3);
      } else {
        repeat = 11 + this.#bits(7);
      }
      if (i + repeat > lengths.length) throw this.#corrupt("invalid deflate data (lengths)");
      while (repeat--) lengths[i++] = value;
    }
    if (lengths[256] === 0) throw this.#corrupt("invalid deflate data (no end code)");
    const what = `ZIP member ${this.#what} is corrupt`;
    return [
      _buildHuffman(lengths.slice(0, hlit), what),
      _buildHuffman(lengths.slice(hlit), what),
    ];
  }

  #storedCopy(): void {
    if (this.#storedLeft === 0) {
      this.#state = this.#final ? 3 : 0;
      return;
    }
    const avail = this.#buf.length - this.#pos;
    if (avail === 0) throw NEED_MORE;
    const take = Math.min(avail, this.#storedLeft);
    this.#pos += take;
    this.#storedLeft -= take;
  }

  #symbol(): void {
    const sym = this.#decode(this.#lit!);
    if (sym < 256) return;
    if (sym === 256) {
      this.#state = this.#final ? 3 : 0;
      return;
    }
    const li = sym - 257;
    if (li >= 29) throw this.#corrupt("invalid deflate data (length code)");
    this.#bits(LEN_EXTRA[li]!);
    const d = this.#decode(this.#dist!);
    if (d >= 30) throw this.#corrupt("invalid deflate data (distance code)");
    this.#bits(DIST_EXTRA[d]!);
  }
}

/** Finds the end of a stored member followed by a signed data descriptor. */
class _StoredEndFinder implements _EndFinder {
  #held: Uint8Array = EMPTY;
  #crc = 0;
  #count = 0;
  #descriptorLength: number;

  constructor(zip64: boolean) {
    this.#descriptorLength = zip64 ? 24 : 16;
  }

  push(chunk: Uint8Array): _FinderResult {
    const buf = _concat(this.#held, chunk);
    let emitted = 0;
    let from = 0;
    const advance = (to: number) => {
      this.#crc = crc32(buf.subarray(emitted, to), this.#crc);
      this.#count += to - emitted;
      emitted = to;
    };
    while (true) {
      const i = _indexOfSignature(buf, from);
      if (i < 0) {
        advance(Math.max(emitted, buf.length - 3));
        break;
      }
      advance(i);
      if (buf.length - i < this.#descriptorLength) break;
      if (this.#matches(buf, i)) {
        this.#held = EMPTY;
        return { data: buf.subarray(0, i), rest: buf.subarray(i) };
      }
      from = i + 1;
    }
    this.#held = buf.slice(emitted);
    return { data: buf.subarray(0, emitted), rest: undefined };
  }

  #matches(buf: Uint8Array, i: number): boolean {
    if (_u32(buf, i + 4) !== this.#crc) return false;
    const wide = this.#descriptorLength === 24;
    const csize = wide ? _u64(buf, i + 8) : _u32(buf, i + 8);
    const usize = wide ? _u64(buf, i + 16) : _u32(buf, i + 12);
    return csize === this.#count && usize === this.#count;
  }
}

function _indexOfSignature(buf: Uint8Array, from: number): number {
  for (
    let i = buf.indexOf(0x50, from);
    i >= 0 && i + 3 < buf.length;
    i = buf.indexOf(0x50, i + 1)
  ) {
    if (buf[i + 1] === 0x4b && buf[i + 2] === 0x07 && buf[i + 3] === 0x08) return i;
  }
  return -1;
}

async function _readLocalHeader(br: _ByteReader): Promise<_Entry> {
  const h = await br.readExact(26, "local file header");
  if (!h) throw _truncated("local file header");
  const nameBytes = (await br.readExact(_u16(h, 22), "file name")) ?? EMPTY;
  if (nameBytes.length !== _u16(h, 22)) throw _truncated("file name");
  const extra = (await br.readExact(_u16(h, 24), "extra field")) ?? EMPTY;
  if (extra.length !== _u16(h, 24)) throw _truncated("extra field");
  const entry: _Entry = {
    name: new TextDecoder().decode(nameBytes),
    flags: _u16(h, 2),
    method: _u16(h, 4),
    crc: _u32(h, 10),
    csize: _u32(h, 14),
    usize: _u32(h, 18),
    zip64: false,
  };
  for (let i = 0; i + 4 <= extra.length;) {
    const id = _u16(extra, i);
    const size = _u16(extra, i + 2);
    if (id === 1) {
      entry.zip64 = true;
      let at = i + 4;
      if (entry.usize === 0xffffffff && at + 8 <= i + 4 + size) {
        entry.usize = _u64(extra, at);
        at += 8;
      }
      if (entry.csize === 0xffffffff && at + 8 <= i + 4 + size) entry.csize = _u64(extra, at);
    }
    i += 4 + size;
  }
  return entry;
}

async function _readDescriptor(br: _ByteReader, entry: _Entry): Promise<_Sizes> {
  const what = `data descriptor of ${JSON.stringify(entry.name)}`;
  const sizeBytes = entry.zip64 ? 16 : 8;
  let head = await br.readExact(4, what);
  if (!head) throw _truncated(what);
  if (_u32(head, 0) === DESCRIPTOR_SIG) head = await br.readExact(4, what);
  if (!head) throw _truncated(what);
  const sizes = await br.readExact(sizeBytes, what);
  if (!sizes) throw _truncated(what);
  return {
    crc: _u32(head, 0),
    csize: entry.zip64 ? _u64(sizes, 0) : _u32(sizes, 0),
    usize: entry.zip64 ? _u64(sizes, 8) : _u32(sizes, 4),
  };
}

/**
 * Returns a function yielding the raw (possibly compressed) data of a member piece by piece,
 * `undefined` at its end, after which `sizes()` holds the final CRC and sizes.
 */
function _memberData(br: _ByteReader, entry: _Entry): {
  next(): Promise<Uint8Array | undefined>;
  sizes(): _Sizes;
} {
  const label = `member ${JSON.stringify(entry.name)}`;
  let sizes: _Sizes = { crc: entry.crc, csize: entry.csize, usize: entry.usize };
  if (!(entry.flags & 8)) {
    let left = entry.csize;
    return {
      async next() {
        if (left === 0) return undefined;
        const piece = await br.readSome(Math.min(left, MAX_PIECE));
        if (!piece) throw _truncated(label);
        left -= piece.length;
        return piece;
      },
      sizes: () => sizes,
    };
  }
  let finder: _EndFinder;
  if (entry.method === 8) finder = new _DeflateEndFinder(JSON.stringify(entry.name));
  else if (entry.method === 0) finder = new _StoredEndFinder(entry.zip64);
  else {
    throw new _ZipError(
      `Cannot read ZIP ${label}: compression method ${entry.method} with a data descriptor is not supported`,
    );
  }
  let ended = false;
  let count = 0;
  return {
    async next() {
      while (!ended) {
        const chunk = await br.readSome(MAX_PIECE);
        if (!chunk) throw _truncated(label);
        const { data, rest } = finder.push(chunk);
        count += data.length;
        if (rest !== undefined) {
          ended = true;
          br.unread(rest);
          sizes = await _readDescriptor(br, entry);
          if (sizes.csize !== count) {
            throw new _ZipError(`ZIP ${label} is corrupt: compressed size mismatch`);
          }
        }
        if (data.length > 0) return data;
      }
      return undefined;
    },
    sizes: () => sizes,
  };
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
