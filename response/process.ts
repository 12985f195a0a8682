/**
 * Cb Response processes: search with the 6.x filters, the process summary (parent, children,
 * siblings), joins to the sensor and the binary, and walking the process tree.
 *
 * @module
 */

import {
  installFields,
  ipFromInt,
  parseGuid,
  parseSolrTime,
  splitProcessId,
  toInt,
} from "../core/_internal.ts";
import {
  ApiError,
  type Document,
  type FieldValues,
  join,
  type Joins,
  type JoinSpecs,
  type ModelId,
  ObjectNotFoundError,
  type RequestOptions,
  ServerError,
} from "../core/mod.ts";
import type { CbResponseAPI } from "./api.ts";
import { Binary } from "./binary.ts";
import {
  ChildProcEvent,
  type CrossProcEvent,
  type FileModEvent,
  type ModLoadEvent,
  type NetConnEvent,
  type ProcessEvent,
  type RegModEvent,
} from "./events.ts";
import { childFromSummary } from "./_event_parse.ts";
import { compareEvents, fetchSegmentIds } from "./_process_events.ts";
import { ProcessEventReader } from "./_process_reader.ts";
import {
  depthOf,
  guidOf,
  parentGuidOf,
  parentsOf,
  type TreeAccess,
  walkChildren,
  walkParents,
} from "./_process_tree.ts";
import { ProcessQuery } from "./process_query.ts";
import { Sensor } from "./sensor.ts";
import { FeedTaggedModel } from "./feed_tags.ts";

/** Options of {@linkcode Process.walkParents} and {@linkcode Process.walkChildren}. */
export interface WalkOptions extends RequestOptions {
  /**
   * Stop below this depth (0 = no limit).
   *
   * @default 0
   */
  maxDepth?: number;
}

/** A callback of the tree walks; it may be async. */
export type WalkCallback = (process: Process, depth: number) => void | Promise<void>;

/** The process summary (`GET /api/v1/process/{guid}/{segment}`). */
export interface ProcessSummaryData {
  /** The process document. */
  process?: Document;
  /** The parent's document. */
  parent?: Document | null;
  /** The children's documents. */
  children?: Document[];
  /** The siblings' documents. */
  siblings?: Document[];
}

/** Options of the event iterators ({@linkcode Process.modloads} and friends). */
export interface EventOptions extends RequestOptions {}

/** How a Process is built (see {@linkcode Process}'s constructor). */
export interface ProcessInit {
  /** The initial document (a search row, a summary entry or a full document). */
  info?: Document;
  /**
   * Whether the document is complete.
   *
   * @default false
   */
  full?: boolean;
  /**
   * The segment to read.
   *
   * @default 0 on Cb Response 6.x, 1 before
   */
  segment?: number;
  /**
   * A suppressed child: the server keeps no process for it, so it is never fetched.
   *
   * @default false
   */
  suppressed?: boolean;
}

/** The overrides of a process whose document needs no repair (shared, never written). */
const NO_OVERRIDES: Document = Object.freeze({}) as Document;

/** The typed document fields of {@linkcode Process}, declared once in `Process.fields`. */
export interface Process extends
  FieldValues<
    typeof Process.fields,
    | "cmdline"
    | "comms_ip"
    | "interface_ip"
    | "last_server_update"
    | "last_update"
    | "path"
    | "process_md5"
    | "start"
    | "username"
  >,
  Joins<typeof Process.joins> {}

/**
 * A process (one segment of it, or all segments on Cb Response 6.x where segment 0 means all).
 *
 * @example The docs' parent walk
 * ```ts
 * import { CbResponseAPI, Process } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const query = cb.select(Process).where("process_name:net.exe").and(String.raw`cmdline:\\test\blah`).groupBy("id");
 * for await (const proc of query) {
 *   await proc.walkParents((parent, depth) => {
 *     console.log(`${" ".repeat(depth)}${parent.cmdline}`);
 *   });
 * }
 * ```
 */
export class Process extends FeedTaggedModel {
  /** The REST path of the collection. */
  static override urlObject = "/api/v1/process";
  /** How `String(obj)` prints it. */
  static override display: "schema" | "legacy" = "legacy";
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** The process GUID. */
    id: "string",
    /** Unique id (`unique_id`, text). */
    unique_id: "string",
    /** The process's executable name. */
    process_name: "string",
    /** The process id on the host. */
    process_pid: "integer",
    /** Process md5 (`process_md5`, text). */
    process_md5: "string",
    /** The host name. */
    hostname: "string",
    /** Host type (`host_type`, text). */
    host_type: "string",
    /** Os type (`os_type`, text). */
    os_type: "string",
    /** Path (`path`, text). */
    path: "string",
    /** The sensor id. */
    sensor_id: "integer",
    /** The segment id of the row. */
    segment_id: "integer",
    /** The parent's unique id (`{guid}-{segment}`). */
    parent_unique_id: "string",
    /** The parent's GUID. */
    parent_id: "string",
    /** The parent's executable name. */
    parent_name: "string",
    /** The parent's process id. */
    parent_pid: "integer",
    /** Parent md5 (`parent_md5`, text). */
    parent_md5: "string",
    /** Whether the process has ended. */
    terminated: "boolean",
    /** Sensor group name. */
    group: "string",
    /** Counts of events per kind. */
    filemod_count: "integer",
    /** Module loads. */
    modload_count: "integer",
    /** Registry changes. */
    regmod_count: "integer",
    /** Network connections. */
    netconn_count: "integer",
    /** Child processes. */
    childproc_count: "integer",
    /** Cross-process events. */
    crossproc_count: "integer",
    /** Emet count (`emet_count`, integer). */
    emet_count: "integer",
    /** Processblock count (`processblock_count`, integer). */
    processblock_count: "integer",
    /** Binaries (`binaries`, object). */
    binaries: "object",
    /** Cmdline (`cmdline`, text). */
    cmdline: "string",
    /** Comms ip (`comms_ip`, text). */
    comms_ip: "string",
    /** Emet config (`emet_config`, text). */
    emet_config: "string",
    /** Filemod complete (`filemod_complete`, list). */
    filemod_complete: "array",
    /** Filtering known dlls (`filtering_known_dlls`, flag). */
    filtering_known_dlls: "boolean",
    /** Filtering known dls (`filtering_known_dls`, flag). */
    filtering_known_dls: "boolean",
    /** Interface ip (`interface_ip`, text). */
    interface_ip: "string",
    /** Last server update (`last_server_update`, text). */
    last_server_update: "string",
    /** Last update (`last_update`, text). */
    last_update: "string",
    /** Mod load (`mod_load`, integer). */
    mod_load: "integer",
    /** Start (`start`, text). */
    start: "string",
    /** Uid (`uid`, text). */
    uid: "string",
    /** Username (`username`, text). */
    username: "string",
    /** Watchlists (`watchlists`, list). */
    watchlists: [{ segments_hit: "any", value: "any", wid: "any" }],
    /** Earliest `last_update` over the process segments (search rows). */
    min_last_update: "iso-date-time",
    /** Latest `last_update` over the process segments (search rows). */
    max_last_update: "iso-date-time",
    /** Earliest `last_server_update` over the segments (search rows). */
    min_last_server_update: "iso-date-time",
    /** Latest `last_server_update` over the segments (search rows). */
    max_last_server_update: "iso-date-time",
  } as const;

  /** The joins, declared once: each is a read-only async method (see `join`). */
  static joins: JoinSpecs<{ sensor: Sensor; binary: Binary }> = {
    /** The sensor the process ran on (cached join). */
    sensor: join(() => Sensor, "sensor_id"),
    /** The executable's binary (cached join). */
    binary: join(() => Binary, "process_md5", { none: (md5) => /^0+$/.test(String(md5)) }),
  };

  /** Searches sort by `last_update desc` unless told otherwise. */
  static readonly defaultSort: string | undefined = "last_update desc";
  /** Rows per page. */
  static readonly searchPageSize: number = 100;

  /**
   * The process search query.
   *
   * @param api The API.
   * @returns A new query.
   */
  static query(api: CbResponseAPI): ProcessQuery {
    return new ProcessQuery(api, Process);
  }

  /**
   * The model for a search row (through the cache; one object per GUID and segment).
   *
   * @param api The API.
   * @param row The row.
   * @returns The process.
   */
  static fromSearchRow(api: CbResponseAPI, row: Document): Process {
    const guid = String(row.id ?? row.unique_id ?? "").slice(0, 36);
    const segment = toInt(row.segment_id) ?? 0;
    return api.cachedRow(
      Process,
      guid,
      row,
      () => new Process(api, guid, { info: row, segment }),
      [segment],
    );
  }

  /**
   * Loads a process by GUID (optionally with a segment suffix, or an explicit segment) through
   * the cache. `cb.select(Process, guid)` calls this.
   *
   * @param api The API.
   * @param id A GUID or `{guid}-{segment hex}`.
   * @param options Signal and timeout.
   * @returns The loaded process.
   * @throws {ObjectNotFoundError} When the server has no such process.
   */
  static async selectById(
    api: CbResponseAPI,
    id: ModelId,
    options: RequestOptions = {},
  ): Promise<Process> {
    const split = splitProcessId(id, { serverAtLeast6: api.versionAtLeast("6.0.0") });
    const guid = String(split.guid).toLowerCase();
    const segment = split.segment || (api.versionAtLeast("6.0.0") ? 0 : 1);
    const proc = api.cachedObject(Process, guid, () => new Process(api, guid, { segment }), [
      segment,
    ]);
    await proc.load(options);
    return proc;
  }

  #guid: string;
  #segment: number;
  #valid: boolean;
  #summary: ProcessSummaryData | undefined;
  #overrides: Document = NO_OVERRIDES;
  #missing = false;
  #suppressed = false;
  #eventReader: ProcessEventReader | undefined;

  /** Private state for the tree walks of `_process_tree.ts`. */
  static #tree: TreeAccess = {
    guid: (p) => p.#guid,
    missing: (p) => p.#missing,
    walkParent: (p, options) => p.#walkParent(options),
    url: (p) => p.cb.url,
  };

  /**
   * Builds a process; use `cb.select(Process, guid)` or a query.
   *
   * @param api The API.
   * @param id A 36-character GUID, or a GUID with its segment (`guid-0000000001`).
   * @param init The initial document and segment.
   */
  constructor(api: CbResponseAPI, id: ModelId | undefined, init: ProcessInit = {}) {
    super(api, id, { ...init, full: init.full === true || init.suppressed === true });
    this.#suppressed = init.suppressed === true;
    const v6 = (api as Partial<CbResponseAPI>).versionAtLeast?.("6.0.0") ?? true;
    const split = splitProcessId(id ?? String(init.info?.id ?? ""), { serverAtLeast6: v6 });
    this.#guid = String(split.guid).toLowerCase();
    this.#valid = split.valid;
    this.#segment = init.segment ?? split.segment ?? (v6 ? 0 : 1);
    if (init.info) this.#repair(init.info);
  }

  /** The event reader (made on first use: a search row never needs one). */
  get #events(): ProcessEventReader {
    return this.#eventReader ??= new ProcessEventReader({
      process: this,
      api: this.cb,
      guid: this.#guid,
      segment: this.#segment,
      readable: () => !this.#suppressed && this.#valid,
      loaded: () => this.fullyInitialized,
      adopt: (fields) => {
        this.#repair(fields);
        this.setDocument(fields, true);
      },
      segments: (options) => this.getSegments(options),
    });
  }

  /** Whether the id was a well-formed process id (an invalid one is never fetched). */
  get valid(): boolean {
    return this.#valid;
  }

  /** Whether this is a suppressed child (never fetched; no events). */
  get suppressed(): boolean {
    return this.#suppressed;
  }

  /** The unique id. */
  override get uniqueId(): ModelId | undefined {
    return this.#guid;
  }

  /** The segment this object reads (0 = all segments on 6.x). */
  get current_segment(): number {
    return this.#segment;
  }

  /** Alias of {@linkcode Process.current_segment}. */
  get segment(): number {
    return this.#segment;
  }

  /** The REST path of this object. */
  protected override instanceUrl(): string {
    return `/api/v1/process/${this.#guid}/${this.#segment}`;
  }

  /**
   * Reloads the summary from the server and forgets loaded events and segments. A suppressed
   * process is never fetched.
   *
   * @param options Signal and timeout.
   * @returns This object.
   * @throws {ObjectNotFoundError} When the server has no such process (or the id is invalid).
   */
  override async refresh(options: RequestOptions = {}): Promise<this> {
    if (this.#suppressed) return this;
    this.#eventReader?.clear();
    return await this.#fetchSummary(options);
  }

  async #fetchSummary(options: RequestOptions): Promise<this> {
    if (this.#suppressed) return this;
    if (!this.#valid) {
      throw new ObjectNotFoundError(
        `Process id "${this.#guid}" is not a valid process GUID, so ${this.cb.url} was not asked for it`,
        { url: `${this.cb.url}${this.instanceUrl()}` },
      );
    }
    let data: ProcessSummaryData | undefined;
    try {
      data = await this.cb.connection.getObject<ProcessSummaryData>(
        this.instanceUrl(),
        undefined,
        options,
      );
    } catch (err) {
      if (err instanceof ObjectNotFoundError) this.#missing = true;
      throw err;
    }
    this.#missing = false;
    this.#summary = data ?? {};
    const doc = { ...(data?.process ?? {}) };
    this.#repair(doc);
    this.setDocument(doc, true);
    return this;
  }

  #repair(doc: Document): void {
    const start = doc.start;
    const pid = doc.process_pid ?? -1;
    if (start === undefined || start === -1 || start === "-1" || pid === -1 || pid === "-1") {
      try {
        const parts = parseGuid(this.#guid);
        this.#overrides = {
          sensor_id: parts.sensorId,
          process_pid: parts.pid,
          start: parts.createTime.toISOString(),
        };
        if (parts.pid <= 0) this.#valid = false;
      } catch {
        this.#valid = false;
      }
    }
  }

  /** The document (with repaired fields). */
  protected override get info(): Document {
    const base = super.info;
    return Object.keys(this.#overrides).length === 0 ? base : { ...base, ...this.#overrides };
  }

  /**
   * A field of the document (GUID-derived repairs included), or `defaultValue` when absent.
   *
   * @param name The field name.
   * @param defaultValue What to return when the field is absent or null.
   * @returns The value.
   */
  override get<T = unknown>(name: string, defaultValue?: T): T | undefined {
    if (name in this.#overrides) return this.#overrides[name] as T;
    return super.get<T>(name, defaultValue);
  }

  /** Reads a documented field. */
  protected override field<T>(name: string): T | undefined {
    if (name in this.#overrides) return this.#overrides[name] as T;
    return super.field<T>(name);
  }

  /** The summary, loading it if needed. */
  async #loadSummary(options: RequestOptions): Promise<ProcessSummaryData> {
    if (!this.#summary) await this.#fetchSummary(options);
    return this.#summary ?? {};
  }

  /** Start time (sensor-local wall clock, as a Date whose UTC fields are that clock). */
  get start(): Date | undefined {
    return parseSolrTime(this.info.start);
  }

  /** End time: `end`, else `last_update` of a terminated process, else undefined. */
  get end(): Date | undefined {
    if (this.info.end !== undefined && this.info.end !== null) return parseSolrTime(this.info.end);
    return this.info.terminated === true ? parseSolrTime(this.info.last_update) : undefined;
  }

  /** Last event time (sensor clock). */
  get last_update(): Date | undefined {
    return parseSolrTime(this.info.last_update);
  }

  /** Last event time (server clock). */
  get last_server_update(): Date | undefined {
    return parseSolrTime(this.info.last_server_update);
  }

  /** The user the process ran as. */
  get username(): string | undefined {
    const v = this.info.username;
    return typeof v === "string" ? v : undefined;
  }

  /** The command line (the path when the command line is empty). */
  get cmdline(): string | undefined {
    const v = this.info.cmdline;
    return typeof v === "string" && v !== "" ? v : this.path;
  }

  /** The executable path, or the first loaded module's path when the document has none. */
  get path(): string | undefined {
    const v = this.info.path;
    return typeof v === "string" && v !== "" ? v : this.#firstModload(2);
  }

  /** The executable's MD5, or the first loaded module's MD5 when the document has none. */
  get process_md5(): string | undefined {
    const v = this.info.process_md5;
    return typeof v === "string" && v !== "" ? v : this.#firstModload(1);
  }

  #firstModload(part: number): string | undefined {
    return this.#events.store.firstModload(this.#segment, part);
  }

  /** The host's communication IP as a dotted quad. */
  get comms_ip(): string | undefined {
    const v = this.info.comms_ip;
    return typeof v === "number" ? ipFromInt(v) : v as string | undefined;
  }

  /** The interface IP as a dotted quad. */
  get interface_ip(): string | undefined {
    const v = this.info.interface_ip;
    return typeof v === "number" ? ipFromInt(v) : v as string | undefined;
  }

  /** Where the process opens in the web UI (undefined for a suppressed process). */
  get webui_link(): string | undefined {
    if (this.#suppressed) return undefined;
    return `${this.cb.url}/#analyze/${this.#guid}/${this.#segment}`;
  }

  /**
   * The parent process (from this process's summary; cached, so a second walk costs nothing).
   *
   * @param options Signal and timeout.
   * @returns The parent, or undefined at the top of the tree.
   */
  async parent(options: RequestOptions = {}): Promise<Process | undefined> {
    // Not in `Process.joins`: the parent's id and its document come from this process's summary
    // (loaded on demand), and the parent is built from that document without a GET of its own.
    const summary = await this.#loadSummary(options);
    const guid = this.#parentGuid();
    if (!guid) return undefined;
    const info = summary.parent && typeof summary.parent === "object"
      ? summary.parent
      : { id: guid };
    return this.#cached(guid, info);
  }

  /** The cached process of a GUID (made with `info` when new), at the API's default segment. */
  #cached(guid: string, info?: Document): Process {
    const api = this.#api;
    const segment = api.versionAtLeast("6.0.0") ? 0 : 1;
    const init: ProcessInit = info ? { info, segment } : { segment };
    return api.cachedObject(Process, guid, () => new Process(api, guid, init), [segment]);
  }

  /** The parent's GUID from this process's document (`parent_unique_id`, else `parent_id`). */
  #parentGuid(): string | undefined {
    return parentGuidOf(this.info, this.#guid);
  }

  /**
   * The next parent of a walk. When this document already names the parent (a search row does),
   * the parent is taken from the cache or made unloaded, with no request for this process's
   * summary: the walk loads the parent next anyway (the Python walk sends the same requests).
   */
  #walkParent(options: RequestOptions): Promise<Process | undefined> {
    const guid = this.#summary ? undefined : this.#parentGuid();
    if (!guid) return this.parent(options);
    return Promise.resolve(this.#cached(guid));
  }

  /**
   * Walks up the tree, calling `callback(parent, depth)` for each ancestor (the first parent at
   * depth 0). Stops at the top, at a parent that cannot be found, or below `maxDepth`.
   *
   * @param callback Called for each ancestor; may be async.
   * @param options Depth limit, signal and timeout.
   */
  async walkParents(callback: WalkCallback, options: WalkOptions = {}): Promise<void> {
    await walkParents(this, callback, options, Process.#tree);
  }

  /**
   * Walks down the tree, calling `callback(child, depth)` for each running child and its
   * descendants (depth-first). Children that cannot be found are skipped.
   *
   * @param callback Called for each descendant; may be async.
   * @param options Depth limit, signal and timeout.
   */
  async walkChildren(callback: WalkCallback, options: WalkOptions = {}): Promise<void> {
    await walkChildren(this, callback, options, Process.#tree);
  }

  /**
   * The children of this process (running and ended), from its summary (cached objects).
   * Suppressed children, which the server never records, are left out.
   *
   * @param options Signal and timeout.
   * @returns The child processes (partially loaded).
   */
  async childProcesses(options: RequestOptions = {}): Promise<Process[]> {
    const summary = await this.#loadSummary(options);
    const out: Process[] = [];
    for (const child of summary.children ?? []) {
      if (child.is_suppressed === true) continue;
      const guid = guidOf(child.unique_id ?? child.id);
      if (!guid) continue;
      out.push(this.#cached(guid, child));
    }
    return out;
  }

  /**
   * The raw summary documents of the siblings.
   *
   * @param options Signal and timeout.
   * @returns The siblings' documents.
   */
  async siblings(options: RequestOptions = {}): Promise<Document[]> {
    return (await this.#loadSummary(options)).siblings ?? [];
  }
  // ---- events -------------------------------------------------------------------------------

  /** The API this process belongs to. */
  get #api(): CbResponseAPI {
    return this.cb;
  }

  /**
   * The module loads of the current segment (loaded once per segment, then served from memory).
   *
   * @param options Signal and timeout.
   * @returns The events, in the server's order.
   * @throws {ObjectNotFoundError} When the server has no such process.
   */
  modloads(options: EventOptions = {}): AsyncGenerator<ModLoadEvent, void, undefined> {
    return this.#events.iterate(this.#segment, "modload", options);
  }

  /**
   * The file modifications of the current segment.
   *
   * @param options Signal and timeout.
   * @returns The events.
   * @throws {ObjectNotFoundError} When the server has no such process.
   */
  filemods(options: EventOptions = {}): AsyncGenerator<FileModEvent, void, undefined> {
    return this.#events.iterate(this.#segment, "filemod", options);
  }

  /**
   * The registry modifications of the current segment.
   *
   * @param options Signal and timeout.
   * @returns The events.
   * @throws {ObjectNotFoundError} When the server has no such process.
   */
  regmods(options: EventOptions = {}): AsyncGenerator<RegModEvent, void, undefined> {
    return this.#events.iterate(this.#segment, "regmod", options);
  }

  /**
   * The network connections of the current segment.
   *
   * @param options Signal and timeout.
   * @returns The events.
   * @throws {ObjectNotFoundError} When the server has no such process.
   * @throws {ApiError} On a server before 5.1, for an unknown IP protocol number.
   */
  netconns(options: EventOptions = {}): AsyncGenerator<NetConnEvent, void, undefined> {
    return this.#events.iterate(this.#segment, "netconn", options);
  }

  /**
   * The cross-process events of the current segment.
   *
   * @param options Signal and timeout.
   * @returns The events.
   * @throws {ObjectNotFoundError} When the server has no such process.
   */
  crossprocs(options: EventOptions = {}): AsyncGenerator<CrossProcEvent, void, undefined> {
    return this.#events.iterate(this.#segment, "crossproc", options);
  }

  /**
   * The child process events (starts and ends) of the current segment, suppressed children
   * included.
   *
   * @param options Signal and timeout.
   * @returns The events.
   * @throws {ObjectNotFoundError} When the server has no such process.
   */
  childprocs(options: EventOptions = {}): AsyncGenerator<ChildProcEvent, void, undefined> {
    return this.#events.iterate(this.#segment, "childproc", options);
  }

  /**
   * Module loads of every segment: one load of segment 0 on 6.x, one load per segment before
   * (sequence numbers continue across segments).
   *
   * @param options Signal and timeout.
   * @returns The events.
   * @throws {ObjectNotFoundError} When the server has no such process.
   */
  allModloads(options: EventOptions = {}): AsyncGenerator<ModLoadEvent, void, undefined> {
    return this.#events.iterateAll("modload", options);
  }

  /**
   * File modifications of every segment (see {@linkcode Process.allModloads}).
   *
   * @param options Signal and timeout.
   * @returns The events.
   * @throws {ObjectNotFoundError} When the server has no such process.
   */
  allFilemods(options: EventOptions = {}): AsyncGenerator<FileModEvent, void, undefined> {
    return this.#events.iterateAll("filemod", options);
  }

  /**
   * Registry modifications of every segment (see {@linkcode Process.allModloads}).
   *
   * @param options Signal and timeout.
   * @returns The events.
   * @throws {ObjectNotFoundError} When the server has no such process.
   */
  allRegmods(options: EventOptions = {}): AsyncGenerator<RegModEvent, void, undefined> {
    return this.#events.iterateAll("regmod", options);
  }

  /**
   * Network connections of every segment (see {@linkcode Process.allModloads}).
   *
   * @param options Signal and timeout.
   * @returns The events.
   * @throws {ObjectNotFoundError} When the server has no such process.
   */
  allNetconns(options: EventOptions = {}): AsyncGenerator<NetConnEvent, void, undefined> {
    return this.#events.iterateAll("netconn", options);
  }

  /**
   * Cross-process events of every segment (see {@linkcode Process.allModloads}).
   *
   * @param options Signal and timeout.
   * @returns The events.
   * @throws {ObjectNotFoundError} When the server has no such process.
   */
  allCrossprocs(options: EventOptions = {}): AsyncGenerator<CrossProcEvent, void, undefined> {
    return this.#events.iterateAll("crossproc", options);
  }

  /**
   * Child process events of every segment (see {@linkcode Process.allModloads}).
   *
   * @param options Signal and timeout.
   * @returns The events.
   * @throws {ObjectNotFoundError} When the server has no such process.
   */
  allChildprocs(options: EventOptions = {}): AsyncGenerator<ChildProcEvent, void, undefined> {
    return this.#events.iterateAll("childproc", options);
  }

  /**
   * The segment ids of this process (memoised until {@linkcode Process.refresh}): the segment
   * route on 6.x, a `process_id:{guid}` search before.
   *
   * @param options Signal and timeout.
   * @returns The segment ids.
   * @throws {ObjectNotFoundError} When the server has no such process.
   */
  async getSegments(options: RequestOptions = {}): Promise<number[]> {
    const store = this.#events.store;
    if (store.segments) return [...store.segments];
    if (this.#suppressed || !this.#valid) return [];
    let segments: number[];
    if (this.#api.versionAtLeast("6.0.0")) {
      segments = await fetchSegmentIds(this.cb, this.#guid, options);
    } else {
      const query = Process.query(this.#api).where(`process_id:${this.#guid}`).sort("");
      segments = [];
      for await (const row of query.iterate(options)) segments.push(row.current_segment);
      segments.sort((a, b) => a - b);
    }
    store.segments = segments;
    return [...segments];
  }

  /**
   * The children of the process as child-process events: from the summary's `children` (one
   * start event each, timestamp = the child's start); when events were loaded first and no
   * summary was, from the current segment's child-process events.
   *
   * @param options Signal and timeout.
   * @returns The events.
   * @throws {ObjectNotFoundError} When the server has no such process.
   */
  async *children(options: EventOptions = {}): AsyncGenerator<ChildProcEvent, void, undefined> {
    if (!this.#summary && this.#events.store.has(this.#segment)) {
      yield* this.childprocs(options);
      return;
    }
    const summary = this.#suppressed ? {} : await this.#loadSummary(options);
    const api = this.#api;
    let sequence = 0;
    for (const child of summary.children ?? []) {
      options.signal?.throwIfAborted();
      if (!child || typeof child !== "object") continue;
      yield new ChildProcEvent(
        { parent: this, api, sequence: sequence++ },
        childFromSummary(child),
      );
    }
  }

  /**
   * Every event of the current segment (modloads, netconns, filemods, the children, regmods,
   * crossprocs), stably sorted by timestamp.
   *
   * @param options Signal and timeout.
   * @returns The events.
   * @throws {ObjectNotFoundError} When the server has no such process.
   */
  async allEventsSegment(options: EventOptions = {}): Promise<ProcessEvent[]> {
    const out = await this.#events.segmentEvents(this.#segment, options);
    for await (const child of this.children(options)) out.push(child);
    return out.sort(compareEvents);
  }

  /**
   * Every event of every segment of {@linkcode Process.getSegments}, stably sorted by
   * timestamp. The children appear once (the Python library repeated them per segment).
   *
   * @param options Signal and timeout.
   * @returns The events.
   * @throws {ObjectNotFoundError} When the server has no such process.
   */
  async allEvents(options: EventOptions = {}): Promise<ProcessEvent[]> {
    const out: ProcessEvent[] = [];
    for (const segment of await this.getSegments(options)) {
      out.push(...await this.#events.segmentEvents(segment, options));
    }
    for await (const child of this.children(options)) out.push(child);
    return out.sort(compareEvents);
  }

  /**
   * The events of {@linkcode Process.allEvents} the sensor flagged as tampering.
   *
   * @param options Signal and timeout.
   * @returns The events.
   * @throws {ObjectNotFoundError} When the server has no such process.
   */
  async tamperEvents(options: EventOptions = {}): Promise<ProcessEvent[]> {
    return (await this.allEvents(options)).filter((e) => e.tamper_event);
  }

  /**
   * The module loads of the current segment whose binary is not signed (a binary the event
   * document did not describe costs one cached request).
   *
   * @param options Signal and timeout.
   * @returns The events.
   * @throws {ObjectNotFoundError} When a module's binary is unknown to the server.
   */
  async unsignedModloads(options: EventOptions = {}): Promise<ModLoadEvent[]> {
    const out: ModLoadEvent[] = [];
    for await (const event of this.modloads(options)) {
      if (!(await event.isSigned(options))) out.push(event);
    }
    return out;
  }

  /**
   * The file modifications of the current segment whose path is exactly `path`.
   *
   * @param path The file path, as the sensor wrote it.
   * @param options Signal and timeout.
   * @returns The events.
   * @throws {ObjectNotFoundError} When the server has no such process.
   */
  async findFileWrites(path: string, options: EventOptions = {}): Promise<FileModEvent[]> {
    const out: FileModEvent[] = [];
    for await (const event of this.filemods(options)) if (event.path === path) out.push(event);
    return out;
  }

  /**
   * The threat intelligence hits of the current segment.
   *
   * @param options Signal and timeout.
   * @returns The server's answer.
   * @throws {ApiError} When the server cannot answer (IOC sharing is not set up).
   */
  async threatIntelHits(options: RequestOptions = {}): Promise<unknown> {
    try {
      return await this.cb.connection.getObject(
        `/api/v1/process/${this.#guid}/${this.#segment}/threat_intel_hits`,
        undefined,
        options,
      );
    } catch (err) {
      if (err instanceof ServerError || err instanceof ObjectNotFoundError) {
        throw new ApiError(
          `Sharing IOCs not set up in Cb server. See ${this.cb.url}/#/share for more information.`,
          { cause: err },
        );
      }
      throw err;
    }
  }

  // ---- tree ---------------------------------------------------------------------------------

  /**
   * The ancestors, nearest first: stops at the top, at a parent the server does not have, at a
   * parent whose `process_pid` is -1, or where the chain loops.
   *
   * @param options Signal and timeout.
   * @returns The parents (each loaded, cached).
   */
  async *parents(options: RequestOptions = {}): AsyncGenerator<Process, void, undefined> {
    yield* parentsOf(this, options, Process.#tree);
  }

  /**
   * How many parents lie above this process (0 for the root), counted until the server has no
   * parent; at most 500.
   *
   * @param options Signal and timeout.
   * @returns The depth.
   * @throws {ApiError} When the chain of parents loops.
   */
  async depth(options: RequestOptions = {}): Promise<number> {
    return await depthOf(this, options, Process.#tree);
  }
}
installFields(Process, { writable: false });

export {
  parseProcessGuid,
  processGuid,
  type ProcessGuidInfo,
  ProcessQuery,
  processUniqueId,
} from "./process_query.ts";
