/**
 * Listeners of the emulator's HTTP server, with TCP_NODELAY on every accepted connection, as
 * nginx in front of a real Cb server sets it (`tcp_nodelay on`). Without it, Nagle's algorithm plus
 * the client's delayed ACK stall Deno TLS clients on every page (DESIGN.md, "Measured in
 * 2026-12"). Plain HTTP uses `Deno.listen` (`TcpConn.setNoDelay`); HTTPS uses `node:tls`, because
 * a `Deno.TlsConn` has no `setNoDelay` while a `node:tls` socket sets it on its TCP socket.
 *
 * @module
 */
import * as tls from "node:tls";
import type { TlsMaterial } from "./_tls.ts";

/** One accepted connection: reads, writes, close. */
export interface ServerConn {
  /** Reads into `p`; resolves the byte count, or null at the end of the stream. */
  read(p: Uint8Array): Promise<number | null>;
  /** Writes all of `p` (or throws when the peer is gone); resolves `p.length`. */
  write(p: Uint8Array): Promise<number>;
  /** Closes after what was written is sent; resolves when the connection is released. */
  close(): Promise<void>;
  /** Closes at once (the server is stopping); resolves when the connection is released. */
  abort(): Promise<void>;
}

/** Accepts connections on 127.0.0.1. */
export interface ServerListener {
  /** The bound port. */
  readonly port: number;
  /** The next connection; rejects once the listener is closed. */
  accept(): Promise<ServerConn>;
  /** Stops accepting; resolves when the listening socket is released. */
  close(): Promise<void>;
}

/**
 * Listens on 127.0.0.1 (HTTPS when `material` is given).
 *
 * @param port Port (0 = ephemeral).
 * @param material Certificate and key for HTTPS.
 */
export async function listen(
  port: number,
  material: TlsMaterial | undefined,
): Promise<ServerListener> {
  return material ? await TlsListener.listen(port, material) : new TcpListener(port);
}

class TcpListener implements ServerListener {
  #listener: Deno.TcpListener;

  constructor(port: number) {
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port });
  }

  get port(): number {
    return this.#listener.addr.port;
  }

  async accept(): Promise<ServerConn> {
    const conn = await this.#listener.accept();
    try {
      conn.setNoDelay(true);
    } catch {
      // The peer is already gone; reads will say so.
    }
    return new TcpConn(conn);
  }

  close(): Promise<void> {
    try {
      this.#listener.close();
    } catch {
      // already closed
    }
    return Promise.resolve();
  }
}

/** A `Deno.TcpConn` seen through {@linkcode ServerConn}. */
class TcpConn implements ServerConn {
  #conn: Deno.TcpConn;

  constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
  }

  read(p: Uint8Array): Promise<number | null> {
    return this.#conn.read(p);
  }

  write(p: Uint8Array): Promise<number> {
    return this.#conn.write(p);
  }

  close(): Promise<void> {
    try {
      this.#conn.close();
    } catch {
      // already closed
    }
    return Promise.resolve();
  }

  abort(): Promise<void> {
    return this.close();
  }
}

class TlsListener implements ServerListener {
  #server: tls.Server;
  #ready: NodeTlsConn[] = [];
  #waiting: PromiseWithResolvers<ServerConn>[] = [];
  #closed = false;
  #port: number;
  #raw = new Set<{ destroy(): void }>();

  private constructor(server: tls.Server, port: number) {
    this.#server = server;
    this.#port = port;
    // Every TCP socket, handshake done or not, so that close() never waits on a silent client.
    server.on("connection", (raw: { destroy(): void; once(e: "close", f: () => void): void }) => {
      this.#raw.add(raw);
      raw.once("close", () => this.#raw.delete(raw));
    });
    server.on("secureConnection", (socket: tls.TLSSocket) => {
      socket.setNoDelay(true);
      const conn = new NodeTlsConn(socket);
      if (this.#closed) return void conn.abort();
      const waiter = this.#waiting.shift();
      if (waiter) waiter.resolve(conn);
      else this.#ready.push(conn);
    });
    // A client that refuses the certificate or speaks plain HTTP ends here; nothing to answer.
    server.on("tlsClientError", () => {});
    server.on("error", () => {});
  }

  static async listen(port: number, material: TlsMaterial): Promise<TlsListener> {
    const server = tls.createServer({ cert: material.cert, key: material.key });
    const bound = Promise.withResolvers<number>();
    server.once("error", bound.reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", bound.reject);
      const addr = server.address();
      bound.resolve(typeof addr === "object" && addr ? addr.port : port);
    });
    return new TlsListener(server, await bound.promise);
  }

  get port(): number {
    return this.#port;
  }

  accept(): Promise<ServerConn> {
    if (this.#closed) return Promise.reject(new Error("listener closed"));
    const conn = this.#ready.shift();
    if (conn) return Promise.resolve(conn);
    const waiter = Promise.withResolvers<ServerConn>();
    this.#waiting.push(waiter);
    return waiter.promise;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const waiter of this.#waiting.splice(0)) waiter.reject(new Error("listener closed"));
    const closed = Promise.withResolvers<void>();
    this.#server.close(() => closed.resolve());
    await Promise.all(this.#ready.splice(0).map((conn) => conn.abort()));
    for (const raw of this.#raw) raw.destroy();
    await closed.promise;
  }
}

/** A `node:tls` socket seen through {@linkcode ServerConn}. */
class NodeTlsConn implements ServerConn {
  #socket: tls.TLSSocket;
  #pending: Uint8Array | undefined;
  #ended = false;
  #error: Error | undefined;
  #wake: (() => void) | undefined;
  #closed: Promise<void>;

  constructor(socket: tls.TLSSocket) {
    this.#socket = socket;
    const { promise, resolve } = Promise.withResolvers<void>();
    this.#closed = promise;
    const wake = () => {
      const w = this.#wake;
      this.#wake = undefined;
      w?.();
    };
    socket.on("readable", wake);
    socket.on("end", () => {
      this.#ended = true;
      wake();
    });
    socket.on("error", (err: Error) => {
      this.#error = err;
      wake();
    });
    socket.on("close", () => {
      this.#ended = true;
      wake();
      resolve();
    });
  }

  async read(p: Uint8Array): Promise<number | null> {
    while (true) {
      if (this.#pending) {
        const n = Math.min(p.length, this.#pending.length);
        p.set(this.#pending.subarray(0, n));
        this.#pending = n < this.#pending.length ? this.#pending.subarray(n) : undefined;
        return n;
      }
      const chunk: Uint8Array | null = this.#socket.read();
      if (chunk && chunk.length > 0) {
        this.#pending = chunk;
        continue;
      }
      if (this.#error) throw this.#error;
      if (this.#ended || this.#socket.destroyed) return null;
      await new Promise<void>((resolve) => this.#wake = resolve);
    }
  }

  async write(p: Uint8Array): Promise<number> {
    if (this.#error) throw this.#error;
    if (this.#socket.destroyed || !this.#socket.writable) {
      throw new Deno.errors.BrokenPipe("connection closed");
    }
    // node keeps a reference until the bytes are sent: hand it a copy the caller cannot reuse.
    if (!this.#socket.write(p.slice())) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.#socket.off("drain", done);
          this.#socket.off("close", done);
          resolve();
        };
        this.#socket.on("drain", done);
        this.#socket.on("close", done);
      });
      if (this.#socket.destroyed) throw this.#error ?? new Deno.errors.BrokenPipe("closed");
    }
    return p.length;
  }

  close(): Promise<void> {
    // Send what is queued, then the TLS close and FIN, then release the socket.
    if (!this.#socket.destroyed) this.#socket.end(() => this.#socket.destroy());
    return this.#closed;
  }

  abort(): Promise<void> {
    this.#socket.destroy();
    return this.#closed;
  }
}
