/**
 * The event types a Cb Response server publishes on its bus (`api.events`) and through the event
 * forwarder, their payload formats, and the topic patterns handlers register with.
 *
 * @module
 */

/** How a payload is encoded: JSON text, or a protobuf `CbEventMsg` (raw sensor events). */
export type EventFormat = "json" | "protobuf";

/** One documented event type. */
export interface EventTypeInfo {
  /** The routing key, for example `watchlist.hit.process`. */
  readonly type: string;
  /** Its payload format on the RabbitMQ bus (the event forwarder always writes JSON). */
  readonly format: EventFormat;
  /** What the event says. */
  readonly description: string;
}

function json(type: string, description: string): EventTypeInfo {
  return { type, format: "json", description };
}

function raw(type: string, description: string): EventTypeInfo {
  return { type, format: "protobuf", description };
}

/**
 * The documented event types of Cb Response 5.x/6.x. An event whose type is not listed here and
 * that no handler asked for goes to the error registry as an unknown event type.
 *
 * @example Look up a type
 * ```ts
 * import { EVENT_TYPES } from "@cbapi/cbapi/events";
 * import assert from "node:assert/strict";
 * assert.equal(EVENT_TYPES.get("ingress.event.regmod")?.format, "protobuf");
 * ```
 */
export const EVENT_TYPES: ReadonlyMap<string, EventTypeInfo> = new Map(
  [
    json("watchlist.hit.process", "A process matched a watchlist (search-time)"),
    json("watchlist.hit.binary", "A binary matched a watchlist (search-time)"),
    json("watchlist.storage.hit.process", "A process matched a watchlist (storage-time)"),
    json("watchlist.storage.hit.binary", "A binary matched a watchlist (storage-time)"),
    json("feed.ingress.hit.process", "A process matched a feed at ingress"),
    json("feed.ingress.hit.binary", "A binary matched a feed at ingress"),
    json("feed.ingress.hit.host", "A host matched a feed at ingress"),
    json("feed.storage.hit.process", "A process matched a feed at storage time"),
    json("feed.storage.hit.binary", "A binary matched a feed at storage time"),
    json("feed.query.hit.process", "A process matched a feed query"),
    json("feed.query.hit.binary", "A binary matched a feed query"),
    json("alert.watchlist.hit.ingress.process", "Alert: ingress watchlist hit on a process"),
    json("alert.watchlist.hit.ingress.binary", "Alert: ingress watchlist hit on a binary"),
    json("alert.watchlist.hit.ingress.host", "Alert: ingress watchlist hit on a host"),
    json("alert.watchlist.hit.query.process", "Alert: query watchlist hit on a process"),
    json("alert.watchlist.hit.query.binary", "Alert: query watchlist hit on a binary"),
    json("binaryinfo.observed", "A binary was seen for the first time on the server"),
    json("binaryinfo.host.observed", "A binary was seen for the first time on a host"),
    json("binaryinfo.group.observed", "A binary was seen for the first time in a sensor group"),
    json("binarystore.file.added", "A binary was added to the binary store"),
    raw("ingress.event.process", "Process start or end (raw sensor event)"),
    raw("ingress.event.procstart", "Process start (raw sensor event)"),
    raw("ingress.event.procend", "Process end (raw sensor event)"),
    raw("ingress.event.childproc", "Child process start or end (raw sensor event)"),
    raw("ingress.event.moduleload", "Module load (raw sensor event)"),
    raw("ingress.event.module", "Module metadata (raw sensor event)"),
    raw("ingress.event.filemod", "File modification (raw sensor event)"),
    raw("ingress.event.regmod", "Registry modification (raw sensor event)"),
    raw("ingress.event.netconn", "Network connection (raw sensor event)"),
    raw("ingress.event.crossprocopen", "Cross-process open (raw sensor event)"),
    raw("ingress.event.remotethread", "Remote thread creation (raw sensor event)"),
    raw("ingress.event.tamper", "Tamper alert (raw sensor event)"),
    raw("ingress.event.processblock", "Process blocked (raw sensor event)"),
    raw("ingress.event.emetmitigation", "EMET mitigation (raw sensor event)"),
  ].map((info) => [info.type, info] as const),
);

/**
 * Whether an event type is one of {@linkcode EVENT_TYPES}.
 *
 * @param type The routing key.
 * @returns True for a documented type.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isKnownEventType } from "@cbapi/cbapi/events";
 * assert.ok(isKnownEventType("watchlist.hit.process"));
 * assert.ok(!isKnownEventType("no.such.event"));
 * ```
 */
export function isKnownEventType(type: string): boolean {
  return EVENT_TYPES.has(type);
}

/**
 * The payload format of an event type: protobuf for `ingress.event.*` on the bus, JSON otherwise.
 *
 * @param type The routing key.
 * @returns The format.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { eventFormat } from "@cbapi/cbapi/events";
 * assert.ok(eventFormat("ingress.event.procstart") === "protobuf");
 * assert.ok(eventFormat("watchlist.hit.process") === "json");
 * ```
 */
export function eventFormat(type: string): EventFormat {
  return EVENT_TYPES.get(type)?.format ?? (type.startsWith("ingress.event.") ? "protobuf" : "json");
}

/**
 * Checks a registration pattern and returns it unchanged.
 *
 * @param pattern A routing key or topic pattern.
 * @returns The pattern.
 * @throws {TypeError} When the pattern is empty or has an empty word.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkPattern } from "@cbapi/cbapi/events";
 * assert.ok(checkPattern("feed.*") === "feed.*");
 * ```
 */
export function checkPattern(pattern: string): string {
  if (typeof pattern !== "string" || pattern === "" || pattern.split(".").some((w) => w === "")) {
    throw new TypeError(
      `Cannot register event pattern ${JSON.stringify(pattern)}: use dot-separated words such ` +
        `as "watchlist.hit.process", "watchlist.hit.*" or "feed.#"`,
    );
  }
  return pattern;
}

/**
 * Whether an event type matches a registration pattern. Words are separated by dots; `#` matches
 * any number of words (also none); `*` matches exactly one word, except as the last word, where
 * it matches one or more (so `feed.*` takes every feed event, `feed.ingress.hit.process`
 * included).
 *
 * @param pattern The pattern, for example `watchlist.hit.*`.
 * @param type The event type, for example `watchlist.hit.process`.
 * @returns True when the event belongs to the pattern.
 *
 * @example
 * ```ts
 * import { matchesEventPattern } from "@cbapi/cbapi/events";
 * import assert from "node:assert/strict";
 * assert.ok(matchesEventPattern("feed.*", "feed.ingress.hit.process"));
 * assert.ok(!matchesEventPattern("watchlist.hit.*", "feed.ingress.hit.process"));
 * ```
 */
export function matchesEventPattern(pattern: string, type: string): boolean {
  return matchWords(pattern.split("."), 0, type.split("."), 0);
}

function matchWords(p: string[], i: number, t: string[], j: number): boolean {
  if (i === p.length) return j === t.length;
  const word = p[i];
  if (word === "#") {
    for (let k = j; k <= t.length; k++) {
      if (matchWords(p, i + 1, t, k)) return true;
    }
    return false;
  }
  if (j === t.length) return false;
  if (word === "*") {
    if (i === p.length - 1) return true; // a last `*` takes the rest (one word or more)
    return matchWords(p, i + 1, t, j + 1);
  }
  return word === t[j] && matchWords(p, i + 1, t, j + 1);
}

/**
 * The AMQP binding key for a pattern: the same words, with a last `*` widened to `#` so the
 * broker sends at least every event the pattern matches (the client filters again).
 *
 * @param pattern The registration pattern.
 * @returns The binding key.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bindingKey } from "@cbapi/cbapi/events";
 * assert.ok(bindingKey("feed.*") === "feed.#");
 * ```
 */
export function bindingKey(pattern: string): string {
  return pattern.endsWith(".*") ? `${pattern.slice(0, -1)}#` : pattern === "*" ? "#" : pattern;
}
