/**
 * Cb Protection policies (`/api/bit9platform/v1/policy`) and the enforcement levels.
 *
 * @module
 */

import { type FieldKind, installFields, type ModelId, MutableModel } from "../core/mod.ts";
import { intId } from "./_util.ts";

/**
 * Enforcement levels of a policy (`enforcementLevel`, `disconnectedEnforcementLevel`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { EnforcementLevel } from "@cbapi/cbapi/protection";
 * assert.ok(EnforcementLevel.LevelHigh === 20);
 * ```
 */
export const EnforcementLevel: {
  /** High (Block unapproved). */
  readonly LevelHigh: 20;
  /** Medium (Prompt unapproved). */
  readonly LevelMedium: 30;
  /** Low (Monitor unapproved). */
  readonly LevelLow: 40;
  /** None (Visibility). */
  readonly LevelVisibility: 60;
  /** None (Disabled). */
  readonly LevelNone: 80;
} = Object.freeze({
  LevelHigh: 20,
  LevelMedium: 30,
  LevelLow: 40,
  LevelVisibility: 60,
  LevelNone: 80,
});

/**
 * A Cb Protection policy. Created with `cb.create(Policy)`; `name` is required.
 *
 * @example Create a policy
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbProtectionAPI, EnforcementLevel, Policy } from "@cbapi/cbapi/protection";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbProtectionAPI.connect({ url: emu.url, token: emu.token });
 * const policy = cb.create(Policy, { name: "Lab machines", enforcementLevel: EnforcementLevel.LevelLow });
 * await policy.save();
 * assert.ok(typeof policy.id === "number");
 * ```
 */
export class Policy extends MutableModel {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/policy";
  /** Whether `cb.create()` may build one. */
  static override creatable = true;
  /** Fields that must be set before a save. */
  static override required: readonly string[] = ["name"];
  /** Documented fields and their types. */
  static override fields: Readonly<Record<string, FieldKind>> = {
    id: "integer",
    name: "string",
    description: "string",
    packageName: "string",
    enforcementLevel: "integer",
    disconnectedEnforcementLevel: "integer",
    helpDeskUrl: "string",
    imageUrl: "string",
    dateCreated: "iso-date-time",
    createdByUserId: "integer",
    dateModified: "iso-date-time",
    modifiedByUserId: "integer",
    readOnly: "boolean",
    hidden: "boolean",
    automatic: "boolean",
    loadAgentInSafeMode: "boolean",
    reputationEnabled: "boolean",
    fileTrackingEnabled: "boolean",
    customLogo: "boolean",
    automaticApprovalsOnTransition: "boolean",
    allowAgentUpgrades: "boolean",
    totalComputers: "integer",
    connectedComputers: "integer",
    atEnforcementComputers: "integer",
    clVersionMax: "integer",
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

  /** Policy id. */
  declare readonly id: number | undefined;
  /** Policy name. */
  declare name: string | undefined;
  /** Description. */
  declare description: string | undefined;
  /** Enforcement level when connected ({@linkcode EnforcementLevel}). */
  declare enforcementLevel: number | undefined;
  /** Enforcement level when disconnected. */
  declare disconnectedEnforcementLevel: number | undefined;
  /** Whether reputation approvals are on. */
  declare reputationEnabled: boolean | undefined;
  /** Computers in the policy. */
  declare readonly totalComputers: number | undefined;
  /** Creation time. */
  declare readonly dateCreated: Date | undefined;
}
installFields(Policy);
