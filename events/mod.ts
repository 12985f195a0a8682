/**
 * The Event API: react to Cb Response server events as they happen. Register callbacks by event
 * type or pattern (`watchlist.hit.*`, `feed.*`, `binaryinfo.*`, `ingress.event.regmod`, ...) on
 * a {@linkcode EventRegistry} (or the module-level {@linkcode registry} through
 * {@linkcode onEvent}), or loop over `source.events(pattern)`, and start one of three sources:
 *
 * - {@linkcode RabbitMqEventSource}: the server's RabbitMQ bus (`api.events` exchange; the
 *   credential profile's `rabbitmq_user`/`rabbitmq_pass`/`rabbitmq_host`/`rabbitmq_port`),
 *   acknowledging each message only after its callbacks finished, reconnecting with backoff;
 * - {@linkcode FileEventSource}: a JSON-lines file written by the event forwarder, followed like
 *   `tail -f`;
 * - {@linkcode EventForwarderHttpSource}: a listener for the event forwarder's HTTP output.
 *
 * Raw sensor events (`ingress.event.*`) arrive as protobuf and are decoded with the embedded
 * {@linkcode SENSOR_EVENTS_PROTO} schema. Malformed payloads, unknown event types and callback
 * exceptions go to {@linkcode EventRegistry.errors} with the raw payload; the source keeps
 * running.
 *
 * @example Ban the MD5 of every process that hits a watchlist (events from a file)
 * ```ts
 * import { EventRegistry, FileEventSource } from "@cbapi/cbapi/events";
 * import { BannedHash, CbResponseAPI } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * import assert from "node:assert/strict";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const file = await Deno.makeTempFile();
 * await Deno.writeTextFile(file, JSON.stringify({
 *   type: "watchlist.hit.process",
 *   docs: [{ process_md5: "5a18f00ab9330ac7539675f3f326cf11" }],
 * }) + "\n");
 * const registry = new EventRegistry();
 * await using source = new FileEventSource(cb, file, { registry, pollIntervalMs: 5 });
 * for await (const ev of source.events("watchlist.hit.*")) {
 *   const docs = ev.data.docs as { process_md5: string }[];
 *   const bh = cb.create(BannedHash);
 *   bh.md5hash = docs[0]!.process_md5;
 *   bh.text = "banned via automated process!";
 *   await bh.save();
 *   break;
 * }
 * assert.equal(registry.errors.length, 0);
 * await Deno.remove(file);
 * ```
 *
 * @module
 */

export {
  bindingKey,
  checkPattern,
  EVENT_TYPES,
  type EventFormat,
  eventFormat,
  type EventTypeInfo,
  isKnownEventType,
  matchesEventPattern,
} from "./types.ts";
export {
  type CbEvent,
  type DispatchResult,
  type EventApi,
  type EventBusCredentials,
  type EventErrorKind,
  type EventErrorRecord,
  type EventHandler,
  type EventRegistration,
  EventRegistry,
  type EventRegistryOptions,
  type EventSourceKind,
  onEvent,
  type PatternListener,
  registry,
} from "./registry.ts";
export {
  decodeSensorEvent,
  encodeSensorEvent,
  FILE_TYPE_NAMES,
  SENSOR_EVENTS_PROTO,
  type SensorEvent,
} from "./sensor_events.ts";
export {
  type EventIteratorOptions,
  EventSource,
  type EventSourceOptions,
  type HandleOutcome,
  type IncomingPayload,
} from "./source.ts";
export { FileEventSource, type FileEventSourceOptions } from "./file.ts";
export {
  EventForwarderHttpSource,
  type EventForwarderHttpSourceOptions,
  type ForwarderReceipt,
} from "./forwarder.ts";
export {
  EVENT_EXCHANGE,
  RabbitMqEventSource,
  type RabbitMqEventSourceOptions,
} from "./rabbitmq.ts";
