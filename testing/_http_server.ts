/**
 * A small HTTP/1.1 server on `Deno.listen`/`Deno.listenTls`. Unlike `Deno.serve` it can drop a
 * connection without answering and send truncated bodies, which the fault layer needs.
 *
 * @module
 */
import {
  BadRequest,
  BodyTooLarge,
  ConnReader,
  hasBody,
  type HttpRequest,
  MAX_BODY,
  readBody,
  readHead,
} from "./_http_parse.ts";

export type { HttpRequest } from "./_http_parse.ts";
import type { TlsMaterial } from "./_tls.ts";

/** A response body: bytes, or a stream written with backpressure. */
export type HttpBody = Uint8Array | ReadableStream<Uint8Array>;

/** What to send back. */
export interface HttpAnswer {
  /** Status code. */
  status: number;
  /** Headers to send (Content-Length and Connection are added here). */
  headers: Record<string, string>;
  /** Body, if any. */
  body?: HttpBody;
  /** Length of a stream body when known in advance (else chunked). */
  length?: number;
  /** Send the headers with the full length, then half the body, then close. */
  truncate?: boolean;
  /** Answer with `Connection: close` and close the connection afterwards. */
  close?: boolean;
}

/** A handler's decision: an answer, or `"drop"` to close the connection silently. */
export type HttpDisposition = HttpAnswer | "drop";

/** The request handler. */
export type HttpHandler = (req: HttpRequest) => Promise<HttpDisposition>;

/** Options for {@linkcode HttpServer.listen}. */
export interface HttpServerOptions {
  /** Port (0 = ephemeral). */
  port: number;
  /** Certificate and key for HTTPS. */
  tls?: TlsMaterial | undefined;
  /** Request handler. */
  handler: HttpHandler;
  /**
   * Looks at a request that announces a body before the body is read: an answer refuses it
   * (sent with `Connection: close`, the body never read), undefined lets it through.
   */
  admit?: (head: HttpRequest) => HttpAnswer | undefined;
  /**
   * Largest request body read; a larger one is answered 413 before it is read.
   *
   * @default 64 MiB
   */
  maxBody?: number;
}

const REASONS: Record<number, string> = {
  200: "OK",
  201: "Created",
  204: "No Content",
  301: "Moved Permanently",
  302: "Found",
  304: "Not Modified",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  409: "Conflict",
  413: "Payload Too Large",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};
const ENCODER = new TextEncoder();
/** Largest body of a refused request that is still read (and dropped) before answering. */
const DRAIN_LIMIT = 256 * 1024;

async function writeAll(conn: Deno.Conn, data: Uint8Array): Promise<void> {
  let at = 0;
  while (at < data.length) at += await conn.write(data.subarray(at));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Writes one answer; returns false when the connection must be closed afterwards. */
async function writeAnswer(
  conn: Deno.Conn,
  req: HttpRequest,
  answer: HttpAnswer,
  keepAlive: boolean,
): Promise<boolean> {
  const noBody = req.method === "HEAD" || answer.status === 204 || answer.status === 304;
  const body = answer.body;
  let length: number | undefined;
  if (body instanceof Uint8Array) length = body.length;
  else if (body) length = answer.length;
  else length = 0;
  const headers: [string, string][] = Object.entries(answer.headers).filter(([k]) =>
    !/^(content-length|transfer-encoding|connection)$/i.test(k)
  );
  const chunked = length === undefined;
  if (answer.status !== 204 && answer.status !== 304) {
    headers.push(chunked ? ["Transfer-Encoding", "chunked"] : ["Content-Length", String(length)]);
  }
  const keep = keepAlive && !answer.truncate && !answer.close;
  headers.push(["Connection", keep ? "keep-alive" : "close"]);
  const reason = REASONS[answer.status] ?? "Status";
  const headText = `HTTP/1.1 ${answer.status} ${reason}\r\n` +
    headers.map(([k, v]) => `${k}: ${v}\r\n`).join("") + "\r\n";
  const head = ENCODER.encode(headText);
  if (noBody || !body) {
    if (body instanceof ReadableStream) await body.cancel();
    await writeAll(conn, head);
    return keep;
  }
  if (body instanceof Uint8Array) {
    const send = answer.truncate ? body.subarray(0, Math.floor(body.length / 2)) : body;
    // One write for head and body: a separate small write of the head would leave the body's
    // last segment waiting on the client's delayed ACK (Nagle; TLS connections cannot turn it off).
    const inOne = send.length <= 16 * 1024 * 1024;
    await writeAll(conn, inOne ? concat(head, send) : head);
    if (!inOne) await writeAll(conn, send);
    return keep;
  }
  await writeAll(conn, head);
  await writeStream(conn, body, chunked, answer.truncate ? Math.floor((length ?? 0) / 2) : -1);
  return keep;
}

async function writeStream(
  conn: Deno.Conn,
  body: ReadableStream<Uint8Array>,
  chunked: boolean,
  limit: number,
): Promise<void> {
  let sent = 0;
  const reader = body.getReader();
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      if (value.length === 0) continue;
      let chunk = value;
      if (limit >= 0 && sent + chunk.length >= limit) {
        chunk = chunk.subarray(0, Math.max(0, limit - sent));
        if (chunked && chunk.length) {
          await writeAll(conn, ENCODER.encode(`${chunk.length.toString(16)}\r\n`));
        }
        await writeAll(conn, chunk);
        return;
      }
      if (chunked) {
        await writeAll(conn, concat(ENCODER.encode(`${chunk.length.toString(16)}\r\n`), chunk));
        await writeAll(conn, ENCODER.encode("\r\n"));
      } else {
        await writeAll(conn, chunk);
      }
      sent += chunk.length;
    }
    if (chunked && limit < 0) await writeAll(conn, ENCODER.encode("0\r\n\r\n"));
  } finally {
    await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

/** The server: accepts connections, reads requests, writes answers. */
export class HttpServer {
  #listener: Deno.Listener;
  #handler: HttpHandler;
  #admit: ((head: HttpRequest) => HttpAnswer | undefined) | undefined;
  #maxBody: number;
  #conns = new Set<Deno.Conn>();
  #idle = new Set<Deno.Conn>();
  #tasks = new Set<Promise<void>>();
  #closed = false;
  #acceptLoop: Promise<void>;

  private constructor(listener: Deno.Listener, options: HttpServerOptions) {
    this.#listener = listener;
    this.#handler = options.handler;
    this.#admit = options.admit;
    this.#maxBody = options.maxBody ?? MAX_BODY;
    this.#acceptLoop = this.#accept();
  }

  /** Starts listening on 127.0.0.1. */
  static listen(options: HttpServerOptions): HttpServer {
    const listener = options.tls
      ? Deno.listenTls({
        hostname: "127.0.0.1",
        port: options.port,
        cert: options.tls.cert,
        key: options.tls.key,
      })
      : Deno.listen({ hostname: "127.0.0.1", port: options.port });
    return new HttpServer(listener, options);
  }

  /** The bound port. */
  get port(): number {
    return (this.#listener.addr as Deno.NetAddr).port;
  }

  async #accept(): Promise<void> {
    while (!this.#closed) {
      let conn: Deno.Conn;
      try {
        conn = await this.#listener.accept();
      } catch {
        if (this.#closed) return;
        continue;
      }
      if (this.#closed) {
        conn.close();
        return;
      }
      this.#conns.add(conn);
      const task = this.#serve(conn).finally(() => {
        this.#tasks.delete(task);
        this.#conns.delete(conn);
      });
      this.#tasks.add(task);
    }
  }

  async #serve(conn: Deno.Conn): Promise<void> {
    const reader = new ConnReader(conn);
    try {
      while (!this.#closed) {
        let req: HttpRequest | null;
        try {
          if (reader.buffered === 0) this.#idle.add(conn);
          req = await readHead(reader);
          this.#idle.delete(conn);
          if (req !== null && hasBody(req)) {
            // Refuse (auth) before reading a body, so an unauthenticated client cannot make the
            // server read megabytes.
            const refusal = this.#admit?.(req);
            if (refusal) {
              // A small announced body is drained first so that closing does not reset the
              // connection under the answer; a large or chunked one is never read.
              const length = Number(req.headers["content-length"]);
              if (req.headers["transfer-encoding"] === undefined && length <= DRAIN_LIMIT) {
                await readBody(reader, req, DRAIN_LIMIT);
              }
              await writeAnswer(conn, req, { ...refusal, close: true }, false);
              return;
            }
            req.body = await readBody(reader, req, this.#maxBody);
          }
        } catch (e) {
          if (e instanceof BodyTooLarge && !this.#closed) {
            await writeAnswer(conn, emptyRequest(), {
              status: 413,
              headers: { "Content-Type": "text/plain" },
              body: ENCODER.encode(`Payload Too Large: ${e.message}`),
            }, false).catch(() => {});
          } else if (e instanceof BadRequest && !this.#closed) {
            await writeAnswer(conn, emptyRequest(), {
              status: 400,
              headers: { "Content-Type": "text/plain" },
              body: ENCODER.encode(`Bad request: ${e.message}`),
            }, false).catch(() => {});
          }
          return;
        }
        if (req === null) return;
        const disp = await this.#handler(req);
        if (disp === "drop" || this.#closed) return;
        const connHeader = req.headers["connection"]?.toLowerCase() ?? "";
        const keepAlive = req.version === "HTTP/1.0"
          ? connHeader.includes("keep-alive")
          : !connHeader.includes("close");
        if (!(await writeAnswer(conn, req, disp, keepAlive))) return;
      }
    } catch {
      // The peer went away or the server is closing: nothing to answer.
    } finally {
      this.#idle.delete(conn);
      try {
        conn.close();
      } catch {
        // already closed
      }
    }
  }

  /**
   * Closes every keep-alive connection that waits for its next request, so that clients open
   * fresh connections (fetch replays a request once when a reused connection drops it).
   */
  closeIdle(): void {
    for (const conn of this.#idle) {
      this.#idle.delete(conn);
      try {
        conn.close();
      } catch {
        // already closed
      }
    }
  }

  /** Closes the listener and every open connection, then waits for all work to end. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#listener.close();
    } catch {
      // already closed
    }
    for (const conn of this.#conns) {
      try {
        conn.close();
      } catch {
        // already closed
      }
    }
    await this.#acceptLoop;
    await Promise.allSettled([...this.#tasks]);
  }
}

function emptyRequest(): HttpRequest {
  return { method: "GET", path: "/", query: "", headers: {}, body: new Uint8Array(0), version: "" };
}
