/**
 * Cb Response event partitions (`/api/v1/storage/events/...`, Cb Response 6.0+): the hot
 * `writer` partition receives new events; warm `cbevents_{YYYY_MM_DD_hhmm}[_suffix]` partitions
 * are mounted and searchable; cold ones sit on disk until mounted.
 *
 * @example Unmount the oldest warm partition
 * ```ts
 * import { CbResponseAPI, StoragePartition } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * import assert from "node:assert/strict";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const warm = await cb.select(StoragePartition).where("status:warm").toArray();
 * const oldest = warm.sort((a, b) => a.name!.localeCompare(b.name!))[0]!;
 * await oldest.unmount();
 * assert.equal(emu.state.partitions.get(oldest.name!)?.status, "cold");
 * ```
 *
 * @module
 */

import {
  ApiError,
  type Document,
  type FieldValues,
  ListQuery,
  Model,
  type ModelClass,
  type ModelId,
  type ModelInit,
  type QueryState,
  type RequestOptions,
} from "../core/mod.ts";
import { idSegment, installFields } from "../core/_internal.ts";
import type { CbResponseAPI } from "./api.ts";

/** The `info` object of a partition document. */
export interface StoragePartitionInfo {
  /** Size on disk. */
  sizeInBytes?: number;
  /** First event time (ISO 8601). */
  startDate?: string;
  /** Last event time (ISO 8601), null for the hot partition. */
  endDate?: string | null;
  /** Solr partition id. */
  partitionId?: number;
  /** Deleted documents. */
  deletedDocs?: number;
  /** Highest document number. */
  maxDoc?: number;
  /** Documents. */
  numDocs?: number;
  /** Solr segments. */
  segmentCount?: number;
  /** Whether a user mounted it. */
  userMounted?: boolean;
  /** Whether it holds Cb Response 5.x data (process queries then ask for legacy mode). */
  isLegacy?: boolean;
  /** Directory on the server. */
  dir?: string;
  /** Solr schema name. */
  schema?: string;
  /** Further fields. */
  [field: string]: unknown;
}

/** The typed document fields of {@linkcode StoragePartition}, declared once in `StoragePartition.fields`. */
export interface StoragePartition extends FieldValues<typeof StoragePartition.fields, "info"> {}

/**
 * One event partition (read-only document; `delete()`, `mount()` and `unmount()` act on the
 * server). Start a new hot partition with `cb.createNewPartition()`.
 *
 * The server has no GET route for one partition: `refresh()` sends nothing, and
 * `cb.select(StoragePartition, name)` gives an object holding only its name; list them with
 * `cb.select(StoragePartition)` to read their state.
 *
 * @example Find the hot partition
 * ```ts
 * import { CbResponseAPI, StoragePartition } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * import assert from "node:assert/strict";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const hot = await cb.select(StoragePartition).where("status:hot").one();
 * assert.equal(hot.name, "writer");
 * assert.equal(hot.partitionInfo.endDate, null);
 * ```
 */
export class StoragePartition extends Model<CbResponseAPI> {
  /** The list route (an object keyed by partition name). */
  static override urlObject = "/api/v1/storage/events/partition";
  /** The id field. */
  static override primaryKey = "name";
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Partition name (`writer`, `cbevents_2018_01_18_2030`, ...). */
    name: "string",
    /** `hot`, `warm` or `cold`. */
    status: "string",
    /**
     * Sizes, dates and flags of the partition: read it as {@linkcode StoragePartition.partitionInfo}
     * (`info` itself is the model's document).
     */
    info: {
      deletedDocs: "integer",
      dir: "string",
      endDate: "string",
      isLegacy: "boolean",
      maxDoc: "integer",
      numDocs: "integer",
      partitionId: "integer",
      schema: "string",
      segmentCount: "integer",
      sizeInBytes: "integer",
      startDate: "string",
      userMounted: "boolean",
    },
  } as const;

  /**
   * The list query (one GET; client-side `where`/`sort` like the other list queries).
   *
   * @param api The API.
   * @returns A new query.
   */
  static query(api: CbResponseAPI): StoragePartitionQuery {
    return new StoragePartitionQuery(api);
  }

  /**
   * Builds a partition; use `cb.select(StoragePartition)` instead. An object built from a name
   * alone holds only that name.
   *
   * @param api The API.
   * @param id The partition name.
   * @param init The document.
   */
  constructor(api: CbResponseAPI, id: ModelId | undefined, init: ModelInit = {}) {
    super(api, id, init);
    if (this.info.name === undefined && id !== undefined) this.info.name = String(id);
  }

  /** The partition's `info` object (sizes, dates, `isLegacy`, ...); empty when not listed. */
  get partitionInfo(): StoragePartitionInfo {
    const raw = this.info.info;
    return raw && typeof raw === "object" ? raw as StoragePartitionInfo : {};
  }

  /**
   * No request: the server has no GET route for one partition.
   *
   * @param _options Ignored.
   * @returns This object.
   */
  override refresh(_options: RequestOptions = {}): Promise<this> {
    return Promise.resolve(this);
  }

  /**
   * Deletes the partition from disk (`DELETE /api/v1/storage/events/{name}`).
   *
   * @param options Signal and timeout.
   * @throws {ServerError} When the server refuses (for example for the hot partition).
   */
  async delete(options: RequestOptions = {}): Promise<void> {
    await this.#send("DELETE", "", options);
  }

  /**
   * Mounts a cold partition, making it searchable (`POST .../{name}/mount`, body `null`).
   *
   * @param options Signal and timeout.
   * @throws {ServerError} When the server refuses.
   */
  async mount(options: RequestOptions = {}): Promise<void> {
    await this.#send("POST", "/mount", options);
  }

  /**
   * Unmounts a warm partition (`POST .../{name}/unmount`, body `null`).
   *
   * @param options Signal and timeout.
   * @throws {ServerError} When the server refuses (for example for the hot partition).
   */
  async unmount(options: RequestOptions = {}): Promise<void> {
    await this.#send("POST", "/unmount", options);
  }

  async #send(method: string, suffix: string, options: RequestOptions): Promise<void> {
    const name = this.uniqueId;
    if (name === undefined || name === null || name === "") {
      throw new ApiError(
        `Cannot ${method === "DELETE" ? "delete" : suffix.slice(1)} a storage partition without ` +
          `a name on ${this.cb.url}: select one with cb.select(StoragePartition)`,
      );
    }
    const path = `/api/v1/storage/events/${idSegment(name, "StoragePartition")}${suffix}`;
    const res = await this.cb.connection.request(
      method,
      path,
      method === "POST" ? { ...options, json: null } : options,
    );
    await res.body?.cancel();
  }
}
installFields(StoragePartition, { writable: false });

/**
 * The partition list (`GET /api/v1/storage/events/partition`, an object keyed by name): one
 * `where("field:value")` clause (case-insensitive equality) and a descending `sort(field)`,
 * applied on the client. Every evaluation builds fresh objects, so a later query shows what
 * `mount()`, `unmount()` and `delete()` changed.
 *
 * @example Count the warm partitions
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbResponseAPI, StoragePartition } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * assert.ok(await cb.select(StoragePartition).where("status:warm").count() === 3);
 * ```
 */
export class StoragePartitionQuery extends ListQuery<StoragePartition> {
  /** The API. */
  declare protected readonly api: CbResponseAPI;

  /**
   * Builds a query; use `cb.select(StoragePartition)` instead.
   *
   * @param api The API.
   * @param cls The model class (StoragePartition).
   * @param state Initial state: a `field:value` clause, a field to sort by (descending).
   */
  constructor(
    api: CbResponseAPI,
    cls: ModelClass<StoragePartition> = StoragePartition,
    state: Partial<QueryState> = {},
  ) {
    super(api, cls, { clauses: [], sort: undefined, ...state });
  }

  /**
   * A short description of the query for messages.
   *
   * @returns The description.
   */
  describe(): string {
    const clause = this.state.clauses[0];
    return `StoragePartition${clause ? ` "${clause}"` : ""} on ${this.api.url}`;
  }

  /**
   * Fetches the partition object and builds one partition per entry.
   *
   * @param options Signal and timeout.
   * @returns The partitions.
   */
  protected async fetchAll(options: RequestOptions): Promise<StoragePartition[]> {
    const data = await this.api.connection.getObject<unknown>(
      StoragePartition.urlObject,
      undefined,
      options,
    );
    const entries = data && typeof data === "object" && !Array.isArray(data)
      ? Object.entries(data as Record<string, unknown>)
      : [];
    return entries.map(([key, value]) => {
      const doc: Document = value && typeof value === "object" ? { ...value as Document } : {};
      if (doc.name === undefined) doc.name = key;
      return new StoragePartition(this.api, doc.name as ModelId, { info: doc, full: true });
    });
  }
}
