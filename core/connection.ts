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
import { normaliseBaseUrl, readBoundedText, readErrorBody } from "./_http.ts";
import { createTransport, type Transport, type TransportPlan } from "./_transport.ts";
import { transportPlan } from "./_transport_plan.ts";
import { explainPermanent, networkError } from "./_request_failures.ts";
import { redactSecrets, redactText } from "./_secrets.ts";
import { deadlineSignal, delay, Semaphore } from "./_async.ts";
import { encodeJson, encodeQuery, type QueryParams } from "./_encode.ts";
import {
  afterFailure,
  afterStatus,
  DEFAULT_RETRY_POLICY,
  errorText,
  isConnectFailure,
  isIdempotent,
  type RetryPolicy,
} from "./_retry.ts";
import { consoleLogger, formatSeconds, type Logger, warningsOnlyLogger } from "./log.ts";

export type { QueryParams } from "./_encode.ts";

/** The Python library's User-Agent prefix, kept so server logs read the same. */
export const USER_AGENT_PREFIX = "cbapi/1.3.6";

/**
 * Default per-request timeout: 120 s, the Python library's for Cb Response, applied to every
 * product (Protection and Defense had none, so a server that never finished an answer hung the
 * client).
 */
export const RESPONSE_DEFAULT_TIMEOUT_MS = 120_000;

/** Default bound of a JSON answer's body: 256 MiB (the largest real answers are far below). */
const DEFAULT_MAX_BODY_BYTES = 256 * 1024 * 1024;

/** Default time during which a refused connection or unknown host is retried: 2 s. */
const DEFAULT_CONNECT_RETRY_MS = 2_000;

/** Options of {@linkcode Connection.open} and of every product's `connect()`. */
export interface ConnectOptions extends CredentialOptions {
  /**
   * Per-attempt timeout in milliseconds (until the answer's headers, and for JSON answers the
   * whole body). 0 means none.
   *
   * @default 120000
   */
  timeout?: number;
  /**
   * The largest JSON answer body read, in bytes. A longer answer is cut off: the connection is
   * closed and a {@linkcode ServerError} names the route and the limit. Streamed downloads
   * (binaries, Live Response files) are not bounded.
   *
   * @default 268435456 (256 MiB)
   */
  maxBodyBytes?: number;
  /**
   * How long, in milliseconds, a connection that is refused or a host name that does not resolve
   * is tried again (with the back-off below, shortened to fit) before a
   * {@linkcode ConnectionError}. Other failures use `maxRetries`.
   *
   * @default 2000
   */
  connectRetryMs?: number;
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
  maxBodyBytes: number;
  connectRetryMs: number;
  retry: RetryPolicy;
  userAgent: string;
  logger: Logger;
  plan: TransportPlan;
  credentials: Credentials | undefined;
  pool: Semaphore | undefined;
}

const TIMEOUT = Symbol("cbapi.timeout");

/** A request as every attempt sends it. */
interface PreparedRequest {
  method: string;
  pathWithQuery: string;
  url: string;
  headers: Record<string, string>;
  body: BodyInit | undefined;
  /** The JSON body as logged (secrets redacted), when there is one. */
  loggedBody: string | undefined;
  signal: AbortSignal | undefined;
  idempotent: boolean;
  maxRetries: number;
  timeoutMs: number;
  streamBody: boolean;
  firstStarted: number;
}

/** The wait before the next attempt and why. */
interface RetryWait {
  waitMs: number;
  reason: string;
}

/** What one attempt ended with. */
type AttemptOutcome<R> = { done: true; value: R } | ({ done: false } & RetryWait);

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
 * Build one with {@linkcode Connection.open}; product APIs do that in `connect()`. It owns its
 * HTTP connections (a `Deno.HttpClient`, or node:https agents when the profile pins a certificate
 * or turns a check off), so close it (or use `using`).
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
  #maxBodyBytes: number;
  #connectRetryMs: number;
  #retry: RetryPolicy;
  #userAgent: string;
  #plan: TransportPlan;
  #pool: Semaphore | undefined;
  #transport: Transport;
  #tlsProbed = false;
  #closed = false;

  private constructor(init: ConnectionInit) {
    this.url = init.url;
    this.logger = init.logger;
    this.credentials = init.credentials;
    this.#token = init.token;
    this.#timeoutMs = init.timeoutMs;
    this.#maxBodyBytes = init.maxBodyBytes;
    this.#connectRetryMs = init.connectRetryMs;
    this.#retry = init.retry;
    this.#userAgent = init.userAgent;
    this.#plan = init.plan;
    this.#pool = init.pool;
    this.#transport = createTransport(init.plan);
  }

  /**
   * Reads the credentials of a product and builds a connection (no request is sent).
   *
   * @param product Which credential files to read: `response`, `protection` or `defense`.
   * @param options Profile, explicit settings, timeouts, retries, logger.
   * @returns The connection.
   * @throws {CredentialError} When the credentials are missing or malformed, the
   * `ssl_cert_file` is missing, unreadable, holds no certificate (or a private key) or an expired
   * one, or the proxy URL does not parse (the message names the profile key, never a password).
   * @throws {ConnectionError} When the URL is not acceptable.
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
    const where = `profile "${credentials.profile}" (${credentials.source})`;
    if (options.poolConnections !== undefined) {
      if (!Number.isInteger(options.poolConnections) || options.poolConnections < 0) {
        throw new RangeError(`poolConnections must be 0 or more, got ${options.poolConnections}`);
      }
    }
    const plan = await transportPlan(credentials, url, where, options, logger);
    const pool = options.poolBlock ? new Semaphore(options.poolMaxSize ?? 10) : undefined;
    const timeoutMs = options.timeout ?? RESPONSE_DEFAULT_TIMEOUT_MS;
    if (!(timeoutMs >= 0)) {
      throw new RangeError(`Timeout must be 0 or more milliseconds, got ${timeoutMs}`);
    }
    const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    if (!(maxBodyBytes > 0)) {
      throw new RangeError(`maxBodyBytes must be more than 0, got ${maxBodyBytes}`);
    }
    const connectRetryMs = options.connectRetryMs ?? DEFAULT_CONNECT_RETRY_MS;
    if (!(connectRetryMs >= 0)) {
      throw new RangeError(`connectRetryMs must be 0 or more, got ${connectRetryMs}`);
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
      maxBodyBytes,
      connectRetryMs,
      retry,
      userAgent,
      logger,
      plan,
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
      const text = await readBoundedText(
        res,
        this.#maxBodyBytes,
        () =>
          new ServerError(
            `The answer to ${method.toUpperCase()} ${url} from ${this.url} is larger than the ` +
              `${this.#maxBodyBytes} bytes allowed (maxBodyBytes): the connection was closed. ` +
              `Narrow the request (fewer rows per page) or raise maxBodyBytes`,
            { status: res.status, body: "", method, url },
          ),
      );
      if (text.trim() === "") return { status: res.status, data: undefined, text };
      try {
        return { status: res.status, data: JSON.parse(text) as T, text };
      } catch (cause) {
        throw new ServerError(
          `Cannot parse response as JSON from ${method} ${url} (status ${res.status}): ${
            redactText(text).slice(0, 200)
          }. The server or a proxy in between sent something else than the API answer`,
          {
            status: res.status,
            body: text,
            method,
            url,
            cause,
          },
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
    this.#transport.close();
  }

  /** Which transport carries the requests: `fetch`, or `node` where fetch cannot do what the profile asks. */
  get transport(): "fetch" | "node" {
    return this.#transport.kind;
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
    request.signal?.throwIfAborted();
    const prepared = this.#prepare(method, path, request);
    for (let attempt = 0;; attempt++) {
      request.signal?.throwIfAborted();
      const outcome = await this.#attempt(prepared, attempt, consume, consumeInsideTimeout);
      if (outcome.done) return outcome.value;
      this.logger.debug(
        `Retrying HTTP ${prepared.method} ${prepared.pathWithQuery} in ${
          formatSeconds(outcome.waitMs)
        } (attempt ${attempt + 2} of ${prepared.maxRetries + 1}) after ${outcome.reason}`,
      );
      await delay(outcome.waitMs, { signal: request.signal });
    }
  }

  /** Everything about a request that stays the same from one attempt to the next. */
  #prepare(method: string, path: string, request: HttpRequest): PreparedRequest {
    const upper = method.toUpperCase();
    const query = request.query && request.query.length > 0
      ? encodeQuery(request.query, { sort: !request.unsortedQuery })
      : "";
    const pathWithQuery = query ? `${path}${path.includes("?") ? "&" : "?"}${query}` : path;
    const headers: Record<string, string> = {
      "X-Auth-Token": this.#token,
      "User-Agent": this.#userAgent,
      ...request.headers,
    };
    let body: BodyInit | undefined = request.body;
    let loggedBody: string | undefined;
    if ("json" in request) {
      const bodyText = request.json === undefined ? "{}" : encodeJson(request.json);
      loggedBody = request.json === undefined ? bodyText : encodeJson(redactSecrets(request.json));
      body = bodyText;
      headers["Content-Type"] = "application/json";
    }
    return {
      method: upper,
      pathWithQuery,
      url: `${this.url}${pathWithQuery}`,
      headers,
      body,
      loggedBody,
      signal: request.signal,
      idempotent: request.idempotent ?? isIdempotent(upper),
      maxRetries: request.maxRetries ?? this.#retry.maxRetries,
      timeoutMs: request.timeout ?? this.#timeoutMs,
      streamBody: body instanceof ReadableStream,
      firstStarted: performance.now(),
    };
  }

  /**
   * One attempt under its own timeout: the answer consumed, or the wait before the next attempt;
   * throws when the failure is final.
   */
  async #attempt<R>(
    req: PreparedRequest,
    attempt: number,
    consume: (res: Response, url: string) => Promise<R>,
    consumeInsideTimeout: boolean,
  ): Promise<AttemptOutcome<R>> {
    if (req.loggedBody !== undefined) {
      this.logger.debug(`Sending HTTP ${req.method} ${req.pathWithQuery} with ${req.loggedBody}`);
    }
    const limit = deadlineSignal(req.timeoutMs > 0 ? req.timeoutMs : undefined, {
      signal: req.signal,
      reason: TIMEOUT,
    });
    try {
      const res = await this.#exchange(req, limit.signal);
      if (res.status < 400) {
        if (!consumeInsideTimeout) limit[Symbol.dispose]();
        return { done: true, value: await consume(res, req.url) };
      }
      return { done: false, ...await this.#retryAfterStatus(req, attempt, res) };
    } catch (error) {
      if (req.signal?.aborted) throw req.signal.reason;
      if (error instanceof ApiError) throw error;
      return { done: false, ...await this.#retryAfterFailure(req, attempt, error, limit.expired) };
    } finally {
      limit[Symbol.dispose]();
    }
  }

  /** Sends the request once (through the pool when it blocks) and logs the time it took. */
  async #exchange(req: PreparedRequest, signal: AbortSignal): Promise<Response> {
    const started = performance.now();
    await this.#pool?.acquire({ signal });
    let res: Response;
    try {
      res = await this.#fetchFollowing(
        req.method,
        req.url,
        req.headers,
        req.body,
        signal,
        req.idempotent,
      );
    } finally {
      this.#pool?.release();
    }
    this.logger.debug(
      `HTTP ${req.method} ${req.pathWithQuery} took ${
        formatSeconds(performance.now() - started)
      } (response ${res.status})`,
    );
    return res;
  }

  /** The wait before retrying an error status; throws the typed error when it is final. */
  async #retryAfterStatus(
    req: PreparedRequest,
    attempt: number,
    res: Response,
  ): Promise<RetryWait> {
    const text = await readErrorBody(res);
    const { method, url } = req;
    if (res.status === 407 && this.#plan.proxy) {
      throw new ConnectionError(
        `The proxy ${this.#plan.proxy.origin} (${this.#plan.proxy.where}) asked for ` +
          `credentials (407) on ${method} ${url}: add "user:password@" to the proxy URL, ` +
          `or check them`,
        { url },
      );
    }
    const decision = afterStatus(res.status, res.headers.get("retry-after"), {
      attempt,
      maxRetries: req.maxRetries,
      idempotent: req.idempotent,
      streamBody: req.streamBody,
    }, this.#retry);
    if (decision.kind === "retry") {
      return { waitMs: decision.waitMs, reason: `status ${res.status}` };
    }
    if (decision.kind === "waitTooLong") {
      throw new ServerError(
        `Server ${this.url} answered ${res.status} to ${method} ${req.pathWithQuery} and asked to wait ${
          Math.round(decision.retryAfterMs / 1000)
        } s (Retry-After), longer than the ${this.#retry.maxRetryAfterMs / 1000} s allowed ` +
          `by maxRetryAfterMs: try again later or raise that option`,
        { status: res.status, body: text, method, url },
      );
    }
    throw ApiError.fromResponse({ status: res.status, body: text, method, url });
  }

  /**
   * The wait before retrying an attempt that failed without an answer; throws the typed error
   * (timeout, certificate, proxy, network) when it is final.
   */
  async #retryAfterFailure(
    req: PreparedRequest,
    attempt: number,
    error: unknown,
    timedOut: boolean,
  ): Promise<RetryWait> {
    const { method, url, timeoutMs } = req;
    if (!timedOut) {
      await explainPermanent(method, url, error, {
        server: this.url,
        plan: this.#plan,
        sslCertFile: this.credentials?.sslCertFile,
        firstTlsProbe: () => !this.#tlsProbed && (this.#tlsProbed = true),
      });
    }
    const connectFailure = !timedOut && isConnectFailure(error);
    const waitMs = afterFailure({
      attempt,
      maxRetries: req.maxRetries,
      idempotent: req.idempotent,
      streamBody: req.streamBody,
      timedOut,
      connectFailure,
      elapsedMs: performance.now() - req.firstStarted,
      connectRetryMs: this.#connectRetryMs,
    }, this.#retry);
    if (waitMs !== undefined) {
      return { waitMs, reason: timedOut ? `timeout after ${timeoutMs} ms` : errorText(error) };
    }
    if (timedOut) {
      throw new TimeoutError(
        `Timed out when requesting ${method} ${url} from API after ${timeoutMs} ms. ` +
          `The server may be overloaded: raise the timeout option or try again later`,
        { url, method, timeoutMs, cause: error },
      );
    }
    throw networkError(method, url, this.url, error, attempt, connectFailure);
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
    for (let hop = 0; hop <= 5; hop++) {
      const res = await this.#transport.send(current, {
        method,
        headers,
        body,
        signal,
        fresh: !idempotent,
      });
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
