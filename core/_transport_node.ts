// The second transport of the one request path, built on `node:tls` and our HTTP/1.1 (`_http1.ts`):
// used only where `fetch` cannot do what the profile asks (a true certificate pin, no verification,
// no host-name check, a proxy together with one of those, environment proxies to ignore). It
// exposes a fetch-like function that returns a standard `Response` whose body streams, so that
// `Connection` keeps one path whatever carries the request.
//
// Facts it relies on (DESIGN.md "Measured in 2026-12"): in `tls.connect`, `ca` replaces the trust
// store, a pinned `CA:TRUE` self-signed certificate is accepted, `rejectUnauthorized: false` and
// `checkServerIdentity` work and `minVersion` is honoured; `Deno.connect` ignores the
// environment's proxy variables (we pass the proxy we resolved ourselves). It does not use
// node:http/node:https: see `_http1.ts` for what they did to streamed downloads.

import tls from "node:tls";
import { ProxyRefusedError } from "./_proxy.ts";
import {
  connectRaw,
  exchange,
  type Link,
  NoAnswerError,
  proxyConnect,
  type RawConnection,
} from "./_http1.ts";

/** A proxy the transport goes through (plain HTTP proxy; CONNECT for https targets). */
export interface TransportProxy {
  /** Proxy host name or IP. */
  host: string;
  /** Proxy port. */
  port: number;
  /** The `Proxy-Authorization` header value, when the proxy URL carried credentials. */
  authorization?: string;
}

/** TLS and proxy settings of a transport. */
export interface TransportTls {
  /** PEM certificates that replace the trust store (a pin), or undefined for the system's. */
  ca?: string[];
  /** Verify the certificate chain. */
  verify: boolean;
  /** Check that the certificate names the host. */
  verifyHostname: boolean;
  /** Refuse anything below TLS 1.2. */
  forceTls12: boolean;
}

/** What a transport call takes (a subset of `RequestInit`). */
export interface TransportInit {
  /** HTTP method, upper case. */
  method: string;
  /** Request headers. */
  headers: Record<string, string>;
  /** Request body. */
  body?: BodyInit | undefined;
  /** Aborts the request and the body of its answer. */
  signal: AbortSignal;
  /** Send over a connection of its own (writes that must reach the server at most once). */
  fresh: boolean;
}

/** A fetch-like transport that owns its connections. */
export interface Transport {
  /** Which transport this is, for the debug log and benchmarks. */
  readonly kind: "fetch" | "node";
  /** Sends one request (no redirect is followed). */
  send(url: string, init: TransportInit): Promise<Response>;
  /** Closes every connection the transport holds. Idempotent. */
  close(): void;
}

/** Thrown by the node transport for a failure before an answer arrived; `cause` is node's error. */
export class TransportError extends TypeError {
  /** Node's error code, such as `ECONNREFUSED` or `CERT_HAS_EXPIRED`. */
  readonly code: string | undefined;

  /**
   * @param url The request URL.
   * @param cause Node's error.
   */
  constructor(url: string, cause: unknown) {
    const code = (cause as { code?: unknown })?.code;
    super(
      `error sending request for url (${url}): ${
        cause instanceof Error ? cause.message : String(cause)
      }${typeof code === "string" && !String(cause).includes(code) ? ` (${code})` : ""}`,
      { cause },
    );
    this.name = "TransportError";
    this.code = typeof code === "string" ? code : undefined;
  }
}

/** Options of {@linkcode createNodeTransport}. */
export interface NodeTransportOptions {
  /** TLS settings. */
  tls: TransportTls;
  /** The proxy, if any. */
  proxy?: TransportProxy | undefined;
  /** Idle connections kept per host. */
  maxFreeSockets: number;
}

/** A connection of the transport: the TLS (or plain) socket, the TCP connection under it. */
interface PooledLink extends Link {
  /** `scheme://host:port` of the target. */
  key: string;
  /** Listeners attached while the link waits in the pool. */
  idle?: (() => void) | undefined;
}

/**
 * Builds the node transport: HTTP/1.1 of `_http1.ts` over `node:tls` (or plain TCP), with idle
 * connections kept per host like a keep-alive agent.
 *
 * @param options TLS, proxy and pool settings.
 * @returns The transport; close it when done.
 */
export function createNodeTransport(options: NodeTransportOptions): Transport {
  const tlsOptions = tlsOptionsFor(options.tls);
  const maxIdle = Math.max(0, options.maxFreeSockets);
  const proxy = options.proxy;
  const idle = new Map<string, PooledLink[]>();
  const live = new Set<PooledLink>();
  let closed = false;

  const destroy = (link: PooledLink) => {
    live.delete(link);
    link.socket.destroy();
    link.raw.destroy();
  };
  const take = (key: string): PooledLink | undefined => {
    const links = idle.get(key);
    for (let link = links?.pop(); link; link = links?.pop()) {
      link.idle?.();
      link.idle = undefined;
      link.raw.alive = true;
      if (!link.socket.destroyed && !link.raw.destroyed) return link;
      destroy(link);
    }
    return undefined;
  };
  const put = (link: PooledLink) => {
    const links = idle.get(link.key) ?? [];
    if (closed || links.length >= maxIdle) return destroy(link);
    // A kept connection the server closes (or writes to unasked) leaves the pool.
    const drop = () => {
      const at = links.indexOf(link);
      if (at >= 0) links.splice(at, 1);
      link.idle?.();
      link.idle = undefined;
      destroy(link);
    };
    link.socket.on("data", drop);
    link.socket.on("end", drop);
    link.socket.on("close", drop);
    link.idle = () => {
      link.socket.off("data", drop);
      link.socket.off("end", drop);
      link.socket.off("close", drop);
    };
    link.raw.alive = false; // A script that never closes its connection still ends.
    links.push(link);
    idle.set(link.key, links);
  };

  const open = async (target: URL, secure: boolean, signal: AbortSignal, url: string) => {
    const host = target.hostname.replace(/^\[|\]$/g, "");
    const port = Number(target.port || (secure ? 443 : 80));
    let raw: RawConnection;
    try {
      raw = proxy
        ? await connectRaw(proxy.host, proxy.port, signal)
        : await connectRaw(host, port, signal);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      const name = proxy ? proxy.host : host;
      throw new TransportError(
        url,
        /failed to lookup|getaddrinfo|ENOTFOUND|EAI_AGAIN/i.test(String(error))
          ? new Error(`dns error: the host name "${name}" does not resolve`, { cause: error })
          : error,
      );
    }
    raw.on("error", () => {}); // Reported through the exchange or the TLS socket.
    try {
      if (proxy && secure) {
        const headers: Record<string, string> = {};
        if (proxy.authorization) headers["proxy-authorization"] = proxy.authorization;
        const answer = await proxyConnect(raw, `${target.hostname}:${port}`, headers, signal);
        if (answer.status !== 200) throw new ProxyRefusedError(answer.status, answer.reason);
      }
      const socket = secure ? await handshake(raw, host, tlsOptions, signal) : raw;
      socket.on("error", () => {});
      const link: PooledLink = { socket, raw, key: `${target.protocol}//${host}:${port}` };
      if (closed) {
        raw.destroy();
        throw new Error("the transport is closed");
      }
      live.add(link);
      return link;
    } catch (error) {
      raw.destroy();
      if (signal.aborted) throw signal.reason;
      throw error instanceof ProxyRefusedError ? error : new TransportError(url, error);
    }
  };

  return {
    kind: "node",
    async send(url: string, init: TransportInit): Promise<Response> {
      if (closed) throw new TransportError(url, new Error("the transport is closed"));
      const signal = init.signal;
      signal.throwIfAborted();
      const target = new URL(url);
      const secure = target.protocol === "https:";
      const { bytes, stream, contentType } = await bodyOf(init.body);
      const headers: Record<string, string> = { host: target.host, ...init.headers };
      if (contentType && !hasHeader(headers, "content-type")) headers["content-type"] = contentType;
      if (bytes) headers["content-length"] = String(bytes.byteLength);
      else if (!stream && init.method !== "GET" && init.method !== "HEAD") {
        headers["content-length"] = "0";
      }
      let path = `${target.pathname}${target.search}`;
      if (proxy && !secure) {
        // Plain forward: the request line carries the absolute URL.
        path = target.href;
        if (proxy.authorization) headers["proxy-authorization"] = proxy.authorization;
      }
      // A write that must reach the server at most once goes over a connection of its own.
      const keep = !init.fresh && maxIdle > 0;
      if (!keep) headers["connection"] = "close";
      const key = `${target.protocol}//${target.hostname.replace(/^\[|\]$/g, "")}:${
        Number(target.port || (secure ? 443 : 80))
      }`;
      const head = { method: init.method, path, headers };
      for (let attempt = 0;; attempt++) {
        const reused = keep ? take(key) : undefined;
        const link = reused ?? await open(target, secure, signal, url);
        try {
          return await exchange(link, head, bytes ?? stream, signal, (reusable) => {
            if (reusable && keep && !closed) put(link);
            else destroy(link);
          });
        } catch (error) {
          if (signal.aborted) throw signal.reason;
          // A kept connection the server closed as the request went out: the request did not
          // reach it, so it is sent once more over a new connection (what fetch does too).
          if (reused && error instanceof NoAnswerError && !stream && attempt === 0) continue;
          throw error instanceof TransportError ? error : new TransportError(url, error);
        }
      }
    },
    close(): void {
      if (closed) return;
      closed = true;
      for (const link of live) destroy(link);
      idle.clear();
    },
  };
}

function handshake(
  raw: RawConnection,
  host: string,
  tlsOptions: TlsOptions,
  signal: AbortSignal,
): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const servername = /^[\d.]+$|:/.test(host) ? undefined : host;
    raw.recycle = true;
    const socket = tls.connect({
      ...tlsOptions,
      socket: raw,
      host,
      ...(servername ? { servername } : {}),
    });
    const finish = (error?: unknown) => {
      signal.removeEventListener("abort", onAbort);
      socket.off("secureConnect", onSecure);
      socket.off("error", finish);
      socket.off("close", onClose);
      if (error === undefined) resolve(socket);
      else {
        socket.on("error", () => {});
        socket.destroy();
        reject(error);
      }
    };
    const onSecure = () => finish();
    const onAbort = () => finish(signal.reason);
    const onClose = () =>
      finish(new Error("the server closed the connection during the TLS handshake"));
    signal.addEventListener("abort", onAbort, { once: true });
    socket.once("secureConnect", onSecure);
    socket.once("error", finish);
    socket.once("close", onClose);
  });
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((k) => k.toLowerCase() === name);
}

type TlsOptions = Pick<
  tls.ConnectionOptions,
  "rejectUnauthorized" | "ca" | "checkServerIdentity" | "minVersion"
>;

function tlsOptionsFor(settings: TransportTls): TlsOptions {
  const options: TlsOptions = { rejectUnauthorized: settings.verify };
  if (settings.ca) options.ca = settings.ca;
  if (!settings.verifyHostname) options.checkServerIdentity = () => undefined;
  if (settings.forceTls12) options.minVersion = "TLSv1.2";
  return options;
}

interface Body {
  bytes?: Uint8Array | undefined;
  stream?: ReadableStream<Uint8Array> | undefined;
  contentType?: string | undefined;
}

async function bodyOf(body: BodyInit | undefined | null): Promise<Body> {
  if (body === undefined || body === null) return {};
  if (typeof body === "string") return { bytes: new TextEncoder().encode(body) };
  if (body instanceof Uint8Array) return { bytes: body };
  if (body instanceof ReadableStream) return { stream: body as ReadableStream<Uint8Array> };
  // FormData, Blob, URLSearchParams, ArrayBuffer: let the platform encode it (multipart boundary
  // and content type included), as fetch would.
  const encoded = new Request("http://127.0.0.1/", { method: "POST", body });
  const contentType = encoded.headers.get("content-type") ?? undefined;
  return { bytes: new Uint8Array(await encoded.arrayBuffer()), contentType };
}

export { ProxyRefusedError };
