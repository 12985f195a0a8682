/**
 * Deflate tables and Huffman decoding tables of the member-end finder (`_inflate_end.ts`).
 *
 * @module
 */

import { _ZipError } from "./_zip_bytes.ts";

export const NEED_MORE = Symbol("need more input");
export const CL_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
export const LEN_EXTRA = [
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
export const DIST_EXTRA = [
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

export interface _Huffman {
  /** Indexed by the next `bits` input bits: `symbol << 4 | length`, 0 for unused codes. */
  table: Uint16Array;
  bits: number;
}

let fixedCodes: [_Huffman, _Huffman] | undefined;

export function _buildHuffman(lengths: ArrayLike<number>, what: string): _Huffman {
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

export function _fixedCodes(what: string): [_Huffman, _Huffman] {
  if (!fixedCodes) {
    const lit = new Array<number>(288).fill(8, 0, 144).fill(9, 144, 256).fill(7, 256, 280)
      .fill(8, 280, 288);
    fixedCodes = [_buildHuffman(lit, what), _buildHuffman(new Array(32).fill(5), what)];
  }
  return fixedCodes;
}
