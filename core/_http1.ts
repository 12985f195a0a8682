// A minimal HTTP/1.1 exchange over an already connected socket: used by the node transport for
// https through a proxy tunnel, because Deno's node:http client reads a socket given by
// `createConnection` below its TLS layer (measured with Deno 2.9.6: "Parse Error: Expected HTTP/")
// and node:https ignores `createConnection`. One request per socket (`Connection: close`).

import type { Duplex } from "node:stream";

const CRLF2 = new Uint8Array([13, 10, 13, 10]);

function indexOf(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  outer: for (let i = from; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * Sends one request over `socket` and resolves with the answer once its head arrived; the body
 * streams. The socket is destroyed when the body ends, fails or is cancelled.
 *
 * @param socket A connected (TLS) socket.
 * @param head The request head: method, path, headers.
 * @param body The request body bytes, if any.
 * @param signal Aborts the exchange.
 * @returns The answer.
 */
export function exchangeOverSocket(
  socket: Duplex,
  head: { method: string; path: string; headers: Record<string, string> },
  body: Uint8Array | undefined,
  signal: AbortSignal,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    let buffer: Uint8Array = new Uint8Array(0);
    let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
    let mode: "none" | "length" | "chunked" | "close" = "close";
    let remaining = 0;
    let chunkLeft = -1; // -1: expecting a chunk-size line
    let finished = false;
    const end = (error?: unknown) => {
      if (finished) return;
      finished = true;
      signal.removeEventListener("abort", onAbort);
      socket.destroy();
      if (!controller) reject(error ?? new TypeError("the server closed the connection"));
      else if (error) controller.error(error);
      else controller.close();
    };
    const onAbort = () => end(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    const feedBody = () => {
      while (!finished && buffer.length > 0) {
        if (mode === "close") {
          controller!.enqueue(buffer);
          buffer = new Uint8Array(0);
        } else if (mode === "length") {
          const take = buffer.subarray(0, Math.min(remaining, buffer.length));
          controller!.enqueue(take.slice());
          remaining -= take.length;
          buffer = buffer.subarray(take.length);
          if (remaining === 0) return end();
        } else if (mode === "chunked") {
          if (chunkLeft < 0) {
            const eol = indexOf(buffer, CRLF2.subarray(0, 2));
            if (eol < 0) return;
            const size = parseInt(new TextDecoder().decode(buffer.subarray(0, eol)), 16);
            buffer = buffer.subarray(eol + 2);
            if (!(size >= 0)) return end(new TypeError("the server sent a malformed chunk"));
            if (size === 0) return end();
            chunkLeft = size;
          }
          const take = buffer.subarray(0, Math.min(chunkLeft, buffer.length));
          if (take.length) controller!.enqueue(take.slice());
          chunkLeft -= take.length;
          buffer = buffer.subarray(take.length);
          if (chunkLeft === 0) {
            if (buffer.length < 2) return;
            buffer = buffer.subarray(2);
            chunkLeft = -1;
          }
        } else return;
      }
    };
    const onHead = () => {
      const at = indexOf(buffer, CRLF2);
      if (at < 0) return;
      const lines = new TextDecoder().decode(buffer.subarray(0, at)).split("\r\n");
      buffer = buffer.subarray(at + 4);
      const status = Number(lines[0]!.split(" ")[1]);
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
      const noBody = head.method === "HEAD" || status === 204 || status === 304;
      if (noBody) mode = "none";
      else if (/chunked/i.test(headers.get("transfer-encoding") ?? "")) mode = "chunked";
      else if (headers.has("content-length")) {
        mode = "length";
        remaining = Number(headers.get("content-length"));
      }
      const stream = noBody ? null : new ReadableStream<Uint8Array>({
        start(c) {
          controller = c;
        },
        pull() {
          socket.resume();
        },
        cancel() {
          finished = true;
          signal.removeEventListener("abort", onAbort);
          socket.destroy();
        },
      });
      resolve(new Response(stream, { status, headers }));
      if (noBody || (mode === "length" && remaining === 0)) {
        finished = true;
        signal.removeEventListener("abort", onAbort);
        socket.destroy();
        return;
      }
      feedBody();
    };
    socket.on("data", (chunk: Uint8Array) => {
      if (finished) return;
      buffer = concat(buffer, new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      if (!controller) onHead();
      else feedBody();
      if (controller && (controller.desiredSize ?? 1) <= 0) socket.pause();
    });
    socket.on(
      "end",
      () =>
        end(
          mode === "close"
            ? undefined
            : new TypeError("the server closed the connection mid-answer"),
        ),
    );
    socket.on("error", (e) => end(e));
    socket.on("close", () => end(new TypeError("the server closed the connection")));
    const lines = [`${head.method} ${head.path} HTTP/1.1`];
    for (const [k, v] of Object.entries(head.headers)) lines.push(`${k}: ${v}`);
    lines.push("Connection: close", "", "");
    socket.write(lines.join("\r\n"));
    if (body) socket.write(body);
  });
}
