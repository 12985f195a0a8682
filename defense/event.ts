/**
 * Cb Defense events (`/integrationServices/v3/event`), read-only.
 *
 * @module
 */

import { installFields } from "../core/_internal.ts";
import {
  type Document,
  type FieldValues,
  join,
  type Joins,
  type JoinSpecs,
  Model,
} from "../core/mod.ts";
import { unwrapDocument } from "./_base.ts";
import { Device } from "./device.ts";
import type { CbDefenseAPI } from "./api.ts";

/** The typed document fields of {@linkcode Event}, declared once in `Event.fields`. */
export interface Event extends FieldValues<typeof Event.fields>, Joins<typeof Event.joins> {}

/** The fields of an application object of an event (`targetApp`, `parentApp`). */
const APP_FIELDS = {
  applicationName: "any",
  applicationPath: "any",
  effectiveReputation: "any",
  effectiveReputationSource: "any",
  md5Hash: "any",
  reputationProperty: "any",
  sha256Hash: "any",
  virusCategory: "any",
  virusName: "any",
  virusSubCategory: "any",
} as const;

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
export class Event extends Model<CbDefenseAPI> {
  /** The REST path of the collection. */
  static override urlObject = "/integrationServices/v3/event";
  /** The id field. */
  static override primaryKey = "eventId";
  /** The wrapper of single answers. */
  static readonly infoKey: string = "eventInfo";
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Event id. */
    eventId: "string",
    /** When the event happened. */
    eventTime: "epoch-ms-date-time",
    /** When the server recorded it. */
    createTime: "epoch-ms-date-time",
    /** `NETWORK`, `CREATE_PROCESS`, `FILE_CREATE`, `POLICY_ACTION`, ... */
    eventType: "string",
    /** One-line description. */
    shortDescription: "string",
    /** Full description. */
    longDescription: "string",
    /** Application name. */
    applicationName: "string",
    /** Security event code (`securityEventCode`, text). */
    securityEventCode: "string",
    /** The device: `deviceId`, `deviceName`, `deviceIpAddress`, `policyName`, ... */
    deviceDetails: "object",
    /** The process: `name`, `commandLine`, `processId`, `parentName`, `fullUserName`, ... */
    processDetails: "object",
    /** The application: `applicationName`, `sha256Hash`, `effectiveReputation`, ... */
    selectedApp: "object",
    /** Target app (`targetApp`, object). */
    targetApp: APP_FIELDS,
    /** The network flow of a `NETWORK` event: addresses, ports, `service`. */
    netFlow: "object",
    /** Threat indicators. */
    threatIndicators: ["string"],
    /** Alert category (`alertCategory`, text). */
    alertCategory: "string",
    /** Alert score (`alertScore`, integer). */
    alertScore: "integer",
    /** Attack stage (`attackStage`, text). */
    attackStage: "string",
    /** Incident id (`incidentId`, text). */
    incidentId: "string",
    /** Parent app (`parentApp`, object). */
    parentApp: APP_FIELDS,
    /** Registry value (`registryValue`, text). */
    registryValue: "string",
  } as const;

  /** The joins, declared once: each is a read-only async method (see `join`). */
  static joins: JoinSpecs<{ device: Device }> = {
    /** The device the event happened on (cached join on `deviceDetails.deviceId`). */
    device: join(() => Device, ["deviceDetails", "deviceId"]),
  };

  /** Unwraps `eventInfo`. */
  protected override parseDocument(json: unknown): Document {
    return unwrapDocument(json, Event.infoKey, `Event ${String(this.uniqueId)}`, this.cb.url);
  }
}
installFields(Event, { writable: false });
