/**
 * A minimal ZIP writer: deflate (raw) members with real CRC-32s. Small archives are built in
 * memory with sizes in the local headers; large members stream with a data descriptor
 * (general-purpose flag bit 3) so nothing big is buffered.
 *
 * @module
 */
import { crc32 as zlibCrc32 } from "node:zlib";

/** A member whose bytes are at hand. */
export interface ZipMember {
  /** Member name. */
  name: string;
  /** Content. */
  data: Uint8Array;
}

/** A member produced chunk by chunk. */
export interface ZipStreamMember {
  /** Member name. */
  name: string;
  /** Produces the content (called once). */
  chunks: () => AsyncIterable<Uint8Array>;
}

/** Continues a CRC-32 over `data` (start with 0). */
export function crc32(crc: number, data: Uint8Array): number {
  return zlibCrc32(data, crc) >>> 0;
}

const ENCODER = new TextEncoder();
// A fixed timestamp keeps archives deterministic: 2017-02-01 04:05:44.
const DOS_TIME = (4 << 11) | (5 << 5) | 22;
const DOS_DATE = ((2017 - 1980) << 9) | (2 << 5) | 1;

interface Written {
  name: Uint8Array;
  crc: number;
  csize: number;
  usize: number;
  offset: number;
  flags: number;
}

function localHeader(name: Uint8Array, flags: number, crc: number, csize: number, usize: number) {
  const b = new Uint8Array(30 + name.length);
  const v = new DataView(b.buffer);
  v.setUint32(0, 0x04034b50, true);
  v.setUint16(4, 20, true);
  v.setUint16(6, flags, true);
  v.setUint16(8, 8, true);
  v.setUint16(10, DOS_TIME, true);
  v.setUint16(12, DOS_DATE, true);
  v.setUint32(14, crc, true);
  v.setUint32(18, csize, true);
  v.setUint32(22, usize, true);
  v.setUint16(26, name.length, true);
  b.set(name, 30);
  return b;
}

function descriptor(crc: number, csize: number, usize: number): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  v.setUint32(0, 0x08074b50, true);
  v.setUint32(4, crc, true);
  v.setUint32(8, csize, true);
  v.setUint32(12, usize, true);
  return b;
}

function centralDirectory(entries: Written[], offset: number): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let size = 0;
  for (const e of entries) {
    const b = new Uint8Array(46 + e.name.length);
    const v = new DataView(b.buffer);
    v.setUint32(0, 0x02014b50, true);
    v.setUint16(4, 20, true);
    v.setUint16(6, 20, true);
    v.setUint16(8, e.flags, true);
    v.setUint16(10, 8, true);
    v.setUint16(12, DOS_TIME, true);
    v.setUint16(14, DOS_DATE, true);
    v.setUint32(16, e.crc, true);
    v.setUint32(20, e.csize, true);
    v.setUint32(24, e.usize, true);
    v.setUint16(28, e.name.length, true);
    v.setUint32(42, e.offset, true);
    b.set(e.name, 46);
    parts.push(b);
    size += b.length;
  }
  const end = new Uint8Array(22);
  const v = new DataView(end.buffer);
  v.setUint32(0, 0x06054b50, true);
  v.setUint16(8, entries.length, true);
  v.setUint16(10, entries.length, true);
  v.setUint32(12, size, true);
  v.setUint32(16, offset, true);
  parts.push(end);
  return parts;
}

async function deflate(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new CompressionStream("deflate-raw"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function join(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Builds a whole archive in memory (for small members). */
export async function zipBytes(members: ZipMember[]): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const written: Written[] = [];
  let offset = 0;
  for (const m of members) {
    const name = ENCODER.encode(m.name);
    const compressed = await deflate(m.data);
    const crc = crc32(0, m.data);
    const head = localHeader(name, 0, crc, compressed.length, m.data.length);
    written.push({ name, crc, csize: compressed.length, usize: m.data.length, offset, flags: 0 });
    parts.push(head, compressed);
    offset += head.length + compressed.length;
  }
  parts.push(...centralDirectory(written, offset));
  return join(parts);
}

async function* counted(
  source: AsyncIterable<Uint8Array>,
  stats: { crc: number; usize: number },
): AsyncGenerator<Uint8Array<ArrayBuffer>> {
  for await (const chunk of source) {
    stats.crc = crc32(stats.crc, chunk);
    stats.usize += chunk.length;
    yield chunk as Uint8Array<ArrayBuffer>;
  }
}

/** Streams an archive; each member is deflated on the fly and followed by a data descriptor. */
export function zipStream(members: ZipStreamMember[]): ReadableStream<Uint8Array> {
  async function* generate(): AsyncGenerator<Uint8Array> {
    const written: Written[] = [];
    let offset = 0;
    for (const m of members) {
      const name = ENCODER.encode(m.name);
      const head = localHeader(name, 0x08, 0, 0, 0);
      yield head;
      const stats = { crc: 0, usize: 0 };
      const deflated = ReadableStream.from(counted(m.chunks(), stats)).pipeThrough(
        new CompressionStream("deflate-raw"),
      );
      let csize = 0;
      for await (const chunk of deflated) {
        csize += chunk.length;
        yield chunk;
      }
      const { crc, usize } = stats;
      const desc = descriptor(crc, csize, usize);
      yield desc;
      written.push({ name, crc, csize, usize, offset, flags: 0x08 });
      offset += head.length + csize + desc.length;
    }
    for (const p of centralDirectory(written, offset)) yield p;
  }
  return ReadableStream.from(generate());
}
