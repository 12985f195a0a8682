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
/** The default bound of a request body (answered 413 above it). */
export const MAX_BODY = 64 * 1024 * 1024;
const ENCODER = new TextEncoder();
const DECODER = new TextDecoder();

/** A request that cannot be parsed. */
export class BadRequest extends Error {}

/** Buffered reads from a connection, in linear time: bytes are copied at most a few times. */
export class ConnReader {
  #conn: Pick<Deno.Conn, "read">;
  #buf: Uint8Array = new Uint8Array(64 * 1024);
  #start = 0;
  #end = 0;

  constructor(conn: Pick<Deno.Conn, "read">) {
    this.#conn = conn;
  }

  get buffered(): number {
    return this.#end - this.#start;
  }

  async #fill(): Promise<boolean> {
    if (this.#end === this.#buf.length) {
      const used = this.#end - this.#start;
      if (used <= this.#buf.length / 2) {
        this.#buf.copyWithin(0, this.#start, this.#end);
      } else {
        const next = new Uint8Array(this.#buf.length * 2);
        next.set(this.#buf.subarray(this.#start, this.#end));
        this.#buf = next;
      }
      this.#start = 0;
      this.#end = used;
    }
    const n = await this.#conn.read(this.#buf.subarray(this.#end));
    if (n === null) return false;
    this.#end += n;
    return true;
  }

  /** Bytes up to and including `delim`; null on EOF before any byte. */
  async readUntil(delim: string, max: number): Promise<Uint8Array | null> {
    const d = ENCODER.encode(delim);
    let from = 0;
    while (true) {
      const view = this.#buf.subarray(this.#start, this.#end);
      const at = indexOf(view, d, from);
      if (at >= 0) return this.#take(at + d.length);
      from = Math.max(0, view.length - d.length + 1);
      if (view.length > max) throw new BadRequest("header section too large");
      if (!(await this.#fill())) {
        if (this.buffered === 0) return null;
        throw new BadRequest("connection closed mid-request");
      }
    }
  }

  /** Exactly `n` bytes; a large body is read straight into its own array. */
  async readExact(n: number): Promise<Uint8Array> {
    if (this.buffered >= n) return this.#take(n);
    const out = new Uint8Array(n);
    let got = this.buffered;
    out.set(this.#buf.subarray(this.#start, this.#end));
    this.#start = this.#end = 0;
    while (got < n) {
      const read = await this.#conn.read(out.subarray(got));
      if (read === null) throw new BadRequest("connection closed mid-body");
      got += read;
    }
    return out;
  }

  #take(n: number): Uint8Array {
    const out = this.#buf.slice(this.#start, this.#start + n);
    this.#start += n;
    if (this.#start === this.#end) this.#start = this.#end = 0;
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

/** A body larger than the server accepts (answered 413). */
export class BodyTooLarge extends Error {}

/**
 * Reads the request line and headers of one request (its body is left unread and `body` is
 * empty); null on a clean end of stream.
 */
export async function readHead(reader: ConnReader): Promise<HttpRequest | null> {
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
  const q = target.indexOf("?");
  let path = q >= 0 ? target.slice(0, q) : target;
  if (/^https?:\/\//i.test(path)) path = new URL(path).pathname;
  return {
    method: method.toUpperCase(),
    path,
    query: q >= 0 ? target.slice(q + 1) : "",
    headers,
    body: new Uint8Array(0),
    version,
  };
}

/** Whether a request announces a body (chunked, or a Content-Length above 0). */
export function hasBody(req: HttpRequest): boolean {
  return req.headers["transfer-encoding"] !== undefined ||
    (req.headers["content-length"] ?? "0").trim() !== "0";
}

/**
 * Reads the body a head announced, refusing more than `maxBody` bytes before reading them.
 *
 * @throws {BodyTooLarge} Over the bound.
 * @throws {BadRequest} A malformed length or chunk, or a connection that ends mid-body.
 */
export async function readBody(
  reader: ConnReader,
  req: HttpRequest,
  maxBody: number = MAX_BODY,
): Promise<Uint8Array> {
  if (req.headers["transfer-encoding"]?.toLowerCase().includes("chunked")) {
    return await readChunked(reader, maxBody);
  }
  if (req.headers["content-length"] === undefined) return new Uint8Array(0);
  const n = Number(req.headers["content-length"]);
  if (!Number.isInteger(n) || n < 0) throw new BadRequest("bad content-length");
  if (n > maxBody) throw new BodyTooLarge(`body of ${n} bytes, more than ${maxBody}`);
  return await reader.readExact(n);
}

/** Reads one request, body included; null on a clean end of stream. */
export async function readRequest(reader: ConnReader): Promise<HttpRequest | null> {
  const req = await readHead(reader);
  if (req !== null) req.body = await readBody(reader, req);
  return req;
}

async function readChunked(reader: ConnReader, maxBody: number): Promise<Uint8Array> {
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
    if (total > maxBody) throw new BodyTooLarge(`chunked body over ${maxBody} bytes`);
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
