/**
 * Cb Protection computers (`/api/bit9platform/v1/computer`).
 *
 * @module
 */

import {
  type FieldKind,
  installFields,
  type LoadOptions,
  type ModelId,
  MutableModel,
  type RequestOptions,
  type SaveOptions,
} from "../core/mod.ts";
import { intId, join, redactDisplay } from "./_util.ts";
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
export class Computer extends MutableModel {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/computer";
  /** Documented fields and their types (the Python model has no schema). */
  static override fields: Readonly<Record<string, FieldKind>> = {
    id: "integer",
    name: "string",
    computerTag: "string",
    description: "string",
    policyId: "integer",
    previousPolicyId: "integer",
    policyName: "string",
    automaticPolicy: "boolean",
    localApproval: "boolean",
    users: "string",
    ipAddress: "string",
    macAddress: "string",
    connected: "boolean",
    enforcementLevel: "integer",
    disconnectedEnforcementLevel: "integer",
    CLIPassword: "string",
    lastRegisterDate: "iso-date-time",
    lastPollDate: "iso-date-time",
    osShortName: "string",
    osName: "string",
    platformId: "integer",
    virtualized: "string",
    dateCreated: "iso-date-time",
    agentVersion: "string",
    daysOffline: "integer",
    uninstalled: "boolean",
    deleted: "boolean",
    processorCount: "integer",
    processorSpeed: "double",
    processorModel: "string",
    machineModel: "string",
    memorySize: "integer",
    debugLevel: "integer",
    kernelDebugLevel: "integer",
    debugFlags: "integer",
    debugDuration: "integer",
    ccLevel: "integer",
    ccFlags: "integer",
    tamperProtectionActive: "boolean",
    template: "boolean",
    templateComputerId: "integer",
    templateCloneCleanupMode: "integer",
    templateCloneCleanupTime: "integer",
    templateCloneCleanupTimeScale: "integer",
    templateTrackModsOnly: "boolean",
    isActive: "boolean",
    hasDuplicates: "boolean",
  };

  /**
   * Canonical id: an integer.
   *
   * @param id The id.
   * @returns The integer id.
   */
  static override normaliseId(id: ModelId): ModelId {
    return intId(id);
  }

  /** Computer id. */
  declare readonly id: number | undefined;
  /** Computer name (`DOMAIN\HOST`). */
  declare name: string | undefined;
  /** Description. */
  declare description: string | undefined;
  /** Tag. */
  declare computerTag: string | undefined;
  /** Policy id (set it, or use {@linkcode Computer.setPolicy}). */
  declare policyId: number | undefined;
  /** Policy id before the last change. */
  declare readonly previousPolicyId: number | undefined;
  /** Policy name. */
  declare readonly policyName: string | undefined;
  /** IP address. */
  declare readonly ipAddress: string | undefined;
  /** Days since the agent last polled. */
  declare readonly daysOffline: number | undefined;
  /** Whether the computer was deleted. */
  declare readonly deleted: boolean | undefined;
  /** Processor speed in GHz. */
  declare readonly processorSpeed: number | undefined;
  /** The CLI password (after {@linkcode Computer.resetCLIPassword}). */
  declare readonly CLIPassword: string | undefined;
  /** Agent debug level. */
  declare debugLevel: number | undefined;
  /** Kernel debug level. */
  declare kernelDebugLevel: number | undefined;
  /** Debug flags. */
  declare debugFlags: number | undefined;
  /** Debug duration in minutes. */
  declare debugDuration: number | undefined;
  /** Cache consistency check level. */
  declare ccLevel: number | undefined;
  /** Cache consistency check flags. */
  declare ccFlags: number | undefined;
  /** Whether tamper protection is on. */
  declare tamperProtectionActive: boolean | undefined;
  /** Whether this computer is a template for cloned computers. */
  declare template: boolean | undefined;
  /** Template clone clean-up mode. */
  declare templateCloneCleanupMode: number | undefined;
  /** Template clone clean-up time. */
  declare templateCloneCleanupTime: number | undefined;
  /** Unit of the template clean-up time. */
  declare templateCloneCleanupTimeScale: number | undefined;
  /** Whether the template tracks modifications only. */
  declare templateTrackModsOnly: boolean | undefined;
  /** Id of the template this computer was cloned from (0 when none). */
  declare readonly templateComputerId: number | undefined;

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
   * The computer's policy (cached join on `policyId`).
   *
   * @param options Signal and timeout.
   * @returns The policy, or undefined when none is set.
   */
  policy(options: RequestOptions = {}): Promise<Policy | undefined> {
    return join(this.cb, Policy, this.info.policyId, options);
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
    return (this.cb as CbProtectionAPI).select(FileInstance).where(
      `computerId:${this.uniqueId}`,
    );
  }

  /**
   * The template computer this one was cloned from (cached join on `templateComputerId`).
   *
   * @param options Signal and timeout.
   * @returns The template, or undefined when none.
   */
  templateComputer(options: RequestOptions = {}): Promise<Computer | undefined> {
    return join(this.cb, Computer, this.info.templateComputerId, options);
  }

  /** The change-tracking display, with the CLI password hidden. */
  override toString(): string {
    return redactDisplay(super.toString(), ["CLIPassword"]);
  }
}
installFields(Computer);
