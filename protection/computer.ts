/**
 * Cb Protection computers (`/api/bit9platform/v1/computer`).
 *
 * @module
 */

import { installFields } from "../core/_internal.ts";
import {
  type IdKind,
  type Joins,
  type JoinSpecs,
  type LoadOptions,
  MutableModel,
  type RequestOptions,
  type SaveOptions,
  type WritableFieldValues,
} from "../core/mod.ts";
import { joinOn, redactDisplay } from "./_util.ts";
import type { CbProtectionAPI } from "./api.ts";
import type { ProtectionQuery } from "./query.ts";
import { FileInstance } from "./file_instance.ts";
import { Policy } from "./policy.ts";

const DIAGNOSTIC_FIELDS = [
  "debugLevel",
  "kernelDebugLevel",
  "debugFlags",
  "debugDuration",
  "ccLevel",
  "ccFlags",
];
const TEMPLATE_FIELDS = [
  "template",
  "templateCloneCleanupMode",
  "templateCloneCleanupTime",
  "templateCloneCleanupTimeScale",
  "templateTrackModsOnly",
];

/** The typed document fields of {@linkcode Computer}, declared once in `Computer.fields`. */
export interface Computer extends
  WritableFieldValues<
    typeof Computer.fields,
    never,
    | "CLIPassword"
    | "daysOffline"
    | "deleted"
    | "id"
    | "ipAddress"
    | "policyName"
    | "previousPolicyId"
    | "processorSpeed"
    | "templateComputerId"
  >,
  Joins<typeof Computer.joins> {}

/**
 * A computer running the Cb Protection agent. Changing diagnostic, template or tamper-protection
 * fields adds the server's update flags to the PUT (`?changeDiagnostics=true`, ...).
 *
 * @example Move a computer to its previous policy
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbProtectionAPI, Computer } from "@cbapi/cbapi/protection";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbProtectionAPI.connect({ url: emu.url, token: emu.token });
 * const computer = await cb.select(Computer, 1);
 * computer.policyId = computer.previousPolicyId;
 * await computer.save();
 * assert.ok((await computer.policy())?.id === computer.policyId);
 * ```
 */
export class Computer extends MutableModel<CbProtectionAPI> {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/computer";
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Computer id. */
    id: "integer",
    /** Computer name (`DOMAIN\HOST`). */
    name: "string",
    /** Tag. */
    computerTag: "string",
    /** Description. */
    description: "string",
    /** Policy id (set it, or use {@linkcode Computer.setPolicy}). */
    policyId: "integer",
    /** Policy id before the last change. */
    previousPolicyId: "integer",
    /** Policy name. */
    policyName: "string",
    /** Automatic policy (`automaticPolicy`, flag). */
    automaticPolicy: "boolean",
    /** Local approval (`localApproval`, flag). */
    localApproval: "boolean",
    /** Users (`users`, text). */
    users: "string",
    /** IP address. */
    ipAddress: "string",
    /** Mac address (`macAddress`, text). */
    macAddress: "string",
    /** Connected (`connected`, flag). */
    connected: "boolean",
    /** Enforcement level (`enforcementLevel`, integer). */
    enforcementLevel: "integer",
    /** Disconnected enforcement level (`disconnectedEnforcementLevel`, integer). */
    disconnectedEnforcementLevel: "integer",
    /** The CLI password (after {@linkcode Computer.resetCLIPassword}). */
    CLIPassword: "string",
    /** Last register date (`lastRegisterDate`, date, raw text with `getRaw`). */
    lastRegisterDate: "iso-date-time",
    /** Last poll date (`lastPollDate`, date, raw text with `getRaw`). */
    lastPollDate: "iso-date-time",
    /** Os short name (`osShortName`, text). */
    osShortName: "string",
    /** Os name (`osName`, text). */
    osName: "string",
    /** Platform id (`platformId`, integer). */
    platformId: "integer",
    /** Virtualized (`virtualized`, text). */
    virtualized: "string",
    /** Date created (`dateCreated`, date, raw text with `getRaw`). */
    dateCreated: "iso-date-time",
    /** Agent version (`agentVersion`, text). */
    agentVersion: "string",
    /** Days since the agent last polled. */
    daysOffline: "integer",
    /** Uninstalled (`uninstalled`, flag). */
    uninstalled: "boolean",
    /** Whether the computer was deleted. */
    deleted: "boolean",
    /** Processor count (`processorCount`, integer). */
    processorCount: "integer",
    /** Processor speed in GHz. */
    processorSpeed: "double",
    /** Processor model (`processorModel`, text). */
    processorModel: "string",
    /** Machine model (`machineModel`, text). */
    machineModel: "string",
    /** Memory size (`memorySize`, integer). */
    memorySize: "integer",
    /** Agent debug level. */
    debugLevel: "integer",
    /** Kernel debug level. */
    kernelDebugLevel: "integer",
    /** Debug flags. */
    debugFlags: "integer",
    /** Debug duration in minutes. */
    debugDuration: "integer",
    /** Cache consistency check level. */
    ccLevel: "integer",
    /** Cache consistency check flags. */
    ccFlags: "integer",
    /** Whether tamper protection is on. */
    tamperProtectionActive: "boolean",
    /** Whether this computer is a template for cloned computers. */
    template: "boolean",
    /** Id of the template this computer was cloned from (0 when none). */
    templateComputerId: "integer",
    /** Template clone clean-up mode. */
    templateCloneCleanupMode: "integer",
    /** Template clone clean-up time. */
    templateCloneCleanupTime: "integer",
    /** Unit of the template clean-up time. */
    templateCloneCleanupTimeScale: "integer",
    /** Whether the template tracks modifications only. */
    templateTrackModsOnly: "boolean",
    /** Is active (`isActive`, flag). */
    isActive: "boolean",
    /** Has duplicates (`hasDuplicates`, flag). */
    hasDuplicates: "boolean",
    /** Scepstatus (`SCEPStatus`, integer). */
    SCEPStatus: "integer",
    /** Active debug flags (`activeDebugFlags`, integer). */
    activeDebugFlags: "integer",
    /** Active debug level (`activeDebugLevel`, integer). */
    activeDebugLevel: "integer",
    /** Active kernel debug level (`activeKernelDebugLevel`, integer). */
    activeKernelDebugLevel: "integer",
    /** Agent cache size (`agentCacheSize`, integer). */
    agentCacheSize: "integer",
    /** Agent memory dumps (`agentMemoryDumps`, integer). */
    agentMemoryDumps: "integer",
    /** Agent queue size (`agentQueueSize`, integer). */
    agentQueueSize: "integer",
    /** Cb sensor flags (`cbSensorFlags`, integer). */
    cbSensorFlags: "integer",
    /** Cb sensor id (`cbSensorId`, integer). */
    cbSensorId: "integer",
    /** Cb sensor version (`cbSensorVersion`, text). */
    cbSensorVersion: "string",
    /** Cl version (`clVersion`, integer). */
    clVersion: "integer",
    /** Force upgrade (`forceUpgrade`, flag). */
    forceUpgrade: "boolean",
    /** Has health check errors (`hasHealthCheckErrors`, flag). */
    hasHealthCheckErrors: "boolean",
    /** Init percent (`initPercent`, integer). */
    initPercent: "integer",
    /** Initializing (`initializing`, flag). */
    initializing: "boolean",
    /** Policy status (`policyStatus`, text). */
    policyStatus: "string",
    /** Policy status details (`policyStatusDetails`, text). */
    policyStatusDetails: "string",
    /** Prioritized (`prioritized`, flag). */
    prioritized: "boolean",
    /** Refresh flags (`refreshFlags`, integer). */
    refreshFlags: "integer",
    /** Supported kernel (`supportedKernel`, flag). */
    supportedKernel: "boolean",
    /** Sync flags (`syncFlags`, integer). */
    syncFlags: "integer",
    /** Sync percent (`syncPercent`, integer). */
    syncPercent: "integer",
    /** System memory dumps (`systemMemoryDumps`, integer). */
    systemMemoryDumps: "integer",
    /** Td count (`tdCount`, integer). */
    tdCount: "integer",
    /** Template date (`templateDate`, date, raw text with `getRaw`). */
    templateDate: "iso-date-time",
    /** Upgrade error (`upgradeError`, text). */
    upgradeError: "string",
    /** Upgrade error count (`upgradeErrorCount`, integer). */
    upgradeErrorCount: "integer",
    /** Upgrade error time (`upgradeErrorTime`, date, raw text with `getRaw`). */
    upgradeErrorTime: "iso-date-time",
    /** Upgrade status (`upgradeStatus`, text). */
    upgradeStatus: "string",
    /** Virtual platform (`virtualPlatform`, text). */
    virtualPlatform: "string",
  } as const;

  /** Ids are integers (numeric text is read as a number). */
  static override idKind: IdKind = "integer";

  /**
   * The joins, declared once: each is a read-only async method (see `join`). The map's type is
   * written out because one join loads a `Computer` (TypeScript cannot infer a class's member
   * from the class itself).
   */
  static joins: JoinSpecs<{ policy: Policy; templateComputer: Computer }> = {
    /** The computer's policy (cached join on `policyId`). */
    policy: joinOn(() => Policy, "policyId"),
    /** The template computer this one was cloned from (cached join on `templateComputerId`). */
    templateComputer: joinOn(Computer, "templateComputerId"),
  };

  #saving = false;
  #refreshing = false;

  /**
   * The update flags of the pending changes, in the server's order.
   *
   * @returns The flags, e.g. `["changeDiagnostics=true"]`.
   */
  updateFlags(): string[] {
    const dirty = new Set(this.dirtyFields);
    const flags: string[] = [];
    if (DIAGNOSTIC_FIELDS.some((f) => dirty.has(f))) flags.push("changeDiagnostics=true");
    if (TEMPLATE_FIELDS.some((f) => dirty.has(f))) flags.push("changeTemplate=true");
    if (dirty.has("tamperProtectionActive")) {
      const on = this.info.tamperProtectionActive;
      flags.push(`newTamperProtectionActive=${on === false ? "false" : "true"}`);
    }
    return flags;
  }

  /** The path of the object; the update PUT carries the update flags. */
  protected override instanceUrl(): string {
    const base = super.instanceUrl();
    if (!this.#saving || this.#refreshing) return base;
    const flags = this.updateFlags();
    return flags.length > 0 ? `${base}?${flags.join("&")}` : base;
  }

  /**
   * Reloads the document from the server, discarding unsaved changes.
   *
   * @param options Signal and timeout.
   * @returns This object.
   * @throws {ObjectNotFoundError} When the computer no longer exists.
   */
  override async refresh(options: LoadOptions = {}): Promise<this> {
    const was = this.#refreshing;
    this.#refreshing = true;
    try {
      return await super.refresh(options);
    } finally {
      this.#refreshing = was;
    }
  }

  /**
   * Sends the changes with `PUT computer/{id}`, adding `changeDiagnostics=true`,
   * `changeTemplate=true` and `newTamperProtectionActive=true|false` when those fields changed.
   *
   * @param options Signal and timeout.
   * @returns This object, reloaded from the server's answer.
   * @throws {ServerError} When the server refused the change.
   */
  override async save(options: SaveOptions = {}): Promise<this> {
    this.#saving = true;
    try {
      return await super.save(options);
    } finally {
      this.#saving = false;
    }
  }

  /**
   * Asks the server for a new CLI password (`PUT computer/{id}?resetCLIPassword=true` with `{}`),
   * reloads the computer and returns the password.
   *
   * @param options Signal and timeout.
   * @returns The new CLI password.
   * @throws {ServerError} When the server refused.
   */
  async resetCLIPassword(options: RequestOptions = {}): Promise<string | undefined> {
    await this.cb.connection.requestJson("PUT", super.instanceUrl(), {
      ...options,
      query: [["resetCLIPassword", "true"]],
      json: {},
    });
    await this.refresh(options);
    return this.CLIPassword;
  }

  /**
   * Moves the computer to a policy (sets `policyId`; send it with `save()`).
   *
   * @param policy A policy or its id.
   */
  setPolicy(policy: Policy | number): void {
    this.set("policyId", typeof policy === "number" ? policy : policy.uniqueId);
  }

  /**
   * The file instances on this computer (a query on `computerId:{id}`).
   *
   * @returns A new query.
   */
  fileInstances(): ProtectionQuery<FileInstance> {
    return this.cb.select(FileInstance).where(
      `computerId:${this.uniqueId}`,
    );
  }

  /** The change-tracking display, with the CLI password hidden. */
  override toString(): string {
    return redactDisplay(super.toString(), ["CLIPassword"]);
  }
}
installFields(Computer);
