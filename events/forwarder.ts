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
 * Listens for the event forwarder's HTTP POSTs on a loopback or LAN address. A body may be a
 * JSON array of events, an object with an `events` array, one event object, or JSON lines; it
 * may be gzip-compressed (`Content-Encoding: gzip`). Events are handled in order before the
 * answer is sent: 200 when every callback returned, 500 when one threw (the forwarder retries the
 * batch), 400 when nothing in the body could be read. Any other method is answered 405.
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

  /**
   * Builds the listener (the port is bound by {@linkcode EventForwarderHttpSource.start}).
   *
   * @param api The API object passed to callbacks.
   * @param listeningAddress `http://host:port` or `https://host:port` (port 0 picks a free one;
   * without a port 80 or 443).
   * @param options Registry, and the key and certificate for HTTPS.
   * @throws {TypeError} When the address is not an http(s) URL.
   * @throws {CredentialError} For HTTPS without `keyFile` and `certFile`.
   */
  constructor(api: A, listeningAddress: string, options: EventForwarderHttpSourceOptions = {}) {
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
          [this.#certFile!, this.#keyFile!],
          { cause },
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
    if (req.method !== "POST") {
      await req.body?.cancel();
      return new Response("Only POST is accepted here\n", {
        status: 405,
        headers: { allow: "POST" },
      });
    }
    let body: Uint8Array;
    try {
      body = await readBody(req);
    } catch (error) {
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

async function readBody(req: Request): Promise<Uint8Array> {
  const encoding = req.headers.get("content-encoding")?.toLowerCase();
  if (encoding === "gzip" && req.body) {
    const stream = req.body.pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }
  return new Uint8Array(await req.arrayBuffer());
}

/** The events of a body: a JSON array, `{events: [...]}`, one object, or JSON lines. */
function splitBatch(body: Uint8Array): Uint8Array[] {
  const text = new TextDecoder().decode(body).trim();
  if (text === "") return [];
  const encoder = new TextEncoder();
  try {
    const value: unknown = JSON.parse(text);
    if (Array.isArray(value)) return value.map((v) => encoder.encode(JSON.stringify(v)));
    if (
      value && typeof value === "object" && Array.isArray((value as { events?: unknown }).events)
    ) {
      return (value as { events: unknown[] }).events.map((v) => encoder.encode(JSON.stringify(v)));
    }
    return [body];
  } catch {
    return text.split(/\r?\n/).filter((l) => l.trim() !== "").map((l) => encoder.encode(l));
  }
}
