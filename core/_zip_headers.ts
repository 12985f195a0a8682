/**
 * Local headers, data descriptors and member data of the streaming ZIP reader (`_zip.ts`).
 *
 * @module
 */

import { _DeflateEndFinder, _StoredEndFinder } from "./_inflate_end.ts";
import {
  type _ByteReader,
  type _EndFinder,
  type _Entry,
  type _Sizes,
  _truncated,
  _u16,
  _u32,
  _u64,
  _ZipError,
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
