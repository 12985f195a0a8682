/**
 * Cb Defense devices (`/integrationServices/v3/device`).
 *
 * @module
 */

import {
  type BaseAPI,
  type FieldKind,
  installFields,
  type ModelId,
  type RequestOptions,
} from "../core/mod.ts";
import { toInt } from "../core/_parse.ts";
import { DefenseMutableModel } from "./model.ts";
import { Policy } from "./policy.ts";
import type { LiveResponseSession, SessionOptions } from "../live_response/mod.ts";
import type { CbDefenseAPI } from "./api.ts";

const DATES = [
  "createTime",
  "lastVirusActivityTime",
  "firstVirusActivityTime",
  "activationCodeExpiryTime",
  "registeredTime",
  "lastContact",
  "lastReportedTime",
  "deregisteredTime",
  "rootedBySensorTime",
  "lastResetTime",
  "lastShutdownTime",
  "scanLastActionTime",
  "scanLastCompleteTime",
  "avLastScanTime",
  "rootedByAnalyticsTime",
  "uninstalledTime",
] as const;

const STRINGS = [
  "osVersion",
  "activationCode",
  "deviceGuid",
  "email",
  "assignedToName",
  "deviceType",
  "firstName",
  "lastName",
  "middleName",
  "policyName",
  "targetPriorityType",
  "organizationName",
  "sensorVersion",
  "windowsPlatform",
  "lastInternalIpAddress",
  "lastExternalIpAddress",
  "lastLocation",
  "scanStatus",
  "linuxKernelVersion",
  "avEngine",
  "name",
  "status",
] as const;

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
  /** Documented fields and their types (the `deviceInfo` schema). */
  static override fields: Readonly<Record<string, FieldKind>> = {
    organizationId: "integer",
    deviceId: "integer",
    deviceSessionId: "integer",
    deviceOwnerId: "integer",
    assignedToId: "integer",
    policyId: "integer",
    vdiBaseDevice: "integer",
    testId: "integer",
    ...Object.fromEntries(DATES.map((f) => [f, "epoch-ms-date-time" as const])),
    quarantined: "boolean",
    rootedBySensor: "boolean",
    passiveMode: "boolean",
    rootedByAnalytics: "boolean",
    avMaster: "boolean",
    avStatus: "array",
    sensorStates: "array",
    messages: "array",
    avUpdateServers: "array",
    ...Object.fromEntries(STRINGS.map((f) => [f, "string" as const])),
  };

  /**
   * Canonical id: an integer.
   *
   * @param id The id.
   * @returns The integer id.
   */
  static override normaliseId(id: ModelId): ModelId {
    return toInt(id) ?? id;
  }

  /** Device id. */
  declare readonly deviceId: number | undefined;
  /** Device session id. */
  declare readonly deviceSessionId: number | undefined;
  /** Organization id. */
  declare readonly organizationId: number | undefined;
  /** Organization name. */
  declare readonly organizationName: string | undefined;
  /** Host name. */
  declare name: string | undefined;
  /** `WINDOWS`, `MAC` or `LINUX`. */
  declare readonly deviceType: string | undefined;
  /** Operating system text, such as `Windows 7 x64 SP: 1`. */
  declare readonly osVersion: string | undefined;
  /** Sensor version. */
  declare readonly sensorVersion: string | undefined;
  /** `REGISTERED`, `DEREGISTERED`, `BYPASS`, ... */
  declare readonly status: string | undefined;
  /** Id of the policy the device is in; set it and save to move the device. */
  declare policyId: number | undefined;
  /** Name of the policy the device is in; set it and save to move the device. */
  declare policyName: string | undefined;
  /** `HIGH`, `LOW`, `MEDIUM` or `MISSION_CRITICAL`. */
  declare targetPriorityType: string | undefined;
  /** Owner's e-mail address. */
  declare email: string | undefined;
  /** Owner's first name. */
  declare firstName: string | undefined;
  /** Owner's last name. */
  declare lastName: string | undefined;
  /** Owner's middle name. */
  declare middleName: string | undefined;
  /** Owner id. */
  declare readonly deviceOwnerId: number | undefined;
  /** Id of the user the device is assigned to. */
  declare readonly assignedToId: number | undefined;
  /** Name of the user the device is assigned to. */
  declare readonly assignedToName: string | undefined;
  /** Device GUID. */
  declare readonly deviceGuid: string | undefined;
  /** Last internal IP address. */
  declare readonly lastInternalIpAddress: string | undefined;
  /** Last external IP address. */
  declare readonly lastExternalIpAddress: string | undefined;
  /** `ONSITE`, `OFFSITE` or `UNKNOWN`. */
  declare readonly lastLocation: string | undefined;
  /** Last check-in. */
  declare readonly lastContact: Date | undefined;
  /** Last report. */
  declare readonly lastReportedTime: Date | undefined;
  /** Registration time. */
  declare readonly registeredTime: Date | undefined;
  /** Creation time. */
  declare readonly createTime: Date | undefined;
  /** Deregistration time. */
  declare readonly deregisteredTime: Date | undefined;
  /** Uninstall time. */
  declare readonly uninstalledTime: Date | undefined;
  /** First virus activity. */
  declare readonly firstVirusActivityTime: Date | undefined;
  /** Last virus activity. */
  declare readonly lastVirusActivityTime: Date | undefined;
  /** Expiry of the activation code. */
  declare readonly activationCodeExpiryTime: Date | undefined;
  /** Activation code. */
  declare readonly activationCode: string | undefined;
  /** Whether the device is quarantined. */
  declare readonly quarantined: boolean | undefined;
  /** Whether the sensor runs in passive mode. */
  declare readonly passiveMode: boolean | undefined;
  /** Antivirus states. */
  declare readonly avStatus: string[];
  /** Sensor states. */
  declare readonly sensorStates: string[];
  /** Messages: `{message, time}`. */
  declare readonly messages: { message?: string; time?: number }[];
  /** Linux kernel version. */
  declare readonly linuxKernelVersion: string | undefined;

  /**
   * The policy the device is in (cached join: at most one request).
   *
   * @param options Signal and timeout.
   * @returns The policy, or undefined when the device has no policy id.
   * @throws {ObjectNotFoundError} When the policy no longer exists.
   */
  async policy(options: RequestOptions = {}): Promise<Policy | undefined> {
    const id = this.policyId;
    if (id === undefined) return undefined;
    return await (this.cb as BaseAPI).selectById(Policy, id, options);
  }

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
    return await (this.cb as CbDefenseAPI).liveResponse.requestSession(id, options);
  }

  /** The body of an update: only the changed fields. */
  protected override updateBody(): unknown {
    const info = this.info;
    return Object.fromEntries(this.dirtyFields.map((k) => [k, info[k] ?? null]));
  }
}
installFields(Device);
