/**
 * The one request path of the library: every module sends its HTTP requests through a
 * {@linkcode Connection}, which adds the headers, encodes query strings and JSON bodies the way the
 * Python library does, applies the per-request timeout and the caller's `AbortSignal`, retries
 * what is safe to retry (honouring `Retry-After`), follows same-origin redirects only, maps
 * failures to the error tree and writes the debug log lines.
 *
 * @example Open a connection to the emulator and read the server info
 * ```ts
 * import assert from "node:assert/strict";
 * import { Connection } from "@cbapi/cbapi/core";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * using conn = await Connection.open("response", { url: emu.url, token: emu.token });
 * const info = await conn.getObject<{ version: string }>("/api/info");
 * assert.ok(typeof info?.version === "string");
 * ```
 *
 * @module
 */

import {
  type CredentialOptions,
  type Credentials,
  loadCredentials,
  type Product,
} from "./credentials.ts";
import { ApiError, ConnectionError, ServerError, TimeoutError } from "./errors.ts";
import { errorForStatus, normaliseBaseUrl, readErrorBody } from "./_http.ts";
import { redactSecrets, redactText } from "./_secrets.ts";
import { deadlineSignal, delay, Semaphore } from "./_async.ts";
import { encodeJson, encodeQuery, type QueryParams } from "./_encode.ts";
import {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  errorText,
  isConnectFailure,
  isIdempotent,
  isPermanentFailure,
  isRetryableStatus,
  parseRetryAfter,
  type RetryPolicy,
} from "./_retry.ts";
import { consoleLogger, formatSeconds, type Logger, warningsOnlyLogger } from "./log.ts";

export type { QueryParams } from "./_encode.ts";

/** The Python library's User-Agent prefix, kept so server logs read the same. */
export const USER_AGENT_PREFIX = "cbapi/1.3.6";

/** Default per-request timeout of Cb Response, as in the Python library: 120 s. */
export const RESPONSE_DEFAULT_TIMEOUT_MS = 120_000;

/** Options of {@linkcode Connection.open} and of every product's `connect()`. */
export interface ConnectOptions extends CredentialOptions {
  /**
   * Per-attempt timeout in milliseconds (until the answer's headers, and for JSON answers the
   * whole body). 0 means none.
   *
   * @default 120000 for Cb Response, none for Protection and Defense
   */
  timeout?: number;
  /**
   * How many times a failed request that is safe to repeat is retried.
   *
   * @default 5
   */
  maxRetries?: number;
  /**
   * Back-off before the first retry in milliseconds; it doubles for each further retry.
   *
   * @default 500
   */
  retryBaseDelayMs?: number;
  /**
   * Cap of one back-off delay in milliseconds.
   *
   * @default 8000
   */
  maxRetryDelayMs?: number;
  /**
   * The longest `Retry-After` the client waits; a server asking for longer gets a
   * {@linkcode ServerError} at once.
   *
   * @default 60000
   */
  maxRetryAfterMs?: number;
  /**
   * Idle connections kept per host for reuse (Python `pool_connections`).
   *
   * @default 10
   */
  poolConnections?: number;
  /**
   * Most requests in flight at once when `poolBlock` is set (Python `pool_maxsize`).
   *
   * @default 10
   */
  poolMaxSize?: number;
  /**
   * Make requests wait for a free place instead of opening more connections than
   * `poolMaxSize` (Python `pool_block`).
   *
   * @default false
   */
  poolBlock?: boolean;
  /**
   * Appended to the User-Agent, as the Python library's `integration_name`.
   *
   * @default undefined
   */
  integrationName?: string;
  /**
   * Receives debug lines and warnings. Without one, debug lines are written to stderr when
   * `CBAPI_DEBUG=1`, and only warnings otherwise.
   *
   * @default undefined
   */
  logger?: Logger;
  /**
   * Aborts opening the connection (and the first request `connect()` makes).
   *
   * @default undefined
   */
  signal?: AbortSignal;
}

/** Per-call options accepted by every method that can touch the network. */
export interface RequestOptions {
  /**
   * Aborts the call; its reason is rethrown unchanged.
   *
   * @default undefined
   */
  signal?: AbortSignal;
  /**
   * Overrides the connection's per-attempt timeout in milliseconds (0 = none).
   *
   * @default the connection's timeout
   */
  timeout?: number;
  /**
   * Overrides the connection's retry count.
   *
   * @default the connection's maxRetries
   */
  maxRetries?: number;
}

/** A request as the one request path takes it. */
export interface HttpRequest extends RequestOptions {
  /** Query parameters, encoded sorted and form-style (Python `get_object` rules). */
  query?: QueryParams;
  /** Keep the query parameters in the given order instead of sorting them. */
  unsortedQuery?: boolean;
  /**
   * A JSON body (sent with `Content-Type: application/json`, keys sorted). `null` sends the
   * literal `null`; leave it out for no body.
   */
  json?: unknown;
  /** A raw body (multipart uploads, streams). */
  body?: BodyInit;
  /** Extra headers. */
  headers?: Record<string, string>;
  /** Whether the request may be repeated; defaults to the method's idempotency. */
  idempotent?: boolean;
}

/** What {@linkcode Connection.requestJson} returns. */
export interface JsonResponse<T> {
  /** HTTP status (below 400). */
  status: number;
  /** Parsed JSON, or undefined for an empty body. */
  data: T | undefined;
  /** The raw body text. */
  text: string;
}

interface ConnectionInit {
  url: string;
  token: string;
  timeoutMs: number;
  retry: RetryPolicy;
  userAgent: string;
  logger: Logger;
  clientOptions: Deno.CreateHttpClientOptions | undefined;
  credentials: Credentials | undefined;
  pool: Semaphore | undefined;
}

const TIMEOUT = Symbol("cbapi.timeout");

function debugFromEnvironment(): boolean {
  try {
    return Deno.env.get("CBAPI_DEBUG") === "1";
  } catch {
    return false;
  }
}

/**
 * An authenticated HTTP connection to one Carbon Black server.
 *
 * Build one with {@linkcode Connection.open}; product APIs do that in `connect()`. It owns a
 * `Deno.HttpClient` when TLS pinning or a proxy is configured, so close it (or use `using`).
 *
 * @example Explicit settings against the emulator
 * ```ts
 * import assert from "node:assert/strict";
 * import { Connection } from "@cbapi/cbapi/core";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start({ tls: true });
 * using conn = await Connection.open("response", { url: emu.url, token: emu.token, sslCertFile: emu.certFile! });
 * const sensors = await conn.getObject<unknown[]>("/api/v1/sensor");
 * assert.ok(Array.isArray(sensors));
 * ```
 */
export class Connection implements Disposable {
  /** The server base URL, without trailing slash. */
  readonly url: string;
  /** Where log lines go. */
  readonly logger: Logger;
  /** The credentials the connection was built from (token redacted when printed). */
  readonly credentials: Credentials | undefined;
  #token: string;
  #timeoutMs: number;
  #retry: RetryPolicy;
  #userAgent: string;
  #clientOptions: Deno.CreateHttpClientOptions | undefined;
  #pool: Semaphore | undefined;
  #client: Deno.HttpClient | undefined;
  #writeClient: Deno.HttpClient | undefined;
  #closed = false;

  private constructor(init: ConnectionInit) {
    this.url = init.url;
    this.logger = init.logger;
    this.credentials = init.credentials;
    this.#token = init.token;
    this.#timeoutMs = init.timeoutMs;
    this.#retry = init.retry;
    this.#userAgent = init.userAgent;
    this.#clientOptions = init.clientOptions;
    this.#pool = init.pool;
    this.#client = init.clientOptions ? Deno.createHttpClient(init.clientOptions) : undefined;
  }

  /**
   * Reads the credentials of a product and builds a connection (no request is sent).
   *
   * @param product Which credential files to read: `response`, `protection` or `defense`.
   * @param options Profile, explicit settings, timeouts, retries, logger.
   * @returns The connection.
   * @throws {CredentialError} When the credentials are missing or malformed.
   * @throws {ConnectionError} When the URL is not acceptable or the pinned certificate unreadable.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Connection } from "@cbapi/cbapi/core";
   * using conn = await Connection.open("response", { url: "http://127.0.0.1:1", token: "t" });
   * assert.ok(conn.url === "http://127.0.0.1:1");
   * ```
   */
  static async open(product: Product, options: ConnectOptions = {}): Promise<Connection> {
    options.signal?.throwIfAborted();
    const logger = options.logger ??
      (debugFromEnvironment() ? consoleLogger() : warningsOnlyLogger());
    const credentials = await loadCredentials(product, {
      ...options,
      warn: options.warn ?? ((m: string) => logger.warn(m)),
    });
    const url = normaliseBaseUrl(
      credentials.url,
      `profile "${credentials.profile}" (${credentials.source})`,
    );
    let clientOptions = await clientOptionsFor(credentials, url, logger);
    if (options.poolConnections !== undefined) {
      if (!Number.isInteger(options.poolConnections) || options.poolConnections < 0) {
        throw new RangeError(`poolConnections must be 0 or more, got ${options.poolConnections}`);
      }
      clientOptions = { ...clientOptions, poolMaxIdlePerHost: options.poolConnections };
    }
    const pool = options.poolBlock ? new Semaphore(options.poolMaxSize ?? 10) : undefined;
    const timeoutMs = options.timeout ?? (product === "response" ? RESPONSE_DEFAULT_TIMEOUT_MS : 0);
    if (!(timeoutMs >= 0)) {
      throw new RangeError(`Timeout must be 0 or more milliseconds, got ${timeoutMs}`);
    }
    const retry: RetryPolicy = {
      maxRetries: options.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries,
      baseDelayMs: options.retryBaseDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs,
      maxDelayMs: options.maxRetryDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
      maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULT_RETRY_POLICY.maxRetryAfterMs,
    };
    const runtime = typeof Deno !== "undefined" ? `Deno/${Deno.version.deno}` : "JavaScript";
    const userAgent = `${USER_AGENT_PREFIX} ${runtime}${
      options.integrationName ? ` ${options.integrationName}` : ""
    }`;
    return new Connection({
      url,
      token: credentials.token,
      timeoutMs,
      retry,
      userAgent,
      logger,
      clientOptions,
      credentials,
      pool,
    });
  }

  /** The User-Agent sent with every request. */
  get userAgent(): string {
    return this.#userAgent;
  }

  /** The per-attempt timeout in milliseconds (0 = none). */
  get timeout(): number {
    return this.#timeoutMs;
  }

  /**
   * Sends a request and returns the answer with its body unread (status below 400).
   *
   * Use this for streamed downloads; the caller must read or cancel the body.
   *
   * @param method HTTP method.
   * @param path Path below the base URL, starting with `/`.
   * @param request Query, body, headers, signal, timeout.
   * @returns The answer.
   * @throws {ServerError} For a status of 400 or more (404 as {@linkcode ObjectNotFoundError}).
   * @throws {TimeoutError} When the timeout ran out on every allowed attempt.
   * @throws {ConnectionError} When the server could not be reached.
   *
   * @example
   * ```ts
   * import { Connection } from "@cbapi/cbapi/core";
   * import { CbEmulator } from "@cbapi/cbapi/testing";
   * await using emu = await CbEmulator.start();
   * using conn = await Connection.open("response", { url: emu.url, token: emu.token });
   * const res = await conn.request("GET", "/api/info");
   * await res.body?.cancel();
   * ```
   */
  request(method: string, path: string, request: HttpRequest = {}): Promise<Response> {
    return this.#send(method, path, request, (res) => Promise.resolve(res), false);
  }

  /**
   * Sends a request and parses the JSON answer (an empty body gives `data: undefined`).
   *
   * @typeParam T The expected JSON shape.
   * @param method HTTP method.
   * @param path Path below the base URL.
   * @param request Query, body, headers, signal, timeout.
   * @returns Status, parsed data and raw text.
   * @throws {ServerError} For an error status, or a 2xx body that is not JSON.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Connection } from "@cbapi/cbapi/core";
   * import { CbEmulator } from "@cbapi/cbapi/testing";
   * await using emu = await CbEmulator.start();
   * using conn = await Connection.open("response", { url: emu.url, token: emu.token });
   * const { data } = await conn.requestJson<{ version: string }>("GET", "/api/info");
   * assert.ok(typeof data?.version === "string");
   * ```
   */
  requestJson<T = unknown>(
    method: string,
    path: string,
    request: HttpRequest = {},
  ): Promise<JsonResponse<T>> {
    return this.#send(method, path, request, async (res, url) => {
      const text = await res.text();
      if (text.trim() === "") return { status: res.status, data: undefined, text };
      try {
        return { status: res.status, data: JSON.parse(text) as T, text };
      } catch (cause) {
        throw new ServerError(
          {
            status: res.status,
            body: text,
            method,
            url,
            cause,
          },
          `Cannot parse response as JSON from ${method} ${url} (status ${res.status}): ${
            redactText(text).slice(0, 200)
          }. The server or a proxy in between sent something else than the API answer`,
        );
      }
    }, true);
  }

  /**
   * GET a JSON object (the Python `get_object`): 204 or an empty body gives `undefined`.
   *
   * @typeParam T The expected JSON shape.
   * @param path Path below the base URL.
   * @param query Query parameters (sorted on the wire).
   * @param options Signal, timeout, retries.
   * @returns The parsed JSON, or undefined.
   * @throws {ServerError} For an error status or a body that is not JSON.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Connection } from "@cbapi/cbapi/core";
   * import { CbEmulator } from "@cbapi/cbapi/testing";
   * await using emu = await CbEmulator.start();
   * using conn = await Connection.open("response", { url: emu.url, token: emu.token });
   * const sensor = await conn.getObject<{ id: number }>("/api/v1/sensor/1");
   * assert.ok(sensor?.id === 1);
   * ```
   */
  async getObject<T = unknown>(
    path: string,
    query?: QueryParams,
    options: RequestOptions = {},
  ): Promise<T | undefined> {
    const res = await this.requestJson<T>("GET", path, query ? { ...options, query } : options);
    return res.status === 204 ? undefined : res.data;
  }

  /**
   * Closes the HTTP client the connection owns (if any). Idempotent.
   *
   * @example
   * ```ts
   * import { Connection } from "@cbapi/cbapi/core";
   * const conn = await Connection.open("response", { url: "http://127.0.0.1:1", token: "t" });
   * conn.close();
   * ```
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#client?.close();
    this.#writeClient?.close();
  }

  /** Same as {@linkcode Connection.close}. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** Short form without the token. */
  [Symbol.for("Deno.customInspect")](): string {
    return `Connection { url: "${this.url}", token: "[redacted]" }`;
  }

  /** JSON form without the token. */
  toJSON(): Record<string, unknown> {
    return { url: this.url, token: "[redacted]" };
  }

  async #send<R>(
    method: string,
    path: string,
    request: HttpRequest,
    consume: (res: Response, url: string) => Promise<R>,
    consumeInsideTimeout: boolean,
  ): Promise<R> {
    if (this.#closed) {
      throw new ConnectionError(
        `Cannot send ${method} ${path} to ${this.url}: the connection is closed`,
      );
    }
    const signal = request.signal;
    signal?.throwIfAborted();
    const upper = method.toUpperCase();
    const query = request.query && request.query.length > 0
      ? encodeQuery(request.query, { sort: !request.unsortedQuery })
      : "";
    const pathWithQuery = query ? `${path}${path.includes("?") ? "&" : "?"}${query}` : path;
    const url = `${this.url}${pathWithQuery}`;
    const headers: Record<string, string> = {
      "X-Auth-Token": this.#token,
      "User-Agent": this.#userAgent,
      ...request.headers,
    };
    let body: BodyInit | undefined = request.body;
    let bodyText: string | undefined;
    let loggedBody: string | undefined;
    if ("json" in request) {
      bodyText = request.json === undefined ? "{}" : encodeJson(request.json);
      loggedBody = request.json === undefined ? bodyText : encodeJson(redactSecrets(request.json));
      body = bodyText;
      headers["Content-Type"] = "application/json";
    }
    const idempotent = request.idempotent ?? isIdempotent(upper);
    const maxRetries = request.maxRetries ?? this.#retry.maxRetries;
    const timeoutMs = request.timeout ?? this.#timeoutMs;
    const streamBody = body instanceof ReadableStream;

    for (let attempt = 0;; attempt++) {
      signal?.throwIfAborted();
      if (loggedBody !== undefined) {
        this.logger.debug(`Sending HTTP ${upper} ${pathWithQuery} with ${loggedBody}`);
      }
      const started = performance.now();
      const limit = deadlineSignal(timeoutMs > 0 ? timeoutMs : undefined, {
        signal,
        reason: TIMEOUT,
      });
      const fetchSignal = limit.signal;
      let retryReason: string;
      let waitMs: number;
      try {
        await this.#pool?.acquire({ signal: fetchSignal });
        let res: Response;
        try {
          res = await this.#fetchFollowing(upper, url, headers, body, fetchSignal, idempotent);
        } finally {
          this.#pool?.release();
        }
        this.logger.debug(
          `HTTP ${upper} ${pathWithQuery} took ${
            formatSeconds(performance.now() - started)
          } (response ${res.status})`,
        );
        if (res.status < 400) {
          if (!consumeInsideTimeout) {
            limit[Symbol.dispose]();
            return await consume(res, url);
          }
          return await consume(res, url);
        }
        const text = await readErrorBody(res);
        if (attempt < maxRetries && !streamBody && isRetryableStatus(res.status, idempotent)) {
          const retryAfter = parseRetryAfter(res.headers.get("retry-after"));
          if (retryAfter !== undefined && retryAfter > this.#retry.maxRetryAfterMs) {
            throw new ServerError(
              { status: res.status, body: text, method: upper, url },
              `Server ${this.url} answered ${res.status} to ${upper} ${pathWithQuery} and asked to wait ${
                Math.round(retryAfter / 1000)
              } s (Retry-After), longer than the ${this.#retry.maxRetryAfterMs / 1000} s allowed ` +
                `by maxRetryAfterMs: try again later or raise that option`,
            );
          }
          retryReason = `status ${res.status}`;
          waitMs = retryAfter ?? backoffDelay(attempt + 1, this.#retry);
        } else {
          throw errorForStatus({ status: res.status, body: text, method: upper, url });
        }
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (error instanceof ApiError) throw error;
        const timedOut = limit.expired;
        const canRetry = attempt < maxRetries && !streamBody && !isPermanentFailure(error) &&
          (idempotent || (!timedOut && isConnectFailure(error)));
        if (!canRetry) {
          if (timedOut) {
            throw new TimeoutError(undefined, { uri: url, method: upper, timeoutMs, cause: error });
          }
          throw networkError(upper, url, this.url, error, attempt);
        }
        retryReason = timedOut ? `timeout after ${timeoutMs} ms` : errorText(error);
        waitMs = backoffDelay(attempt + 1, this.#retry);
      } finally {
        limit[Symbol.dispose]();
      }
      this.logger.debug(
        `Retrying HTTP ${upper} ${pathWithQuery} in ${formatSeconds(waitMs)} (attempt ${
          attempt + 2
        } of ${maxRetries + 1}) after ${retryReason}`,
      );
      await delay(waitMs, { signal });
    }
  }

  #freshConnectionClient(): Deno.HttpClient {
    this.#writeClient ??= Deno.createHttpClient({ ...this.#clientOptions, poolMaxIdlePerHost: 0 });
    return this.#writeClient;
  }

  async #fetchFollowing(
    method: string,
    url: string,
    headers: Record<string, string>,
    body: BodyInit | undefined,
    signal: AbortSignal,
    idempotent: boolean,
  ): Promise<Response> {
    let current = url;
    // The pooled client may silently send a request again when a kept-alive connection closes
    // under it; a write that is not idempotent goes over a fresh connection instead, so that it
    // reaches the server at most once.
    const client = idempotent ? this.#client : this.#freshConnectionClient();
    for (let hop = 0; hop <= 5; hop++) {
      const init: RequestInit & { client?: Deno.HttpClient } = {
        method,
        headers,
        signal,
        redirect: "manual",
      };
      if (body !== undefined) init.body = body;
      if (client) init.client = client;
      const res = await fetch(current, init);
      if (res.status < 300 || res.status >= 400 || !res.headers.has("location")) return res;
      await res.body?.cancel();
      const next = new URL(res.headers.get("location")!, current);
      if (next.origin !== new URL(this.url).origin) {
        throw new ConnectionError(
          `Server ${this.url} redirected ${method} ${current} to another origin (${next.origin}); ` +
            `the request was not followed so the API token stays with this server. ` +
            `Check the configured URL`,
          { url: current },
        );
      }
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === "POST")) {
        throw new ConnectionError(
          `Server ${this.url} redirected ${method} ${current} to ${next.href} with status ${res.status}; ` +
            `a write is not repeated on a redirect. Check the configured URL`,
          { url: current },
        );
      }
      current = next.href;
    }
    throw new ConnectionError(`Too many redirects from ${url}: check the configured URL`, { url });
  }
}

function networkError(
  method: string,
  url: string,
  server: string,
  error: unknown,
  attempt: number,
): ConnectionError {
  const detail = errorText(error);
  const tls = /certificate|tls|handshake|UnknownIssuer|invalid peer/i.test(detail);
  const advice = tls
    ? "The server's TLS certificate was refused: pin it with ssl_cert_file (or sslCertFile), " +
      "or check that the URL names the right host"
    : "Check that the server is up and reachable, then try again";
  const tries = attempt > 0 ? ` after ${attempt + 1} attempts` : "";
  return new ConnectionError(
    `Received a network connection error from ${server} for ${method} ${url}${tries}: ${detail}. ${advice}`,
    { url, cause: error },
  );
}

async function clientOptionsFor(
  credentials: Credentials,
  url: string,
  logger: Logger,
): Promise<Deno.CreateHttpClientOptions | undefined> {
  const options: Deno.CreateHttpClientOptions = {};
  let needed = false;
  if (!credentials.sslVerify) {
    logger.warn(
      `ssl_verify is off for ${url}, but Deno cannot turn certificate checks off for one client: ` +
        `certificates are still verified. Pin the server's certificate with ssl_cert_file, or run ` +
        `deno with --unsafely-ignore-certificate-errors=<host>`,
    );
  } else if (!credentials.sslVerifyHostname) {
    logger.warn(
      `ssl_verify_hostname is off for ${url}, but Deno always checks the host name; pin the ` +
        `certificate with ssl_cert_file and use a URL with a host name the certificate names`,
    );
  }
  if (credentials.sslCertFile) {
    let pem: string;
    try {
      pem = await Deno.readTextFile(credentials.sslCertFile);
    } catch (cause) {
      throw new ConnectionError(
        `Cannot read ssl_cert_file "${credentials.sslCertFile}" for ${url}: ${errorText(cause)}. ` +
          `Fix the path in the credential profile or grant --allow-read`,
        { cause },
      );
    }
    options.caCerts = [pem];
    needed = true;
  }
  if (credentials.proxy && !credentials.ignoreSystemProxy) {
    const proxyUrl = new URL(credentials.proxy);
    const proxy: Deno.Proxy = { url: `${proxyUrl.protocol}//${proxyUrl.host}` };
    if (proxyUrl.username) {
      proxy.basicAuth = {
        username: decodeURIComponent(proxyUrl.username),
        password: decodeURIComponent(proxyUrl.password),
      };
    }
    options.proxy = proxy;
    needed = true;
  }
  return needed ? options : undefined;
}
