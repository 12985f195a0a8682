/**
 * Cb Response sensors (endpoints): queries by IP, host name and group; isolation; flush and
 * restart; the sensor group join.
 *
 * @module
 */

import {
  ApiError,
  type Document,
  type FieldKind,
  installFields,
  ListQuery,
  type ModelApi,
  type ModelId,
  MutableModel,
  type RequestOptions,
  ServerError,
  splitClause,
  TimeoutError,
} from "../core/mod.ts";
import { formatMac, formatPythonDateTime, formatRfc822, toInt } from "../core/_parse.ts";
import { delay } from "../core/_async.ts";
import type { CbResponseAPI } from "./api.ts";
import { SensorGroup } from "./sensor_group.ts";
import type { LiveResponseSession, SessionOptions } from "../live_response/mod.ts";

/** A network adapter of a sensor's host. */
export interface NetworkAdapter {
  /** MAC address with colons (`00:15:5d:01:9c:08`). */
  macaddr: string;
  /** IPv4 address. */
  ipaddr: string;
}

/** Options of {@linkcode Sensor.isolate} and {@linkcode Sensor.unisolate}. */
export interface IsolateOptions extends RequestOptions {
  /**
   * Give up after this many milliseconds with a {@linkcode TimeoutError}. Without it the wait
   * lasts until the sensor confirms (or the signal aborts).
   *
   * @default undefined
   */
  timeout?: number;
  /**
   * Milliseconds between two polls of the sensor.
   *
   * @default 1000
   */
  pollInterval?: number;
}

const SENSOR_FIELDS: Record<string, FieldKind> = {
  id: "integer",
  build_id: "integer",
  build_version_string: "string",
  clock_delta: "string",
  computer_dns_name: "string",
  computer_name: "string",
  computer_sid: "string",
  cookie: "integer",
  display: "boolean",
  emet_dump_flags: "string",
  emet_exploit_action: "string",
  emet_is_gpo: "boolean",
  emet_process_count: "integer",
  emet_report_setting: "string",
  emet_telemetry_path: "string",
  emet_version: "string",
  event_log_flush_time: "iso-date-time",
  group_id: "integer",
  is_isolating: "boolean",
  last_checkin_time: "iso-date-time",
  last_update: "iso-date-time",
  license_expiration: "iso-date-time",
  network_adapters: "string",
  network_isolation_enabled: "boolean",
  next_checkin_time: "iso-date-time",
  node_id: "integer",
  notes: "string",
  num_eventlog_bytes: "string",
  num_storefiles_bytes: "string",
  os_environment_display_string: "string",
  os_environment_id: "integer",
  os_type: "integer",
  parity_host_id: "string",
  physical_memory_size: "string",
  power_state: "integer",
  registration_time: "iso-date-time",
  restart_queued: "boolean",
  sensor_health_message: "string",
  sensor_health_status: "integer",
  sensor_uptime: "string",
  shard_id: "integer",
  status: "string",
  supports_2nd_gen_modloads: "boolean",
  supports_cblr: "boolean",
  supports_isolation: "boolean",
  systemvolume_free_size: "string",
  systemvolume_total_size: "string",
  uninstall: "boolean",
  uninstalled: "boolean",
  uptime: "string",
  boot_id: "string",
};

/**
 * A Cb Response sensor (`/api/v1/sensor`).
 *
 * @example Isolate a host and release it
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbResponseAPI, Sensor } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const sensor = await cb.select(Sensor).where("hostname:WIN-IA9NQ1GN8OI").first();
 * assert.ok(await sensor!.isolate({ timeout: 5_000, pollInterval: 10 }));
 * assert.ok(await sensor!.unisolate({ timeout: 5_000, pollInterval: 10 }));
 * ```
 */
export class Sensor extends MutableModel {
  /** The REST path of the collection. */
  static override urlObject = "/api/v1/sensor";
  /** Documented fields and their types. */
  static override fields: Readonly<Record<string, FieldKind>> = SENSOR_FIELDS;

  /**
   * Canonical id: an integer.
   *
   * @param id The id as given.
   * @returns The integer id.
   */
  static override normaliseId(id: ModelId): ModelId {
    const n = toInt(id);
    if (n === undefined) {
      throw new TypeError(`Sensor id must be an integer, got ${JSON.stringify(id)}`);
    }
    return n;
  }

  /**
   * The sensor query (client-side list of `GET /api/v1/sensor` with `ip`, `hostname`, `groupid`).
   *
   * @param api The API.
   * @returns A new query.
   */
  static query(api: CbResponseAPI): SensorQuery {
    return new SensorQuery(api);
  }

  /** Sensor id. */
  declare readonly id: number | undefined;
  /** Group id (use {@linkcode Sensor.setGroup} or `group_id` to move it). */
  declare group_id: number | undefined;
  /** `Online`, `Offline`, ... */
  declare readonly status: string | undefined;
  /** Host name. */
  declare readonly computer_name: string | undefined;
  /** DNS name. */
  declare readonly computer_dns_name: string | undefined;
  /** Whether Live Response is supported. */
  declare readonly supports_cblr: boolean | undefined;
  /** Whether isolation is supported. */
  declare readonly supports_isolation: boolean | undefined;
  /** Whether isolation was asked for. */
  declare network_isolation_enabled: boolean | undefined;
  /** Whether the sensor reports that it is isolated. */
  declare readonly is_isolating: boolean | undefined;
  /** Whether a restart is queued. */
  declare restart_queued: boolean | undefined;
  /** Events are flushed until this time. */
  declare event_log_flush_time: Date | undefined;
  /** The server's notes. */
  declare notes: string | undefined;
  /** Registration time. */
  declare readonly registration_time: Date | undefined;
  /** Last check-in. */
  declare readonly last_checkin_time: Date | undefined;
  /** OS type (1 Windows, 2 macOS, 3 Linux). */
  declare readonly os_type: number | undefined;
  /** Sensor build. */
  declare readonly build_version_string: string | undefined;
  /** Health status (0-100). */
  declare readonly sensor_health_status: number | undefined;
  /** Health message. */
  declare readonly sensor_health_message: string | undefined;
  /** Raw adapters text `ip,mac|ip,mac|`. */
  declare readonly network_adapters: string | undefined;

  /**
   * Builds a sensor; use `cb.select(Sensor, id)`.
   *
   * @param api The API.
   * @param id The id.
   * @param init The initial document.
   */
  constructor(api: ModelApi, id: ModelId | undefined, init?: { info?: Document; full?: boolean }) {
    super(api, id, init);
  }

  /** The host name (`computer_name`). */
  get hostname(): string | undefined {
    return this.field("computer_name");
  }

  /** The DNS name (`computer_dns_name`). */
  get dns_name(): string | undefined {
    return this.field("computer_dns_name");
  }

  /** The OS display string. */
  get os(): string | undefined {
    return this.field("os_environment_display_string");
  }

  /** The host's SID. */
  get sid(): string | undefined {
    return this.field("computer_sid");
  }

  /** The host's network adapters, parsed from `network_adapters`. */
  get network_interfaces(): NetworkAdapter[] {
    const adapters = this.field<unknown>("network_adapters");
    const raw = typeof adapters === "string" ? adapters : "";
    const out: NetworkAdapter[] = [];
    for (const part of raw.split("|")) {
      const bits = part.split(",");
      if (bits.length === 2) out.push({ ipaddr: bits[0]!, macaddr: formatMac(bits[1]!) });
    }
    return out;
  }

  /** Where the sensor opens in the web UI. */
  get webui_link(): string {
    return `${this.cb.url}/#/host/${this.uniqueId}`;
  }

  /**
   * The sensor's group (cached join).
   *
   * @param options Signal and timeout.
   * @returns The group, or undefined when the sensor has none.
   */
  async group(options: RequestOptions = {}): Promise<SensorGroup | undefined> {
    const gid = this.field<number>("group_id");
    if (gid === undefined) return undefined;
    return await (this.cb as CbResponseAPI).selectById(SensorGroup, gid, options);
  }

  /**
   * Moves the sensor to a group (saved by {@linkcode MutableModel.save}).
   *
   * @param group A group or its id.
   */
  setGroup(group: SensorGroup | number): void {
    this.setField("group_id", typeof group === "number" ? group : group.uniqueId);
  }

  /**
   * Queued event statistics (`GET /api/v1/sensor/{id}/queued`).
   *
   * @param options Signal and timeout.
   * @returns The statistics.
   */
  queuedStats(options: RequestOptions = {}): Promise<unknown[]> {
    return this.#subList("queued", options);
  }

  /**
   * Activity statistics (`GET /api/v1/sensor/{id}/activity`).
   *
   * @param options Signal and timeout.
   * @returns The statistics.
   */
  activityStats(options: RequestOptions = {}): Promise<unknown[]> {
    return this.#subList("activity", options);
  }

  /**
   * Resource status (`GET /api/v1/sensor/{id}/resourcestatus`).
   *
   * @param options Signal and timeout.
   * @returns The status entries.
   */
  resourceStatus(options: RequestOptions = {}): Promise<unknown[]> {
    return this.#subList("resourcestatus", options);
  }

  async #subList(name: string, options: RequestOptions): Promise<unknown[]> {
    const data = await this.cb.connection.getObject<unknown>(
      `${this.instanceUrl()}/${name}`,
      undefined,
      options,
    );
    return Array.isArray(data) ? data : data === undefined ? [] : [data];
  }

  /**
   * Isolates the host from the network and waits until the sensor confirms.
   *
   * @param options Timeout, poll interval, signal.
   * @returns True once isolated.
   * @throws {TimeoutError} When the timeout runs out first.
   */
  isolate(options: IsolateOptions = {}): Promise<boolean> {
    return this.#setIsolation(true, options);
  }

  /**
   * Ends the isolation and waits until the sensor confirms.
   *
   * @param options Timeout, poll interval, signal.
   * @returns True once released.
   * @throws {TimeoutError} When the timeout runs out first.
   */
  unisolate(options: IsolateOptions = {}): Promise<boolean> {
    return this.#setIsolation(false, options);
  }

  async #setIsolation(on: boolean, options: IsolateOptions): Promise<boolean> {
    const { timeout, pollInterval = 1000, ...request } = options;
    if (this.field<boolean>("supports_isolation") === false) {
      throw new ApiError(
        `Sensor ${this.uniqueId} (${this.hostname}) on ${this.cb.url} does not support isolation`,
      );
    }
    const deadline = timeout === undefined ? undefined : Date.now() + timeout;
    this.network_isolation_enabled = on;
    await this.save(request);
    for (;;) {
      if (this.field<boolean>("is_isolating") === on) return true;
      if (deadline !== undefined && Date.now() >= deadline) {
        throw new TimeoutError(
          `timed out waiting for isolation to ${
            on ? "become active" : "be removed"
          } on sensor ${this.uniqueId} ` +
            `(${this.hostname}) of ${this.cb.url} after ${timeout} ms: the sensor may be offline; ` +
            `the request stays queued on the server`,
          { timeoutMs: timeout! },
        );
      }
      const wait = deadline === undefined
        ? pollInterval
        : Math.min(pollInterval, Math.max(0, deadline - Date.now()));
      await delay(wait, { signal: request.signal });
      await this.refresh(request);
    }
  }

  /**
   * Opens a Live Response session on this sensor (see `cb.liveResponse.requestSession`); close
   * it with `await using`.
   *
   * @param options Signal, poll interval, timeouts.
   * @returns The session.
   * @throws {ApiError} When the sensor does not support Live Response, or the server has it off.
   * @throws {TimeoutError} When the session does not become active in time.
   */
  async lrSession(options: SessionOptions = {}): Promise<LiveResponseSession> {
    if (this.field<boolean>("supports_cblr") === false) {
      throw new ApiError(
        `Sensor ${this.uniqueId} (${this.hostname}) on ${this.cb.url} does not support Live Response`,
      );
    }
    const osType = this.field<number>("os_type");
    return await (this.cb as CbResponseAPI).liveResponse.requestSession(
      this.uniqueId as number,
      osType !== undefined && options.osType === undefined ? { ...options, osType } : options,
    );
  }

  /**
   * Asks the sensor to send its events now: sets `event_log_flush_time` a year ahead and saves.
   *
   * @param options Signal and timeout.
   */
  async flushEvents(options: RequestOptions = {}): Promise<void> {
    this.setRaw(
      "event_log_flush_time",
      formatPythonDateTime(new Date(Date.now() + 365 * 86_400_000)),
    );
    await this.save(options);
  }

  /**
   * Queues a sensor restart (does not wait for it).
   *
   * @param options Signal and timeout.
   */
  async restartSensor(options: RequestOptions = {}): Promise<void> {
    this.restart_queued = true;
    await this.save(options);
  }

  /** The update body. */
  protected override updateBody(): unknown {
    const body = this.toJSON();
    const dirty = this.dirtyFields.includes("event_log_flush_time");
    const value = body.event_log_flush_time;
    if (!dirty || value === null || value === undefined) {
      body.event_log_flush_time = null;
    } else if ((this.cb as CbResponseAPI).versionAtLeast("6.0.1")) {
      const date = new Date(
        String(value).replace(" ", "T") + (String(value).match(/[Zz+-]\d*:?\d*$/) ? "" : "Z"),
      );
      body.event_log_flush_time = Number.isNaN(date.getTime()) ? null : formatRfc822(date);
    }
    return body;
  }
}
installFields(Sensor);

/**
 * Sensors of `GET /api/v1/sensor`, filtered by the server on `ip`, `hostname` and `groupid`
 * (several clauses allowed; the same field twice: the last wins).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbResponseAPI, Sensor } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const hosts = await cb.select(Sensor).where("ip:192.168").toArray();
 * assert.ok(hosts.length > 0);
 * ```
 */
export class SensorQuery extends ListQuery<Sensor> {
  #api: CbResponseAPI;
  #filters: ReadonlyArray<readonly [string, string]>;
  #sort: string | undefined;

  /**
   * Builds the query; use `cb.select(Sensor)`.
   *
   * @param api The API.
   * @param filters The filters.
   * @param sort A field to sort by, descending.
   */
  constructor(
    api: CbResponseAPI,
    filters: ReadonlyArray<readonly [string, string]> = [],
    sort?: string,
  ) {
    super();
    this.#api = api;
    this.#filters = filters;
    this.#sort = sort;
  }

  /**
   * Adds a filter: `ip:192.168`, `hostname:WIN-IA9NQ1GN8OI` or `groupid:1`.
   *
   * @param clause `field:value`.
   * @returns A new query.
   * @throws {RangeError} For another field.
   */
  where(clause: string): SensorQuery {
    const [field, value] = splitClause(clause);
    if (!["ip", "hostname", "groupid"].includes(field)) {
      throw new RangeError(`Field name must be one of: ip, hostname, groupid (got "${field}")`);
    }
    const filters = this.#filters.filter(([k]) => k !== field);
    return new SensorQuery(this.#api, [...filters, [field, value]], this.#sort);
  }

  /**
   * Same as {@linkcode SensorQuery.where}.
   *
   * @param clause `field:value`.
   * @returns A new query.
   */
  and(clause: string): SensorQuery {
    return this.where(clause);
  }

  /**
   * Orders by a field, descending (client side).
   *
   * @param field The field.
   * @returns A new query.
   */
  sort(field: string): SensorQuery {
    return new SensorQuery(this.#api, this.#filters, field.trim() || undefined);
  }

  /**
   * A short description of the query for messages.
   *
   * @returns The description.
   */
  describe(): string {
    return `Sensor ${this.#filters.map(([k, v]) => `${k}:${v}`).join(" ")} on ${this.#api.url}`
      .replace("  ", " ");
  }

  /** Fetches the whole list. */
  protected async fetchAll(options: RequestOptions): Promise<Sensor[]> {
    let data: unknown;
    try {
      data = await this.#api.connection.getObject<unknown>(
        Sensor.urlObject,
        this.#filters,
        options,
      );
    } catch (err) {
      // Cb Response 6.1 answers 500 when no sensor matches: an empty result.
      if (err instanceof ServerError && err.status === 500) return [];
      throw err;
    }
    const rows = Array.isArray(data) ? data as Document[] : [];
    const sensors = rows.map((row) => this.#api.fromRow(Sensor, row.id as number, row, true));
    if (this.#sort) {
      const f = this.#sort;
      sensors.sort((a, b) => {
        const x = (a.get(f) ?? 0) as number;
        const y = (b.get(f) ?? 0) as number;
        return x === y ? 0 : x < y ? 1 : -1;
      });
    }
    return sensors;
  }
}
