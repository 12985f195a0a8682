/**
 * The event reader of one {@linkcode Process}: loads each segment's event document once (the
 * first load also completes the process's own document), builds the events of a kind over one
 * segment or all of them, and gathers every event of a segment.
 *
 * @module
 */

import type { Document, RequestOptions } from "../core/mod.ts";
import type { CbResponseAPI } from "./api.ts";
import type { ProcessEvent } from "./events.ts";
import { type EventKind, SegmentEvents } from "./_event_parse.ts";
import {
  buildEvent,
  emptyEvents,
  EVENT_KINDS,
  eventsOf,
  type EventSource,
  EventStore,
  type EventTypes,
  fetchEventDocument,
} from "./_process_events.ts";
import type { Process } from "./process.ts";

/** What the reader needs of its process (closures over the process's private state). */
export interface ReaderHost {
  /** The process (the parent of its events). */
  process: Process;
  /** Its API. */
  api: CbResponseAPI;
  /** Its GUID. */
  guid: string;
  /** The segment the process reads. */
  segment: number;
  /** Whether the server can have events for it (neither suppressed nor an invalid id). */
  readable(): boolean;
  /** Whether its document is complete. */
  loaded(): boolean;
  /** Takes the process fields of an event document as the complete document. */
  adopt(fields: Document): void;
  /** Its segment ids (`Process.getSegments`). */
  segments(options: RequestOptions): Promise<number[]>;
}

/** Loads and builds the events of one process. */
export class ProcessEventReader {
  #host: ReaderHost;
  #store: EventStore | undefined;
  #source: EventSource;

  /**
   * Builds the reader of a process.
   *
   * @param host What it needs of the process.
   */
  constructor(host: ReaderHost) {
    this.#host = host;
    this.#source = {
      load: (segment, options) => this.store.load(segment, () => this.#fetch(segment, options)),
      build: (kind, data, raw, sequence) =>
        buildEvent(kind, data, raw, sequence, {
          parent: host.process,
          api: host.api,
          guid: host.guid,
          md5: host.process.process_md5,
          path: host.process.path,
          url: host.api.url,
        }),
    };
  }

  /** The loaded event documents and segment ids. */
  get store(): EventStore {
    return this.#store ??= new EventStore();
  }

  /** Forgets the loaded events and segments. */
  clear(): void {
    this.#store?.clear();
  }

  async #fetch(segment: number, options: RequestOptions): Promise<SegmentEvents> {
    const host = this.#host;
    if (!host.readable()) return emptyEvents(host.api);
    const { version, doc } = await fetchEventDocument(host.api, host.guid, segment, options);
    if (segment === host.segment && !host.loaded()) {
      const fields = { ...doc };
      for (const kind of EVENT_KINDS) delete fields[`${kind}_complete`];
      host.adopt(fields);
    }
    return new SegmentEvents(doc, version);
  }

  /**
   * The events of one kind in one segment.
   *
   * @param segment The segment.
   * @param kind The list kind.
   * @param options Signal and timeout.
   * @returns The events, in the server's order.
   */
  iterate<K extends EventKind>(
    segment: number,
    kind: K,
    options: RequestOptions,
  ): AsyncGenerator<EventTypes[K], void, undefined> {
    return eventsOf(this.#source, [segment], kind, options);
  }

  /**
   * The events of one kind in every segment: segment 0 on 6.x (it holds them all), else each
   * segment of the process in turn.
   *
   * @param kind The list kind.
   * @param options Signal and timeout.
   * @returns The events.
   */
  async *iterateAll<K extends EventKind>(
    kind: K,
    options: RequestOptions,
  ): AsyncGenerator<EventTypes[K], void, undefined> {
    if (this.#host.api.versionAtLeast("6.0.0")) {
      yield* this.iterate(0, kind, options);
      return;
    }
    yield* eventsOf(this.#source, await this.#host.segments(options), kind, options);
  }

  /**
   * Every event of a segment except the children (modloads, netconns, filemods, regmods,
   * crossprocs, in that order).
   *
   * @param segment The segment.
   * @param options Signal and timeout.
   * @returns The events, not sorted.
   */
  async segmentEvents(segment: number, options: RequestOptions): Promise<ProcessEvent[]> {
    const out: ProcessEvent[] = [];
    for (const kind of ["modload", "netconn", "filemod", "regmod", "crossproc"] as const) {
      for await (const event of this.iterate(segment, kind, options)) out.push(event);
    }
    return out;
  }
}
