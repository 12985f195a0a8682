/**
 * `CbProtectionAPI`: the entry point of the Cb Protection (App Control) module.
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
  type MutableModel,
  type RequestOptions,
  UnauthorizedError,
  versionAtLeast,
} from "../core/mod.ts";
import { type ProtectionModelClass, ProtectionQuery } from "./query.ts";

/** Options of {@linkcode CbProtectionAPI.connect}. */
export interface ProtectionConnectOptions extends ConnectOptions, ApiOptions {}

/** One entry of `GET /api/bit9platform/v1/serverConfig`. */
export interface ServerConfigEntry {
  /** Entry id. */
  id?: number;
  /** Setting name, for example `ParityServerVersion`. */
  name: string;
  /** Setting value. */
  value: unknown;
  /** Further fields. */
  [key: string]: unknown;
}

const SERVER_CONFIG_PATH = "/api/bit9platform/v1/serverConfig";

/**
 * The Cb Protection API: connects with a credential profile (product `protection`), reads the
 * server configuration once, then selects and creates models. There is no default timeout.
 *
 * @example Connect to the emulator and list computers
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbProtectionAPI, Computer } from "@cbapi/cbapi/protection";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbProtectionAPI.connect({ url: emu.url, token: emu.token });
 * const query = cb.select(Computer).where("ipAddress:10.201.2.*").sort("processorSpeed DESC");
 * for await (const comp of query) assert.ok(comp.ipAddress?.startsWith("10.201.2."));
 * assert.ok(cb.serverVersion.startsWith("8."));
 * ```
 */
export class CbProtectionAPI extends BaseAPI {
  /** The server configuration as a dictionary name → value (the Python `info` property). */
  readonly info: Readonly<Record<string, unknown>>;
  /** The server version (`ParityServerVersion`), or `""` when the server did not say. */
  readonly serverVersion: string;

  private constructor(
    connection: Connection,
    info: Record<string, unknown>,
    options: ApiOptions,
  ) {
    super(connection, options);
    this.info = Object.freeze({ ...info });
    const v = info.ParityServerVersion;
    this.serverVersion = v === undefined || v === null ? "" : String(v);
  }

  /**
   * Reads the credential profile, reads `serverConfig` (the server version) and returns the API.
   *
   * @param options Profile, explicit url/token, timeouts, retries, logger, signal.
   * @returns The connected API; close it (or `await using`).
   * @throws {CredentialError} When the credentials are missing or malformed.
   * @throws {UnauthorizedError} When the token is refused.
   * @throws {ServerError} When the server answers `serverConfig` with an error.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { CbProtectionAPI } from "@cbapi/cbapi/protection";
   * import { CbEmulator } from "@cbapi/cbapi/testing";
   * await using emu = await CbEmulator.start();
   * await using cb = await CbProtectionAPI.connect({
   *   credentialFile: await emu.credentialsFile("protection"),
   * });
   * assert.ok(typeof cb.info.ParityServerVersion === "string");
   * ```
   */
  static async connect(options: ProtectionConnectOptions = {}): Promise<CbProtectionAPI> {
    const connection = await Connection.open("protection", options);
    try {
      const request: RequestOptions = options.signal ? { signal: options.signal } : {};
      let rows: unknown;
      try {
        rows = await connection.getObject(SERVER_CONFIG_PATH, undefined, request);
      } catch (err) {
        if (err instanceof UnauthorizedError) {
          throw new UnauthorizedError(
            `Invalid API token for server ${connection.url}. Check the token of profile ` +
              `"${connection.credentials?.profile ?? "default"}" (the console user's API token)`,
            { status: 401, body: err.body, method: "GET", url: connection.url },
          );
        }
        throw err;
      }
      const info: Record<string, unknown> = {};
      if (Array.isArray(rows)) {
        for (const row of rows) {
          if (
            row && typeof row === "object" && typeof (row as ServerConfigEntry).name === "string"
          ) {
            info[(row as ServerConfigEntry).name] = (row as ServerConfigEntry).value;
          }
        }
      }
      const api = new CbProtectionAPI(connection, info, options);
      connection.logger.debug(
        `Connected to Cb server version ${api.serverVersion} at ${connection.url}`,
      );
      return api;
    } catch (err) {
      connection.close();
      throw err;
    }
  }

  /**
   * Whether the server version is at least `minimum` (loose dotted comparison).
   *
   * @param minimum A version such as `8.0`.
   * @returns True when the server is that version or newer.
   */
  versionAtLeast(minimum: string): boolean {
    return this.serverVersion !== "" && versionAtLeast(this.serverVersion, minimum);
  }

  /**
   * Starts a lazy query over a model (nothing is sent yet).
   *
   * @typeParam M The model type.
   * @param cls The model class, for example `Computer`.
   * @returns The model's query.
   * @throws {ApiError} When the model needs a newer server.
   */
  select<M extends Model>(cls: ProtectionModelClass<M>): ProtectionQuery<M>;
  /**
   * Loads one object by id (through the cache: at most one request per object).
   *
   * @typeParam M The model type.
   * @param cls The model class.
   * @param id The id.
   * @param options Signal and timeout.
   * @returns The loaded object.
   * @throws {ObjectNotFoundError} When there is no such object.
   * @throws {ApiError} When the model needs a newer server.
   */
  select<M extends Model>(
    cls: ProtectionModelClass<M>,
    id: ModelId,
    options?: RequestOptions,
  ): Promise<M>;
  select<M extends Model>(
    cls: ProtectionModelClass<M>,
    id?: ModelId,
    options: RequestOptions = {},
  ): ProtectionQuery<M> | Promise<M> {
    if (id === undefined) {
      this.checkServerVersion(cls);
      return new ProtectionQuery(this, cls);
    }
    try {
      this.checkServerVersion(cls);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.selectById(cls, id, options);
  }

  /**
   * A new, unsaved object of a creatable model (no request).
   *
   * @typeParam M The model type.
   * @param cls The model class (Connector, FileRule, Notification, Policy, TrustedUser, User,
   * UserGroup).
   * @param data Initial field values.
   * @returns The new object.
   * @throws {ApiError} When the model cannot be created, or needs a newer server.
   */
  override create<M extends MutableModel>(
    cls: ModelClass<M>,
    data: Record<string, unknown> = {},
  ): M {
    this.checkServerVersion(cls as ProtectionModelClass<M>);
    return super.create(cls, data);
  }

  /**
   * The object of a model with this id (cached, else one GET), after checking that this server
   * has the model's API (joins go through here too).
   *
   * @typeParam M The model type.
   * @param cls The model class.
   * @param id The id.
   * @param options Signal and timeout.
   * @returns The loaded object.
   * @throws {ApiError} When the model needs a newer server (nothing sent).
   */
  override async selectById<M extends Model>(
    cls: ModelClass<M>,
    id: ModelId,
    options: RequestOptions = {},
  ): Promise<M> {
    this.checkServerVersion(cls as ProtectionModelClass<M>);
    return await super.selectById(cls, id, options);
  }

  /**
   * Throws when a model needs a newer server than this one.
   *
   * @param cls The model class.
   * @throws {ApiError} Naming the model and the version needed.
   */
  checkServerVersion(cls: ProtectionModelClass<Model>): void {
    const minimum = cls.minimumServerVersion;
    if (minimum && !this.versionAtLeast(minimum)) {
      throw new ApiError(
        `${cls.name} API requires at least server version ${minimum}; ${this.url} runs ` +
          `${this.serverVersion || "an unknown version"}. Upgrade the server or use another model`,
      );
    }
  }
}

/**
 * The Python library's older name of {@linkcode CbProtectionAPI}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbEnterpriseProtectionAPI, CbProtectionAPI } from "@cbapi/cbapi/protection";
 * assert.ok(CbEnterpriseProtectionAPI === CbProtectionAPI);
 * ```
 */
export const CbEnterpriseProtectionAPI: typeof CbProtectionAPI = CbProtectionAPI;
