/**
 * `CbDefenseAPI`: the entry point of the Cb Defense module.
 *
 * @module
 */

import {
  type ApiOptions,
  BaseAPI,
  Connection,
  type ConnectOptions,
  CredentialError,
  type Model,
  type ModelClass,
  type ModelId,
  type RequestOptions,
} from "../core/mod.ts";
import { checkTimeUnits, delay, fromDesignName } from "../core/_internal.ts";
import { checkSuccess } from "./_base.ts";
import { DefenseQuery } from "./query.ts";
import { LiveResponseManager } from "../live_response/manager.ts";
import { defenseOsType } from "../live_response/_sensor_lookup.ts";
import { Device } from "./device.ts";

/** Options of {@linkcode CbDefenseAPI.connect}. */
export interface DefenseConnectOptions extends ConnectOptions, ApiOptions {}

/** A notification as `GET notification` lists it (the fields depend on its `type`). */
export interface DefenseNotification {
  /** `THREAT`, `POLICY_ACTION`, ... */
  type?: string;
  /** Link to the alert in the Cb Defense console. */
  url?: string;
  /** Epoch milliseconds. */
  eventTime?: number;
  /** Human-readable description. */
  eventDescription?: string;
  /** Further fields (`threatInfo`, `deviceInfo`, `ruleName`, ...). */
  [key: string]: unknown;
}

/** Options of {@linkcode CbDefenseAPI.notifications}. */
export interface NotificationOptions extends RequestOptions {
  /**
   * Milliseconds between two polls.
   *
   * @default 60000
   */
  intervalMs?: number;
  /**
   * The name DESIGN.md gives {@linkcode NotificationOptions.intervalMs}, kept: milliseconds, and
   * a value under 1000 (Python's seconds) is refused with a `TypeError`.
   *
   * @deprecated Write `intervalMs`, whose name says the unit.
   */
  interval?: number;
}

const NOTIFICATION_PATH = "/integrationServices/v3/notification";

/**
 * The Cb Defense API: reads a credential profile (token `{API key}/{connector ID}`) and selects
 * devices, events and policies. Connecting sends no request.
 *
 * @example Count the devices of the emulator
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbDefenseAPI, Device } from "@cbapi/cbapi/defense";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbDefenseAPI.connect({ url: emu.url, token: emu.defenseToken });
 * assert.ok((await cb.select(Device).count()) > 0);
 * ```
 */
export class CbDefenseAPI extends BaseAPI {
  #liveResponse: LiveResponseManager | undefined;

  private constructor(connection: Connection, options: ApiOptions) {
    super(connection, options);
  }

  /**
   * The Live Response manager of this API (`/integrationServices/v3/cblr`), built on first use and
   * closed with the API: every session it opened is closed then.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { CbDefenseAPI, Device } from "@cbapi/cbapi/defense";
   * import { CbEmulator } from "@cbapi/cbapi/testing";
   * await using emu = await CbEmulator.start();
   * await using cb = await CbDefenseAPI.connect({ url: emu.url, token: emu.defenseToken });
   * const device = (await cb.select(Device).where("hostNameExact:WIN-IA9NQ1GN8OI").first())!;
   * await using session = await device.lrSession({ pollIntervalMs: 5 });
   * assert.ok((await session.listProcesses()).length > 0);
   * ```
   */
  get liveResponse(): LiveResponseManager {
    this.#liveResponse ??= new LiveResponseManager(
      this.connection,
      "defense",
      {},
      async (deviceId, signal) => {
        const device = await this.selectById(Device, deviceId, signal ? { signal } : {});
        return defenseOsType(device.get("deviceType"));
      },
    );
    return this.#liveResponse;
  }

  /** Closes every Live Response session of this API, then the connection. Idempotent. */
  override async close(): Promise<void> {
    await this.#liveResponse?.close();
    await super.close();
  }

  /**
   * Reads the credential profile and returns the API. No request is sent.
   *
   * @param options Profile, explicit url/token, timeouts, retries, logger, signal.
   * @returns The API; close it (or `await using`).
   * @throws {CredentialError} When the credentials are missing or malformed, or the token is not
   * `{API key}/{connector ID}`.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { CbDefenseAPI } from "@cbapi/cbapi/defense";
   * await using cb = await CbDefenseAPI.connect({ url: "https://defense.example", token: "KEY/CONNECTOR" });
   * assert.ok(cb.url === "https://defense.example");
   * ```
   */
  static async connect(options: DefenseConnectOptions = {}): Promise<CbDefenseAPI> {
    const connection = await Connection.open("defense", options);
    const token = connection.credentials?.token ?? "";
    const slash = token.indexOf("/");
    if (slash <= 0 || slash === token.length - 1) {
      const profile = connection.credentials?.profile ?? "default";
      connection.close();
      throw new CredentialError(
        `The API token of profile "${profile}" for ${connection.url} is not in the form ` +
          `{API key}/{connector ID} that Cb Defense needs: both parts must be non-empty. ` +
          `Run "deno task cbapi configure defense" or fix the token`,
      );
    }
    return new CbDefenseAPI(connection, options);
  }

  /**
   * Starts a lazy query over a model (nothing is sent yet).
   *
   * @typeParam M The model type.
   * @param cls `Device`, `Event` or `Policy`.
   * @returns The query.
   */
  select<M extends Model>(cls: ModelClass<M>): DefenseQuery<M>;
  /**
   * Loads one object by id (through the cache: at most one request per object).
   *
   * @typeParam M The model type.
   * @param cls `Device`, `Event` or `Policy`.
   * @param id The id.
   * @param options Signal and timeout.
   * @returns The loaded object.
   * @throws {ObjectNotFoundError} When there is no such object.
   */
  select<M extends Model>(cls: ModelClass<M>, id: ModelId, options?: RequestOptions): Promise<M>;
  select<M extends Model>(
    cls: ModelClass<M>,
    id?: ModelId,
    options: RequestOptions = {},
  ): DefenseQuery<M> | Promise<M> {
    if (id === undefined) return new DefenseQuery(this, cls);
    return this.selectById(cls, id, options);
  }

  /**
   * Fetches the pending notifications (`GET notification`); the server hands each one out
   * once. Needs an API key of type SIEM.
   *
   * @param options Signal and timeout.
   * @returns The notifications (empty when there are none).
   * @throws {UnauthorizedError} When the key may not read notifications.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { CbDefenseAPI } from "@cbapi/cbapi/defense";
   * import { CbEmulator } from "@cbapi/cbapi/testing";
   * await using emu = await CbEmulator.start();
   * emu.state.defense.notifications.push({ type: "THREAT", eventDescription: "Malware found" });
   * await using cb = await CbDefenseAPI.connect({ url: emu.url, token: emu.defenseToken });
   * const [first] = await cb.getNotifications();
   * assert.ok(first?.type === "THREAT");
   * ```
   */
  async getNotifications(options: RequestOptions = {}): Promise<DefenseNotification[]> {
    const res = await this.connection.requestJson<{ notifications?: DefenseNotification[] }>(
      "GET",
      NOTIFICATION_PATH,
      options,
    );
    checkSuccess(
      res.data,
      res.text,
      res.status,
      "GET",
      `${this.url}${NOTIFICATION_PATH}`,
      "read notifications",
    );
    const list = res.data?.notifications;
    return Array.isArray(list) ? list : [];
  }

  /**
   * Polls the notifications every `intervalMs` milliseconds and yields each one once, until the
   * signal aborts (the iteration then simply ends) or the loop is left. A batch already taken
   * from the server is yielded whole before an abort ends the iteration, so nothing is lost.
   *
   * @param options `intervalMs`, signal and timeout.
   * @returns An async generator of notifications.
   * @throws {RangeError} When the interval is negative.
   * @throws {ApiError} When a poll fails (other than by the signal).
   *
   * @example Read notifications until the queue is empty
   * ```ts
   * import { CbDefenseAPI } from "@cbapi/cbapi/defense";
   * import { CbEmulator } from "@cbapi/cbapi/testing";
   * import assert from "node:assert/strict";
   * await using emu = await CbEmulator.start();
   * emu.state.defense.notifications.push({ type: "THREAT" }, { type: "POLICY_ACTION" });
   * await using cb = await CbDefenseAPI.connect({ url: emu.url, token: emu.defenseToken });
   * const controller = new AbortController();
   * const seen: string[] = [];
   * for await (const n of cb.notifications({ intervalMs: 1, signal: controller.signal })) {
   *   seen.push(String(n.type));
   *   if (seen.length === 2) controller.abort();
   * }
   * assert.deepEqual(seen, ["THREAT", "POLICY_ACTION"]);
   * ```
   */
  async *notifications(
    options: NotificationOptions = {},
  ): AsyncGenerator<DefenseNotification, void, undefined> {
    options = fromDesignName(options, "interval", "intervalMs", "CbDefenseAPI.notifications()");
    checkTimeUnits(options, "CbDefenseAPI.notifications()");
    const { intervalMs: interval = 60_000, ...request } = options;
    if (!(interval >= 0)) {
      throw new RangeError(`Notification interval must be 0 or more milliseconds, got ${interval}`);
    }
    const signal = request.signal;
    while (!signal?.aborted) {
      let batch: DefenseNotification[];
      try {
        batch = await this.getNotifications(request);
      } catch (err) {
        if (signal?.aborted) return;
        throw err;
      }
      yield* batch;
      try {
        await delay(interval, { signal });
      } catch (err) {
        if (signal?.aborted) return;
        throw err;
      }
    }
  }
}
