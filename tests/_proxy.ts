// A real HTTP proxy on loopback, written for the tests: CONNECT tunnels (for https targets) and
// plain forwarding of absolute-form requests (for http targets), with optional Basic
// authentication. It records what it was asked, so a test can tell whether a request went through
// it, and whether the API token crossed it in clear text.

/** One request the proxy received. */
export interface ProxySeen {
  /** `CONNECT` or the forwarded method. */
  method: string;
  /** The CONNECT authority or the absolute URL. */
  target: string;
  /** The Proxy-Authorization header, decoded (`user:password`), or null. */
  credentials: string | null;
  /** The X-Auth-Token header of a forwarded request (null for CONNECT: it is inside TLS). */
  token: string | null;
}

/** Options of {@linkcode startProxy}. */
export interface ProxyOptions {
  /** Require these credentials (`user:password`), answering 407 otherwise. */
  credentials?: string;
  /** Refuse every CONNECT with this status. */
  refuseConnect?: number;
}

/** A running proxy. */
export interface TestProxy extends AsyncDisposable {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  /** The port. */
  port: number;
  /** What it received. */
  seen: ProxySeen[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function readHead(conn: Deno.Conn): Promise<{ head: string; rest: Uint8Array } | undefined> {
  let buffer = new Uint8Array(0);
  const chunk = new Uint8Array(16 * 1024);
  while (buffer.length < 64 * 1024) {
    const n = await conn.read(chunk);
    if (n === null) return undefined;
    const joined = new Uint8Array(buffer.length + n);
    joined.set(buffer);
    joined.set(chunk.subarray(0, n), buffer.length);
    buffer = joined;
    const text = decoder.decode(buffer);
    const end = text.indexOf("\r\n\r\n");
    if (end >= 0) {
      const headBytes = encoder.encode(text.slice(0, end + 4)).length;
      return { head: text.slice(0, end), rest: buffer.subarray(headBytes) };
    }
  }
  return undefined;
}

function header(lines: string[], name: string): string | null {
  const line = lines.find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line === undefined ? null : line.slice(line.indexOf(":") + 1).trim();
}

async function pipe(from: Deno.Conn, to: Deno.Conn): Promise<void> {
  const chunk = new Uint8Array(64 * 1024);
  try {
    for (;;) {
      const n = await from.read(chunk);
      if (n === null) break;
      let off = 0;
      while (off < n) off += await to.write(chunk.subarray(off, n));
    }
  } catch {
    // Either side closed.
  }
  await to.closeWrite().catch(() => {});
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let off = 0;
  while (off < bytes.length) off += await conn.write(bytes.subarray(off));
}

async function handle(conn: Deno.Conn, options: ProxyOptions, seen: ProxySeen[]): Promise<void> {
  const got = await readHead(conn);
  if (!got) return;
  const lines = got.head.split("\r\n");
  const [method = "", target = ""] = lines[0]!.split(" ");
  const auth = header(lines, "proxy-authorization");
  const credentials = auth?.startsWith("Basic ")
    ? decoder.decode(Uint8Array.fromBase64(auth.slice(6)))
    : null;
  seen.push({
    method,
    target,
    credentials,
    token: method === "CONNECT" ? null : header(lines, "x-auth-token"),
  });
  const refuse = async (status: number, reason: string) => {
    const extra = status === 407 ? 'Proxy-Authenticate: Basic realm="test"\r\n' : "";
    await writeAll(
      conn,
      encoder.encode(
        `HTTP/1.1 ${status} ${reason}\r\n${extra}Content-Length: 0\r\nConnection: close\r\n\r\n`,
      ),
    );
  };
  if (options.credentials !== undefined && credentials !== options.credentials) {
    return await refuse(407, "Proxy Authentication Required");
  }
  if (method === "CONNECT") {
    if (options.refuseConnect) return await refuse(options.refuseConnect, "Forbidden");
    const [host, port] = [
      target.slice(0, target.lastIndexOf(":")),
      target.slice(target.lastIndexOf(":") + 1),
    ];
    let upstream: Deno.Conn;
    try {
      upstream = await Deno.connect({ hostname: host, port: Number(port) });
    } catch {
      return await refuse(502, "Bad Gateway");
    }
    await writeAll(conn, encoder.encode("HTTP/1.1 200 Connection established\r\n\r\n"));
    if (got.rest.length) await writeAll(upstream, got.rest);
    await Promise.all([pipe(conn, upstream), pipe(upstream, conn)]);
    upstream.close();
    return;
  }
  // Plain forwarding: rewrite the request line to origin form, send one request, relay the answer.
  const url = new URL(target);
  const upstream = await Deno.connect({ hostname: url.hostname, port: Number(url.port || 80) });
  const kept = lines.slice(1).filter((l) =>
    !/^(proxy-authorization|proxy-connection|connection):/i.test(l)
  );
  const head = [`${method} ${url.pathname}${url.search} HTTP/1.1`, ...kept, "Connection: close"];
  await writeAll(upstream, encoder.encode(head.join("\r\n") + "\r\n\r\n"));
  if (got.rest.length) await writeAll(upstream, got.rest);
  await Promise.all([pipe(conn, upstream), pipe(upstream, conn)]);
  upstream.close();
}

/**
 * Starts the proxy on a free loopback port.
 *
 * @param options Authentication and refusal settings.
 * @returns The proxy; dispose it to stop it and close every connection.
 */
export function startProxy(options: ProxyOptions = {}): TestProxy {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const seen: ProxySeen[] = [];
  const conns = new Set<Deno.Conn>();
  const handlers = new Set<Promise<void>>();
  const accepting = (async () => {
    for await (const conn of listener) {
      conns.add(conn);
      const done = handle(conn, options, seen).catch(() => {}).finally(() => {
        conns.delete(conn);
        try {
          conn.close();
        } catch {
          // Already closed.
        }
        handlers.delete(done);
      });
      handlers.add(done);
    }
  })().catch(() => {});
  const port = (listener.addr as Deno.NetAddr).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    async [Symbol.asyncDispose]() {
      listener.close();
      for (const c of conns) {
        try {
          c.close();
        } catch {
          // Already closed.
        }
      }
      await accepting;
      await Promise.all([...handlers]);
    },
  };
}
