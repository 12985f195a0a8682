/**
 * `CbResponseAPI`: the entry point of the Cb Response (EDR) module.
 *
 * @module
 */

import {
  ApiError,
  type ApiOptions,
  BaseAPI,
  Connection,
  type ConnectOptions,
  type Model,
  type ModelClass,
  type ModelId,
  type RequestOptions,
  ServerError,
  versionAtLeast,
} from "../core/mod.ts";
import { resolveUiLink } from "./_from_ui.ts";
import type { SearchQuery } from "./query.ts";
import { Watchlist, type WatchlistIndexType } from "./watchlist.ts";
import { LiveResponseManager } from "../live_response/manager.ts";
import { Sensor } from "./sensor.ts";
import { redactText, toInt } from "../core/_internal.ts";
import { readServerInfo } from "./_server_info.ts";

/** Options of {@linkcode CbResponseAPI.connect}. */
export interface ResponseConnectOptions extends ConnectOptions, ApiOptions {}

/** The server info document (`GET /api/info`); the fields the client reads are typed. */
export interface ServerInfo {
  /** Server version, for example `6.2.0.171114.1158`. */
  version: string;
  /** Release name of the version. */
  version_release?: string;
  /** Whether Live Response is enabled. */
  cblrEnabled?: boolean;
  /** Whether Live Response attaches to new sessions automatically. */
  liveResponseAutoAttach?: boolean;
  /** Whether hash banning is enabled. */
  banningEnabled?: boolean;
  /** Whether VDI is enabled server-wide. */
  vdiGloballyEnabled?: boolean;
  /** Whether the server is a cloud install. */
  cloud_install?: boolean;
  /** Whether a Linux sensor installer is on the server. */
  linuxInstallerExists?: boolean;
  /** Whether a macOS sensor installer is on the server. */
  osxInstallerExists?: boolean;
  /** Default sort of binary searches in the console. */
  binaryOrder?: string;
  /** Binary rows per page in the console. */
  binaryPageSize?: number;
  /** Default sort of process searches in the console. */
  processOrder?: string;
  /** Process rows per page in the console. */
  processPageSize?: number;
  /** Largest number of rows a Solr report query returns. */
  maxRowsSolrReportQuery?: number;
  /** Largest number of rows a search returns. */
  maxSearchResultRows?: number;
  /** Rows a search export holds. */
  searchExportCount?: number;
  /** Clock skew (seconds) above which a sensor's time is flagged. */
  timestampDeltaThreshold?: number;
  /** Feature flags of the server. */
  features?: Record<string, unknown>;
  /** The calling user's console preferences. */
  user_preferences?: Record<string, unknown>;
  /** Further fields. */
  [key: string]: unknown;
}

/** A model class `select()` can build a query for. */
export interface ResponseQueryable {
  /**
   * Builds the query of this model.
   *
   * @param api The API.
   * @returns The query.
   */
  query(api: CbResponseAPI): unknown;
}

/** A model class with its own way of loading by id (processes: GUID plus segment). */
interface CustomSelect {
  selectById(api: CbResponseAPI, id: ModelId, options: RequestOptions): Promise<Model>;
}

/**
 * The Cb Response API: connects with a credential profile, then selects and creates models.
 *
 * @example Connect to the emulator and count processes
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbResponseAPI, Process } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * assert.ok(await cb.select(Process).count() > 0);
 * ```
 */
export class CbResponseAPI extends BaseAPI {
  /** `GET /api/info` as read when connecting. */
  readonly serverInfo: ServerInfo;
  /** The server version string. */
  readonly serverVersion: string;
  /** Whether the server has legacy (5.x) event partitions (process queries then say so). */
  readonly legacyPartitions: boolean;
  #liveResponse: LiveResponseManager | undefined;
  #versionChecks = new Map<string, boolean>();

  private constructor(
    connection: Connection,
    info: ServerInfo,
    legacyPartitions: boolean,
    options: ApiOptions,
  ) {
    super(connection, options);
    this.serverInfo = info;
    this.serverVersion = info.version;
    this.legacyPartitions = legacyPartitions;
  }

  /**
   * Reads the credential profile, checks the server (`GET /api/info`, and on 6.0+ the event
   * partitions) and returns the API.
   *
   * @param options Profile, explicit url/token, timeouts, retries, logger, signal.
   * @returns The connected API; close it (or `await using`).
   * @throws {CredentialError} When the credentials are missing or malformed.
   * @throws {UnauthorizedError} When the token is refused.
   * @throws {ApiError} When the server is older than 5.0.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { CbResponseAPI } from "@cbapi/cbapi/response";
   * import { CbEmulator } from "@cbapi/cbapi/testing";
   * await using emu = await CbEmulator.start();
   * await using cb = await CbResponseAPI.connect({ credentialFile: await emu.credentialsFile("response") });
   * assert.ok(cb.serverVersion.startsWith("6."));
   * ```
   */
  static async connect(options: ResponseConnectOptions = {}): Promise<CbResponseAPI> {
    const connection = await Connection.open("response", options);
    try {
      const request: RequestOptions = options.signal ? { signal: options.signal } : {};
      const { info, legacy } = await readServerInfo(connection, request);
      return new CbResponseAPI(connection, info, legacy, options);
    } catch (err) {
      connection.close();
      throw err;
    }
  }

  /**
   * The Live Response manager of this API (built on first use, closed by
   * {@linkcode CbResponseAPI.close}): `requestSession(sensorId)`, `submitJob(job, sensorIds)`.
   *
   * @returns The manager.
   * @throws {ApiError} When the server does not have Live Response enabled.
   */
  get liveResponse(): LiveResponseManager {
    if (!this.#liveResponse) {
      if (!this.serverInfo.cblrEnabled) {
        throw new ApiError(
          `Cb server does not support Live Response: ${this.url} reports cblrEnabled false. ` +
            `Enable Live Response in the server's settings`,
        );
      }
      this.#liveResponse = new LiveResponseManager(
        this.connection,
        "response",
        {},
        async (sensorId, signal) => {
          const sensor = await this.selectById(Sensor, sensorId, signal ? { signal } : {});
          return toInt(sensor.get("os_type"));
        },
      );
    }
    return this.#liveResponse;
  }

  /**
   * Closes every Live Response session and job of this API, then the connection. Idempotent.
   *
   * @returns Resolves once everything is closed.
   */
  override async close(): Promise<void> {
    await this.#liveResponse?.close();
    await super.close();
  }

  /**
   * Whether the server version is at least `minimum` (loose dotted comparison).
   *
   * @param minimum A version such as `6.0.0`.
   * @returns True when the server is that version or newer.
   */
  versionAtLeast(minimum: string): boolean {
    // Asked for every search row: remember the answers (the server version never changes).
    let known = this.#versionChecks.get(minimum);
    if (known === undefined) {
      known = versionAtLeast(this.serverVersion, minimum);
      this.#versionChecks.set(minimum, known);
    }
    return known;
  }

  /**
   * Starts a lazy query over a model (nothing is sent yet).
   *
   * @typeParam C The model class.
   * @param cls The model class, for example `Process`.
   * @returns The model's query.
   */
  select<C extends ResponseQueryable>(cls: C): ReturnType<C["query"]>;
  /**
   * Loads one object by id (through the cache: at most one request per object).
   *
   * @typeParam M The model type.
   * @param cls The model class.
   * @param id The id (sensor id, binary MD5, process GUID, ...).
   * @param options Signal and timeout.
   * @returns The loaded object.
   * @throws {ObjectNotFoundError} When there is no such object.
   */
  select<M extends Model>(cls: ModelClass<M>, id: ModelId, options?: RequestOptions): Promise<M>;
  select(
    cls: ResponseQueryable | ModelClass,
    id?: ModelId,
    options: RequestOptions = {},
  ): unknown {
    if (id === undefined) {
      const q = (cls as Partial<ResponseQueryable>).query;
      if (typeof q !== "function") {
        throw new TypeError(`${(cls as { name?: string }).name ?? "This model"} cannot be queried`);
      }
      return q.call(cls, this);
    }
    const custom = (cls as Partial<CustomSelect>).selectById;
    if (typeof custom === "function") return custom.call(cls, this, id, options);
    return this.selectById(cls as ModelClass, id, options);
  }

  /**
   * The server info (`GET /api/info`), fetched again.
   *
   * @param options Signal and timeout.
   * @returns The info document.
   */
  async info(options: RequestOptions = {}): Promise<ServerInfo> {
    return (await this.connection.getObject<ServerInfo>("/api/info", undefined, options)) ??
      this.serverInfo;
  }

  /**
   * The license request block to send to Carbon Black (`GET /api/license`).
   *
   * @param options Signal and timeout.
   * @returns The block, or an empty string.
   */
  async licenseRequest(options: RequestOptions = {}): Promise<string> {
    const data = await this.connection.getObject<{ license_request_block?: string }>(
      "/api/license",
      undefined,
      options,
    );
    return data?.license_request_block ?? "";
  }

  /**
   * Installs a license block (`POST /api/license`).
   *
   * @param block The license text.
   * @param options Signal and timeout.
   * @throws {ServerError} Unless the server answers `{"status": "success"}`.
   */
  async updateLicense(block: string, options: RequestOptions = {}): Promise<void> {
    const res = await this.connection.requestJson<{ status?: string }>("POST", "/api/license", {
      ...options,
      json: { license: block },
    });
    if (res.status !== 200 || res.data?.status !== "success") {
      throw new ServerError(
        `Server ${this.url} did not accept the license: ${redactText(res.text).slice(0, 200)}`,
        {
          status: res.status,
          body: res.text,
          method: "POST",
          url: `${this.url}/api/license`,
        },
      );
    }
  }

  /**
   * Creates and saves a watchlist from a search query string (`POST /api/v1/watchlist`; the
   * server answers `{"id": N}` and the watchlist is then loaded). `SearchQuery.createWatchlist`
   * calls this.
   *
   * @param name The watchlist's name.
   * @param searchQuery Form-encoded search parameters, for example `cb.urlver=1&q=process_name%3Anet.exe`.
   * @param indexType `events` (processes) or `modules` (binaries).
   * @param options Signal and timeout.
   * @returns The saved watchlist.
   * @throws {ServerError} When the server refuses it.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { CbResponseAPI } from "@cbapi/cbapi/response";
   * import { CbEmulator } from "@cbapi/cbapi/testing";
   * await using emu = await CbEmulator.start();
   * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
   * const wl = await cb.createWatchlist("net.exe", "cb.urlver=1&q=process_name%3Anet.exe", "events");
   * assert.ok(wl.query === "process_name:net.exe");
   * ```
   */
  async createWatchlist<I extends WatchlistIndexType>(
    name: string,
    searchQuery: string,
    indexType: I,
    options: RequestOptions = {},
  ): Promise<Watchlist<I>> {
    const wl = this.create(Watchlist, {
      index_type: indexType,
      name,
      search_query: searchQuery,
    }) as Watchlist<I>;
    return await wl.save(options);
  }

  /**
   * The object or query behind a link of the Cb Response web UI: `#/analyze/{guid}/{segment}`
   * (a Process), `#/binary/{md5}`, `#/watchlist/{id}`, `#/threat-details/{feed id}/{report id}`
   * (loaded objects), `#/search/...`, `#/binaries/...`, `#/alerts/...`, `#/threats/...` (raw
   * queries over processes, binaries, alerts and threat reports; `?` may stand for the `/`), and
   * `#/login...` (this API; the Python library refused a bare `#login`).
   *
   * @param url A link copied from the web UI of this server.
   * @param options Signal and timeout for the objects loaded.
   * @returns A loaded model, a raw query, or this API.
   * @throws {ApiError} When the link is of another server, names no object, or is of an unknown kind.
   * @throws {ObjectNotFoundError} When the object does not exist.
   *
   * @example Open a process from its analyze link
   * ```ts
   * import assert from "node:assert/strict";
   * import { CbResponseAPI, Process } from "@cbapi/cbapi/response";
   * import { CbEmulator } from "@cbapi/cbapi/testing";
   * await using emu = await CbEmulator.start();
   * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
   * const proc = await cb.fromUi(`${emu.url}/#/analyze/00000003-0000-036c-01d2-2efd3af51186/1`);
   * assert.ok(proc instanceof Process && proc.process_name === "cmd.exe");
   * ```
   */
  async fromUi(url: string, options: RequestOptions = {}): Promise<UiTarget> {
    return await resolveUiLink(this, url, options);
  }

  /**
   * Starts a new event partition (`POST /api/v1/storage/events/new_partition`, Cb Response 6.0+).
   *
   * @param options Signal and timeout.
   */
  async createNewPartition(options: RequestOptions = {}): Promise<void> {
    const res = await this.connection.request("POST", "/api/v1/storage/events/new_partition", {
      ...options,
      json: null,
    });
    await res.body?.cancel();
  }
}

/** What {@linkcode CbResponseAPI.fromUi} returns: an object, a raw query, or the API itself. */
export type UiTarget = Model | SearchQuery<Model> | CbResponseAPI;

/**
 * The Python library's alias of {@linkcode CbResponseAPI}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbEnterpriseResponseAPI, CbResponseAPI } from "@cbapi/cbapi/response";
 * assert.ok(CbEnterpriseResponseAPI === CbResponseAPI);
 * ```
 */
export const CbEnterpriseResponseAPI: typeof CbResponseAPI = CbResponseAPI;
