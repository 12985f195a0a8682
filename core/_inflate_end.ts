/**
 * Member-end finders of the streaming ZIP reader: where a deflate stream or a stored member
 * followed by a data descriptor ends, found without inflating.
 *
 * @module
 */

import {
  _buildHuffman,
  _fixedCodes,
  type _Huffman,
  CL_ORDER,
  DIST_EXTRA,
  LEN_EXTRA,
  NEED_MORE,
} from "./_inflate_tables.ts";
import {
  _concat,
  type _EndFinder,
  type _FinderResult,
  _u32,
  _u64,
  _ZipError,
  crc32,
  EMPTY,
} from "./_zip_bytes.ts";

/**
 * Finds where a raw deflate stream ends without inflating it: decodes block headers and
 * Huffman symbols (no window, no output), resumable across chunks.
 */
export class _DeflateEndFinder implements _EndFinder {
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
export class _StoredEndFinder implements _EndFinder {
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
