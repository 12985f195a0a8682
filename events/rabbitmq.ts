/**
 * `RabbitMqEventSource`: consumes the Cb Response server's event bus (the `api.events` topic
 * exchange on its RabbitMQ) with a per-process queue bound to the registered event types.
 *
 * @module
 */

import { ConnectionError, CredentialError } from "../core/mod.ts";
import { type AmqpChannel, amqpConnect, type AmqpConnection, type AmqpMessage } from "./_amqp.ts";
import { errorText, pause } from "./_util.ts";
import type { EventApi } from "./registry.ts";
import { EventSource, type EventSourceOptions, type HandleOutcome } from "./source.ts";
import { bindingKey, EVENT_TYPES, eventFormat, matchesEventPattern } from "./types.ts";
import { checkTimeUnits } from "../core/_internal.ts";

/** Options of {@linkcode RabbitMqEventSource}. */
export interface RabbitMqEventSourceOptions extends EventSourceOptions {
  /**
   * Overrides `rabbitmq_user` of the credential profile.
   *
   * @default {the profile's rabbitmq_user ("cb")}
   */
  user?: string;
  /**
   * Overrides `rabbitmq_pass` of the credential profile.
   *
   * @default {the profile's rabbitmq_pass}
   */
  password?: string;
  /**
   * Overrides `rabbitmq_host`.
   *
   * @default {the profile's rabbitmq_host ("localhost")}
   */
  host?: string;
  /**
   * Overrides `rabbitmq_port`.
   *
   * @default {the profile's rabbitmq_port (5004)}
   */
  port?: number;
  /**
   * The queue name.
   *
   * @default {"cbapi-event-handler-{hostname}-{pid}", with "-2", "-3", ... for further sources of one process}
   */
  queueName?: string;
  /**
   * A durable queue that outlives this consumer and broker restarts (persistent messages are
   * then kept while the consumer is away). The default is the auto-delete queue of cbapi.
   *
   * @default {false}
   */
  durable?: boolean;
  /**
   * The name of a durable queue shared by every consumer given the same name, in this process or
   * others, on this machine or others: the broker splits the server's stream between them (each
   * message goes to one consumer) and a consumer that goes away without acknowledging returns its
   * messages to the others, so nothing is lost and a message is handled twice only when its
   * consumer died between its handler and the acknowledgement (at-least-once delivery; such a
   * message arrives with `redelivered` true). Implies `durable: true` and replaces `queueName`.
   * The queue stays on the broker when the consumers stop; delete it there when it is no longer
   * wanted.
   *
   * @default {undefined (a queue of this source's own)}
   */
  sharedQueue?: string;
  /**
   * Spreads the events over this many queues on the broker, each bound to a share of the routing
   * keys and read on a channel of its own (all on one connection). A RabbitMQ queue is one Erlang
   * process, which delivers no faster than one core allows (about 25,000 small messages per
   * second measured on RabbitMQ 3.10, whatever the consumer does); N queues let N broker cores
   * deliver. Events of one routing key keep their order; events of different keys may arrive in
   * another order than published. A wildcard pattern (`ingress.event.#`) is then bound as the
   * documented event types it matches ({@linkcode EVENT_TYPES}), so that they can be spread: a
   * type missing from that list and matched only by the wildcard is not received. The queues are
   * named `{queueName}.{i}of{N}` (see {@linkcode RabbitMqEventSource.queueNames}); every process
   * sharing them (`sharedQueue`) must use the same count.
   *
   * @default {1 (one queue, named queueName, as the Python cbapi does)}
   */
  queues?: number;
  /**
   * Messages the broker may send before earlier ones are acknowledged, per queue.
   *
   * @default {1000}
   */
  prefetch?: number;
  /**
   * Acknowledge handled messages together: one acknowledgement (AMQP "multiple") every this many
   * handled messages, whenever no delivered message is waiting, and before waiting for an async
   * handler. A message is acknowledged only after its handlers finished. 1 acknowledges each
   * message on its own.
   *
   * @default {min(100, half of prefetch)}
   */
  ackEvery?: number;
  /**
   * Deliveries of one message whose callbacks throw before it is rejected for good (then the
   * broker drops it, or dead-letters it if the queue is set up so); it stays in the error
   * registry with its raw payload either way.
   *
   * @default {3}
   */
  maxAttempts?: number;
  /**
   * First delay before reconnecting after the connection dropped; doubles per failed attempt.
   *
   * @default {5000}
   */
  reconnectDelayMs?: number;
  /**
   * Longest delay between reconnect attempts.
   *
   * @default {60000}
   */
  maxReconnectDelayMs?: number;
  /**
   * Socket connect timeout in milliseconds.
   *
   * @default {10000}
   */
  connectTimeoutMs?: number;
}

/** The exchange Cb Response publishes on. */
export const EVENT_EXCHANGE = "api.events";

let sourcesMade = 0;

/**
 * Reads the server's event bus. Messages are acknowledged only after every callback finished;
 * when one throws, the message goes back to the queue and is delivered again (up to
 * `maxAttempts`); a dropped connection is re-established with backoff, binding the queue again.
 * Patterns registered while the source runs are bound at once.
 *
 * @typeParam A The API type handed to callbacks.
 *
 * @example Listen for regmods (needs the server's RabbitMQ, so not run here)
 * ```ts ignore
 * import { onEvent, RabbitMqEventSource } from "@cbapi/cbapi/events";
 * import { CbResponseAPI } from "@cbapi/cbapi/response";
 * await using cb = await CbResponseAPI.connect();   // profile with rabbitmq_pass
 * onEvent("ingress.event.regmod", (_cb, _type, data) => console.log(data.regmod));
 * await using source = new RabbitMqEventSource(cb);
 * await source.start();
 * ```
 */
export class RabbitMqEventSource<A extends EventApi = EventApi> extends EventSource<A> {
  /** Always `"rabbitmq"`. */
  readonly kind = "rabbitmq" as const;
  /** The queue this source consumes (the base of the names when `queues` is more than 1). */
  readonly queueName: string;
  /**
   * The queues this source consumes: `[queueName]`, or `{queueName}.{i}of{N}` for i = 1..N when
   * the `queues` option is N > 1.
   */
  readonly queueNames: readonly string[];
  /** The exchange, `api.events`. */
  readonly exchange: string = EVENT_EXCHANGE;
  #url: string;
  #safeUrl: string;
  #durable: boolean;
  #prefetch: number;
  #ackEvery: number;
  #maxAttempts: number;
  #reconnectDelay: number;
  #maxReconnectDelay: number;
  #connectTimeout: number;
  #conn: AmqpConnection | undefined;
  /** The consuming channel of each queue (same order as queueNames), while connected. */
  #channels: AmqpChannel[] = [];
  /** The channels of the current connection: deliveries of any other one are stale. */
  #live = new Set<AmqpChannel>();
  /** `{queue index} {binding key}` of every binding made on the current connection. */
  #bound = new Set<string>();
  #attempts = new Map<string, number>();
  /** Deliveries waiting for their handlers, in order; `#head` is the next one. */
  #pending: { ch: AmqpChannel; msg: AmqpMessage }[] = [];
  #head = 0;
  #draining: Promise<void> | undefined;
  #busy = false;
  /** Per channel, the last handled message not yet acknowledged; and how many are behind them. */
  #ackable = new Map<AmqpChannel, AmqpMessage>();
  #unacked = 0;
  #closing = false;
  #started = false;
  #reconnecting: Promise<void> | undefined;
  #unwatch: (() => void) | undefined;
  #connections = 0;

  /**
   * Builds the source from the API's credential profile (`rabbitmq_user`, `rabbitmq_pass`,
   * `rabbitmq_host`, `rabbitmq_port`) and the options. Nothing is connected yet.
   *
   * @param api The API object passed to callbacks; its credentials name the broker.
   * @param options Overrides, queue and retry settings.
   * @throws {CredentialError} When no RabbitMQ password is configured.
   */
  constructor(api: A, options: RabbitMqEventSourceOptions = {}) {
    checkTimeUnits(options, "RabbitMqEventSource");
    super(api, options);
    const creds = api.connection.credentials;
    const password = options.password ?? creds?.rabbitmqPass;
    if (!password) {
      throw new CredentialError(
        `RabbitMqEventSource for ${api.url} requires credentials for the event bus: define ` +
          `rabbitmq_pass (and rabbitmq_user, rabbitmq_host, rabbitmq_port) in the credential ` +
          `file for profile "${creds?.profile ?? "default"}", or pass the "password" option`,
      );
    }
    const user = options.user ?? creds?.rabbitmqUser ?? "cb";
    const host = options.host ?? creds?.rabbitmqHost ?? "localhost";
    const port = options.port ?? creds?.rabbitmqPort ?? 5004;
    const h = host.includes(":") ? `[${host}]` : host;
    this.#url = `amqp://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${h}:${port}`;
    this.#safeUrl = `amqp://${encodeURIComponent(user)}@${h}:${port}`;
    sourcesMade++;
    this.queueName = options.sharedQueue ?? options.queueName ??
      `cbapi-event-handler-${hostName()}-${Deno.pid}${sourcesMade > 1 ? `-${sourcesMade}` : ""}`;
    const queues = positive(options.queues ?? 1, "queues");
    this.queueNames = queues === 1
      ? [this.queueName]
      : Array.from({ length: queues }, (_, i) => `${this.queueName}.${i + 1}of${queues}`);
    this.#durable = options.sharedQueue !== undefined ? true : options.durable ?? false;
    this.#prefetch = positive(options.prefetch ?? 1000, "prefetch");
    this.#ackEvery = positive(
      options.ackEvery ?? Math.max(1, Math.min(100, Math.floor(this.#prefetch / 2))),
      "ackEvery",
    );
    this.#maxAttempts = positive(options.maxAttempts ?? 3, "maxAttempts");
    this.#reconnectDelay = options.reconnectDelayMs ?? 5000;
    this.#maxReconnectDelay = options.maxReconnectDelayMs ?? 60_000;
    this.#connectTimeout = options.connectTimeoutMs ?? 10_000;
  }

  /** Whether the source was started and not closed (also while reconnecting). */
  get running(): boolean {
    return this.#started;
  }

  /** Whether the source's channels are consuming right now. */
  get connected(): boolean {
    return this.#live.size > 0;
  }

  /** How many times a connection was set up (1 after start, more after reconnects). */
  get connectionCount(): number {
    return this.#connections;
  }

  /** The broker address without the password. */
  get brokerUrl(): string {
    return this.#safeUrl;
  }

  /**
   * Connects, declares the exchange and the queue, binds the registered patterns and starts
   * consuming. Later connection losses are repaired in the background.
   *
   * @param options A signal that ends the first connection attempt.
   * @returns When the source consumes.
   * @throws {ConnectionError} When the broker cannot be reached or refuses the setup.
   */
  async start(options: { signal?: AbortSignal } = {}): Promise<void> {
    options.signal?.throwIfAborted();
    if (this.#started) return;
    this.resetStop();
    this.#started = true;
    this.#closing = false;
    this.#unwatch = this.registry.watchPatterns((p) => this.patternAdded(p));
    try {
      await this.#connect();
    } catch (cause) {
      this.#started = false;
      this.#unwatch();
      throw new ConnectionError(
        `Cannot consume events from ${this.#safeUrl} (queue${
          this.queueNames.length > 1 ? "s" : ""
        } ${this.queueNames.map((q) => `"${q}"`).join(", ")}): ` +
          `${errorText(cause)}. Check rabbitmq_host/rabbitmq_port and that the broker runs`,
        { cause, url: this.#safeUrl },
      );
    }
  }

  /**
   * Stops: lets the handler that runs finish, acknowledges what was handled, and closes the
   * connection. Delivered messages whose handlers did not start return to the queue.
   *
   * @returns When the connection is closed.
   */
  async close(): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    this.#closing = true;
    this.stopAll();
    this.#unwatch?.();
    await this.#reconnecting;
    await this.#draining;
    this.#flushAcks();
    await this.#teardown();
  }

  /**
   * Binds a pattern added while running.
   *
   * @param pattern The pattern.
   */
  protected override patternAdded(pattern: string): void {
    if (this.#live.size === 0) return;
    for (const key of this.#keysOf(pattern)) {
      const q = this.#queueOf(key);
      const ch = this.#channels[q]!;
      const bound = `${q} ${key}`;
      if (this.#bound.has(bound)) continue;
      this.#bound.add(bound);
      ch.bindQueue(this.queueNames[q]!, this.exchange, key).catch(() => this.#bound.delete(bound));
    }
  }

  /** The binding keys of a pattern: its own, or with several queues the documented types it matches. */
  #keysOf(pattern: string): string[] {
    if (this.queueNames.length > 1 && /(^|\.)[*#](\.|$)/.test(pattern)) {
      const types = [...EVENT_TYPES.keys()].filter((t) => matchesEventPattern(pattern, t));
      if (types.length > 0) return types;
    }
    return [bindingKey(pattern)];
  }

  /**
   * The queue a binding key goes to: documented types in turn by their place in EVENT_TYPES (so
   * that every process sharing the queues agrees, whatever it registered), other keys by a hash.
   */
  #queueOf(key: string): number {
    const n = this.queueNames.length;
    if (n === 1) return 0;
    const place = EVENT_TYPE_PLACES.get(key);
    return (place ?? fnv1a(key)) % n;
  }

  async #connect(): Promise<void> {
    const conn = await amqpConnect(this.#url, this.#connectTimeout);
    const channels: AmqpChannel[] = [];
    try {
      conn.on("error", () => {}); // "close" follows; handled there
      for (const queue of this.queueNames) {
        const ch = await conn.createChannel();
        ch.on("error", () => {});
        // A channel the broker closed while the connection stays (a refused operation), or a
        // consumer it cancelled (its queue was deleted), would leave a queue unread: start over
        // on a new connection, which declares the queue again.
        ch.on("close", () => this.#startOver(conn, ch));
        if (channels.length === 0) {
          await ch.assertExchange(this.exchange, "topic", { durable: true, autoDelete: false });
        }
        await ch.assertQueue(queue, { durable: this.#durable, autoDelete: !this.#durable });
        channels.push(ch);
      }
      this.#bound.clear();
      for (const p of this.patterns()) {
        for (const key of this.#keysOf(p)) {
          const q = this.#queueOf(key);
          const bound = `${q} ${key}`;
          if (this.#bound.has(bound)) continue;
          await channels[q]!.bindQueue(this.queueNames[q]!, this.exchange, key);
          this.#bound.add(bound);
        }
      }
      this.#channels = channels;
      for (const [q, ch] of channels.entries()) {
        await ch.prefetch(this.#prefetch);
        // Deliveries may arrive before consume() answers: they belong to this channel already.
        this.#live.add(ch);
        await ch.consume(this.queueNames[q]!, (msg) => {
          if (msg) this.#enqueue(ch, msg);
          else this.#startOver(conn, ch); // cancelled by the broker
        }, { noAck: false });
      }
    } catch (err) {
      this.#live.clear();
      this.#channels = [];
      await conn.close().catch(() => {});
      throw err;
    }
    this.#conn = conn;
    this.#connections++;
    conn.on("close", () => this.#lost(conn));
  }

  /** Closes the connection of a channel still in use, so that the source connects again. */
  #startOver(conn: AmqpConnection, ch: AmqpChannel): void {
    if (this.#live.has(ch)) conn.close().catch(() => {});
  }

  #lost(conn: AmqpConnection): void {
    if (this.#conn !== conn) return;
    this.#conn = undefined;
    this.#live.clear();
    this.#channels = [];
    if (!this.#started || this.#reconnecting) return;
    this.#reconnecting = this.#reconnect().finally(() => (this.#reconnecting = undefined));
  }

  async #reconnect(): Promise<void> {
    const stop = this.stopSignal;
    let delay = this.#reconnectDelay;
    while (!stop.aborted) {
      await pause(delay, stop);
      if (stop.aborted) return;
      try {
        await this.#connect();
        if (stop.aborted) await this.#teardown();
        return;
      } catch {
        delay = Math.min(delay * 2, this.#maxReconnectDelay);
      }
    }
  }

  async #teardown(): Promise<void> {
    const conn = this.#conn;
    this.#conn = undefined;
    this.#live.clear();
    this.#channels = [];
    if (conn) await conn.close().catch(() => {});
  }

  #enqueue(ch: AmqpChannel, msg: AmqpMessage): void {
    this.#pending.push({ ch, msg });
    if (this.#busy) return;
    // Handled after the deliveries of this socket read are all queued, so that one
    // acknowledgement covers them.
    this.#busy = true;
    this.#draining = Promise.resolve().then(() => this.#drain()).catch(() => {});
  }

  /** Handles the waiting deliveries one after another; acknowledges when none is left. */
  async #drain(): Promise<void> {
    try {
      while (this.#head < this.#pending.length && !this.#closing) {
        const { ch, msg } = this.#pending[this.#head]!;
        this.#pending[this.#head++] = undefined!;
        // A delivery of a channel that is gone comes again on the new one: skip it.
        if (!this.#live.has(ch)) continue;
        const pending = this.#process(ch, msg);
        if (pending) {
          // About to wait for an async handler anyway: acknowledge what is done first.
          this.#flushAcks();
          await pending;
        }
      }
    } finally {
      this.#pending = [];
      this.#head = 0;
      this.#flushAcks();
      this.#busy = false;
    }
  }

  /** Acknowledges every handled message up to the last one, in one frame per channel. */
  #flushAcks(): void {
    this.#unacked = 0;
    if (this.#ackable.size === 0) return;
    for (const [ch, msg] of this.#ackable) {
      if (!this.#live.has(ch)) continue; // the broker requeued them already
      try {
        ch.ack(msg, true);
      } catch {
        // The channel is gone: the broker returns the unacknowledged messages to the queue.
      }
    }
    this.#ackable.clear();
  }

  /** Handles one delivery; a promise only when a callback was asynchronous. */
  #process(ch: AmqpChannel, msg: AmqpMessage): Promise<void> | undefined {
    const type = msg.fields.routingKey;
    const content = msg.content;
    const raw = new Uint8Array(content.buffer, content.byteOffset, content.byteLength);
    const contentType = msg.properties.contentType?.toLowerCase() ?? "";
    const format = contentType.includes("protobuf")
      ? "protobuf"
      : contentType.includes("json")
      ? "json"
      : eventFormat(type);
    const outcome = this.handleNow({
      type,
      raw,
      format,
      redelivered: msg.fields.redelivered,
    });
    if (outcome instanceof Promise) return outcome.then((o) => this.#settle(ch, msg, type, raw, o));
    this.#settle(ch, msg, type, raw, outcome);
    return undefined;
  }

  #settle(
    ch: AmqpChannel,
    msg: AmqpMessage,
    type: string,
    raw: Uint8Array,
    outcome: HandleOutcome,
  ): void {
    if (outcome !== "failed") {
      if (this.#attempts.size > 0) this.#attempts.delete(attemptKey(type, raw));
      this.#ackable.set(ch, msg);
      if (++this.#unacked >= this.#ackEvery) this.#flushAcks();
      return;
    }
    try {
      const key = attemptKey(type, raw);
      const attempts = (this.#attempts.get(key) ?? 0) + 1;
      if (attempts >= this.#maxAttempts) {
        this.#attempts.delete(key);
        ch.nack(msg, false, false);
      } else {
        this.#attempts.set(key, attempts);
        ch.nack(msg, false, true);
      }
    } catch {
      // The channel is gone: the broker returns the unacknowledged message to the queue.
    }
  }
}

function positive(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`Cannot use ${name} ${value}: give a positive integer`);
  }
  return value;
}

function hostName(): string {
  try {
    return Deno.hostname();
  } catch {
    return "localhost"; // no --allow-sys
  }
}

/** Where each documented event type stands in EVENT_TYPES. */
const EVENT_TYPE_PLACES: ReadonlyMap<string, number> = new Map(
  [...EVENT_TYPES.keys()].map((type, i) => [type, i]),
);

/** FNV-1a over bytes, or over a string's UTF-16 code units. */
function fnv1a(data: Uint8Array | string): number {
  let h = 0x811c9dc5;
  if (typeof data === "string") {
    for (let i = 0; i < data.length; i++) h = Math.imul(h ^ data.charCodeAt(i), 0x01000193);
  } else {
    for (const b of data) h = Math.imul(h ^ b, 0x01000193);
  }
  return h >>> 0;
}

/** A cheap fingerprint of a message (FNV-1a over the routing key and body). */
function attemptKey(type: string, raw: Uint8Array): string {
  return `${type}:${raw.byteLength}:${fnv1a(raw).toString(16)}`;
}
