/**
 * Cb Response processes: search with the 6.x filters, the process summary (parent, children,
 * siblings), joins to the sensor and the binary, and walking the process tree.
 *
 * @module
 */

import {
  type Document,
  type FieldKind,
  installFields,
  Model,
  type ModelApi,
  type ModelId,
  ObjectNotFoundError,
  type RequestOptions,
} from "../core/mod.ts";
import { ipFromInt, parseSolrTime, toInt } from "../core/_parse.ts";
import { parseGuid, segmentSuffix, splitProcessId } from "../core/_guid.ts";
import type { CbResponseAPI } from "./api.ts";
import { Binary } from "./binary.ts";
import { SearchQuery, type SearchState, timeFilterValue } from "./query.ts";
import { Sensor } from "./sensor.ts";

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

const GUID_PREFIX_REGEXP =
  /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})/;

function guidOf(uniqueId: unknown): string | undefined {
  if (typeof uniqueId !== "string") return undefined;
  return GUID_PREFIX_REGEXP.exec(uniqueId)?.[1]?.toLowerCase();
}

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
export class Process extends Model {
  /** The REST path of the collection. */
  static override urlObject = "/api/v1/process";
  /** How `String(obj)` prints it. */
  static override display: "schema" | "legacy" = "legacy";
  /** Documented fields and their types. */
  static override fields: Readonly<Record<string, FieldKind>> = {
    id: "string",
    unique_id: "string",
    process_name: "string",
    process_pid: "integer",
    process_md5: "string",
    hostname: "string",
    host_type: "string",
    os_type: "string",
    path: "string",
    sensor_id: "integer",
    segment_id: "integer",
    parent_unique_id: "string",
    parent_id: "string",
    parent_name: "string",
    parent_pid: "integer",
    parent_md5: "string",
    terminated: "boolean",
    group: "string",
    filemod_count: "integer",
    modload_count: "integer",
    regmod_count: "integer",
    netconn_count: "integer",
    childproc_count: "integer",
    crossproc_count: "integer",
    emet_count: "integer",
    processblock_count: "integer",
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
    return api.cachedObject(
      Process,
      guid,
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

  /** The process GUID. */
  declare readonly id: string | undefined;
  /** The process's executable name. */
  declare readonly process_name: string | undefined;
  /** The process id on the host. */
  declare readonly process_pid: number | undefined;
  /** The host name. */
  declare readonly hostname: string | undefined;
  /** The sensor id. */
  declare readonly sensor_id: number | undefined;
  /** The segment id of the row. */
  declare readonly segment_id: number | undefined;
  /** The parent's unique id (`{guid}-{segment}`). */
  declare readonly parent_unique_id: string | undefined;
  /** The parent's GUID. */
  declare readonly parent_id: string | undefined;
  /** The parent's executable name. */
  declare readonly parent_name: string | undefined;
  /** The parent's process id. */
  declare readonly parent_pid: number | undefined;
  /** Whether the process has ended. */
  declare readonly terminated: boolean | undefined;
  /** Sensor group name. */
  declare readonly group: string | undefined;
  /** Counts of events per kind. */
  declare readonly filemod_count: number | undefined;
  /** Module loads. */
  declare readonly modload_count: number | undefined;
  /** Registry changes. */
  declare readonly regmod_count: number | undefined;
  /** Network connections. */
  declare readonly netconn_count: number | undefined;
  /** Child processes. */
  declare readonly childproc_count: number | undefined;
  /** Cross-process events. */
  declare readonly crossproc_count: number | undefined;

  #guid: string;
  #segment: number;
  #valid: boolean;
  #summary: ProcessSummaryData | undefined;
  #overrides: Document = {};
  #missing = false;

  /**
   * Builds a process; use `cb.select(Process, guid)` or a query.
   *
   * @param api The API.
   * @param id A 36-character GUID, or a GUID with its segment (`guid-0000000001`).
   * @param init The initial document and segment.
   */
  constructor(
    api: ModelApi,
    id: ModelId | undefined,
    init: { info?: Document; full?: boolean; segment?: number } = {},
  ) {
    super(api, id, init);
    const v6 = (api as Partial<CbResponseAPI>).versionAtLeast?.("6.0.0") ?? true;
    const split = splitProcessId(id ?? String(init.info?.id ?? ""), { serverAtLeast6: v6 });
    this.#guid = String(split.guid).toLowerCase();
    this.#valid = split.valid;
    this.#segment = init.segment ?? split.segment ?? (v6 ? 0 : 1);
    if (init.info) this.#repair(init.info);
  }

  /** Whether the id was a well-formed process id (an invalid one is never fetched). */
  get valid(): boolean {
    return this.#valid;
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
   * Reloads the document from the server.
   *
   * @param options Signal and timeout.
   * @returns This object.
   */
  override async refresh(options: RequestOptions = {}): Promise<this> {
    if (!this.#valid) {
      throw new ObjectNotFoundError(
        { status: 404, body: "", method: "GET", url: `${this.cb.url}${this.instanceUrl()}` },
        `Process id "${this.#guid}" is not a valid process GUID, so ${this.cb.url} was not asked for it`,
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

  /** Reads a documented field. */
  protected override field<T>(name: string): T | undefined {
    if (name in this.#overrides) return this.#overrides[name] as T;
    return super.field<T>(name);
  }

  /** The summary, loading it if needed. */
  async #loadSummary(options: RequestOptions): Promise<ProcessSummaryData> {
    if (!this.#summary) await this.refresh(options);
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

  /** The executable path. */
  get path(): string | undefined {
    const v = this.info.path;
    return typeof v === "string" ? v : undefined;
  }

  /** The executable's MD5. */
  get process_md5(): string | undefined {
    const v = this.info.process_md5;
    return typeof v === "string" && v !== "" ? v : undefined;
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

  /** Where the process opens in the web UI. */
  get webui_link(): string {
    return `${this.cb.url}/#analyze/${this.#guid}/${this.#segment}`;
  }

  /**
   * The sensor the process ran on (cached join).
   *
   * @param options Signal and timeout.
   * @returns The sensor, or undefined when the process names none.
   */
  async sensor(options: RequestOptions = {}): Promise<Sensor | undefined> {
    const id = this.field<number>("sensor_id");
    if (id === undefined) return undefined;
    return await (this.cb as CbResponseAPI).selectById(Sensor, id, options);
  }

  /**
   * The executable's binary (cached join).
   *
   * @param options Signal and timeout.
   * @returns The binary, or undefined when the process has no MD5.
   */
  async binary(options: RequestOptions = {}): Promise<Binary | undefined> {
    const md5 = this.process_md5;
    if (!md5 || /^0+$/.test(md5)) return undefined;
    return await (this.cb as CbResponseAPI).selectById(Binary, md5, options);
  }

  /**
   * The parent process (from this process's summary; cached, so a second walk costs nothing).
   *
   * @param options Signal and timeout.
   * @returns The parent, or undefined at the top of the tree.
   */
  async parent(options: RequestOptions = {}): Promise<Process | undefined> {
    const summary = await this.#loadSummary(options);
    const doc = this.info;
    let guid = guidOf(doc.parent_unique_id);
    if (guid) {
      try {
        if (parseGuid(guid).sensorId !== parseGuid(this.#guid).sensorId) {
          guid = guidOf(doc.parent_id);
        }
      } catch {
        guid = guidOf(doc.parent_id);
      }
    } else {
      guid = guidOf(doc.parent_id);
    }
    if (!guid) return undefined;
    const api = this.cb as CbResponseAPI;
    const segment = api.versionAtLeast("6.0.0") ? 0 : 1;
    const info = summary.parent && typeof summary.parent === "object"
      ? summary.parent
      : { id: guid };
    return api.cachedObject(Process, guid, () => new Process(api, guid, { info, segment }), [
      segment,
    ]);
  }

  /**
   * Walks up the tree, calling `callback(parent, depth)` for each ancestor (the first parent at
   * depth 0). Stops at the top, at a parent that cannot be found, or below `maxDepth`.
   *
   * @param callback Called for each ancestor; may be async.
   * @param options Depth limit, signal and timeout.
   */
  async walkParents(callback: WalkCallback, options: WalkOptions = {}): Promise<void> {
    const { maxDepth = 0, ...request } = options;
    let current: Process | undefined;
    const seen = new Set([this.#guid]);
    for (let depth = 0;; depth++) {
      if (maxDepth && depth > maxDepth) return;
      let parent: Process | undefined;
      try {
        parent = await (current ?? this).parent(request);
        // A parent the server did not have stays missing while it is cached: no second request.
        if (parent && parent.#missing) return;
        if (parent) await parent.load(request);
      } catch (err) {
        if (err instanceof ObjectNotFoundError) return;
        throw err;
      }
      if (!parent || parent.process_pid === -1 || seen.has(parent.#guid)) return;
      seen.add(parent.#guid);
      await callback(parent, depth);
      current = parent;
    }
  }

  /**
   * Walks down the tree, calling `callback(child, depth)` for each running child and its
   * descendants (depth-first). Children that cannot be found are skipped.
   *
   * @param callback Called for each descendant; may be async.
   * @param options Depth limit, signal and timeout.
   */
  async walkChildren(callback: WalkCallback, options: WalkOptions = {}): Promise<void> {
    const { maxDepth = 0, ...request } = options;
    await this.#walkDown(callback, maxDepth, 0, request, new Set([this.#guid]));
  }

  async #walkDown(
    callback: WalkCallback,
    maxDepth: number,
    depth: number,
    request: RequestOptions,
    seen: Set<string>,
  ): Promise<void> {
    if (maxDepth && depth > maxDepth) return;
    for (const child of await this.childProcesses(request)) {
      if (child.terminated === true || seen.has(child.#guid)) continue;
      seen.add(child.#guid);
      try {
        await child.load(request);
      } catch (err) {
        if (err instanceof ObjectNotFoundError) continue;
        throw err;
      }
      await callback(child, depth);
      await child.#walkDown(callback, maxDepth, depth + 1, request, seen);
    }
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
    const api = this.cb as CbResponseAPI;
    const segment = api.versionAtLeast("6.0.0") ? 0 : 1;
    const out: Process[] = [];
    for (const child of summary.children ?? []) {
      if (child.is_suppressed === true) continue;
      const guid = guidOf(child.unique_id ?? child.id);
      if (!guid) continue;
      out.push(
        api.cachedObject(Process, guid, () => new Process(api, guid, { info: child, segment }), [
          segment,
        ]),
      );
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
}
installFields(Process, { writable: false });

/**
 * A process search with the Cb Response 6.x filters (`groupBy`, time filters, comprehensive
 * search). Every method returns a new query.
 *
 * @example
 * ```ts
 * import { CbResponseAPI, Process } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const perSegment = await cb.select(Process).where("process_name:cmd.exe").count();
 * const perProcess = await cb.select(Process).where("process_name:cmd.exe").groupBy("id").count();
 * console.assert(perProcess <= perSegment);
 * ```
 */
export class ProcessQuery extends SearchQuery<Process> {
  #withExtra(key: string, value: string, since = "6.0.0"): this {
    if (!this.api.versionAtLeast(since)) {
      this.api.connection.logger.debug(`Ignoring ${key}: the server is older than ${since}`);
      return this;
    }
    const extra = this.state.extra.filter(([k]) => k !== key);
    return this.derive({ extra: [...extra, [key, value]] } as Partial<SearchState>);
  }

  /**
   * Groups the results by a field (`id`: one row per process instead of one per segment).
   *
   * @param field The field.
   * @returns A new query.
   */
  groupBy(field: string): this {
    return this.#withExtra("cb.group", field);
  }

  /**
   * Only processes with events after this time (sensor clock).
   *
   * @param time A Date (UTC) or a Solr time such as `2017-04-29T04:21:18Z`.
   * @returns A new query.
   */
  minLastUpdate(time: Date | string): this {
    return this.#withExtra("cb.min_last_update", timeFilterValue(time));
  }

  /**
   * Only processes with events before this time (sensor clock).
   *
   * @param time A Date (UTC) or a Solr time.
   * @returns A new query.
   */
  maxLastUpdate(time: Date | string): this {
    return this.#withExtra("cb.max_last_update", timeFilterValue(time));
  }

  /**
   * Only processes with events after this time (server clock).
   *
   * @param time A Date (UTC) or a Solr time.
   * @returns A new query.
   */
  minLastServerUpdate(time: Date | string): this {
    return this.#withExtra("cb.min_last_server_update", timeFilterValue(time));
  }

  /**
   * Only processes with events before this time (server clock).
   *
   * @param time A Date (UTC) or a Solr time.
   * @returns A new query.
   */
  maxLastServerUpdate(time: Date | string): this {
    return this.#withExtra("cb.max_last_server_update", timeFilterValue(time));
  }

  /**
   * Searches every partition, also the ones not mounted by default
   * (`comprehensive_search=true`).
   *
   * @returns A new query.
   */
  useComprehensiveSearch(): this {
    return this.#withExtra("comprehensive_search", "true", "0");
  }

  /** Process filters and the legacy flag. */
  protected override extraParams(): ReadonlyArray<readonly [string, string]> {
    const extra = [...this.state.extra];
    if (this.api.legacyPartitions && !extra.some(([k]) => k === "cb.legacy_5x_mode")) {
      extra.push(["cb.legacy_5x_mode", "True"]);
    }
    return extra;
  }
}

/**
 * The unique id of a process segment as the server writes it (`{guid}-{segment hex}`).
 *
 * @param guid The process GUID.
 * @param segment The segment.
 * @param width 8 (Cb Response 5.x) or 12 (6.x) hex digits.
 * @returns The unique id.
 */
export function processUniqueId(guid: string, segment: number, width: 8 | 12 = 12): string {
  return `${guid}-${segmentSuffix(segment, width)}`;
}
