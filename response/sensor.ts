/**
 * Cb Response sensors (endpoints): queries by IP, host name and group; isolation; flush and
 * restart; the sensor group join.
 *
 * @module
 */

import {
  checkTimeUnits,
  delay,
  formatMac,
  formatPythonDateTime,
  formatRfc822,
  fromDesignName,
  installFields,
  splitClause,
} from "../core/_internal.ts";
import {
  ApiError,
  type ClauseRule,
  type Document,
  type IdKind,
  join,
  type Joins,
  type JoinSpecs,
  ListQuery,
  type ModelClass,
  type ModelId,
  MutableModel,
  type QueryState,
  type RequestOptions,
  ServerError,
  TimeoutError,
  type WritableFieldValues,
} from "../core/mod.ts";
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
  timeoutMs?: number;
  /**
   * The name DESIGN.md gives {@linkcode IsolateOptions.timeoutMs}, kept: milliseconds, and a
   * value under 1000 (Python's seconds, `timeout=30`) is refused with a `TypeError`.
   *
   * @deprecated Write `timeoutMs`, whose name says the unit.
   */
  timeout?: number;
  /**
   * Milliseconds between two polls of the sensor.
   *
   * @default 1000
   */
  pollIntervalMs?: number;
}

/** The typed document fields of {@linkcode Sensor}, declared once in `Sensor.fields`. */
export interface Sensor extends
  WritableFieldValues<
    typeof Sensor.fields,
    never,
    | "build_version_string"
    | "computer_dns_name"
    | "computer_name"
    | "id"
    | "is_isolating"
    | "last_checkin_time"
    | "network_adapters"
    | "os_type"
    | "registration_time"
    | "sensor_health_message"
    | "sensor_health_status"
    | "status"
    | "supports_cblr"
    | "supports_isolation"
  >,
  Joins<typeof Sensor.joins> {}

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
 * assert.ok(await sensor!.isolate({ timeoutMs: 5_000, pollIntervalMs: 10 }));
 * assert.ok(await sensor!.unisolate({ timeoutMs: 5_000, pollIntervalMs: 10 }));
 * ```
 */
export class Sensor extends MutableModel<CbResponseAPI> {
  /** The REST path of the collection. */
  static override urlObject = "/api/v1/sensor";
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Sensor id. */
    id: "integer",
    /** Group id (use {@linkcode Sensor.setGroup} or `group_id` to move it). */
    group_id: "integer",
    /** `Online`, `Offline`, ... */
    status: "string",
    /** Host name. */
    computer_name: "string",
    /** DNS name. */
    computer_dns_name: "string",
    /** Whether Live Response is supported. */
    supports_cblr: "boolean",
    /** Whether isolation is supported. */
    supports_isolation: "boolean",
    /** Whether isolation was asked for. */
    network_isolation_enabled: "boolean",
    /** Whether the sensor reports that it is isolated. */
    is_isolating: "boolean",
    /** Whether a restart is queued. */
    restart_queued: "boolean",
    /** Events are flushed until this time. */
    event_log_flush_time: "iso-date-time",
    /** The server's notes. */
    notes: "string",
    /** Registration time. */
    registration_time: "iso-date-time",
    /** Last check-in. */
    last_checkin_time: "iso-date-time",
    /** OS type (1 Windows, 2 macOS, 3 Linux). */
    os_type: "integer",
    /** Sensor build. */
    build_version_string: "string",
    /** Health status (0-100). */
    sensor_health_status: "integer",
    /** Health message. */
    sensor_health_message: "string",
    /** Raw adapters text `ip,mac|ip,mac|`. */
    network_adapters: "string",
    /** Boot id (`boot_id`, text). */
    boot_id: "string",
    /** Build id (`build_id`, integer). */
    build_id: "integer",
    /** Clock delta (`clock_delta`, numeric text as sent). */
    clock_delta: "string",
    /** Computer sid (`computer_sid`, text). */
    computer_sid: "string",
    /** Cookie (`cookie`, integer). */
    cookie: "integer",
    /** Display (`display`, flag). */
    display: "boolean",
    /** Emet dump flags (`emet_dump_flags`, text). */
    emet_dump_flags: "string",
    /** Emet exploit action (`emet_exploit_action`, text). */
    emet_exploit_action: "string",
    /** Emet is gpo (`emet_is_gpo`, flag). */
    emet_is_gpo: "boolean",
    /** Emet process count (`emet_process_count`, integer). */
    emet_process_count: "integer",
    /** Emet report setting (`emet_report_setting`, text). */
    emet_report_setting: "string",
    /** Emet telemetry path (`emet_telemetry_path`, text). */
    emet_telemetry_path: "string",
    /** Emet version (`emet_version`, text). */
    emet_version: "string",
    /** Last update (`last_update`, date, raw text with `getRaw`). */
    last_update: "iso-date-time",
    /** License expiration (`license_expiration`, date, raw text with `getRaw`). */
    license_expiration: "iso-date-time",
    /** Next checkin time (`next_checkin_time`, date, raw text with `getRaw`). */
    next_checkin_time: "iso-date-time",
    /** Node id (`node_id`, integer). */
    node_id: "integer",
    /** Num eventlog bytes (`num_eventlog_bytes`, text). */
    num_eventlog_bytes: "string",
    /** Num storefiles bytes (`num_storefiles_bytes`, text). */
    num_storefiles_bytes: "string",
    /** Os environment display string (`os_environment_display_string`, text). */
    os_environment_display_string: "string",
    /** Os environment id (`os_environment_id`, integer). */
    os_environment_id: "integer",
    /** Parity host id (`parity_host_id`, text). */
    parity_host_id: "string",
    /** Physical memory size (`physical_memory_size`, numeric text as sent). */
    physical_memory_size: "string",
    /** Power state (`power_state`, integer). */
    power_state: "integer",
    /** Sensor uptime (`sensor_uptime`, numeric text as sent). */
    sensor_uptime: "string",
    /** Shard id (`shard_id`, integer). */
    shard_id: "integer",
    /** Supports 2nd gen modloads (`supports_2nd_gen_modloads`, flag). */
    supports_2nd_gen_modloads: "boolean",
    /** Systemvolume free size (`systemvolume_free_size`, text). */
    systemvolume_free_size: "string",
    /** Systemvolume total size (`systemvolume_total_size`, text). */
    systemvolume_total_size: "string",
    /** Uninstall (`uninstall`, flag). */
    uninstall: "boolean",
    /** Uninstalled (`uninstalled`, flag). */
    uninstalled: "boolean",
    /** Uptime (`uptime`, numeric text as sent). */
    uptime: "string",
  } as const;

  /** Ids are integers (numeric text is read as one; anything else is a `TypeError`). */
  static override idKind: IdKind = "integer";

  /** The joins, declared once: each is a read-only async method. */
  static joins: JoinSpecs<{ group: SensorGroup }> = {
    /** The sensor's group (cached join on `group_id`; move it with `setGroup()`). */
    group: join(() => SensorGroup, "group_id"),
  };

  /**
   * The sensor query (client-side list of `GET /api/v1/sensor` with `ip`, `hostname`, `groupid`).
   *
   * @param api The API.
   * @returns A new query.
   */
  static query(api: CbResponseAPI): SensorQuery {
    return new SensorQuery(api);
  }

  /**
   * Builds a sensor; use `cb.select(Sensor, id)`.
   *
   * @param api The API.
   * @param id The id.
   * @param init The initial document.
   */
  constructor(
    api: CbResponseAPI,
    id: ModelId | undefined,
    init?: { info?: Document; full?: boolean },
  ) {
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
    const where = `Sensor ${this.uniqueId} ${on ? "isolate" : "unisolate"}()`;
    options = fromDesignName(options, "timeout", "timeoutMs", where);
    checkTimeUnits(options, where);
    const { timeoutMs: timeout, pollIntervalMs: pollInterval = 1000, ...request } = options;
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
    return await this.cb.liveResponse.requestSession(
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
    } else if (this.cb.versionAtLeast("6.0.1")) {
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
  /** The API. */
  declare protected readonly api: CbResponseAPI;

  /**
   * Builds the query; use `cb.select(Sensor)`.
   *
   * @param api The API.
   * @param cls The model class (Sensor).
   * @param state Initial state: `field:value` filters, a field to sort by (descending).
   */
  constructor(
    api: CbResponseAPI,
    cls: ModelClass<Sensor> = Sensor,
    state: Partial<QueryState> = {},
  ) {
    super(api, cls, { clauses: [], sort: undefined, ...state });
  }

  /** Several filters, one per field: the same field again replaces the earlier value. */
  protected override get clauseRule(): ClauseRule {
    return "lastPerField";
  }

  /** The server filters (`fetchAll` sends the clauses as parameters). */
  protected override get filtersOnClient(): boolean {
    return false;
  }

  /**
   * Accepts `ip`, `hostname` and `groupid` filters only.
   *
   * @param clause `field:value`.
   * @throws {RangeError} For another field.
   */
  protected override checkClause(clause: string): void {
    const [field] = splitClause(clause);
    if (!["ip", "hostname", "groupid"].includes(field)) {
      throw new RangeError(`Field name must be one of: ip, hostname, groupid (got "${field}")`);
    }
  }

  /**
   * A short description of the query for messages.
   *
   * @returns The description.
   */
  describe(): string {
    const filters = this.state.clauses.map(splitClause).map(([k, v]) => `${k}:${v}`);
    return `Sensor ${filters.join(" ")} on ${this.api.url}`.replace("  ", " ");
  }

  /** Fetches the whole list. */
  protected async fetchAll(options: RequestOptions): Promise<Sensor[]> {
    let data: unknown;
    try {
      data = await this.api.connection.getObject<unknown>(
        Sensor.urlObject,
        this.state.clauses.map(splitClause),
        options,
      );
    } catch (err) {
      // Cb Response 6.1 answers 500 when no sensor matches: an empty result.
      if (err instanceof ServerError && err.status === 500) return [];
      throw err;
    }
    const rows = Array.isArray(data) ? data as Document[] : [];
    return rows.map((row) => this.modelOf(row, true));
  }
}
