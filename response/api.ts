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
  UnauthorizedError,
  versionAtLeast,
} from "../core/mod.ts";

/** Options of {@linkcode CbResponseAPI.connect}. */
export interface ResponseConnectOptions extends ConnectOptions, ApiOptions {}

/** The server info document (`GET /api/info`); the fields the client reads are typed. */
export interface ServerInfo {
  /** Server version, for example `6.2.0.171114.1158`. */
  version: string;
  /** Whether Live Response is enabled. */
  cblrEnabled?: boolean;
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
 * import { CbResponseAPI, Process } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * console.assert(await cb.select(Process).count() > 0);
 * ```
 */
export class CbResponseAPI extends BaseAPI {
  /** `GET /api/info` as read when connecting. */
  readonly serverInfo: ServerInfo;
  /** The server version string. */
  readonly serverVersion: string;
  /** Whether the server has legacy (5.x) event partitions (process queries then say so). */
  readonly legacyPartitions: boolean;

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
   * import { CbResponseAPI } from "@cbapi/cbapi/response";
   * import { CbEmulator } from "@cbapi/cbapi/testing";
   * await using emu = await CbEmulator.start();
   * await using cb = await CbResponseAPI.connect({ credentialFile: await emu.credentialsFile("response") });
   * console.assert(cb.serverVersion.startsWith("6."));
   * ```
   */
  static async connect(options: ResponseConnectOptions = {}): Promise<CbResponseAPI> {
    const connection = await Connection.open("response", options);
    try {
      const request: RequestOptions = options.signal ? { signal: options.signal } : {};
      let info: ServerInfo | undefined;
      try {
        info = await connection.getObject<ServerInfo>("/api/info", undefined, request);
      } catch (err) {
        if (err instanceof UnauthorizedError) {
          throw new UnauthorizedError(
            { status: 401, body: err.body, method: "GET", url: connection.url },
            `Invalid API token for server ${connection.url}. Check the token of profile ` +
              `"${connection.credentials?.profile ?? "default"}" (the user's API token is on the ` +
              `server's profile page)`,
          );
        }
        throw err;
      }
      if (!info || typeof info.version !== "string") {
        throw new ApiError(
          `Server ${connection.url} answered /api/info without a version: is this a Cb Response server?`,
        );
      }
      if (!versionAtLeast(info.version, "5.0.0")) {
        throw new ApiError(
          `CbResponseAPI only supports Cb servers version >= 5.0.0; ${connection.url} runs ${info.version}`,
        );
      }
      let legacy = false;
      if (versionAtLeast(info.version, "6.0.0")) {
        const partitions = await connection.getObject<
          Record<string, { info?: { isLegacy?: boolean } }>
        >(
          "/api/v1/storage/events/partition",
          undefined,
          request,
        );
        legacy = Object.values(partitions ?? {}).some((p) => p?.info?.isLegacy === true);
      }
      connection.logger.debug(
        `Connected to Cb server version ${info.version} at ${connection.url}`,
      );
      return new CbResponseAPI(connection, info, legacy, options);
    } catch (err) {
      connection.close();
      throw err;
    }
  }

  /**
   * Whether the server version is at least `minimum` (loose dotted comparison).
   *
   * @param minimum A version such as `6.0.0`.
   * @returns True when the server is that version or newer.
   */
  versionAtLeast(minimum: string): boolean {
    return versionAtLeast(this.serverVersion, minimum);
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
      throw new ServerError({
        status: res.status,
        body: res.text,
        method: "POST",
        url: `${this.url}/api/license`,
      }, `Server ${this.url} did not accept the license: ${res.text.slice(0, 200)}`);
    }
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

/** The Python library's alias of {@linkcode CbResponseAPI}. */
export const CbEnterpriseResponseAPI: typeof CbResponseAPI = CbResponseAPI;
