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

import {
  type FieldKind,
  installFields,
  type ModelId,
  MutableModel,
  type RequestOptions,
} from "../core/mod.ts";
import { toInt } from "../core/_parse.ts";
import type { CbResponseAPI } from "./api.ts";
import { Process, processUniqueId } from "./process.ts";
import { ArrayQuery, SimpleQuery } from "./query.ts";

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
export class Investigation extends MutableModel {
  /** The REST path of the collection (list, PUT and DELETE by id). */
  static override urlObject = "/api/investigations";
  /** Documented fields and their types. */
  static override fields: Readonly<Record<string, FieldKind>> = {
    id: "integer",
    name: "string",
    notes: "string",
    created_by_user_id: "integer",
    date_started: "iso-date-time",
    last_updated: "iso-date-time",
  };

  /**
   * Canonical id: an integer.
   *
   * @param id The id.
   * @returns The integer id.
   */
  static override normaliseId(id: ModelId): ModelId {
    return toInt(id) ?? id;
  }

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

  /** Investigation id. */
  declare readonly id: number | undefined;
  /** Name. */
  declare name: string | undefined;
  /** Notes. */
  declare notes: string | undefined;
  /** Id of the user who opened it. */
  declare readonly created_by_user_id: number | undefined;
  /** When it was opened. */
  declare readonly date_started: Date | undefined;
  /** When it last changed. */
  declare readonly last_updated: Date | undefined;

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
    return TaggedEvent.query(this.cb as CbResponseAPI).where(`investigation_id:${this.uniqueId}`);
  }
}
installFields(Investigation);

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
export class TaggedEvent extends MutableModel {
  /** The REST path of creates, PUT and DELETE by id. */
  static override urlObject = "/api/tagged_event";
  /** Whether `cb.create()` may build one. */
  static override creatable = true;
  /** The field `where()` must name. */
  static readonly parentField: string = "investigation_id";
  /** Documented fields and their types. */
  static override fields: Readonly<Record<string, FieldKind>> = {
    id: "integer",
    investigation_id: "integer",
    event_id: "string",
    event_type: "string",
    date_tagged: "iso-date-time",
    start_date: "iso-date-time",
    unique_id: "string",
    process_id: "string",
    segment_id: "integer",
    event_data: "object",
    tagged_by_user_id: "integer",
    notes: "string",
  };

  /**
   * Canonical id: an integer.
   *
   * @param id The id.
   * @returns The integer id.
   */
  static override normaliseId(id: ModelId): ModelId {
    return toInt(id) ?? id;
  }

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

  /** Tagged event id. */
  declare readonly id: number | undefined;
  /** The investigation it belongs to. */
  declare investigation_id: number | undefined;
  /** The tagged event's own id (`{process unique id}` for process events). */
  declare event_id: string | undefined;
  /** Kind of event: `process`, `netconn`, `filemod`, ... */
  declare event_type: string | undefined;
  /** When it was tagged. */
  declare readonly date_tagged: Date | undefined;
  /** When the process started. */
  declare start_date: Date | undefined;
  /** The process GUID. */
  declare unique_id: string | undefined;
  /** The process id as the server sends it. */
  declare process_id: string | undefined;
  /** The process segment. */
  declare segment_id: number | undefined;
  /** The event's details. */
  declare event_data: Record<string, unknown>;
  /** Who tagged it. */
  declare readonly tagged_by_user_id: number | undefined;
  /** Notes. */
  declare notes: string | undefined;

  /**
   * No request: the server has no GET route for one tagged event. Unsaved changes are kept.
   *
   * @param _options Ignored.
   * @returns This object.
   */
  override refresh(_options: RequestOptions = {}): Promise<this> {
    return Promise.resolve(this);
  }

  /**
   * The tagged process (`select(Process, unique_id, segment_id)`, cached).
   *
   * @param options Signal and timeout.
   * @returns The process, or undefined when the event names none.
   * @throws {ObjectNotFoundError} When the process is gone.
   */
  async process(options: RequestOptions = {}): Promise<Process | undefined> {
    const guid = this.unique_id;
    if (!guid) return undefined;
    const api = this.cb as CbResponseAPI;
    const segment = this.segment_id;
    const id = guid.length === 36 && segment !== undefined
      ? processUniqueId(guid, segment, api.versionAtLeast("6.0.0") ? 12 : 8)
      : guid;
    return await Process.selectById(api, id, options);
  }

  /**
   * The investigation this event is tagged in (broken in the Python library; fixed here).
   *
   * @param options Signal and timeout.
   * @returns The investigation, or undefined when the event names none.
   * @throws {ObjectNotFoundError} When the investigation is gone.
   */
  async investigation(options: RequestOptions = {}): Promise<Investigation | undefined> {
    const id = this.investigation_id;
    return id === undefined
      ? undefined
      : await Investigation.selectById(this.cb as CbResponseAPI, id, options);
  }
}
installFields(TaggedEvent);
