/**
 * Cb Response investigations (`/api/investigations`) and the events tagged into them
 * (`/api/tagged_event`). Neither has a GET-by-id route: `refresh()` sends nothing, and
 * `cb.select(Investigation, id)` finds the investigation in the list.
 *
 * @example Walk the tagged events of an investigation
 * ```ts
 * import { CbResponseAPI, Investigation } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * for await (const inv of cb.select(Investigation)) {
 *   for await (const ev of inv.events()) console.log(inv.name, ev.event_type, ev.notes);
 * }
 * ```
 *
 * @module
 */

import { installFields, toInt } from "../core/_internal.ts";
import {
  type IdKind,
  join,
  type Joins,
  type JoinSpecs,
  type ModelId,
  MutableModel,
  type RequestOptions,
  type WritableFieldValues,
} from "../core/mod.ts";
import type { CbResponseAPI } from "./api.ts";
import { Process, processUniqueId } from "./process.ts";
import { ArrayQuery, SimpleQuery } from "./query.ts";

/** The typed document fields of {@linkcode Investigation}, declared once in `Investigation.fields`. */
export interface Investigation extends
  WritableFieldValues<
    typeof Investigation.fields,
    never,
    "created_by_user_id" | "date_started" | "id" | "last_updated"
  > {}

/**
 * An investigation: a named collection of tagged events. Listed with `cb.select(Investigation)`;
 * it can be renamed, annotated (`save()` PUTs it) and deleted, not created through the API.
 *
 * @example Rename an investigation
 * ```ts
 * import { CbResponseAPI, Investigation } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * import assert from "node:assert/strict";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const inv = await cb.select(Investigation, 2);
 * inv.notes = "escalated";
 * await inv.save();
 * assert.equal(emu.state.investigations.get(2)?.notes, "escalated");
 * ```
 */
export class Investigation extends MutableModel<CbResponseAPI> {
  /** The REST path of the collection (list, PUT and DELETE by id). */
  static override urlObject = "/api/investigations";
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Investigation id. */
    id: "integer",
    /** Name. */
    name: "string",
    /** Notes. */
    notes: "string",
    /** Id of the user who opened it. */
    created_by_user_id: "integer",
    /** When it was opened. */
    date_started: "iso-date-time",
    /** When it last changed. */
    last_updated: "iso-date-time",
  } as const;

  /** Ids are integers (numeric text is read as a number). */
  static override idKind: IdKind = "integer";

  /**
   * The list query of `GET /api/investigations`.
   *
   * @param api The API.
   * @returns A new query.
   */
  static query(api: CbResponseAPI): SimpleQuery<Investigation> {
    return new SimpleQuery(api, Investigation);
  }

  /**
   * Finds an investigation by id in the list (the server has no GET by id);
   * `cb.select(Investigation, id)` calls this.
   *
   * @param api The API.
   * @param id The investigation id.
   * @param options Signal and timeout.
   * @returns The investigation.
   * @throws {ObjectNotFoundError} When there is none with that id.
   */
  static selectById(
    api: CbResponseAPI,
    id: ModelId,
    options: RequestOptions = {},
  ): Promise<Investigation> {
    return Investigation.query(api).where(`id:${Investigation.normaliseId(id)}`).one(options);
  }

  /**
   * No request: the server has no GET route for one investigation. Unsaved changes are kept
   * (use `reset()` to drop them).
   *
   * @param _options Ignored.
   * @returns This object.
   */
  override refresh(_options: RequestOptions = {}): Promise<this> {
    return Promise.resolve(this);
  }

  /**
   * The events tagged into this investigation (`GET /api/tagged_event/{id}`).
   *
   * @returns A query of the tagged events.
   */
  events(): ArrayQuery<TaggedEvent> {
    return TaggedEvent.query(this.cb).where(`investigation_id:${this.uniqueId}`);
  }
}
installFields(Investigation);

/** The typed document fields of {@linkcode TaggedEvent}, declared once in `TaggedEvent.fields`. */
export interface TaggedEvent extends
  WritableFieldValues<
    typeof TaggedEvent.fields,
    never,
    "date_tagged" | "id" | "tagged_by_user_id"
  >,
  Joins<typeof TaggedEvent.joins> {}

/**
 * An event (process, file write, network connection, ...) tagged into an investigation. Create
 * one with `cb.create(TaggedEvent)`, naming `investigation_id`, the process `unique_id` and
 * `segment_id`.
 *
 * @example Tag a process into an investigation
 * ```ts
 * import { CbResponseAPI, Process, TaggedEvent } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * import assert from "node:assert/strict";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const proc = (await cb.select(Process).where("process_name:net.exe").first())!;
 * const ev = cb.create(TaggedEvent, {
 *   investigation_id: 1,
 *   unique_id: proc.id,
 *   segment_id: proc.segment_id,
 *   event_type: "process",
 *   notes: "mounts a share",
 * });
 * await ev.save();
 * assert.equal((await ev.process())?.id, proc.id);
 * ```
 */
export class TaggedEvent extends MutableModel<CbResponseAPI> {
  /** The REST path of creates, PUT and DELETE by id. */
  static override urlObject = "/api/tagged_event";
  /** Whether `cb.create()` may build one. */
  static override creatable = true;
  /** The field `where()` must name. */
  static readonly parentField: string = "investigation_id";
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Tagged event id. */
    id: "integer",
    /** The investigation it belongs to. */
    investigation_id: "integer",
    /** The tagged event's own id (`{process unique id}` for process events). */
    event_id: "string",
    /** Kind of event: `process`, `netconn`, `filemod`, ... */
    event_type: "string",
    /** When it was tagged. */
    date_tagged: "iso-date-time",
    /** When the process started. */
    start_date: "iso-date-time",
    /** The process GUID. */
    unique_id: "string",
    /** The process id as the server sends it. */
    process_id: "string",
    /** The process segment. */
    segment_id: "integer",
    /** The event's details. */
    event_data: "object",
    /** Who tagged it. */
    tagged_by_user_id: "integer",
    /** Notes. */
    notes: "string",
  } as const;

  /** Ids are integers (numeric text is read as a number). */
  static override idKind: IdKind = "integer";

  /** The joins, declared once: each is a read-only async method (see `join`). */
  static joins: JoinSpecs<{ process: Process; investigation: Investigation }> = {
    /**
     * The tagged process (`select(Process, unique_id, segment_id)`, cached). Its id is made of
     * two fields and the server version, so the key is a function, not a field name.
     */
    process: join(() => Process, (event: TaggedEvent): ModelId | undefined => event.#processId()),
    /** The investigation this event is tagged in (broken in the Python library; fixed here). */
    investigation: join(Investigation, "investigation_id"),
  };

  /**
   * The route listing the events of one investigation.
   *
   * @param parentId The investigation id.
   * @returns The path.
   * @throws {RangeError} When the id is not an integer.
   */
  static listUrlFor(parentId: string): string {
    const id = toInt(parentId);
    if (id === undefined) {
      throw new RangeError(`Investigation id must be an integer, got "${parentId}"`);
    }
    return `${TaggedEvent.urlObject}/${id}`;
  }

  /**
   * The per-investigation query; name the investigation with
   * `where("investigation_id:{id}")`.
   *
   * @param api The API.
   * @returns A new query.
   */
  static query(api: CbResponseAPI): ArrayQuery<TaggedEvent> {
    return new ArrayQuery(api, TaggedEvent);
  }

  /**
   * No request: the server has no GET route for one tagged event. Unsaved changes are kept.
   *
   * @param _options Ignored.
   * @returns This object.
   */
  override refresh(_options: RequestOptions = {}): Promise<this> {
    return Promise.resolve(this);
  }

  /** The tagged process's id: `{guid}-{segment}` in the server version's form, else the GUID. */
  #processId(): ModelId | undefined {
    const guid = this.unique_id;
    if (!guid) return undefined;
    const segment = this.segment_id;
    return guid.length === 36 && segment !== undefined
      ? processUniqueId(guid, segment, this.cb.versionAtLeast("6.0.0") ? 12 : 8)
      : guid;
  }
}
installFields(TaggedEvent);
