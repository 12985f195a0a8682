/**
 * Cb Defense devices (`/integrationServices/v3/device`).
 *
 * @module
 */

import { installFields } from "../core/_internal.ts";
import {
  type IdKind,
  join,
  type Joins,
  type JoinSpecs,
  type WritableFieldValues,
} from "../core/mod.ts";
import { DefenseMutableModel } from "./model.ts";
import { Policy } from "./policy.ts";
import type { LiveResponseSession, SessionOptions } from "../live_response/mod.ts";

/** The typed document fields of {@linkcode Device}, declared once in `Device.fields`. */
export interface Device extends
  WritableFieldValues<
    typeof Device.fields,
    never,
    | "activationCode"
    | "activationCodeExpiryTime"
    | "assignedToId"
    | "assignedToName"
    | "avStatus"
    | "createTime"
    | "deregisteredTime"
    | "deviceGuid"
    | "deviceId"
    | "deviceOwnerId"
    | "deviceSessionId"
    | "deviceType"
    | "firstVirusActivityTime"
    | "lastContact"
    | "lastExternalIpAddress"
    | "lastInternalIpAddress"
    | "lastLocation"
    | "lastReportedTime"
    | "lastVirusActivityTime"
    | "linuxKernelVersion"
    | "organizationId"
    | "organizationName"
    | "osVersion"
    | "passiveMode"
    | "quarantined"
    | "registeredTime"
    | "sensorStates"
    | "sensorVersion"
    | "status"
    | "uninstalledTime"
  >,
  Joins<typeof Device.joins> {}

/**
 * A Cb Defense device (an endpoint with the sensor), with every field of the `deviceInfo`
 * schema typed: epoch-millisecond times read as `Date`s.
 *
 * Changing a field and calling {@linkcode Device.save} sends `PATCH device/{deviceId}` with the
 * changed fields only, then reloads the device. Moving a device to another policy is setting
 * `policyId` (or `policyName`) and saving.
 *
 * @example Move the documentation's device into another policy
 * ```ts
 * import { CbDefenseAPI, Device } from "@cbapi/cbapi/defense";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * import assert from "node:assert/strict";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbDefenseAPI.connect({ url: emu.url, token: emu.defenseToken });
 * const dev = await cb.select(Device).where("hostNameExact:WIN-IA9NQ1GN8OI").first();
 * dev!.policyName = "Restrictive_Windows_Workstation";
 * await dev!.save();
 * assert.equal(dev!.policyId, 7);
 * assert.ok(dev!.lastContact instanceof Date);
 * ```
 */
export class Device extends DefenseMutableModel {
  /** The REST path of the collection. */
  static override urlObject = "/integrationServices/v3/device";
  /** The id field. */
  static override primaryKey = "deviceId";
  /** The wrapper of single answers. */
  static override infoKey = "deviceInfo";
  /** The id key of a save answer. */
  static override answerIdKey = "deviceId";
  /** Updates are PATCHes of the changed fields. */
  static override updateMethod = "PATCH";
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Organization id. */
    organizationId: "integer",
    /** Device id. */
    deviceId: "integer",
    /** Device session id. */
    deviceSessionId: "integer",
    /** Owner id. */
    deviceOwnerId: "integer",
    /** Id of the user the device is assigned to. */
    assignedToId: "integer",
    /** Id of the policy the device is in; set it and save to move the device. */
    policyId: "integer",
    /** Vdi base device (`vdiBaseDevice`, integer). */
    vdiBaseDevice: "integer",
    /** Test id (`testId`, integer). */
    testId: "integer",
    /** Whether the device is quarantined. */
    quarantined: "boolean",
    /** Rooted by sensor (`rootedBySensor`, flag). */
    rootedBySensor: "boolean",
    /** Whether the sensor runs in passive mode. */
    passiveMode: "boolean",
    /** Rooted by analytics (`rootedByAnalytics`, flag). */
    rootedByAnalytics: "boolean",
    /** Av master (`avMaster`, flag). */
    avMaster: "boolean",
    /** Antivirus states. */
    avStatus: ["string"],
    /** Sensor states. */
    sensorStates: ["string"],
    /** Messages (`messages`, list). */
    messages: [{ message: "string", time: "integer" }],
    /** Av update servers (`avUpdateServers`, list). */
    avUpdateServers: "array",
    /** Organization name. */
    organizationName: "string",
    /** Host name. */
    name: "string",
    /** `WINDOWS`, `MAC` or `LINUX`. */
    deviceType: "string",
    /** Operating system text, such as `Windows 7 x64 SP: 1`. */
    osVersion: "string",
    /** Sensor version. */
    sensorVersion: "string",
    /** `REGISTERED`, `DEREGISTERED`, `BYPASS`, ... */
    status: "string",
    /** Name of the policy the device is in; set it and save to move the device. */
    policyName: "string",
    /** `HIGH`, `LOW`, `MEDIUM` or `MISSION_CRITICAL`. */
    targetPriorityType: "string",
    /** Owner's e-mail address. */
    email: "string",
    /** Owner's first name. */
    firstName: "string",
    /** Owner's last name. */
    lastName: "string",
    /** Owner's middle name. */
    middleName: "string",
    /** Name of the user the device is assigned to. */
    assignedToName: "string",
    /** Device GUID. */
    deviceGuid: "string",
    /** Last internal IP address. */
    lastInternalIpAddress: "string",
    /** Last external IP address. */
    lastExternalIpAddress: "string",
    /** `ONSITE`, `OFFSITE` or `UNKNOWN`. */
    lastLocation: "string",
    /** Last check-in. */
    lastContact: "epoch-ms-date-time",
    /** Last report. */
    lastReportedTime: "epoch-ms-date-time",
    /** Registration time. */
    registeredTime: "epoch-ms-date-time",
    /** Creation time. */
    createTime: "epoch-ms-date-time",
    /** Deregistration time. */
    deregisteredTime: "epoch-ms-date-time",
    /** Uninstall time. */
    uninstalledTime: "epoch-ms-date-time",
    /** First virus activity. */
    firstVirusActivityTime: "epoch-ms-date-time",
    /** Last virus activity. */
    lastVirusActivityTime: "epoch-ms-date-time",
    /** Expiry of the activation code. */
    activationCodeExpiryTime: "epoch-ms-date-time",
    /** Activation code. */
    activationCode: "string",
    /** Linux kernel version. */
    linuxKernelVersion: "string",
    /** Av engine (`avEngine`, text). */
    avEngine: "string",
    /** Av last scan time (`avLastScanTime`, date, raw epoch ms with `getRaw`). */
    avLastScanTime: "epoch-ms-date-time",
    /** Last reset time (`lastResetTime`, date, raw epoch ms with `getRaw`). */
    lastResetTime: "epoch-ms-date-time",
    /** Last shutdown time (`lastShutdownTime`, date, raw epoch ms with `getRaw`). */
    lastShutdownTime: "epoch-ms-date-time",
    /** Rooted by analytics time (`rootedByAnalyticsTime`, date, raw epoch ms with `getRaw`). */
    rootedByAnalyticsTime: "epoch-ms-date-time",
    /** Rooted by sensor time (`rootedBySensorTime`, date, raw epoch ms with `getRaw`). */
    rootedBySensorTime: "epoch-ms-date-time",
    /** Scan last action time (`scanLastActionTime`, date, raw epoch ms with `getRaw`). */
    scanLastActionTime: "epoch-ms-date-time",
    /** Scan last complete time (`scanLastCompleteTime`, date, raw epoch ms with `getRaw`). */
    scanLastCompleteTime: "epoch-ms-date-time",
    /** Scan status (`scanStatus`, text). */
    scanStatus: "string",
    /** Windows platform (`windowsPlatform`, text). */
    windowsPlatform: "string",
  } as const;

  /** Ids are integers (numeric text is read as a number). */
  static override idKind: IdKind = "integer";

  /** The joins, declared once: each is a read-only async method (see `join`). */
  static joins: JoinSpecs<{ policy: Policy }> = {
    /** The policy the device is in (cached join: at most one request). */
    policy: join(() => Policy, "policyId"),
  };

  /**
   * Opens a Live Response session on this device (`cb.liveResponse.requestSession`); close it, or
   * use `await using`, to free the server's session slot.
   *
   * @param options Signal and poll interval.
   * @returns The session, active.
   * @throws {TimeoutError} When the device does not come up in time (nothing stays open).
   */
  async lrSession(options: SessionOptions = {}): Promise<LiveResponseSession> {
    const id = this.deviceId ?? (this.uniqueId as number | undefined);
    if (id === undefined) {
      throw new TypeError("This device has no deviceId: load it with cb.select(Device, id) first");
    }
    return await this.cb.liveResponse.requestSession(id, options);
  }

  /** The body of an update: only the changed fields. */
  protected override updateBody(): unknown {
    const info = this.info;
    return Object.fromEntries(this.dirtyFields.map((k) => [k, info[k] ?? null]));
  }
}
installFields(Device);
