// HTTP/1.1 of the node transport, written here: a TCP connection read with real backpressure, and
// one request/answer exchange over it (or over the TLS socket layered on it).
//
// Why not node:http/node:https (measured with Deno 2.9.6, server in another process): a paused
// `IncomingMessage`, a paused `TLSSocket`, even a paused `net.Socket` handed to `tls.connect`, do
// not stop Deno from reading the connection, so a streamed download the consumer reads slowly
// lands in memory whole (a 256 MiB body grew RSS by 523 MiB). `node:tls` over a JavaScript
// `Duplex` only gets the bytes that duplex pushes, so {@linkcode RawConnection} reads the TCP
// connection (`Deno.connect`) only while the answer's consumer wants more (7.7 MiB for the same
// body). node:http also sends a request again by itself when a reused connection closes
// (`maybeRetryRequest`); here a request is sent again only as {@linkcode NoAnswerError} allows.

import { Duplex } from "node:stream";

const CRLF = new Uint8Array([13, 10]);
const CRLF2 = new Uint8Array([13, 10, 13, 10]);
const READ_SIZE = 64 * 1024;
/** Chunks of an answer body are at most this long, as fetch gives them. */
const MAX_CHUNK = 64 * 1024;
/** The longest answer head accepted. */
const MAX_HEAD = 64 * 1024;

/**
 * A TCP connection as a `Duplex` that reads the socket only while it is not held: the answer
 * being read holds it while its consumer has enough, so neither node:tls above it nor the kernel
 * buffers below it hold more than a few reads.
 */
export class RawConnection extends Duplex {
  #conn: Deno.TcpConn;
  #held = false;
  #wanted = false;
  #reading = false;

  /**
   * The layer above copies what it is given before `push()` returns (node:tls does: it hands the
   * bytes to its TLS engine), so a read buffer it took at once is read into again. Halves the
   * garbage of a TLS download (1 GiB to a file: RSS growth 84 -> 69 MiB).
   */
  recycle = false;

  /** @param conn The connected socket. */
  constructor(conn: Deno.TcpConn) {
    super();
    this.#conn = conn;
  }

  /** Whether the connection keeps the process alive (an idle kept one does not, as in node's agent). */
  set alive(alive: boolean) {
    if (alive) this.#conn.ref();
    else this.#conn.unref();
  }

  /** Stops reading the socket. */
  hold(): void {
    this.#held = true;
  }

  /** Reads the socket again (when the layer above wants bytes). */
  release(): void {
    if (!this.#held) return;
    this.#held = false;
    this.#pump();
  }

  override _read(): void {
    this.#wanted = true;
    this.#pump();
  }

  async #pump(): Promise<void> {
    if (this.#reading) return;
    this.#reading = true;
    try {
      let buffer = new Uint8Array(READ_SIZE);
      while (this.#wanted && !this.#held && !this.destroyed) {
        const n = await this.#conn.read(buffer);
        if (this.destroyed) return;
        if (n === null) {
          this.#wanted = false;
          this.push(null);
          return;
        }
        let chunk: Uint8Array;
        if (this.recycle || n < READ_SIZE / 2) {
          chunk = this.recycle ? buffer.subarray(0, n) : buffer.slice(0, n);
        } else {
          chunk = buffer.subarray(0, n);
          buffer = new Uint8Array(READ_SIZE);
        }
        if (!this.push(chunk)) this.#wanted = false;
        // Taken at once (no copy left in our queue): the layer above has copied it.
        if (this.recycle && this.readableLength !== 0) buffer = new Uint8Array(READ_SIZE);
      }
    } catch (error) {
      if (!this.destroyed) this.destroy(error instanceof Error ? error : new Error(String(error)));
    } finally {
      this.#reading = false;
    }
  }

  override _write(
    chunk: Uint8Array | string,
    _encoding: string,
    callback: (error?: Error | null) => void,
  ): void {
    const bytes = typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk;
    writeAll(this.#conn, bytes).then(() => callback(), (e) => callback(e));
  }

  override _final(callback: (error?: Error | null) => void): void {
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    try {
      this.#conn.close();
    } catch {
      // Already closed.
    }
    callback(error);
  }
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.byteLength;) at += await conn.write(bytes.subarray(at));
}

/**
 * Opens a TCP connection with TCP_NODELAY on.
 *
 * @param hostname Host name or IP.
 * @param port Port.
 * @param signal Aborts the connect.
 * @returns The connection.
 */
export async function connectRaw(
  hostname: string,
  port: number,
  signal: AbortSignal,
): Promise<RawConnection> {
  signal.throwIfAborted();
  // Not Deno.connect's own `signal`: a connection that completes as the signal fires must still
  // be closed (measured: a test aborting 5 ms into a request leaked one).
  const pending = Deno.connect({ hostname, port });
  const conn = await new Promise<Deno.TcpConn>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    pending.then(
      (conn) => {
        signal.removeEventListener("abort", onAbort);
        if (signal.aborted) conn.close(); // Too late: the caller has gone.
        else resolve(conn);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
  try {
    conn.setNoDelay(true);
  } catch {
    // Not a TCP socket option this platform has.
  }
  return new RawConnection(conn);
}

/**
 * Sends `CONNECT authority` to a proxy over `raw` and reads the proxy's answer head.
 *
 * @param raw The connection to the proxy.
 * @param authority `host:port` of the target.
 * @param headers Extra headers (`Proxy-Authorization`).
 * @param signal Aborts the exchange.
 * @returns The proxy's status and reason phrase; the tunnel is open when the status is 200.
 */
export function proxyConnect(
  raw: Duplex,
  authority: string,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<{ status: number; reason: string }> {
  return new Promise((resolve, reject) => {
    let buffer: Uint8Array = new Uint8Array(0);
    const finish = (error: unknown, answer?: { status: number; reason: string }) => {
      raw.off("data", onData);
      raw.off("error", onError);
      raw.off("close", onClose);
      signal.removeEventListener("abort", onAbort);
      raw.pause();
      if (answer) resolve(answer);
      else reject(error);
    };
    const onData = (chunk: Uint8Array) => {
      buffer = concat(buffer, chunk);
      const at = indexOf(buffer, CRLF2);
      if (at < 0) {
        if (buffer.length > MAX_HEAD) finish(new TypeError("the proxy sent an oversized answer"));
        return;
      }
      if (at + 4 !== buffer.length) {
        return finish(new TypeError("the proxy sent bytes after its answer to CONNECT"));
      }
      const line = new TextDecoder().decode(buffer.subarray(0, indexOf(buffer, CRLF)));
      const match = /^HTTP\/1\.[01] (\d{3}) ?(.*)$/.exec(line);
      if (!match) return finish(new TypeError(`the proxy did not answer HTTP: ${line}`));
      finish(undefined, { status: Number(match[1]), reason: match[2]! });
    };
    const onError = (e: unknown) => finish(e);
    const onClose = () => finish(new TypeError("the proxy closed the connection"));
    const onAbort = () => finish(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    raw.on("data", onData);
    raw.on("error", onError);
    raw.on("close", onClose);
    const lines = [`CONNECT ${authority} HTTP/1.1`, `host: ${authority}`];
    for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
    raw.write(`${lines.join("\r\n")}\r\n\r\n`);
  });
}

/** The connection closed (or failed) before a byte of the answer arrived. */
export class NoAnswerError extends TypeError {
  /** @param message What happened. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NoAnswerError";
  }
}

/** What an exchange runs over. */
export interface Link {
  /** The socket the request is written to and the answer read from (TLS or the raw one). */
  socket: Duplex;
  /** The TCP connection under it, held while the answer's consumer has enough. */
  raw: RawConnection;
}

/** The head of a request. */
export interface RequestHead {
  /** Method, upper case. */
  method: string;
  /** The request target (path and query, or the absolute URL for a forward proxy). */
  path: string;
  /** Headers, as sent. */
  headers: Record<string, string>;
}

/**
 * Sends one request over `link` and resolves with the answer once its head arrived; the body
 * streams and the connection is read only as fast as the body is consumed.
 *
 * @param link The connection.
 * @param head The request head.
 * @param body The request body: bytes (sent with `content-length`, which the caller sets) or a
 * stream (sent chunked).
 * @param signal Aborts the exchange and the answer's body.
 * @param done Called once when the exchange is over: `reusable` says the connection can carry
 * another request (the whole answer was read, the server keeps it open, nothing is left over).
 * @returns The answer.
 */
export function exchange(
  link: Link,
  head: RequestHead,
  body: Uint8Array | ReadableStream<Uint8Array> | undefined,
  signal: AbortSignal,
  done: (reusable: boolean) => void,
): Promise<Response> {
  const { socket, raw } = link;
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      done(false);
      reject(signal.reason);
      return;
    }
    let buffer: Uint8Array = new Uint8Array(0);
    let received = false;
    let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
    let mode: "none" | "length" | "chunked" | "close" = "close";
    let chunkState: "size" | "data" | "crlf" | "trailer" = "size";
    let remaining = 0;
    let keepAlive = true;
    let written = false;
    let finished = false;
    let cancelled = false;

    const detach = () => {
      socket.off("data", onData);
      socket.off("end", onEnd);
      socket.off("error", onError);
      socket.off("close", onClose);
      signal.removeEventListener("abort", onAbort);
    };
    /** Ends the exchange: an error fails the answer (or the body), none closes the body. */
    const end = (error?: unknown) => {
      if (finished) return;
      finished = true;
      detach();
      const reusable = error === undefined && !cancelled && keepAlive && written &&
        buffer.length === 0 && mode !== "close";
      if (!reusable) socket.destroy();
      else {
        raw.release();
        socket.resume();
      }
      done(reusable);
      if (!controller) {
        reject(
          error ?? new NoAnswerError("the server closed the connection before answering"),
        );
      } else if (cancelled) return;
      else if (error !== undefined) controller.error(error);
      else controller.close();
    };
    const onAbort = () => end(signal.reason);

    const enqueue = (bytes: Uint8Array) => {
      for (let at = 0; at < bytes.byteLength; at += MAX_CHUNK) {
        controller!.enqueue(bytes.subarray(at, Math.min(bytes.byteLength, at + MAX_CHUNK)));
      }
    };
    const feedBody = () => {
      while (!finished && buffer.length > 0) {
        if (mode === "close") {
          enqueue(buffer);
          buffer = new Uint8Array(0);
        } else if (mode === "length") {
          const take = buffer.subarray(0, Math.min(remaining, buffer.length));
          enqueue(take);
          remaining -= take.length;
          buffer = buffer.subarray(take.length);
          if (remaining === 0) return end();
        } else if (mode === "chunked") {
          if (chunkState === "size" || chunkState === "trailer") {
            const eol = indexOf(buffer, CRLF);
            if (eol < 0) {
              if (buffer.length > 4096) end(new TypeError("the server sent a malformed chunk"));
              return;
            }
            const line = new TextDecoder().decode(buffer.subarray(0, eol));
            buffer = buffer.subarray(eol + 2);
            if (chunkState === "trailer") {
              if (line === "") return end();
              continue;
            }
            const size = parseInt(line, 16);
            if (!(size >= 0)) return end(new TypeError("the server sent a malformed chunk"));
            if (size === 0) chunkState = "trailer";
            else {
              remaining = size;
              chunkState = "data";
            }
          } else if (chunkState === "data") {
            const take = buffer.subarray(0, Math.min(remaining, buffer.length));
            enqueue(take);
            remaining -= take.length;
            buffer = buffer.subarray(take.length);
            if (remaining === 0) chunkState = "crlf";
          } else {
            if (buffer.length < 2) return;
            if (buffer[0] !== 13 || buffer[1] !== 10) {
              return end(new TypeError("the server sent a malformed chunk"));
            }
            buffer = buffer.subarray(2);
            chunkState = "size";
          }
        } else return end(new TypeError("the server sent bytes after an answer without body"));
      }
    };
    const onHead = () => {
      for (;;) {
        if (buffer.length >= 5 && !startsWithHttp(buffer)) {
          return end(new TypeError("Parse Error: Expected HTTP/ (the server did not answer HTTP)"));
        }
        const at = indexOf(buffer, CRLF2);
        if (at < 0) {
          if (buffer.length > MAX_HEAD) end(new TypeError("the server sent an oversized head"));
          return;
        }
        const lines = new TextDecoder().decode(buffer.subarray(0, at)).split("\r\n");
        buffer = buffer.subarray(at + 4);
        const match = /^HTTP\/1\.([01]) (\d{3})(?: (.*))?$/.exec(lines[0]!);
        if (!match) return end(new TypeError(`Parse Error: invalid status line "${lines[0]}"`));
        const status = Number(match[2]);
        if (status >= 100 && status < 200 && status !== 101) continue; // 100 Continue and friends
        if (status < 200 || status > 599) {
          return end(new TypeError(`the server answered with status ${status}`));
        }
        const headers = new Headers();
        for (const line of lines.slice(1)) {
          const colon = line.indexOf(":");
          if (colon > 0) {
            try {
              headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
            } catch {
              // Left out, as fetch would refuse it.
            }
          }
        }
        const connection = (headers.get("connection") ?? "").toLowerCase();
        keepAlive = match[1] === "1"
          ? !/\bclose\b/.test(connection)
          : /\bkeep-alive\b/.test(connection);
        const noBody = head.method === "HEAD" || status === 204 || status === 304;
        if (noBody) mode = "none";
        else if (/chunked/i.test(headers.get("transfer-encoding") ?? "")) mode = "chunked";
        else if (headers.has("content-length")) {
          mode = "length";
          remaining = Number(headers.get("content-length"));
          if (!(remaining >= 0) || !Number.isSafeInteger(remaining)) {
            return end(new TypeError("the server sent an invalid content-length"));
          }
        } else mode = "close";
        const stream = noBody ? null : new ReadableStream<Uint8Array>({
          start(c) {
            controller = c;
          },
          pull() {
            raw.release();
            socket.resume();
          },
          cancel() {
            cancelled = true;
            end();
          },
        }, { highWaterMark: 4 });
        let response: Response;
        const init = { status, headers };
        try {
          response = new Response(stream, { ...init, statusText: match[3] ?? "" });
        } catch {
          response = new Response(stream, init);
        }
        resolve(response);
        if (noBody) return finishNoBody();
        if (mode === "length" && remaining === 0) return end();
        return feedBody();
      }
    };
    const finishNoBody = () => {
      // The answer was resolved already: only the connection's fate is left.
      if (finished) return;
      finished = true;
      detach();
      const reusable = keepAlive && written && buffer.length === 0;
      if (!reusable) socket.destroy();
      done(reusable);
    };
    const onData = (chunk: Uint8Array) => {
      if (finished) return;
      received = true;
      buffer = concat(buffer, chunk);
      if (!controller) onHead();
      else feedBody();
      if (!finished && controller && (controller.desiredSize ?? 1) <= 0) {
        socket.pause();
        raw.hold();
      }
    };
    const onEnd = () =>
      end(
        mode === "close" && controller
          ? undefined
          : received
          ? new TypeError("the server closed the connection mid-answer")
          : undefined,
      );
    const onError = (e: unknown) =>
      end(received ? e : new NoAnswerError(errorMessage(e), { cause: e }));
    const onClose = () =>
      end(
        received
          ? new TypeError("the server closed the connection mid-answer")
          : new NoAnswerError("the server closed the connection before answering"),
      );
    signal.addEventListener("abort", onAbort, { once: true });
    socket.on("data", onData);
    socket.on("end", onEnd);
    socket.on("error", onError);
    socket.on("close", onClose);
    raw.release();
    socket.resume();
    writeRequest(socket, head, body, () => written = true).catch((e) =>
      // A kept connection the server closed fails the write: nothing reached the server.
      end(received ? e : new NoAnswerError(errorMessage(e), { cause: e }))
    );
  });
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function writeRequest(
  socket: Duplex,
  head: RequestHead,
  body: Uint8Array | ReadableStream<Uint8Array> | undefined,
  issued: () => void,
): Promise<void> {
  const lines = [`${head.method} ${head.path} HTTP/1.1`];
  for (const [k, v] of Object.entries(head.headers)) {
    if (/[\r\n]/.test(k) || /[\r\n]/.test(v)) {
      throw new TypeError(`the header ${JSON.stringify(k)} holds a line break`);
    }
    lines.push(`${k}: ${v}`);
  }
  if (body instanceof ReadableStream) lines.push("transfer-encoding: chunked");
  const headBytes = new TextEncoder().encode(`${lines.join("\r\n")}\r\n\r\n`);
  if (body === undefined || body instanceof Uint8Array) {
    const writes = body === undefined || body.byteLength <= 64 * 1024
      ? [write(socket, body ? concat(headBytes, body) : headBytes)]
      : [write(socket, headBytes), write(socket, body)];
    issued();
    await Promise.all(writes);
    return;
  }
  await write(socket, headBytes);
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (value.byteLength === 0) continue;
      if (socket.destroyed) {
        await reader.cancel();
        throw new TypeError("the connection closed while the request body was sent");
      }
      await write(
        socket,
        concat(new TextEncoder().encode(`${value.byteLength.toString(16)}\r\n`), value),
      );
      await write(socket, CRLF);
    }
    const last = write(socket, new TextEncoder().encode("0\r\n\r\n"));
    issued();
    await last;
  } finally {
    reader.releaseLock();
  }
}

/** Writes and waits until the socket took the bytes (its write callback). */
function write(socket: Duplex, bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.destroyed) {
      reject(new TypeError("the connection is closed"));
      return;
    }
    socket.write(bytes, (error) => error ? reject(error) : resolve());
  });
}

function startsWithHttp(buffer: Uint8Array): boolean {
  return buffer[0] === 72 && buffer[1] === 84 && buffer[2] === 84 && buffer[3] === 80 &&
    buffer[4] === 47;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  const first = needle[0]!;
  for (let i = haystack.indexOf(first, from); i >= 0; i = haystack.indexOf(first, i + 1)) {
    if (i > haystack.length - needle.length) return -1;
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
