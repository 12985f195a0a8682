/**
 * {@linkcode CbEmulator}: a real HTTP(S) server on 127.0.0.1 that answers like a Cb Response
 * 6.2 server over a seeded, deterministic data set, with a request log and fault injection.
 *
 * @module
 */
import {
  type HttpAnswer,
  type HttpDisposition,
  type HttpRequest,
  HttpServer,
} from "./_http_server.ts";
import { hashHex } from "./_rand.ts";
import { HttpError, type RouteContext, Router, text } from "./_router.ts";
import { loadOrMakeCertificate, makeCertificate, type TlsMaterial } from "./_tls.ts";
import { type FaultController, faultName, type FaultRule, FaultTable } from "./faults.ts";
import { buildState, registerResponseRoutes } from "./response/_register.ts";
import { buildProtectionState, registerProtectionRoutes } from "./protection/_register.ts";
import { buildDefenseState, registerDefenseRoutes } from "./defense/_register.ts";
import { buildLiveResponseState, registerLiveResponseRoutes } from "./live_response/_register.ts";
import { registerAdminRoutes } from "./_admin.ts";
import type {
  CredentialsFileOptions,
  EmulatorCertificate,
  EmulatorOptions,
  RecordedRequest,
} from "./options.ts";
import type { EmulatorState } from "./state.ts";

const MAX_LOG = 100_000;

function clockStart(now: Date | string | number | undefined): number {
  if (now === undefined) return Math.floor(Date.now() / 60_000) * 60_000;
  const ms = now instanceof Date ? now.getTime() : typeof now === "number" ? now : Date.parse(now);
  if (!Number.isFinite(ms)) throw new RangeError(`Invalid emulator clock "${String(now)}"`);
  return ms;
}

/** The routes that answer searches (Response searches, Protection and Defense lists). */
const SEARCH_PATH =
  /^(?:\/api\/v1\/(?:process|binary|alert|threat_report)|\/api\/bit9platform\/(?:v1|restricted)\/[^/]+|\/integrationServices\/v3\/(?:device|event|policy))$/;
const DECODER = new TextDecoder();

/**
 * A Cb Response 6.2 server emulator on 127.0.0.1.
 *
 * @example Start, query and stop
 * ```ts
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * import assert from "node:assert/strict";
 *
 * await using emu = await CbEmulator.start({ seed: 1 });
 * const res = await fetch(`${emu.url}/api/v1/sensor/3`, { headers: { "X-Auth-Token": emu.token } });
 * const sensor = await res.json();
 * assert.equal(sensor.computer_name, "WIN-IA9NQ1GN8OI");
 * assert.equal(emu.requests[0]?.headers["x-auth-token"], "[redacted]");
 * ```
 */
export class CbEmulator implements AsyncDisposable {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:8123`. */
  readonly url: string;
  /** API token for Response (and later Protection) routes: send it as `X-Auth-Token`. */
  readonly token: string;
  /** Defense token `{apiKey}/{connectorId}`. */
  readonly defenseToken: string;
  /**
   * Path of the certificate PEM file when serving HTTPS (deleted on close unless it lies in
   * {@linkcode EmulatorOptions.certDir}).
   */
  readonly certFile: string | undefined;
  /** Certificate PEM text when serving HTTPS. */
  readonly certPem: string | undefined;
  /**
   * Path of the PEM file of the CA that signed the certificate (certificate `"ca-signed"` only):
   * the file a client trusts (`ssl_cert_file`) to verify the server.
   */
  readonly caFile: string | undefined;
  /** CA certificate PEM text (certificate `"ca-signed"` only). */
  readonly caPem: string | undefined;
  /** Fault injection rules. */
  readonly faults: FaultController;
  /** The live data set: writes through the API change it. */
  readonly state: EmulatorState;
  #server: HttpServer | undefined;
  #router: Router;
  #faults: FaultTable;
  #requests: RecordedRequest[] = [];
  #abort = new AbortController();
  #tmpDir: string | undefined;
  #closing: Promise<void> | undefined;
  #latencyMs: number;
  #searchLatencyMs: number;
  #credentials = 0;
  #clockStart: number;
  #clockT0: number;
  #certificate: EmulatorCertificate | undefined;
  #differentCerts = 0;
  #inFlight = 0;
  #maxInFlight = 0;

  private constructor(init: {
    url: string;
    token: string;
    defenseToken: string;
    certFile: string | undefined;
    certPem: string | undefined;
    caFile: string | undefined;
    caPem: string | undefined;
    certificate: EmulatorCertificate | undefined;
    state: EmulatorState;
    router: Router;
    faults: FaultTable;
    tmpDir: string | undefined;
    latencyMs: number;
    clock: { start: number; t0: number };
    searchLatencyMs: number;
  }) {
    this.url = init.url;
    this.token = init.token;
    this.defenseToken = init.defenseToken;
    this.certFile = init.certFile;
    this.certPem = init.certPem;
    this.caFile = init.caFile;
    this.caPem = init.caPem;
    this.#certificate = init.certificate;
    this.state = init.state;
    this.#router = init.router;
    this.#faults = init.faults;
    this.faults = init.faults;
    this.#tmpDir = init.tmpDir;
    this.#latencyMs = init.latencyMs;
    this.#clockStart = init.clock.start;
    this.#clockT0 = init.clock.t0;
    this.#searchLatencyMs = init.searchLatencyMs;
  }

  /**
   * Starts an emulator.
   *
   * @param options Seed, TLS, port, scale and behaviour switches.
   * @returns The running emulator; close it with `await using` or {@linkcode CbEmulator.close}.
   * @example Start with HTTPS
   * ```ts
   * import { CbEmulator } from "@cbapi/cbapi/testing";
   * import assert from "node:assert/strict";
   *
   * await using emu = await CbEmulator.start({ tls: true });
   * assert.ok(emu.url.startsWith("https://127.0.0.1:"));
   * using client = Deno.createHttpClient({ caCerts: [emu.certPem!] });
   * const res = await fetch(`${emu.url}/api/info`, { client, headers: { "X-Auth-Token": emu.token } });
   * assert.equal((await res.json()).version, "6.2.0.171114.1158");
   * ```
   */
  static async start(options: EmulatorOptions = {}): Promise<CbEmulator> {
    if (Object.hasOwn(options, "latency")) {
      // The emulator imports nothing of the client, so it words the client's unit rule itself.
      const value = (options as { latency?: unknown }).latency;
      throw new TypeError(
        `CbEmulator.start(): the option "latency" names no unit. Time options are in ` +
          `milliseconds and say so: use searchLatencyMs (${value} milliseconds is ` +
          `searchLatencyMs: ${value})`,
      );
    }
    const searchLatencyMs = checkLatency(options.searchLatencyMs ?? 0);
    const seed = options.seed ?? 1;
    const token = options.token ?? hashHex("sha1", `cbemu-token:${seed}`);
    const defenseKey = hashHex("sha1", `cbemu-defense:${seed}`).toUpperCase();
    const defenseToken = `${defenseKey.slice(0, 24)}/${defenseKey.slice(24, 34)}`;
    const clock = { start: clockStart(options.now), t0: performance.now() };
    const now = () => clock.start + Math.floor(performance.now() - clock.t0);
    const responseData = buildState({
      seed,
      scale: options.scale ?? 0,
      isolationDelayMs: options.isolationDelayMs ?? 30,
      now: clock.start,
      huntingData: options.huntingData ?? true,
    });
    const protection = { seed, options: options.protection ?? {} };
    const defense = { seed, options: options.defense ?? {} };
    const liveResponse = { seed, options: options.liveResponse ?? {} };
    const state: EmulatorState = {
      ...responseData,
      protection: buildProtectionState(protection),
      defense: buildDefenseState(defense),
      liveResponse: buildLiveResponseState(liveResponse),
    };
    const router = new Router();
    registerResponseRoutes(router, state, {
      serverVersion: options.serverVersion ?? "6.2.0.171114.1158",
      token,
      secret: hashHex("sha1", `cbemu-secret:${seed}:${token}`),
      sensorQuery500OnEmpty: options.sensorQuery500OnEmpty ?? false,
      now,
    });
    registerProtectionRoutes(router, state, protection);
    registerDefenseRoutes(router, state, defense);
    registerLiveResponseRoutes(router, state, liveResponse);
    registerAdminRoutes(router, state);
    let tmpDir: string | undefined;
    let certFile: string | undefined;
    let caFile: string | undefined;
    let tls: TlsMaterial | undefined;
    let kind: EmulatorCertificate | undefined;
    const https = options.tls || options.certificate !== undefined || options.certDir !== undefined;
    if (options.certDir !== undefined) {
      const files = await loadOrMakeCertificate(options.certDir, options.certificate);
      ({ certFile, caFile, material: tls, kind } = files);
    } else if (https) {
      kind = options.certificate ?? "default";
      tls = await makeCertificate(kind);
      tmpDir = await Deno.makeTempDir({ prefix: "cbemu-" });
      certFile = `${tmpDir}/cert.pem`;
      await Deno.writeTextFile(certFile, tls.cert);
      if (tls.ca) {
        caFile = `${tmpDir}/ca.pem`;
        await Deno.writeTextFile(caFile, tls.ca);
      }
    }
    const ref: { emulator?: CbEmulator } = {};
    const server = await HttpServer.listen({
      port: options.port ?? 0,
      tls,
      handler: (req) => ref.emulator ? ref.emulator.#handle(req) : Promise.resolve("drop"),
      admit: (head) => ref.emulator ? ref.emulator.#admit(head) : undefined,
    });
    const emulator = new CbEmulator({
      url: `${https ? "https" : "http"}://127.0.0.1:${server.port}`,
      token,
      defenseToken,
      certFile,
      certPem: tls?.cert,
      caFile,
      caPem: tls?.ca,
      certificate: kind,
      state,
      router,
      faults: new FaultTable(() => server.closeIdle()),
      tmpDir,
      latencyMs: options.latencyMs ?? 0,
      clock,
      searchLatencyMs,
    });
    emulator.#server = server;
    ref.emulator = emulator;
    return emulator;
  }

  /**
   * The server's clock: the start time ({@linkcode EmulatorOptions.now}) plus the time since.
   *
   * @returns The current server time.
   * @example Relative time terms count back from this clock
   * ```ts
   * import { CbEmulator } from "@cbapi/cbapi/testing";
   * import assert from "node:assert/strict";
   *
   * await using emu = await CbEmulator.start({ now: "2026-03-02T10:00:00Z" });
   * assert.ok(emu.now() >= new Date("2026-03-02T10:00:00Z"));
   * const url = `${emu.url}/api/v1/process?q=${encodeURIComponent("start:-1440m")}&rows=0`;
   * const res = await fetch(url, { headers: { "X-Auth-Token": emu.token } });
   * assert.ok((await res.json()).total_results > 0);
   * ```
   */
  now(): Date {
    return new Date(this.#clockStart + Math.floor(performance.now() - this.#clockT0));
  }

  /** Every request received, in order (the most recent 100,000). */
  get requests(): readonly RecordedRequest[] {
    return this.#requests;
  }

  /** Empties the request log and restarts {@linkcode CbEmulator.maxInFlight}. */
  clearRequests(): void {
    this.#requests = [];
    this.#maxInFlight = this.#inFlight;
  }

  /**
   * The most requests handled at the same time since start (or since
   * {@linkcode CbEmulator.clearRequests}): how many a client kept in flight at once.
   *
   * @example Two requests at once
   * ```ts
   * import { CbEmulator } from "@cbapi/cbapi/testing";
   * import assert from "node:assert/strict";
   *
   * await using emu = await CbEmulator.start({ searchLatencyMs: 50 });
   * const get = () =>
   *   fetch(`${emu.url}/api/v1/process?q=&rows=1`, { headers: { "X-Auth-Token": emu.token } })
   *     .then((r) => r.json());
   * await Promise.all([get(), get()]);
   * assert.equal(emu.maxInFlight, 2);
   * ```
   */
  get maxInFlight(): number {
    return this.#maxInFlight;
  }

  /**
   * Writes a cbapi credentials (INI) file for this emulator into a temporary folder that is
   * removed on close.
   *
   * @param product Which product's token to write (`defense` gets {@linkcode CbEmulator.defenseToken}).
   * @param options Profile name and extra keys.
   * @returns The file's path.
   * @example Write a Response profile
   * ```ts
   * import { CbEmulator } from "@cbapi/cbapi/testing";
   * import assert from "node:assert/strict";
   *
   * await using emu = await CbEmulator.start();
   * const path = await emu.credentialsFile("response", { profile: "lab" });
   * assert.match(await Deno.readTextFile(path), /^\[lab\]\nurl=http:\/\/127\.0\.0\.1:/);
   * ```
   */
  async credentialsFile(
    product: "response" | "protection" | "defense" = "response",
    options: CredentialsFileOptions = {},
  ): Promise<string> {
    this.#tmpDir ??= await Deno.makeTempDir({ prefix: "cbemu-" });
    const keys: Record<string, string> = {
      url: this.url,
      token: product === "defense" ? this.defenseToken : this.token,
      ssl_verify: "True",
    };
    const pin = this.caFile ?? this.certFile;
    if (pin) keys.ssl_cert_file = pin;
    Object.assign(keys, options.extra ?? {});
    const body = `[${options.profile ?? "default"}]\n` +
      Object.entries(keys).map(([k, v]) => `${k}=${v}\n`).join("");
    const path = `${this.#tmpDir}/credentials-${++this.#credentials}.${product}`;
    await Deno.writeTextFile(path, body, { mode: 0o600 });
    return path;
  }

  /**
   * Writes another certificate of the same kind as the one this emulator presents (same names and
   * extensions, a new key; for `"ca-signed"` another CA of the same name) into the temporary
   * folder: a profile pinning it must be refused by this server.
   *
   * @returns The PEM file's path.
   * @example Pin a certificate the server does not present
   * ```ts
   * import { CbEmulator } from "@cbapi/cbapi/testing";
   * import assert from "node:assert/strict";
   *
   * await using emu = await CbEmulator.start({ tls: true });
   * const other = await emu.differentCertFile();
   * assert.notEqual(await Deno.readTextFile(other), emu.certPem);
   * using client = Deno.createHttpClient({ caCerts: [await Deno.readTextFile(other)] });
   * await assert.rejects(fetch(`${emu.url}/api/info`, { client }));
   * ```
   */
  async differentCertFile(): Promise<string> {
    if (this.#certificate === undefined) {
      throw new TypeError("This emulator serves plain HTTP: start it with { tls: true } first");
    }
    const other = await makeCertificate(this.#certificate);
    this.#tmpDir ??= await Deno.makeTempDir({ prefix: "cbemu-" });
    const path = `${this.#tmpDir}/different-${++this.#differentCerts}.pem`;
    await Deno.writeTextFile(path, other.ca ?? other.cert);
    return path;
  }

  /** Stops the server, closes every connection and removes temporary files. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#abort.abort();
      await this.#server?.close();
      if (this.#tmpDir) await Deno.remove(this.#tmpDir, { recursive: true }).catch(() => {});
    })();
    return this.#closing;
  }

  /** Same as {@linkcode CbEmulator.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #sleep(ms: number): Promise<void> {
    const signal = this.#abort.signal;
    return new Promise((resolve) => {
      if (signal.aborted || ms <= 0) return resolve();
      const onAbort = () => {
        clearTimeout(id);
        resolve();
      };
      const id = setTimeout(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  #record(req: HttpRequest): RecordedRequest {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      headers[k] = k === "x-auth-token" || k === "authorization" ? "[redacted]" : v;
    }
    const sent = req.headers["x-auth-token"];
    const record: RecordedRequest = {
      method: req.method,
      path: req.path,
      query: req.query,
      url: req.query ? `${req.path}?${req.query}` : req.path,
      headers,
      authenticated: sent !== undefined && (sent === this.token || sent === this.defenseToken),
      body: "",
      status: 0,
      fault: undefined,
      inFlight: 0,
    };
    // Decoded on first read: a large upload is not turned into a string unless a test looks.
    lazyText(record, "body", req.body);
    if (this.#requests.length >= MAX_LOG) {
      this.#requests.splice(0, this.#requests.length - MAX_LOG + 1);
    }
    this.#requests.push(record);
    return record;
  }

  async #handle(req: HttpRequest): Promise<HttpDisposition> {
    const record = this.#record(req);
    record.inFlight = ++this.#inFlight;
    if (this.#inFlight > this.#maxInFlight) this.#maxInFlight = this.#inFlight;
    try {
      return await this.#answer(req, record);
    } finally {
      this.#inFlight--;
    }
  }

  async #answer(req: HttpRequest, record: RecordedRequest): Promise<HttpDisposition> {
    const rule = this.#faults.take(req.method, req.path);
    if (rule) record.fault = faultName(rule);
    const search = this.#searchLatencyMs > 0 && req.method === "GET" && SEARCH_PATH.test(req.path)
      ? this.#searchLatencyMs
      : 0;
    await this.#sleep(this.#latencyMs + search + (rule?.delayMs ?? 0));
    if (this.#abort.signal.aborted) return "drop";
    let answer: HttpAnswer;
    if (rule?.redirect !== undefined) {
      answer = text(302, `Redirecting to ${rule.redirect}`, { Location: rule.redirect });
    } else if (rule?.status !== undefined) {
      answer = faultStatus(rule);
    } else if (rule?.drop === "before") {
      return "drop";
    } else {
      answer = await this.#route(req);
      if (rule?.drop === "after") {
        await cancelBody(answer);
        return "drop";
      }
      if (rule?.nonJson) {
        await cancelBody(answer);
        answer = {
          status: 200,
          headers: { "Content-Type": "text/html" },
          body: new TextEncoder().encode("<html><body><h1>502 Bad Gateway</h1>nginx</body></html>"),
        };
      }
      if (rule?.truncate) answer.truncate = true;
    }
    if (rule?.headers) Object.assign(answer.headers, rule.headers);
    if (rule?.retryAfter !== undefined) answer.headers["Retry-After"] = String(rule.retryAfter);
    // While drops are pending, no connection is reused: fetch silently replays a request that a
    // reused connection dropped, which would hide the fault.
    if (this.#faults.dropsPending) answer.close = true;
    record.status = answer.status;
    return answer;
  }

  /**
   * Before a request body is read: a route that needs a token refuses a wrong one at once (as
   * nginx in front of a real server answers before the application reads an upload).
   */
  #admit(head: HttpRequest): HttpAnswer | undefined {
    const m = this.#router.match(head.method, head.path);
    if ("status" in m) return undefined;
    const sent = head.headers["x-auth-token"];
    if (
      (m.route.auth === "token" && sent !== this.token) ||
      (m.route.auth === "defense" && sent !== this.defenseToken)
    ) {
      const record = this.#record(head);
      record.status = 401;
      return text(401, "Unauthorized: missing or invalid X-Auth-Token");
    }
    return undefined;
  }

  async #route(req: HttpRequest): Promise<HttpAnswer> {
    const m = this.#router.match(req.method, req.path);
    if ("status" in m) return text(m.status, m.status === 404 ? "Not Found" : "Method Not Allowed");
    const sent = req.headers["x-auth-token"];
    if (
      (m.route.auth === "token" && sent !== this.token) ||
      (m.route.auth === "defense" && sent !== this.defenseToken)
    ) {
      return text(401, "Unauthorized: missing or invalid X-Auth-Token");
    }
    const ctx: RouteContext = {
      method: req.method,
      path: req.path,
      params: m.params,
      query: new URLSearchParams(req.query),
      rawQuery: req.query,
      headers: req.headers,
      bodyText: "",
      body: req.body,
      json(): unknown {
        const bodyText = ctx.bodyText;
        if (bodyText.trim() === "") throw new HttpError(400, "Request body is required");
        try {
          return JSON.parse(bodyText);
        } catch {
          throw new HttpError(400, "Malformed JSON in request body");
        }
      },
    };
    lazyText(ctx, "bodyText", req.body);
    try {
      return await m.route.handler(ctx);
    } catch (e) {
      if (e instanceof HttpError) return text(e.status, e.message, e.headers);
      return text(500, `Internal Server Error: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

function checkLatency(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) {
    throw new RangeError(`latency must be 0 or more milliseconds, got ${ms}`);
  }
  return ms;
}

function faultStatus(rule: FaultRule): HttpAnswer {
  const status = rule.status!;
  if (rule.body === undefined) return text(status, `Injected fault: HTTP ${status}`);
  const looksJson = /^\s*[[{]/.test(rule.body);
  return {
    status,
    headers: { "Content-Type": looksJson ? "application/json" : "text/plain; charset=utf-8" },
    body: new TextEncoder().encode(rule.body),
  };
}

async function cancelBody(answer: HttpAnswer): Promise<void> {
  if (answer.body instanceof ReadableStream) await answer.body.cancel().catch(() => {});
}

/** Makes `target[key]` the UTF-8 text of `bytes`, decoded once, when first read. */
function lazyText<K extends string>(target: { [k in K]: string }, key: K, bytes: Uint8Array): void {
  let text: string | undefined;
  Object.defineProperty(target, key, {
    enumerable: true,
    configurable: true,
    get: () => text ??= DECODER.decode(bytes),
    set: (value: string) => {
      text = value;
    },
  });
}
