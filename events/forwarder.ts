/**
 * `EventForwarderHttpSource`: an HTTP(S) listener that receives the batches the Cb event
 * forwarder POSTs (its HTTP output) and dispatches every event in them.
 *
 * @module
 */

import { CredentialError } from "../core/mod.ts";
import type { EventApi } from "./registry.ts";
import { EventSource, type EventSourceOptions, type HandleOutcome } from "./source.ts";

/** Options of {@linkcode EventForwarderHttpSource}. */
export interface EventForwarderHttpSourceOptions extends EventSourceOptions {
  /**
   * A shared secret the forwarder must present, either as the `Authorization` header (the
   * secret itself, or `Bearer <secret>`: the event forwarder's `authorization_token` setting) or
   * as the URL path (`http://host:port/<secret>`). Compared in constant time; a request without
   * it is answered 401 before its body is read. Required when the listener is bound to anything
   * but a loopback address; optional (then enforced) on loopback.
   *
   * @default {undefined (only allowed on loopback)}
   */
  secret?: string;
  /**
   * The largest request body accepted as sent (compressed or not); a larger one is answered 413
   * without being read further.
   *
   * @default {16777216 (16 MiB)}
   */
  maxBodyBytes?: number;
  /**
   * The largest body accepted after gzip decompression; decompression stops there and the
   * request is answered 413 (a gzip bomb costs at most this much memory).
   *
   * @default {67108864 (64 MiB)}
   */
  maxDecodedBytes?: number;
  /**
   * PEM private key file; required for an `https://` listening address.
   *
   * @default {undefined}
   */
  keyFile?: string;
  /**
   * PEM certificate file; required for an `https://` listening address.
   *
   * @default {undefined}
   */
  certFile?: string;
}

/** The answer the listener gives to a POST. */
export interface ForwarderReceipt {
  /** Events found in the body. */
  received: number;
  /** Events whose callbacks all returned (or that nobody asked for). */
  handled: number;
  /** Events a callback threw on; the batch is answered 500 so the forwarder sends it again. */
  failed: number;
  /** Events that could not be parsed or had an unknown type (in the error registry). */
  rejected: number;
}

/**
 * Listens for the event forwarder's HTTP POSTs, on 127.0.0.1 unless another address is given. A
 * body may be a JSON array of events, an object with an `events` array, one event object, or
 * JSON lines; it may be gzip-compressed (`Content-Encoding: gzip`). Events are handled in order
 * before the answer is sent: 200 when every callback returned, 500 when one threw (the forwarder
 * retries the batch), 400 when nothing in the body could be read. Any other method is answered
 * 405. Each event's `raw` is its bytes exactly as they were in the (decompressed) body.
 *
 * Hostile input is refused and the listener keeps running: without the shared `secret` (required
 * off loopback) 401, a body over `maxBodyBytes` as sent or over `maxDecodedBytes` after gzip 413.
 * A request therefore holds at most about `maxBodyBytes + 2 * maxDecodedBytes` of memory while
 * it is read and parsed (a 4 MiB gzip bomb that would inflate to gigabytes stops at 64 MiB by
 * default).
 *
 * @typeParam A The API type handed to callbacks.
 *
 * @example Receive a forwarded batch
 * ```ts
 * import { EventForwarderHttpSource, EventRegistry } from "@cbapi/cbapi/events";
 * import { CbResponseAPI } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * import assert from "node:assert/strict";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const registry = new EventRegistry();
 * const types: string[] = [];
 * registry.on("binaryinfo.*", (_cb, type) => { types.push(type); });
 * await using source = new EventForwarderHttpSource(cb, "http://127.0.0.1:0", { registry });
 * await source.start();
 * const res = await fetch(source.url, {
 *   method: "POST",
 *   body: '[{"type":"binaryinfo.observed","md5":"AA"},{"type":"binaryinfo.host.observed","md5":"AA"}]',
 * });
 * assert.equal(res.status, 200);
 * assert.deepEqual(await res.json(), { received: 2, handled: 2, failed: 0, rejected: 0 });
 * assert.deepEqual(types, ["binaryinfo.observed", "binaryinfo.host.observed"]);
 * ```
 */
export class EventForwarderHttpSource<A extends EventApi = EventApi> extends EventSource<A> {
  /** Always `"forwarder"`. */
  readonly kind = "forwarder" as const;
  #hostname: string;
  #port: number;
  #https: boolean;
  #keyFile: string | undefined;
  #certFile: string | undefined;
  #server: Deno.HttpServer<Deno.NetAddr> | undefined;
  #chain: Promise<unknown> = Promise.resolve();
  #secret: string | undefined;
  #secretDigest: Promise<Uint8Array> | undefined;
  #maxBodyBytes: number;
  #maxDecodedBytes: number;

  /**
   * Builds the listener (the port is bound by {@linkcode EventForwarderHttpSource.start}).
   *
   * @param api The API object passed to callbacks.
   * @param listeningAddress `http://host:port` or `https://host:port` (port 0 picks a free one;
   * without a port 80 or 443).
   * @param options Registry, shared secret, body bounds, and the key and certificate for HTTPS.
   * @throws {TypeError} When the address is not an http(s) URL or a bound is not a positive
   * integer.
   * @throws {CredentialError} For HTTPS without `keyFile` and `certFile`, or for an address that
   * is not loopback without a `secret`.
   */
  constructor(
    api: A,
    listeningAddress: string = "http://127.0.0.1:0",
    options: EventForwarderHttpSourceOptions = {},
  ) {
    super(api, options);
    let url: URL;
    try {
      url = new URL(listeningAddress);
    } catch {
      url = new URL("invalid:");
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new TypeError(
        `Cannot listen on ${JSON.stringify(listeningAddress)}: use "http://host:port" or ` +
          `"https://host:port"`,
      );
    }
    this.#https = url.protocol === "https:";
    this.#hostname = url.hostname.replace(/^\[|\]$/g, "");
    this.#port = url.port === "" ? (this.#https ? 443 : 80) : Number(url.port);
    if (this.#https && (!options.keyFile || !options.certFile)) {
      throw new CredentialError(
        `Cannot listen on ${listeningAddress}: HTTPS needs the "keyFile" and "certFile" options ` +
          `(PEM files), or use an http:// address`,
      );
    }
    this.#keyFile = options.keyFile;
    this.#certFile = options.certFile;
    if (options.secret !== undefined && options.secret === "") {
      throw new CredentialError(`Cannot use an empty secret for the event forwarder listener`);
    }
    if (options.secret === undefined && !isLoopback(this.#hostname)) {
      throw new CredentialError(
        `Cannot listen on ${listeningAddress} without a shared secret: anyone who can reach ` +
          `that address could forge events. Pass the "secret" option (and set the event ` +
          `forwarder's authorization_token, or put the secret in its URL path), or listen on ` +
          `127.0.0.1`,
      );
    }
    this.#secret = options.secret;
    this.#maxBodyBytes = bound(options.maxBodyBytes ?? 16 * MIB, "maxBodyBytes");
    this.#maxDecodedBytes = bound(options.maxDecodedBytes ?? 64 * MIB, "maxDecodedBytes");
  }

  /** Whether the listener is up. */
  get running(): boolean {
    return this.#server !== undefined;
  }

  /**
   * The URL the listener answers on (with the bound port).
   *
   * @throws {TypeError} Before {@linkcode EventForwarderHttpSource.start}.
   */
  get url(): string {
    if (!this.#server) throw new TypeError("The event forwarder listener is not started");
    const { hostname, port } = this.#server.addr;
    const host = hostname.includes(":") ? `[${hostname}]` : hostname;
    return `${this.#https ? "https" : "http"}://${host}:${port}/`;
  }

  /**
   * Binds the port and starts answering POSTs.
   *
   * @param options A signal checked before binding.
   * @returns When the listener is bound.
   * @throws {CredentialError} When the key or certificate file cannot be read.
   */
  async start(options: { signal?: AbortSignal } = {}): Promise<void> {
    options.signal?.throwIfAborted();
    if (this.#server) return;
    this.resetStop();
    let tls: { cert: string; key: string } | undefined;
    if (this.#https) {
      try {
        tls = {
          cert: await Deno.readTextFile(this.#certFile!),
          key: await Deno.readTextFile(this.#keyFile!),
        };
      } catch (cause) {
        throw new CredentialError(
          `Cannot read the HTTPS key or certificate of the event forwarder listener: ` +
            `${cause instanceof Error ? cause.message : String(cause)}`,
          { files: [this.#certFile!, this.#keyFile!], cause },
        );
      }
    }
    this.#server = Deno.serve(
      { hostname: this.#hostname, port: this.#port, onListen() {}, ...tls },
      (req) => this.#answer(req),
    );
  }

  /**
   * Stops listening (requests in flight are finished first).
   *
   * @returns When the port is free.
   */
  async close(): Promise<void> {
    this.stopAll();
    const server = this.#server;
    this.#server = undefined;
    if (server) await server.shutdown();
  }

  async #answer(req: Request): Promise<Response> {
    if (!(await this.#authorized(req))) {
      await req.body?.cancel().catch(() => {});
      return Response.json({ error: "A valid shared secret is required" }, {
        status: 401,
        headers: { "www-authenticate": 'Bearer realm="cbapi event forwarder listener"' },
      });
    }
    if (req.method !== "POST") {
      await req.body?.cancel().catch(() => {});
      return new Response("Only POST is accepted here\n", {
        status: 405,
        headers: { allow: "POST" },
      });
    }
    let body: Uint8Array;
    try {
      body = await readBody(req, this.#maxBodyBytes, this.#maxDecodedBytes);
    } catch (error) {
      await req.body?.cancel().catch(() => {});
      if (error instanceof BodyTooLargeError) {
        return Response.json({ error: error.message }, { status: 413 });
      }
      return Response.json({ error: `Cannot read the body: ${String(error)}` }, { status: 400 });
    }
    // One batch at a time, in arrival order, like the other sources.
    const run = this.#chain.then(() => this.#handleBatch(body));
    this.#chain = run.catch(() => {});
    const receipt = await run;
    const status = receipt.received === 0 || receipt.received === receipt.rejected
      ? 400
      : receipt.failed > 0
      ? 500
      : 200;
    return Response.json(receipt, { status });
  }

  async #authorized(req: Request): Promise<boolean> {
    const secret = this.#secret;
    if (secret === undefined) return true;
    // Hashed on first use (no work left pending by a listener that never started).
    this.#secretDigest ??= digest(secret);
    const want = await this.#secretDigest;
    const header = req.headers.get("authorization") ?? "";
    const bearer = /^bearer\s+/i.test(header) ? header.replace(/^bearer\s+/i, "") : header;
    const rawPath = new URL(req.url).pathname.replace(/^\/+|\/+$/g, "");
    let path: string;
    try {
      path = decodeURIComponent(rawPath);
    } catch {
      path = rawPath; // malformed escapes: compared as sent (and so refused)
    }
    const [a, b, c] = await Promise.all([digest(header), digest(bearer), digest(path)]);
    // Every candidate is compared in full, whatever matched.
    return (Number(sameBytes(a, want)) | Number(sameBytes(b, want)) |
      Number(sameBytes(c, want))) ===
      1;
  }

  async #handleBatch(body: Uint8Array): Promise<ForwarderReceipt> {
    const receipt: ForwarderReceipt = { received: 0, handled: 0, failed: 0, rejected: 0 };
    for (const raw of splitBatch(body)) {
      receipt.received++;
      const outcome: HandleOutcome = await this.handle({ raw, format: "json" });
      if (outcome === "handled") receipt.handled++;
      else if (outcome === "failed") receipt.failed++;
      else receipt.rejected++;
    }
    return receipt;
  }
}

const MIB = 1024 * 1024;

/** A body over one of the listener's bounds. */
class BodyTooLargeError extends Error {
  override name = "BodyTooLargeError";
}

function bound(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(`Cannot use ${name} ${value}: give a positive number of bytes`);
  }
  return value;
}

function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "::1" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

async function digest(text: string): Promise<Uint8Array> {
  const data = new TextEncoder().encode(text);
  return new Uint8Array(await crypto.subtle.digest("SHA-256", data));
}

/** Compares two digests of equal length without an early exit. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length && i < b.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Reads a stream into one buffer, failing as soon as it passes `limit` bytes. */
async function readAtMost(
  stream: ReadableStream<Uint8Array>,
  limit: number,
  what: string,
): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limit) {
        await reader.cancel().catch(() => {});
        throw new BodyTooLargeError(
          `The ${what} is over the listener's limit of ${limit} bytes; send smaller batches ` +
            `(or raise the ${what === "body" ? "maxBodyBytes" : "maxDecodedBytes"} option)`,
        );
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks.splice(0)) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

async function readBody(req: Request, maxBody: number, maxDecoded: number): Promise<Uint8Array> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBody) {
    throw new BodyTooLargeError(
      `The body (${declared} bytes) is over the listener's limit of ${maxBody} bytes; send ` +
        `smaller batches (or raise the maxBodyBytes option)`,
    );
  }
  if (!req.body) return new Uint8Array(0);
  const encoding = req.headers.get("content-encoding")?.toLowerCase();
  if (encoding === "gzip") {
    // Counted as it arrives, and again as it inflates.
    let sent = 0;
    const counted = req.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array<ArrayBuffer>>({
        transform(chunk, controller) {
          sent += chunk.byteLength;
          if (sent > maxBody) {
            controller.error(
              new BodyTooLargeError(
                `The body is over the listener's limit of ${maxBody} bytes; send smaller ` +
                  `batches (or raise the maxBodyBytes option)`,
              ),
            );
            return;
          }
          controller.enqueue(chunk as Uint8Array<ArrayBuffer>);
        },
      }),
    );
    const inflated = counted.pipeThrough(new DecompressionStream("gzip"));
    try {
      return await readAtMost(inflated, maxDecoded, "decompressed body");
    } catch (error) {
      if (sent > maxBody) {
        throw new BodyTooLargeError(
          `The body is over the listener's limit of ${maxBody} bytes; send smaller batches ` +
            `(or raise the maxBodyBytes option)`,
        );
      }
      throw error;
    }
  }
  return await readAtMost(req.body, maxBody, "body");
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function skipSpace(b: Uint8Array, i: number, end: number): number {
  while (i < end && WHITESPACE.has(b[i]!)) i++;
  return i;
}

/** The end of the JSON value starting at `i` (the text is known to be valid JSON). */
function valueEnd(b: Uint8Array, i: number, end: number): number {
  const c = b[i];
  if (c === QUOTE) {
    i++;
    while (i < end && b[i] !== QUOTE) i += b[i] === BACKSLASH ? 2 : 1;
    return i + 1;
  }
  if (c === 0x5b || c === 0x7b) {
    let depth = 0;
    while (i < end) {
      const d = b[i]!;
      if (d === QUOTE) {
        i = valueEnd(b, i, end);
        continue;
      }
      if (d === 0x5b || d === 0x7b) depth++;
      else if (d === 0x5d || d === 0x7d) {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    return i;
  }
  while (i < end && !WHITESPACE.has(b[i]!) && b[i] !== 0x2c && b[i] !== 0x5d && b[i] !== 0x7d) i++;
  return i;
}

/** The byte ranges of the items of the JSON array starting at `i`. */
function arrayItems(b: Uint8Array, i: number, end: number): Uint8Array[] {
  const items: Uint8Array[] = [];
  i = skipSpace(b, i + 1, end);
  while (i < end && b[i] !== 0x5d) {
    const stop = valueEnd(b, i, end);
    items.push(b.subarray(i, stop));
    i = skipSpace(b, stop, end);
    if (b[i] === 0x2c) i = skipSpace(b, i + 1, end);
  }
  return items;
}

/** The byte range of the top-level `events` array of a JSON object starting at `i`. */
function eventsArrayStart(b: Uint8Array, i: number, end: number): number | undefined {
  i = skipSpace(b, i + 1, end);
  let found: number | undefined;
  while (i < end && b[i] !== 0x7d) {
    const keyEnd = valueEnd(b, i, end);
    const key = JSON.parse(new TextDecoder().decode(b.subarray(i, keyEnd)));
    i = skipSpace(b, keyEnd, end) + 1; // past ":"
    i = skipSpace(b, i, end);
    if (key === "events") found = i; // the last one wins, as in JSON.parse
    i = skipSpace(b, valueEnd(b, i, end), end);
    if (b[i] === 0x2c) i = skipSpace(b, i + 1, end);
  }
  return found;
}

/**
 * The events of a body, each as its own bytes of the body: a JSON array, `{events: [...]}`, one
 * object, or JSON lines.
 */
function splitBatch(body: Uint8Array): Uint8Array[] {
  const start = skipSpace(body, 0, body.length);
  let end = body.length;
  while (end > start && WHITESPACE.has(body[end - 1]!)) end--;
  if (start === end) return [];
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(body.subarray(start, end)));
  } catch {
    value = undefined;
  }
  if (value === undefined) {
    const lines: Uint8Array[] = [];
    let from = start;
    for (let i = start; i <= end; i++) {
      if (i === end || body[i] === 0x0a) {
        let a = skipSpace(body, from, i);
        let z = i;
        while (z > a && WHITESPACE.has(body[z - 1]!)) z--;
        if (z > a) lines.push(body.subarray(a, z));
        from = i + 1;
        a = from;
      }
    }
    return lines;
  }
  if (Array.isArray(value)) return arrayItems(body, start, end);
  if (
    value && typeof value === "object" && Array.isArray((value as { events?: unknown }).events)
  ) {
    const at = eventsArrayStart(body, start, end);
    if (at !== undefined) return arrayItems(body, at, end);
  }
  return [body];
}
