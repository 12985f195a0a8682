/**
 * Local headers, data descriptors and member data of the streaming ZIP reader (`_zip.ts`).
 *
 * @module
 */

import {
  type _ByteReader,
  _concat,
  type _EndFinder,
  type _Entry,
  type _FinderResult,
  type _Sizes,
  _truncated,
  _u16,
  _u32,
  _u64,
  _ZipError,
  crc32,
  DESCRIPTOR_SIG,
  EMPTY,
  MAX_PIECE,
} from "./_zip_bytes.ts";

export async function _readLocalHeader(br: _ByteReader): Promise<_Entry> {
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

/** Reads the data descriptor after a member (signature optional). */
export async function _readDescriptor(br: _ByteReader, entry: _Entry): Promise<_Sizes> {
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
 * `undefined` at its end, after which `sizes()` holds the final CRC and sizes. A deflated member
 * followed by a data descriptor is delimited by the inflater instead (`_zip.ts`).
 */
export function _memberData(br: _ByteReader, entry: _Entry): {
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
  if (entry.method === 0) finder = new _StoredEndFinder(entry.zip64);
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
