/**
 * HTTP/1.1 request parsing: request line, headers, Content-Length and chunked bodies.
 *
 * @module
 */

/** A parsed request. */
export interface HttpRequest {
  /** Upper-case method. */
  method: string;
  /** Pathname, percent-decoding left to the router. */
  path: string;
  /** Raw query string without `?`. */
  query: string;
  /** Header values by lower-case name (repeated headers joined with `, `). */
  headers: Record<string, string>;
  /** Body bytes (empty when none). */
  body: Uint8Array;
  /** HTTP version text, e.g. `HTTP/1.1`. */
  version: string;
}

const MAX_HEAD = 64 * 1024;
const MAX_BODY = 64 * 1024 * 1024;
const ENCODER = new TextEncoder();
const DECODER = new TextDecoder();

/** A request that cannot be parsed. */
export class BadRequest extends Error {}

/** Buffered reads from a connection. */
export class ConnReader {
  #conn: { read(p: Uint8Array): Promise<number | null> };
  #buf: Uint8Array = new Uint8Array(0);

  constructor(conn: { read(p: Uint8Array): Promise<number | null> }) {
    this.#conn = conn;
  }

  get buffered(): number {
    return this.#buf.length;
  }

  async #fill(): Promise<boolean> {
    const chunk = new Uint8Array(32 * 1024);
    const n = await this.#conn.read(chunk);
    if (n === null) return false;
    const next = new Uint8Array(this.#buf.length + n);
    next.set(this.#buf);
    next.set(chunk.subarray(0, n), this.#buf.length);
    this.#buf = next;
    return true;
  }

  /** Bytes up to and including `delim`; null on EOF before any byte. */
  async readUntil(delim: string, max: number): Promise<Uint8Array | null> {
    const d = ENCODER.encode(delim);
    let from = 0;
    while (true) {
      const at = indexOf(this.#buf, d, from);
      if (at >= 0) return this.#take(at + d.length);
      from = Math.max(0, this.#buf.length - d.length + 1);
      if (this.#buf.length > max) throw new BadRequest("header section too large");
      if (!(await this.#fill())) {
        if (this.#buf.length === 0) return null;
        throw new BadRequest("connection closed mid-request");
      }
    }
  }

  async readExact(n: number): Promise<Uint8Array> {
    while (this.#buf.length < n) {
      if (!(await this.#fill())) throw new BadRequest("connection closed mid-body");
    }
    return this.#take(n);
  }

  #take(n: number): Uint8Array {
    const out = this.#buf.slice(0, n);
    this.#buf = this.#buf.slice(n);
    return out;
  }
}

function indexOf(hay: Uint8Array, needle: Uint8Array, from: number): number {
  outer: for (let i = from; i <= hay.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** Reads one request; null on a clean end of stream. */
export async function readRequest(reader: ConnReader): Promise<HttpRequest | null> {
  let head = await reader.readUntil("\r\n\r\n", MAX_HEAD);
  // Tolerate stray CRLFs between pipelined requests.
  while (head !== null && head.length === 4 && head[0] === 13) {
    head = await reader.readUntil("\r\n\r\n", MAX_HEAD);
  }
  if (head === null) return null;
  const lines = DECODER.decode(head).split("\r\n");
  const [method, target, version] = (lines[0] ?? "").split(" ");
  if (!method || !target || !version?.startsWith("HTTP/1.")) {
    throw new BadRequest("malformed request line");
  }
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    if (line === "") continue;
    const colon = line.indexOf(":");
    if (colon <= 0) throw new BadRequest("malformed header");
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  let body: Uint8Array = new Uint8Array(0);
  if (headers["transfer-encoding"]?.toLowerCase().includes("chunked")) {
    body = await readChunked(reader);
  } else if (headers["content-length"] !== undefined) {
    const n = Number(headers["content-length"]);
    if (!Number.isInteger(n) || n < 0 || n > MAX_BODY) throw new BadRequest("bad content-length");
    body = await reader.readExact(n);
  }
  const q = target.indexOf("?");
  let path = q >= 0 ? target.slice(0, q) : target;
  if (/^https?:\/\//i.test(path)) path = new URL(path).pathname;
  return {
    method: method.toUpperCase(),
    path,
    query: q >= 0 ? target.slice(q + 1) : "",
    headers,
    body,
    version,
  };
}

async function readChunked(reader: ConnReader): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  while (true) {
    const line = await reader.readUntil("\r\n", 4096);
    if (line === null) throw new BadRequest("connection closed mid-body");
    const size = parseInt(DECODER.decode(line).split(";")[0]!.trim(), 16);
    if (!Number.isFinite(size) || size < 0) throw new BadRequest("bad chunk size");
    if (size === 0) {
      // Trailers until an empty line.
      while (true) {
        const t = await reader.readUntil("\r\n", MAX_HEAD);
        if (t === null || t.length === 2) break;
      }
      break;
    }
    total += size;
    if (total > MAX_BODY) throw new BadRequest("body too large");
    parts.push(await reader.readExact(size));
    await reader.readExact(2);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
