/**
 * Cb Defense events (`/integrationServices/v3/event`), read-only.
 *
 * @module
 */

import {
  type BaseAPI,
  type Document,
  type FieldKind,
  installFields,
  Model,
  type RequestOptions,
} from "../core/mod.ts";
import { unwrapDocument } from "./_base.ts";
import { Device } from "./device.ts";

/**
 * A Cb Defense event (read-only). `GET event/{eventId}` answers `{"eventInfo": {...}}`; the
 * event's times read as `Date`s.
 *
 * @example List the network events of the documentation's host
 * ```ts
 * import { CbDefenseAPI, Event } from "@cbapi/cbapi/defense";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * import assert from "node:assert/strict";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbDefenseAPI.connect({ url: emu.url, token: emu.defenseToken });
 * const q = cb.select(Event).where("hostNameExact:WIN-IA9NQ1GN8OI").and("eventType:NETWORK");
 * for await (const ev of q) {
 *   assert.ok(ev.eventTime instanceof Date);
 *   assert.equal(ev.eventType, "NETWORK");
 * }
 * ```
 */
export class Event extends Model {
  /** The REST path of the collection. */
  static override urlObject = "/integrationServices/v3/event";
  /** The id field. */
  static override primaryKey = "eventId";
  /** The wrapper of single answers. */
  static readonly infoKey: string = "eventInfo";
  /** Documented fields and their types. */
  static override fields: Readonly<Record<string, FieldKind>> = {
    eventId: "string",
    eventTime: "epoch-ms-date-time",
    createTime: "epoch-ms-date-time",
    eventType: "string",
    shortDescription: "string",
    longDescription: "string",
    applicationName: "string",
    securityEventCode: "string",
    deviceDetails: "object",
    processDetails: "object",
    selectedApp: "object",
    targetApp: "object",
    netFlow: "object",
    threatIndicators: "array",
  };

  /** Event id. */
  declare readonly eventId: string | undefined;
  /** When the event happened. */
  declare readonly eventTime: Date | undefined;
  /** When the server recorded it. */
  declare readonly createTime: Date | undefined;
  /** `NETWORK`, `CREATE_PROCESS`, `FILE_CREATE`, `POLICY_ACTION`, ... */
  declare readonly eventType: string | undefined;
  /** One-line description. */
  declare readonly shortDescription: string | undefined;
  /** Full description. */
  declare readonly longDescription: string | undefined;
  /** Application name. */
  declare readonly applicationName: string | undefined;
  /** The device: `deviceId`, `deviceName`, `deviceIpAddress`, `policyName`, ... */
  declare readonly deviceDetails: Record<string, unknown>;
  /** The process: `name`, `commandLine`, `processId`, `parentName`, `fullUserName`, ... */
  declare readonly processDetails: Record<string, unknown>;
  /** The application: `applicationName`, `sha256Hash`, `effectiveReputation`, ... */
  declare readonly selectedApp: Record<string, unknown>;
  /** The network flow of a `NETWORK` event: addresses, ports, `service`. */
  declare readonly netFlow: Record<string, unknown>;
  /** Threat indicators. */
  declare readonly threatIndicators: string[];

  /** Unwraps `eventInfo`. */
  protected override parseDocument(json: unknown): Document {
    return unwrapDocument(json, Event.infoKey, `Event ${String(this.uniqueId)}`, this.cb.url);
  }

  /**
   * The device the event happened on (cached join).
   *
   * @param options Signal and timeout.
   * @returns The device, or undefined when the event names none.
   * @throws {ObjectNotFoundError} When the device no longer exists.
   */
  async device(options: RequestOptions = {}): Promise<Device | undefined> {
    const id = this.deviceDetails.deviceId;
    if (typeof id !== "number" && typeof id !== "string") return undefined;
    return await (this.cb as BaseAPI).selectById(Device, id, options);
  }
}
installFields(Event, { writable: false });
