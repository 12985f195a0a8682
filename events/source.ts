/**
 * The base of the three event sources: parsing payloads, dispatching them through a registry,
 * recording what cannot be handled, and the async-iterable form
 * (`for await (const ev of source.events("watchlist.hit.process"))`).
 *
 * @module
 */

import { decodeSensorEvent } from "./sensor_events.ts";
import {
  type CbEvent,
  type DispatchResult,
  type EventApi,
  type EventRegistration,
  type EventRegistry,
  type EventSourceKind,
  registry as defaultRegistry,
} from "./registry.ts";
import { checkPattern, type EventFormat, isKnownEventType, matchesEventPattern } from "./types.ts";

/** Options every source takes. */
export interface EventSourceOptions {
  /**
   * The registry whose callbacks receive the events and which collects the errors.
   *
   * @default {the module-level registry}
   */
  registry?: EventRegistry;
}

/** Options of {@linkcode EventSource.events}. */
export interface EventIteratorOptions {
  /**
   * Ends the iteration: the loop throws the signal's reason.
   *
   * @default {undefined}
   */
  signal?: AbortSignal;
}

/**
 * What became of one payload: handled (every callback returned, or nothing wanted it), failed
 * (a callback threw), malformed (not parseable) or of an unknown type.
 */
export type HandleOutcome = "handled" | "failed" | "malformed" | "unknown-type";

/** What a source knows of a payload before parsing it. */
export interface IncomingPayload {
  /** The routing key; when absent the JSON payload's `type` field is used. */
  type?: string;
  /** The bytes as received. */
  raw: Uint8Array;
  /** How to parse them. */
  format: EventFormat;
  /** Whether the broker delivers them again. */
  redelivered?: boolean;
}

interface Waiting {
  event: CbEvent;
  done: PromiseWithResolvers<void>;
}

/**
 * A source of server events. Subclasses read a transport; this class parses, dispatches to the
 * registry and to the source's own iterators, and records errors. Sources are
 * `AsyncDisposable`: `await using source = ...` stops them.
 *
 * @typeParam A The API type handed to callbacks.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { EventRegistry, FileEventSource } from "@cbapi/cbapi/events";
 * import { CbResponseAPI } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const file = await Deno.makeTempFile();
 * await using source = new FileEventSource(cb, file, { registry: new EventRegistry(), pollIntervalMs: 5 });
 * assert.equal(source.registry.errors.length, 0);
 * await Deno.remove(file);
 * ```
 */
export abstract class EventSource<A extends EventApi = EventApi> implements AsyncDisposable {
  /** The API object passed to every callback as `cb`. */
  readonly api: A;
  /** The registry this source dispatches through. */
  readonly registry: EventRegistry;
  /** Which kind of source this is. */
  abstract readonly kind: EventSourceKind;
  #local = new Set<EventRegistration>();
  #stopping = new AbortController();

  /**
   * Builds the source.
   *
   * @param api The API object passed to callbacks.
   * @param options The registry.
   */
  protected constructor(api: A, options: EventSourceOptions = {}) {
    this.api = api;
    this.registry = options.registry ?? defaultRegistry;
  }

  /**
   * Starts reading events in the background.
   *
   * @param options A signal that ends the start (not the source).
   * @returns When the source is reading.
   */
  abstract start(options?: { signal?: AbortSignal }): Promise<void>;

  /**
   * Stops reading; events not yet handled stay with the transport (unacknowledged messages go
   * back to the broker's queue, the forwarder retries, the file keeps its lines).
   *
   * @returns When everything is released.
   */
  abstract close(): Promise<void>;

  /** Whether the source is running. */
  abstract get running(): boolean;

  /**
   * Stops the source (`await using`).
   *
   * @returns When everything is released.
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Aborted when the source closes; subclasses end their loops on it. */
  protected get stopSignal(): AbortSignal {
    return this.#stopping.signal;
  }

  /** Ends the iterators and background loops of this source (subclasses call it in close()). */
  protected stopAll(): void {
    this.#stopping.abort();
  }

  /** Re-arms the stop signal (subclasses call it when started again after close()). */
  protected resetStop(): void {
    if (this.#stopping.signal.aborted) this.#stopping = new AbortController();
  }

  /**
   * The patterns this source serves: the registry's and its iterators'.
   *
   * @returns The patterns, each once.
   */
  protected patterns(): string[] {
    return [...new Set([...this.registry.eventTypes, ...[...this.#local].map((r) => r.pattern)])];
  }

  /**
   * Called when an iterator adds a pattern while the source runs (RabbitMQ binds it).
   *
   * @param _pattern The pattern.
   */
  protected patternAdded(_pattern: string): void {}

  /**
   * Parses a payload and dispatches it: to the registry's callbacks, then to this source's
   * iterators. Malformed payloads and unknown event types are recorded with the raw bytes.
   *
   * @param payload The payload.
   * @returns What became of it.
   */
  protected async handle(payload: IncomingPayload): Promise<HandleOutcome> {
    return await this.handleNow(payload);
  }

  /**
   * {@linkcode EventSource.handle} without a promise while every callback returns synchronously
   * (the fast path of the RabbitMQ source).
   *
   * @param payload The payload.
   * @returns What became of it, or a promise of it.
   */
  protected handleNow(payload: IncomingPayload): HandleOutcome | Promise<HandleOutcome> {
    const { raw, format } = payload;
    let data: Record<string, unknown>;
    let type = payload.type;
    let wanted = type !== undefined && this.#wants(type);
    // A routed event of a documented type that nobody asked for is not even parsed.
    if (type !== undefined && !wanted && isKnownEventType(type)) return "handled";
    try {
      data = format === "protobuf"
        ? decodeSensorEvent(raw) as Record<string, unknown>
        : parseJsonEvent(raw);
      if (type === undefined) {
        if (typeof data.type !== "string" || data.type === "") {
          throw new SyntaxError(`The event has no "type" field; cannot route it`);
        }
        type = data.type;
        wanted = this.#wants(type);
      }
    } catch (error) {
      this.registry.recordError({
        kind: "malformed",
        error,
        callbackFunc: undefined,
        eventType: type,
        eventData: raw,
        source: this.kind,
      });
      return "malformed";
    }
    if (!wanted) {
      if (isKnownEventType(type)) return "handled"; // nobody asked for it
      this.registry.recordError({
        kind: "unknown-type",
        error: new TypeError(`Unknown event type "${type}" and no callback registered for it`),
        callbackFunc: undefined,
        eventType: type,
        eventData: raw,
        source: this.kind,
      });
      return "unknown-type";
    }
    const event: CbEvent = {
      type,
      data,
      raw,
      format,
      source: this.kind,
      redelivered: payload.redelivered ?? false,
    };
    const result = this.registry.dispatchNow(
      this.api,
      event,
      this.#local.size === 0 ? NO_REGISTRATIONS : [...this.#local],
    );
    return result instanceof Promise ? result.then(outcomeOf) : outcomeOf(result);
  }

  #wants(type: string): boolean {
    if (this.registry.handles(type)) return true;
    for (const r of this.#local) if (matchesEventPattern(r.pattern, type)) return true;
    return false;
  }

  /**
   * The events of one type or pattern as an async iterable; starts the source when needed. An
   * event counts as handled (and is acknowledged) once the loop asks for the next one or leaves
   * the loop; events delivered but not yet taken when the loop ends are not acknowledged, so the
   * broker delivers them again.
   *
   * @param pattern An event type or pattern (`watchlist.hit.*`), or several.
   * @param options A signal that ends the loop.
   * @returns The events, in arrival order.
   * @throws {TypeError} When a pattern is malformed.
   *
   * @example Read watchlist hits from a JSON-lines file
   * ```ts
   * import { EventRegistry, FileEventSource } from "@cbapi/cbapi/events";
   * import { CbResponseAPI } from "@cbapi/cbapi/response";
   * import { CbEmulator } from "@cbapi/cbapi/testing";
   * import assert from "node:assert/strict";
   * await using emu = await CbEmulator.start();
   * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
   * const file = await Deno.makeTempFile();
   * await Deno.writeTextFile(file, '{"type":"watchlist.hit.process","watchlist_id":7}\n');
   * await using source = new FileEventSource(cb, file, { registry: new EventRegistry(), pollIntervalMs: 5 });
   * for await (const ev of source.events("watchlist.hit.*")) {
   *   assert.equal(ev.data.watchlist_id, 7);
   *   break;
   * }
   * await Deno.remove(file);
   * ```
   */
  async *events(
    pattern: string | readonly string[],
    options: EventIteratorOptions = {},
  ): AsyncGenerator<CbEvent, void, undefined> {
    const { signal } = options;
    signal?.throwIfAborted();
    const patterns = (typeof pattern === "string" ? [pattern] : [...pattern]).map(checkPattern);
    const queue: Waiting[] = [];
    let wake: (() => void) | undefined;
    const regs = patterns.map((p): EventRegistration => ({
      pattern: p,
      handler: function iterator(_cb, _type, _data, event) {
        const done = Promise.withResolvers<void>();
        queue.push({ event, done });
        wake?.();
        return done.promise;
      },
    }));
    const stop = this.stopSignal;
    const onAbort = () => wake?.();
    signal?.addEventListener("abort", onAbort);
    stop.addEventListener("abort", onAbort);
    for (const r of regs) {
      this.#local.add(r);
      this.patternAdded(r.pattern);
    }
    let current: Waiting | undefined;
    try {
      if (!this.running) await this.start(signal ? { signal } : {});
      while (true) {
        signal?.throwIfAborted();
        if (stop.aborted) return;
        const next = queue.shift();
        if (!next) {
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
          continue;
        }
        current = next;
        yield next.event;
        current = undefined;
        next.done.resolve();
      }
    } finally {
      signal?.removeEventListener("abort", onAbort);
      stop.removeEventListener("abort", onAbort);
      for (const r of regs) this.#local.delete(r);
      current?.done.resolve();
      const reason = new Error("The event loop ended before taking this event");
      for (const w of queue.splice(0)) w.done.reject(reason);
    }
  }
}

const NO_REGISTRATIONS: readonly EventRegistration[] = [];

function outcomeOf(result: DispatchResult): HandleOutcome {
  return result.failed > 0 ? "failed" : "handled";
}

/** Integers with more digits than this may not fit a double exactly. */
const LONG_INTEGER_REGEXP = /\d{16,}/;
const INTEGER_REGEXP = /^-?\d+$/;

/**
 * Keeps a JSON integer beyond Number.MAX_SAFE_INTEGER exact, as its decimal text.
 *
 * @param _key The key.
 * @param value The parsed value.
 * @param context The source text of a primitive.
 * @returns The value, or the integer's text.
 */
function exactIntegers(_key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value !== "number" || Number.isSafeInteger(value)) return value;
  const source = context?.source;
  return source !== undefined && INTEGER_REGEXP.test(source) ? source : value;
}

/**
 * Parses a JSON event. Integers beyond ±(2^53 - 1) (64-bit ids such as `docs[].parent_id`) are
 * kept exact as decimal strings; every other number is a number.
 *
 * @param raw The UTF-8 bytes.
 * @returns The object.
 * @throws {SyntaxError} When the bytes are not a JSON object.
 */
export function parseJsonEvent(raw: Uint8Array): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(raw);
  } catch (cause) {
    throw new SyntaxError("The event is not valid UTF-8 text", { cause });
  }
  const value: unknown = LONG_INTEGER_REGEXP.test(text)
    ? JSON.parse(text, exactIntegers as (key: string, value: unknown) => unknown)
    : JSON.parse(text);
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new SyntaxError(`The event is JSON but not an object: ${text.slice(0, 80)}`);
  }
  return value as Record<string, unknown>;
}
