/**
 * The event registry: callbacks registered by event type (or topic pattern), dispatched with the
 * API object, the event type and the parsed event data; and the list of errors met while
 * consuming (handler exceptions, malformed payloads, unknown event types), each with its raw
 * payload.
 *
 * @module
 */

import { checkPattern, type EventFormat, matchesEventPattern } from "./types.ts";

/** The RabbitMQ keys of a credential profile (see `Credentials` in `@cbapi/cbapi/core`). */
export interface EventBusCredentials {
  /** The profile name. */
  readonly profile: string;
  /** `rabbitmq_user`. */
  readonly rabbitmqUser: string;
  /** `rabbitmq_pass`. */
  readonly rabbitmqPass: string | undefined;
  /** `rabbitmq_host`. */
  readonly rabbitmqHost: string;
  /** `rabbitmq_port`. */
  readonly rabbitmqPort: number;
}

/**
 * What the Event API needs of an API object: any product API (`CbResponseAPI`, ...) fits. The
 * sources pass the API they were built with to callbacks, typed as given.
 */
export interface EventApi {
  /** The server base URL. */
  readonly url: string;
  /** The connection; the RabbitMQ source reads the profile's event bus keys from it. */
  readonly connection: { readonly credentials: EventBusCredentials | undefined };
}

/** Where an event came from. */
export type EventSourceKind = "rabbitmq" | "file" | "forwarder";

/** One event as a source delivers it. */
export interface CbEvent {
  /** The event type (routing key), for example `watchlist.hit.process`. */
  readonly type: string;
  /**
   * The parsed payload: the JSON object, or the decoded protobuf `CbEventMsg`
   * (`SensorEvent`). JSON integers beyond ±(2^53 - 1), such as the 64-bit
   * `docs[].parent_id` of watchlist hits, are kept exact as decimal strings
   * (`"2211398595607011599"`); every other JSON number is a number.
   */
  readonly data: Record<string, unknown>;
  /** The payload exactly as received, byte for byte. */
  readonly raw: Uint8Array;
  /** How the payload was encoded. */
  readonly format: EventFormat;
  /** Which kind of source delivered it. */
  readonly source: EventSourceKind;
  /** True when the broker delivers it again (a handler failed or a consumer went away). */
  readonly redelivered: boolean;
}

/**
 * A callback: `(cb, eventType, eventData, event)`, like the Python `func(cb=, event_type=,
 * event_data=)`, except that `eventData` is already parsed (the raw bytes are `event.raw`).
 * It may be async; the event is acknowledged only after the returned promise settles.
 *
 * @typeParam A The API type the source was built with.
 */
export type EventHandler<A extends EventApi = EventApi> = (
  cb: A,
  eventType: string,
  eventData: Record<string, unknown>,
  event: CbEvent,
) => void | Promise<void>;

/** Why an entry is in the error registry. */
export type EventErrorKind = "handler" | "malformed" | "unknown-type";

/** One entry of {@linkcode EventRegistry.errors} (the Python `registry.errors` dictionary). */
export interface EventErrorRecord {
  /** What went wrong. */
  readonly kind: EventErrorKind;
  /** The thrown value, or the parse error. */
  readonly error: unknown;
  /** The error's stack (or message) as text, like the Python traceback text. */
  readonly exception: string;
  /** When it happened. */
  readonly timestamp: Date;
  /** The failing callback's name (handler errors only). */
  readonly callbackFunc: string | undefined;
  /** The event type, when known. */
  readonly eventType: string | undefined;
  /** The raw payload. */
  readonly eventData: Uint8Array;
  /** Which kind of source met it. */
  readonly source: EventSourceKind;
}

/** Options of {@linkcode EventRegistry}. */
export interface EventRegistryOptions {
  /**
   * How many error records to keep; the oldest are dropped first.
   *
   * @default {1000}
   */
  maxErrors?: number;
}

/** What {@linkcode EventRegistry.dispatch} did with one event. */
export interface DispatchResult {
  /** Callbacks that returned normally. */
  readonly handled: number;
  /** Callbacks that threw (each is in the error registry). */
  readonly failed: number;
}

/** A pattern and its callback. */
export interface EventRegistration {
  /** The event type or pattern. */
  readonly pattern: string;
  /** The callback. */
  readonly handler: EventHandler;
}

/** A listener told about every pattern registered from now on. */
export type PatternListener = (pattern: string) => void;

/**
 * Callbacks by event type and the errors met while dispatching. The module-level
 * {@linkcode registry} is what {@linkcode onEvent} and the sources use unless given another.
 *
 * @example Register, dispatch, read the errors
 * ```ts
 * import { EventRegistry } from "@cbapi/cbapi/events";
 * import { CbResponseAPI } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * import assert from "node:assert/strict";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const reg = new EventRegistry();
 * const seen: string[] = [];
 * reg.on("watchlist.hit.*", (_cb, type) => { seen.push(type); });
 * reg.on("watchlist.hit.binary", function failing() { throw new Error("boom"); });
 * const raw = new TextEncoder().encode('{"type":"watchlist.hit.binary"}');
 * const result = await reg.dispatch(cb, {
 *   type: "watchlist.hit.binary", data: { type: "watchlist.hit.binary" }, raw,
 *   format: "json", source: "file", redelivered: false,
 * });
 * assert.deepEqual(result, { handled: 1, failed: 1 });
 * assert.deepEqual(seen, ["watchlist.hit.binary"]);
 * assert.equal(reg.errors[0]?.callbackFunc, "failing");
 * ```
 */
export class EventRegistry {
  #registrations: EventRegistration[] = [];
  #errors: EventErrorRecord[] = [];
  #maxErrors: number;
  #listeners = new Set<PatternListener>();
  /** The registrations matching each event type seen, until the registrations change. */
  #matching = new Map<string, EventRegistration[]>();

  /**
   * Builds an empty registry.
   *
   * @param options How many errors to keep.
   * @throws {RangeError} When `maxErrors` is not a positive integer.
   */
  constructor(options: EventRegistryOptions = {}) {
    const max = options.maxErrors ?? 1000;
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError(`Cannot keep ${max} event errors: maxErrors must be a positive integer`);
    }
    this.#maxErrors = max;
  }

  /**
   * Registers a callback for an event type or pattern (`watchlist.hit.process`,
   * `watchlist.hit.*`, `feed.*`, `binaryinfo.#`, `ingress.event.regmod`, ...). Sources bind the
   * pattern on the bus as soon as it is registered, also while they run.
   *
   * @typeParam A The API type of the sources this handler runs under.
   * @param pattern The event type or pattern.
   * @param handler The callback.
   * @returns A function that removes this registration.
   * @throws {TypeError} When the pattern is malformed or the handler is not a function.
   */
  on<A extends EventApi = EventApi>(pattern: string, handler: EventHandler<A>): () => void {
    checkPattern(pattern);
    if (typeof handler !== "function") {
      throw new TypeError(`Cannot register a ${typeof handler} for "${pattern}": pass a function`);
    }
    const reg: EventRegistration = { pattern, handler: handler as EventHandler };
    this.#registrations.push(reg);
    this.#matching.clear();
    for (const listener of this.#listeners) listener(pattern);
    return () => {
      this.#registrations = this.#registrations.filter((r) => r !== reg);
      this.#matching.clear();
    };
  }

  /** The registered patterns, each once, in registration order (the Python `event_types`). */
  get eventTypes(): string[] {
    return [...new Set(this.#registrations.map((r) => r.pattern))];
  }

  /** A copy of the errors met so far, oldest first (the Python `registry.errors`). */
  get errors(): EventErrorRecord[] {
    return [...this.#errors];
  }

  /** Forgets every registration (errors are kept). */
  clear(): void {
    this.#registrations = [];
    this.#matching.clear();
  }

  /** Forgets the errors. */
  clearErrors(): void {
    this.#errors = [];
  }

  /**
   * Whether any registered callback takes an event type.
   *
   * @param type The event type.
   * @returns True when dispatching it would call something.
   */
  handles(type: string): boolean {
    return this.#matchingFor(type).length > 0;
  }

  #matchingFor(type: string): EventRegistration[] {
    let list = this.#matching.get(type);
    if (list === undefined) {
      list = this.#registrations.filter((r) => matchesEventPattern(r.pattern, type));
      if (this.#matching.size >= 1024) this.#matching.clear(); // bounded: types are few
      this.#matching.set(type, list);
    }
    return list;
  }

  /**
   * Calls `listener` with every pattern registered from now on (sources use it to bind new
   * patterns while they run).
   *
   * @param listener The listener.
   * @returns A function that removes the listener.
   */
  watchPatterns(listener: PatternListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Calls every callback whose pattern matches the event, one after another in registration
   * order, awaiting each. A callback that throws is recorded in {@linkcode errors} and the next
   * one still runs.
   *
   * @param cb The API object passed to the callbacks.
   * @param event The event.
   * @param extra Further callbacks to run after the registered ones (a source's iterators).
   * @returns How many callbacks returned and how many threw.
   */
  async dispatch(
    cb: EventApi,
    event: CbEvent,
    extra: readonly EventRegistration[] = [],
  ): Promise<DispatchResult> {
    return await this.dispatchNow(cb, event, extra);
  }

  /**
   * {@linkcode EventRegistry.dispatch} without a promise while every callback returns
   * synchronously: the sources' fast path (an async callback makes the rest asynchronous).
   *
   * @param cb The API object passed to the callbacks.
   * @param event The event.
   * @param extra Further callbacks to run after the registered ones (a source's iterators).
   * @returns How many callbacks returned and how many threw, or a promise of it.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { EventRegistry } from "@cbapi/cbapi/events";
   * const reg = new EventRegistry();
   * reg.on("watchlist.hit.process", () => {});
   * const api = { url: "https://cb.example", connection: { credentials: undefined } };
   * const result = reg.dispatchNow(api, {
   *   type: "watchlist.hit.process", data: {}, raw: new Uint8Array(), format: "json",
   *   source: "file", redelivered: false,
   * });
   * assert.deepEqual(result, { handled: 1, failed: 0 });
   * ```
   */
  dispatchNow(
    cb: EventApi,
    event: CbEvent,
    extra: readonly EventRegistration[] = [],
  ): DispatchResult | Promise<DispatchResult> {
    const registered = this.#matchingFor(event.type);
    const matching = extra.length === 0 ? registered : [
      ...registered,
      ...extra.filter((r) => matchesEventPattern(r.pattern, event.type)),
    ];
    let handled = 0;
    let failed = 0;
    for (let i = 0; i < matching.length; i++) {
      const { handler } = matching[i]!;
      let result: void | Promise<void>;
      try {
        result = handler(cb, event.type, event.data, event);
      } catch (error) {
        failed++;
        this.#handlerFailed(handler, event, error);
        continue;
      }
      if (result !== undefined && typeof (result as Promise<void>).then === "function") {
        return this.#dispatchRest(cb, event, matching, i, result, handled, failed);
      }
      handled++;
    }
    return { handled, failed };
  }

  async #dispatchRest(
    cb: EventApi,
    event: CbEvent,
    matching: readonly EventRegistration[],
    at: number,
    pending: Promise<void>,
    handled: number,
    failed: number,
  ): Promise<DispatchResult> {
    for (let i = at; i < matching.length; i++) {
      const { handler } = matching[i]!;
      try {
        await (i === at ? pending : handler(cb, event.type, event.data, event));
        handled++;
      } catch (error) {
        failed++;
        this.#handlerFailed(handler, event, error);
      }
    }
    return { handled, failed };
  }

  #handlerFailed(handler: EventHandler, event: CbEvent, error: unknown): void {
    this.recordError({
      kind: "handler",
      error,
      callbackFunc: handler.name,
      eventType: event.type,
      eventData: event.raw,
      source: event.source,
    });
  }

  /**
   * Adds an entry to the error registry.
   *
   * @param init What went wrong; `exception` and `timestamp` are filled in.
   */
  recordError(init: Omit<EventErrorRecord, "exception" | "timestamp">): void {
    const err = init.error;
    const exception = err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(
      err,
    );
    this.#errors.push({ ...init, exception, timestamp: new Date() });
    if (this.#errors.length > this.#maxErrors) this.#errors.shift();
  }
}

/** The process-wide registry (the Python `cbapi.event.registry`). */
export const registry: EventRegistry = new EventRegistry();

/**
 * Registers a callback on the process-wide {@linkcode registry} (the Python `@on_event`
 * decorator) and returns it unchanged.
 *
 * @typeParam A The API type of the sources this handler runs under.
 * @param eventType The event type or pattern.
 * @param handler The callback.
 * @returns The same callback.
 * @throws {TypeError} When the pattern is malformed.
 *
 * @example
 * ```ts
 * import { onEvent, registry } from "@cbapi/cbapi/events";
 * import assert from "node:assert/strict";
 * const handler = onEvent("watchlist.hit.process", (_cb, _type, data) => {
 *   console.log(data.watchlist_name);
 * });
 * assert.ok(registry.eventTypes.includes("watchlist.hit.process"));
 * assert.equal(typeof handler, "function");
 * registry.clear();
 * ```
 */
export function onEvent<A extends EventApi = EventApi>(
  eventType: string,
  handler: EventHandler<A>,
): EventHandler<A> {
  registry.on<A>(eventType, handler);
  return handler;
}
