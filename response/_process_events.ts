/**
 * Event loading of {@linkcode Process}: the per-segment event documents (loaded once and kept),
 * the event objects built from their raw entries, and the segment list.
 *
 * @module
 */

import type { Document, ModelApi, RequestOptions } from "../core/mod.ts";
import type { CbResponseAPI } from "./api.ts";
import {
  ChildProcEvent,
  CrossProcEvent,
  type EventContext,
  FileModEvent,
  ModLoadEvent,
  NetConnEvent,
  type ProcessEvent,
  RegModEvent,
} from "./events.ts";
import {
  eventApiVersion,
  type EventKind,
  parseChildproc,
  parseCrossproc,
  parseFilemod,
  parseModload,
  parseNetconn,
  parseRegmod,
  SegmentEvents,
} from "./_event_parse.ts";
import type { Process } from "./process.ts";

/** Event classes by list kind. */
export interface EventTypes {
  modload: ModLoadEvent;
  filemod: FileModEvent;
  regmod: RegModEvent;
  netconn: NetConnEvent;
  crossproc: CrossProcEvent;
  childproc: ChildProcEvent;
}

/** Every event list kind, in the event document's order. */
export const EVENT_KINDS: readonly EventKind[] = [
  "modload",
  "filemod",
  "regmod",
  "netconn",
  "crossproc",
  "childproc",
];

/** What building an event needs to know of its process. */
export interface EventHost {
  /** The process. */
  parent: Process;
  /** Its API. */
  api: CbResponseAPI;
  /** Its GUID. */
  guid: string;
  /** Its executable's MD5. */
  md5: string | undefined;
  /** Its executable path. */
  path: string | undefined;
  /** The server URL. */
  url: string;
}

/** The loaded event documents and segment ids of one process. */
export class EventStore {
  #loads = new Map<number, Promise<SegmentEvents>>();
  #data = new Map<number, SegmentEvents>();
  /** The memoised segment ids. */
  segments: number[] | undefined;

  /** Forgets everything loaded. */
  clear(): void {
    this.#loads.clear();
    this.#data.clear();
    this.segments = undefined;
  }

  /**
   * Whether a segment's events are loaded.
   *
   * @param segment The segment.
   * @returns True once its load succeeded.
   */
  has(segment: number): boolean {
    return this.#data.has(segment);
  }

  /**
   * A part of the first module load of a loaded segment (`md5|path`: 1 = MD5, 2 = path).
   *
   * @param segment The segment.
   * @param part The `|`-separated part.
   * @returns The part, or undefined.
   */
  firstModload(segment: number, part: number): string | undefined {
    const first = this.#data.get(segment)?.raw("modload")[0];
    return typeof first === "string" ? first.split("|")[part] || undefined : undefined;
  }

  /**
   * Loads (once) the event document of a segment; a failed load is forgotten.
   *
   * @param segment The segment.
   * @param fetch Loads it.
   * @returns The events.
   */
  load(segment: number, fetch: () => Promise<SegmentEvents>): Promise<SegmentEvents> {
    let load = this.#loads.get(segment);
    if (!load) {
      load = fetch();
      this.#loads.set(segment, load);
      load.then(
        (data) => {
          if (this.#loads.get(segment) === load) this.#data.set(segment, data);
        },
        () => {
          if (this.#loads.get(segment) === load) this.#loads.delete(segment);
        },
      );
    }
    return load;
  }
}

/**
 * Fetches the event document of a segment (`GET /api/v{n}/process/{guid}/{segment}/event`).
 *
 * @param api The API.
 * @param guid The process GUID.
 * @param segment The segment.
 * @param options Signal and timeout.
 * @returns The event API version and the answer's `process` object.
 */
export async function fetchEventDocument(
  api: CbResponseAPI,
  guid: string,
  segment: number,
  options: RequestOptions,
): Promise<{ version: ReturnType<typeof eventApiVersion>; doc: Document }> {
  const version = eventApiVersion((v) => api.versionAtLeast(v));
  const answer = await api.connection.getObject<{ process?: Document }>(
    `/api/v${version}/process/${guid}/${segment}/event`,
    undefined,
    options,
  );
  const doc = answer?.process && typeof answer.process === "object" ? answer.process : {};
  return { version, doc };
}

/**
 * An empty event document (a suppressed or invalid process has no events).
 *
 * @param api The API.
 * @returns The empty events.
 */
export function emptyEvents(api: CbResponseAPI): SegmentEvents {
  return new SegmentEvents({}, eventApiVersion((v) => api.versionAtLeast(v)));
}

/**
 * Builds one event from a raw entry.
 *
 * @param kind The list kind.
 * @param data The segment's events.
 * @param raw The raw entry.
 * @param sequence The event's index.
 * @param host The process.
 * @returns The event, or undefined when the entry is malformed.
 */
export function buildEvent<K extends EventKind>(
  kind: K,
  data: SegmentEvents,
  raw: unknown,
  sequence: number,
  host: EventHost,
): EventTypes[K] | undefined {
  const context: EventContext = { parent: host.parent, api: host.api, sequence };
  const ctx = {
    guid: host.guid,
    md5: host.md5,
    path: host.path,
    url: host.url,
    version: data.version,
    binaries:
      (data.doc.binaries && typeof data.doc.binaries === "object"
        ? data.doc.binaries
        : {}) as Document,
  };
  let event: ProcessEvent | undefined;
  switch (kind) {
    case "modload": {
      const f = parseModload(raw, ctx);
      event = f && new ModLoadEvent(context, f);
      break;
    }
    case "filemod": {
      const f = parseFilemod(raw);
      event = f && new FileModEvent(context, f);
      break;
    }
    case "regmod": {
      const f = parseRegmod(raw);
      event = f && new RegModEvent(context, f);
      break;
    }
    case "netconn": {
      const f = parseNetconn(raw, ctx);
      event = f && new NetConnEvent(context, f);
      break;
    }
    case "crossproc": {
      const f = parseCrossproc(raw, ctx);
      event = f && new CrossProcEvent(context, f);
      break;
    }
    case "childproc": {
      const f = parseChildproc(raw, ctx);
      event = f && new ChildProcEvent(context, f);
      break;
    }
  }
  return event as EventTypes[K] | undefined;
}

/**
 * The segment ids of a process from the 6.x segment route
 * (`GET /api/v1/process/{guid}/segment`).
 *
 * @param api The API.
 * @param guid The process GUID.
 * @param options Signal and timeout.
 * @returns The segment ids.
 */
export async function fetchSegmentIds(
  api: ModelApi,
  guid: string,
  options: RequestOptions,
): Promise<number[]> {
  const answer = await api.connection.getObject<
    { process?: { segments?: Array<{ unique_id?: string }> } }
  >(`/api/v1/process/${guid}/segment`, undefined, options);
  return (answer?.process?.segments ?? []).flatMap((s) => {
    const n = typeof s.unique_id === "string" ? parseInt(s.unique_id.slice(37), 16) : NaN;
    return Number.isSafeInteger(n) ? [n] : [];
  });
}

/**
 * Orders events by timestamp (for a stable sort).
 *
 * @param a An event.
 * @param b Another.
 * @returns Negative when `a` is earlier.
 */
export function compareEvents(a: ProcessEvent, b: ProcessEvent): number {
  return a.timestamp.getTime() - b.timestamp.getTime();
}

/** Where {@linkcode eventsOf} gets a process's events. */
export interface EventSource {
  /** Loads (once) the events of a segment. */
  load(segment: number, options: RequestOptions): Promise<SegmentEvents>;
  /** Builds one event. */
  build<K extends EventKind>(
    kind: K,
    data: SegmentEvents,
    raw: unknown,
    sequence: number,
  ): EventTypes[K] | undefined;
}

/**
 * The events of one kind over segments, in order; sequence numbers continue across segments.
 *
 * @param source Loads and builds.
 * @param segments The segments.
 * @param kind The list kind.
 * @param options Signal and timeout (the signal is checked before each load and event).
 * @returns The events.
 */
export async function* eventsOf<K extends EventKind>(
  source: EventSource,
  segments: Iterable<number>,
  kind: K,
  options: RequestOptions,
): AsyncGenerator<EventTypes[K], void, undefined> {
  let offset = 0;
  for (const segment of segments) {
    options.signal?.throwIfAborted();
    const data = await source.load(segment, options);
    const list = data.list(kind, offset, (raw, seq) => source.build(kind, data, raw, seq));
    for (const event of list.items()) {
      options.signal?.throwIfAborted();
      yield event;
    }
    offset += list.length;
  }
}
