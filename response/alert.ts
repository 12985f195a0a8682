/**
 * Cb Response alerts (`/api/v1/alert`): search, update, joins, and bulk status changes in
 * batches of 500.
 *
 * @module
 */

import { installFields } from "../core/_internal.ts";
import {
  type Document,
  join,
  type Joins,
  type JoinSpecs,
  type LoadOptions,
  MutableModel,
  ObjectNotFoundError,
  type RequestOptions,
  type WritableFieldValues,
} from "../core/mod.ts";
import type { CbResponseAPI } from "./api.ts";
import { Binary } from "./binary.ts";
import { Feed } from "./feed.ts";
import { Process } from "./process.ts";
import { SearchQuery, type SearchResultData } from "./query.ts";
import { Sensor } from "./sensor.ts";
import { Watchlist } from "./watchlist.ts";

/** Alert ids per bulk request. */
const BULK_BLOCK = 500;

/** The typed document fields of {@linkcode Alert}, declared once in `Alert.fields`. */
export interface Alert extends
  WritableFieldValues<
    typeof Alert.fields,
    never,
    | "alert_severity"
    | "alert_type"
    | "created_time"
    | "feed_id"
    | "feed_name"
    | "hostname"
    | "ioc_attr"
    | "md5"
    | "report_score"
    | "sensor_id"
    | "unique_id"
  >,
  Joins<typeof Alert.joins> {}

/**
 * An alert raised by a watchlist or a feed hit. Search with `cb.select(Alert)`; change `status`
 * and `save()` (`POST /api/v1/alert/{unique_id}`), or change many at once with
 * {@linkcode AlertQuery.changeStatus}.
 *
 * @example Resolve one alert and look at its process
 * ```ts
 * import assert from "node:assert/strict";
 * import { Alert, CbResponseAPI } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const alert = await cb.select(Alert).where("process_name:net.exe").first();
 * const proc = await alert?.process();
 * assert.ok(proc?.process_name === "net.exe");
 * alert!.status = "Resolved";
 * await alert!.save();
 * ```
 */
export class Alert extends MutableModel<CbResponseAPI> {
  /** The REST path of the search. */
  static override urlObject = "/api/v1/alert";
  /** The id field. */
  static override primaryKey = "unique_id";
  /** Updates are POSTs. */
  static override updateMethod = "POST";
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Severity. */
    alert_severity: "double",
    /** Sensor criticality (`sensor_criticality`, number). */
    sensor_criticality: "double",
    /** Feed rating (`feed_rating`, number). */
    feed_rating: "double",
    /** Ioc confidence (`ioc_confidence`, number). */
    ioc_confidence: "double",
    /** Score of the report that hit. */
    report_score: "integer",
    /** Sensor id. */
    sensor_id: "integer",
    /** Feed id (-1 for watchlist alerts). */
    feed_id: "integer",
    /** When it was raised. */
    created_time: "iso-date-time",
    /** Host name. */
    hostname: "string",
    /** Feed name (`My Watchlists` for watchlist alerts). */
    feed_name: "string",
    /** Os type (`os_type`, text). */
    os_type: "string",
    /** Unique id. */
    unique_id: "string",
    /** MD5 of the process or binary. */
    md5: "string",
    /** `Unresolved`, `In Progress`, `Resolved` or `False Positive`. */
    status: "string",
    /** For example `watchlist.hit.query.process` or `watchlist.hit.ingress.binary`. */
    alert_type: "string",
    /** What matched: an object (real servers send it as JSON text, kept by `getRaw`). */
    ioc_attr: "json",
    /** Assigned to (`assigned_to`, text). */
    assigned_to: "string",
    /** Childproc count (`childproc_count`, integer). */
    childproc_count: "integer",
    /** Comms ip (`comms_ip`, text). */
    comms_ip: "string",
    /** Crossproc count (`crossproc_count`, integer). */
    crossproc_count: "integer",
    /** Description (`description`, text). */
    description: "string",
    /** Fileless scriptload count (`fileless_scriptload_count`, integer). */
    fileless_scriptload_count: "integer",
    /** Filemod count (`filemod_count`, integer). */
    filemod_count: "integer",
    /** Group (`group`, text). */
    group: "string",
    /** Interface ip (`interface_ip`, text). */
    interface_ip: "string",
    /** Ioc type (`ioc_type`, text). */
    ioc_type: "string",
    /** Ioc value (`ioc_value`, text). */
    ioc_value: "string",
    /** Link (`link`, text). */
    link: "string",
    /** Modload count (`modload_count`, integer). */
    modload_count: "integer",
    /** Netconn count (`netconn_count`, integer). */
    netconn_count: "integer",
    /** Observed hosts (`observed_hosts`, object). */
    observed_hosts: {
      accurateHostCount: "any",
      globalCount: "any",
      hostCount: "any",
      hostnames: "any",
      numDocs: "any",
      numFound: "any",
      processCount: "any",
      processTotal: "any",
    },
    /** Process id (`process_id`, text). */
    process_id: "string",
    /** Process name (`process_name`, text). */
    process_name: "string",
    /** Process path (`process_path`, text). */
    process_path: "string",
    /** Process unique id (`process_unique_id`, text). */
    process_unique_id: "string",
    /** Regmod count (`regmod_count`, integer). */
    regmod_count: "integer",
    /** Report ignored (`report_ignored`, flag). */
    report_ignored: "boolean",
    /** Resolved time (`resolved_time`, date, raw text with `getRaw`). */
    resolved_time: "iso-date-time",
    /** Segment id (`segment_id`, integer). */
    segment_id: "integer",
    /** Sha256 (`sha256`, text). */
    sha256: "string",
    /** Total hosts (`total_hosts`, integer). */
    total_hosts: "integer",
    /** Username (`username`, text). */
    username: "string",
    /** Watchlist id (`watchlist_id`, text). */
    watchlist_id: "string",
    /** Watchlist name (`watchlist_name`, text). */
    watchlist_name: "string",
    /** Whether the alert is ignored (set by `AlertQuery.setIgnored`). */
    is_ignored: "boolean",
    /** File names the binary was seen with (binary alerts). */
    observed_filename: ["string"],
  } as const;

  /** The joins, declared once: each is a read-only async method (see `join`). */
  static joins: JoinSpecs<
    { process: Process; binary: Binary; sensor: Sensor; feed: Feed; watchlist: Watchlist }
  > = {
    /** The process of a process alert (the first segment: 6.1 truncates alert segment ids). */
    process: join(() => Process, "process_id", {
      when: (alert: Alert): boolean => String(alert.alert_type ?? "").includes("process"),
    }),
    /** The binary of the alert (join on `md5`). */
    binary: join(() => Binary, "md5"),
    /** The sensor that reported the hit. */
    sensor: join(() => Sensor, "sensor_id"),
    /** The feed that raised the alert (none for watchlist alerts, whose `feed_id` is -1). */
    feed: join(() => Feed, "feed_id", { none: (id) => Number(id) < 0 }),
    /** The watchlist that raised the alert (none for feed alerts). */
    watchlist: join(() => Watchlist, "watchlist_id", {
      when: (alert: Alert): boolean => alert.feed_id === -1,
    }),
  };

  /** Default sort of alert searches: none. */
  static readonly defaultSort: string | undefined = undefined;
  /** Rows per page: 500. */
  static readonly searchPageSize: number = 500;

  /**
   * The alert search query.
   *
   * @param api The API.
   * @returns A new query.
   */
  static query(api: CbResponseAPI): AlertQuery {
    return new AlertQuery(api, Alert);
  }

  /**
   * The model for a search row (rows are whole alert documents).
   *
   * @param api The API.
   * @param row The row.
   * @returns The alert.
   */
  static fromSearchRow(api: CbResponseAPI, row: Document): Alert {
    return api.fromRow(Alert, String(row.unique_id), row, true);
  }

  /** The indicator that raised the alert (`ioc_attr`). */
  get triggerIoc(): Record<string, unknown> {
    return this.ioc_attr;
  }

  /**
   * Reloads the alert: there is no route to read one alert, so this searches for its
   * `unique_id` (one request). Pending changes are kept.
   *
   * @param options Signal and timeout.
   * @returns This alert.
   * @throws {ObjectNotFoundError} When no alert has this id.
   */
  override async refresh(options: LoadOptions = {}): Promise<this> {
    const id = this.uniqueId;
    if (id === undefined || id === null) return this;
    const data = await this.cb.connection.getObject<SearchResultData>(Alert.urlObject, [
      ["cb.urlver", "1"],
      ...(this.cb.versionAtLeast("5.1.1") ? [["facet", "false"] as const] : []),
      ["q", `unique_id:${id}`],
      ["start", 0],
      ["rows", 1],
    ], options);
    const row = data?.results?.[0];
    if (!row) {
      throw new ObjectNotFoundError(
        `Cannot find alert "${id}" on ${this.cb.url}: no alert has this unique_id`,
        { method: "GET", url: `${this.cb.url}${Alert.urlObject}` },
      );
    }
    const pending = this.dirtyFields.map((k) => [k, this.info[k]] as const);
    this.setDocument({ ...row, ...Object.fromEntries(pending) }, true);
    this.cb.cache.renew(this);
    return this;
  }
}
installFields(Alert);

/**
 * An alert search (500 rows per page) with bulk operations: each pages through the matches,
 * then sends `POST /api/v1/alerts` once per 500 alert ids (nothing is sent when nothing
 * matches) and evicts those alerts from the object cache.
 *
 * @example Resolve every unresolved alert of a host
 * ```ts
 * import assert from "node:assert/strict";
 * import { Alert, CbResponseAPI } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const q = cb.select(Alert).where("hostname:WIN-IA9NQ1GN8OI status:Unresolved");
 * await q.changeStatus("Resolved");
 * assert.ok(await q.count() === 0);
 * ```
 */
export class AlertQuery extends SearchQuery<Alert> {
  async #bulk(payload: Record<string, unknown>, options: RequestOptions): Promise<void> {
    const ids: string[] = [];
    // A copy of the query, so that this one's cached count stays untouched.
    for await (const alert of this.with({}).iterate(options)) {
      if (alert.unique_id) ids.push(alert.unique_id);
    }
    for (let i = 0; i < ids.length; i += BULK_BLOCK) {
      const block = ids.slice(i, i + BULK_BLOCK);
      try {
        await this.api.connection.requestJson("POST", "/api/v1/alerts", {
          ...options,
          json: { ...payload, alert_ids: block },
        });
      } finally {
        // Changed (or perhaps changed, when the answer was lost): never served from the cache.
        for (const id of block) this.api.evict(Alert, id);
      }
    }
  }

  /**
   * Sets the ignored flag of every matching alert (status `False Positive`).
   *
   * @param ignored The flag.
   * @param options Signal and timeout.
   */
  async setIgnored(ignored = true, options: RequestOptions = {}): Promise<void> {
    await this.#bulk(
      { updates: { is_ignored: ignored, requested_status: "False Positive" } },
      options,
    );
  }

  /**
   * Assigns every matching alert to a user (status `In Progress`).
   *
   * @param target The user name.
   * @param options Signal and timeout.
   */
  async assign(target: string, options: RequestOptions = {}): Promise<void> {
    await this.#bulk({ assigned_to: target, requested_status: "In Progress" }, options);
  }

  /**
   * Same as {@linkcode AlertQuery.assign} (the name the documentation uses).
   *
   * @param target The user name.
   * @param options Signal and timeout.
   */
  async assignTo(target: string, options: RequestOptions = {}): Promise<void> {
    await this.assign(target, options);
  }

  /**
   * Changes the status of every matching alert.
   *
   * @param status `Resolved`, `Unresolved`, `In Progress` or `False Positive`.
   * @param options Signal and timeout.
   */
  async changeStatus(status: string, options: RequestOptions = {}): Promise<void> {
    await this.#bulk({ requested_status: status }, options);
  }
}
