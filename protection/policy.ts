/**
 * Cb Protection policies (`/api/bit9platform/v1/policy`) and the enforcement levels.
 *
 * @module
 */

import { type IdKind, MutableModel, type WritableFieldValues } from "../core/mod.ts";
import { installFields } from "../core/_internal.ts";
import type { CbProtectionAPI } from "./api.ts";

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

/** The typed document fields of {@linkcode Policy}, declared once in `Policy.fields`. */
export interface Policy
  extends WritableFieldValues<typeof Policy.fields, never, "id" | "totalComputers"> {}

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
export class Policy extends MutableModel<CbProtectionAPI> {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/policy";
  /** Whether `cb.create()` may build one. */
  static override creatable = true;
  /** Fields that must be set before a save. */
  static override required: readonly string[] = ["name"];
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Policy id. */
    id: "integer",
    /** Policy name. */
    name: "string",
    /** Description. */
    description: "string",
    /** Package name (`packageName`, text). */
    packageName: "string",
    /** Enforcement level when connected ({@linkcode EnforcementLevel}). */
    enforcementLevel: "integer",
    /** Enforcement level when disconnected. */
    disconnectedEnforcementLevel: "integer",
    /** Help desk url (`helpDeskUrl`, text). */
    helpDeskUrl: "string",
    /** Image url (`imageUrl`, text). */
    imageUrl: "string",
    /** Date created (`dateCreated`, date, raw text with `getRaw`). */
    dateCreated: "iso-date-time",
    /** Created by user id (`createdByUserId`, integer). */
    createdByUserId: "integer",
    /** Date modified (`dateModified`, date, raw text with `getRaw`). */
    dateModified: "iso-date-time",
    /** Modified by user id (`modifiedByUserId`, integer). */
    modifiedByUserId: "integer",
    /** Read only (`readOnly`, flag). */
    readOnly: "boolean",
    /** Hidden (`hidden`, flag). */
    hidden: "boolean",
    /** Automatic (`automatic`, flag). */
    automatic: "boolean",
    /** Load agent in safe mode (`loadAgentInSafeMode`, flag). */
    loadAgentInSafeMode: "boolean",
    /** Whether reputation approvals are on. */
    reputationEnabled: "boolean",
    /** File tracking enabled (`fileTrackingEnabled`, flag). */
    fileTrackingEnabled: "boolean",
    /** Custom logo (`customLogo`, flag). */
    customLogo: "boolean",
    /** Automatic approvals on transition (`automaticApprovalsOnTransition`, flag). */
    automaticApprovalsOnTransition: "boolean",
    /** Allow agent upgrades (`allowAgentUpgrades`, flag). */
    allowAgentUpgrades: "boolean",
    /** Computers in the policy. */
    totalComputers: "integer",
    /** Connected computers (`connectedComputers`, integer). */
    connectedComputers: "integer",
    /** At enforcement computers (`atEnforcementComputers`, integer). */
    atEnforcementComputers: "integer",
    /** Cl version max (`clVersionMax`, integer). */
    clVersionMax: "integer",
  } as const;

  /** Ids are integers (numeric text is read as a number). */
  static override idKind: IdKind = "integer";
}
installFields(Policy);
