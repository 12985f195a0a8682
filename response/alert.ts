/**
 * Cb Response alerts (`/api/v1/alert`): search, update, joins, and bulk status changes in
 * batches of 500.
 *
 * @module
 */

import {
  type Document,
  type FieldKind,
  installFields,
  type LoadOptions,
  MutableModel,
  ObjectNotFoundError,
  type RequestOptions,
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
export class Alert extends MutableModel {
  /** The REST path of the search. */
  static override urlObject = "/api/v1/alert";
  /** The id field. */
  static override primaryKey = "unique_id";
  /** Updates are POSTs. */
  static override updateMethod = "POST";
  /** Documented fields and their types. */
  static override fields: Readonly<Record<string, FieldKind>> = {
    alert_severity: "double",
    sensor_criticality: "double",
    feed_rating: "double",
    ioc_confidence: "double",
    report_score: "integer",
    sensor_id: "integer",
    feed_id: "integer",
    created_time: "iso-date-time",
    hostname: "string",
    feed_name: "string",
    os_type: "string",
    unique_id: "string",
    md5: "string",
    status: "string",
    alert_type: "string",
    ioc_attr: "object",
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

  /** Unique id. */
  declare readonly unique_id: string | undefined;
  /** `Unresolved`, `In Progress`, `Resolved` or `False Positive`. */
  declare status: string | undefined;
  /** For example `watchlist.hit.query.process` or `watchlist.hit.ingress.binary`. */
  declare readonly alert_type: string | undefined;
  /** Host name. */
  declare readonly hostname: string | undefined;
  /** Sensor id. */
  declare readonly sensor_id: number | undefined;
  /** MD5 of the process or binary. */
  declare readonly md5: string | undefined;
  /** Feed id (-1 for watchlist alerts). */
  declare readonly feed_id: number | undefined;
  /** Feed name (`My Watchlists` for watchlist alerts). */
  declare readonly feed_name: string | undefined;
  /** When it was raised. */
  declare readonly created_time: Date | undefined;
  /** Severity. */
  declare readonly alert_severity: number | undefined;
  /** Score of the report that hit. */
  declare readonly report_score: number | undefined;
  /** What matched (object). */
  declare readonly ioc_attr: Record<string, unknown>;

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
      ...((this.cb as CbResponseAPI).versionAtLeast("5.1.1") ? [["facet", "false"] as const] : []),
      ["q", `unique_id:${id}`],
      ["start", 0],
      ["rows", 1],
    ], options);
    const row = data?.results?.[0];
    if (!row) {
      throw new ObjectNotFoundError(
        { status: 404, body: "", method: "GET", url: `${this.cb.url}${Alert.urlObject}` },
        `Cannot find alert "${id}" on ${this.cb.url}: no alert has this unique_id`,
      );
    }
    const pending = this.dirtyFields.map((k) => [k, this.info[k]] as const);
    this.setDocument({ ...row, ...Object.fromEntries(pending) }, true);
    this.cb.cache.renew(this);
    return this;
  }

  /**
   * The process of a process alert (the first segment: 6.1 truncates alert segment ids).
   *
   * @param options Signal and timeout.
   * @returns The process, or undefined for binary alerts.
   */
  async process(options: RequestOptions = {}): Promise<Process | undefined> {
    const id = this.info.process_id;
    if (!String(this.alert_type ?? "").includes("process") || typeof id !== "string" || !id) {
      return undefined;
    }
    return await Process.selectById(this.cb as CbResponseAPI, id, options);
  }

  /**
   * The binary of the alert (join on `md5`).
   *
   * @param options Signal and timeout.
   * @returns The binary, or undefined.
   */
  async binary(options: RequestOptions = {}): Promise<Binary | undefined> {
    const md5 = this.md5;
    return md5 ? await (this.cb as CbResponseAPI).selectById(Binary, md5, options) : undefined;
  }

  /**
   * The sensor that reported the hit.
   *
   * @param options Signal and timeout.
   * @returns The sensor, or undefined.
   */
  async sensor(options: RequestOptions = {}): Promise<Sensor | undefined> {
    const id = this.sensor_id;
    return id === undefined
      ? undefined
      : await (this.cb as CbResponseAPI).selectById(Sensor, id, options);
  }

  /**
   * The feed that raised the alert (undefined for watchlist alerts, whose `feed_id` is -1).
   *
   * @param options Signal and timeout.
   * @returns The feed, or undefined.
   */
  async feed(options: RequestOptions = {}): Promise<Feed | undefined> {
    const id = this.feed_id;
    return id === undefined || id < 0
      ? undefined
      : await (this.cb as CbResponseAPI).selectById(Feed, id, options);
  }

  /**
   * The watchlist that raised the alert (undefined for feed alerts).
   *
   * @param options Signal and timeout.
   * @returns The watchlist, or undefined.
   */
  async watchlist(options: RequestOptions = {}): Promise<Watchlist | undefined> {
    const id = this.info.watchlist_id;
    if (this.feed_id !== -1 || id === undefined || id === null || id === "") return undefined;
    return await (this.cb as CbResponseAPI).selectById(Watchlist, String(id), options);
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
    for await (const alert of this.derive({}).iterate(options)) {
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
