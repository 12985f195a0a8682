// The second transport of the one request path, built on `node:http`, `node:https` and `node:tls`:
// used only where `fetch` cannot do what the profile asks (a true certificate pin, no verification,
// no host-name check, a proxy together with one of those, environment proxies to ignore). It
// exposes a fetch-like function that returns a standard `Response` whose body streams, so that
// `Connection` keeps one path whatever carries the request.
//
// Facts it relies on (DESIGN.md "Measured in 2026-12"): `ca` replaces the trust store, a pinned
// `CA:TRUE` self-signed certificate is accepted, `rejectUnauthorized: false` and
// `checkServerIdentity` work, `minVersion` is honoured, and node:https ignores the environment's
// proxy variables (we pass the proxy we resolved ourselves).

import http from "node:http";
import https from "node:https";
import tls from "node:tls";
import { exchangeOverSocket } from "./_http1.ts";

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

/**
 * Builds the node transport.
 *
 * @param options TLS, proxy and pool settings.
 * @returns The transport; close it when done.
 */
export function createNodeTransport(options: NodeTransportOptions): Transport {
  const tlsOptions = tlsOptionsFor(options.tls);
  const keep = options.maxFreeSockets > 0;
  const agentOptions = { keepAlive: keep, maxFreeSockets: Math.max(1, options.maxFreeSockets) };
  const httpsAgent = new https.Agent({ ...agentOptions, ...tlsOptions });
  const httpAgent = new http.Agent(agentOptions);
  const proxy = options.proxy;
  const freshRequests = new Set<http.ClientRequest>();
  let closed = false;
  return {
    kind: "node",
    async send(url: string, init: TransportInit): Promise<Response> {
      if (closed) throw new TransportError(url, new Error("the transport is closed"));
      init.signal.throwIfAborted();
      const target = new URL(url);
      const secure = target.protocol === "https:";
      const { bytes, stream, contentType } = await bodyOf(init.body);
      const headers: Record<string, string> = { ...init.headers };
      if (contentType && !hasHeader(headers, "content-type")) headers["content-type"] = contentType;
      if (bytes) headers["content-length"] = String(bytes.byteLength);
      else if (!stream && init.method !== "GET" && init.method !== "HEAD") {
        headers["content-length"] = "0";
      }
      const request: http.RequestOptions & tls.ConnectionOptions = {
        method: init.method,
        host: target.hostname.replace(/^\[|\]$/g, ""),
        port: Number(target.port || (secure ? 443 : 80)),
        path: `${target.pathname}${target.search}`,
        headers,
      };
      const module: typeof http | typeof https = secure ? https : http;
      if (proxy && !secure) {
        // Plain forward: the request line carries the absolute URL.
        request.host = proxy.host;
        request.port = proxy.port;
        request.path = target.href;
        headers["host"] = target.host;
        if (proxy.authorization) headers["proxy-authorization"] = proxy.authorization;
        request.agent = init.fresh ? false : httpAgent;
      } else if (proxy && secure) {
        const socket = await tunnel(proxy, target, tlsOptions, init.signal, url);
        const payload = bytes ?? (stream ? await new Response(stream).bytes() : undefined);
        const sent = { method: init.method, path: request.path!, headers: { ...headers } };
        sent.headers["host"] = target.host;
        if (payload) sent.headers["content-length"] = String(payload.byteLength);
        try {
          return await exchangeOverSocket(socket, sent, payload, init.signal);
        } catch (error) {
          throw init.signal.aborted ? init.signal.reason : new TransportError(url, error);
        }
      } else if (secure) {
        Object.assign(request, tlsOptions);
        request.agent = init.fresh
          ? new https.Agent({ keepAlive: false, ...tlsOptions })
          : httpsAgent;
      } else {
        request.agent = init.fresh ? false : httpAgent;
      }
      return await exchange(module, request, init, bytes, stream, url, freshRequests);
    },
    close(): void {
      if (closed) return;
      closed = true;
      httpsAgent.destroy();
      httpAgent.destroy();
      for (const req of freshRequests) req.destroy();
      freshRequests.clear();
    },
  };
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

function tunnel(
  proxy: TransportProxy,
  target: URL,
  tlsOptions: TlsOptions,
  signal: AbortSignal,
  url: string,
): Promise<tls.TLSSocket> {
  const authority = `${target.hostname}:${target.port || 443}`;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: authority };
    if (proxy.authorization) headers["proxy-authorization"] = proxy.authorization;
    const req = http.request({
      host: proxy.host,
      port: proxy.port,
      method: "CONNECT",
      path: authority,
      headers,
      agent: false,
    });
    const onAbort = () => {
      req.destroy();
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    const done = () => signal.removeEventListener("abort", onAbort);
    req.on("error", (e) => {
      done();
      reject(new TransportError(url, e));
    });
    req.on("connect", (res, socket) => {
      if (res.statusCode !== 200) {
        done();
        socket.destroy();
        reject(new ProxyRefusedError(res.statusCode ?? 0, res.statusMessage ?? ""));
        return;
      }
      const servername = /^[\d.]+$|:/.test(target.hostname) ? undefined : target.hostname;
      const secure = tls.connect({
        ...tlsOptions,
        socket,
        host: target.hostname,
        ...(servername ? { servername } : {}),
      });
      secure.once("secureConnect", () => {
        done();
        resolve(secure);
      });
      secure.once("error", (e) => {
        done();
        socket.destroy();
        reject(new TransportError(url, e));
      });
    });
    req.end();
  });
}

/** The proxy answered CONNECT with something else than 200. */
export class ProxyRefusedError extends Error {
  /** The proxy's status. */
  readonly status: number;

  /**
   * @param status The proxy's status.
   * @param reason The proxy's reason phrase.
   */
  constructor(status: number, reason: string) {
    super(`the proxy refused CONNECT with status ${status} ${reason}`.trim());
    this.name = "ProxyRefusedError";
    this.status = status;
  }
}

/**
 * Ends a request and the connection under it. Measured with Deno 2.9.6: node:http sends a request
 * again by itself when the kept-alive socket it reused closes before an answer
 * (`maybeRetryRequest`), even when we destroyed it on abort, so an aborted GET reached the server
 * twice; marking the socket as not reused turns that off for a request we end.
 */
function drop(req: http.ClientRequest): void {
  (req as { reusedSocket: boolean }).reusedSocket = false;
  req.destroy();
}

function exchange(
  module: typeof http | typeof https,
  options: http.RequestOptions,
  init: TransportInit,
  bytes: Uint8Array | undefined,
  stream: ReadableStream<Uint8Array> | undefined,
  url: string,
  fresh: Set<http.ClientRequest>,
): Promise<Response> {
  const signal = init.signal;
  return new Promise((resolve, reject) => {
    let settled = false;
    const req = module.request(options);
    req.setNoDelay(true);
    fresh.add(req);
    const onAbort = () => {
      drop(req);
      if (!settled) {
        settled = true;
        reject(signal.reason);
      }
    };
    signal.addEventListener("abort", onAbort, { once: true });
    const cleanup = () => {
      signal.removeEventListener("abort", onAbort);
      fresh.delete(req);
    };
    req.on("error", (e) => {
      if (settled) return;
      settled = true;
      cleanup();
      reject(signal.aborted ? signal.reason : new TransportError(url, e));
    });
    req.on("response", (res) => {
      if (settled) {
        res.destroy();
        return;
      }
      settled = true;
      resolve(toResponse(res, init, req, cleanup));
    });
    if (bytes) req.end(bytes);
    else if (stream) {
      pipeStream(stream, req).catch((e) =>
        req.destroy(e instanceof Error ? e : new Error(String(e)))
      );
    } else req.end();
  });
}

async function pipeStream(
  stream: ReadableStream<Uint8Array>,
  req: http.ClientRequest,
): Promise<void> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!req.write(value)) {
        await new Promise<void>((resolve) => {
          req.once("drain", resolve);
          req.once("close", resolve);
        });
      }
      if (req.destroyed) {
        await reader.cancel();
        return;
      }
    }
    req.end();
  } finally {
    reader.releaseLock();
  }
}

const MAX_CHUNK = 64 * 1024;

function toResponse(
  res: http.IncomingMessage,
  init: TransportInit,
  req: http.ClientRequest,
  cleanup: () => void,
): Response {
  const status = res.statusCode ?? 0;
  const headers = new Headers();
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    try {
      headers.append(raw[i]!, raw[i + 1]!);
    } catch {
      // A header value the Fetch standard refuses is left out, as fetch would refuse the answer.
    }
  }
  const signal = init.signal;
  const noBody = init.method === "HEAD" || status === 204 || status === 304;
  if (noBody) {
    res.resume();
    res.once("end", cleanup);
    return new Response(null, { status, statusText: res.statusMessage ?? "", headers });
  }
  let finished = false;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const fail = (reason: unknown) => {
        if (finished) return;
        finished = true;
        cleanup();
        signal.removeEventListener("abort", onAbort);
        controller.error(reason);
      };
      const onAbort = () => {
        drop(req);
        fail(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      res.on("data", (chunk: Uint8Array) => {
        if (finished) return;
        // Chunks as fetch gives them (at most 64 KiB), whatever size node:tls hands over.
        for (let at = 0; at < chunk.byteLength; at += MAX_CHUNK) {
          const size = Math.min(MAX_CHUNK, chunk.byteLength - at);
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset + at, size));
        }
        if ((controller.desiredSize ?? 1) <= 0) res.pause();
      });
      res.on("end", () => {
        if (finished) return;
        finished = true;
        cleanup();
        signal.removeEventListener("abort", onAbort);
        controller.close();
      });
      res.on("error", (e) => fail(e));
      res.on("aborted", () => fail(new TypeError("the server closed the connection mid-answer")));
      res.on("close", () => {
        if (!res.complete) fail(new TypeError("the server closed the connection mid-answer"));
      });
    },
    pull() {
      res.resume();
    },
    cancel() {
      finished = true;
      cleanup();
      if (!res.complete) drop(req);
      res.destroy();
    },
  }, { highWaterMark: 4 });
  return new Response(body, { status, statusText: res.statusMessage ?? "", headers });
}
