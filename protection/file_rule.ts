/**
 * Cb Protection file rules (`/api/bit9platform/v1/fileRule`).
 *
 * @module
 */

import {
  type FieldKind,
  installFields,
  type ModelId,
  MutableModel,
  type RequestOptions,
} from "../core/mod.ts";
import { intId, join } from "./_util.ts";
import { FileCatalog } from "./file_catalog.ts";
import { User } from "./user.ts";

/**
 * A rule that approves or bans a file by hash. Created with `cb.create(FileRule)`; `name` is
 * required.
 *
 * @example Ban a file by hash
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbProtectionAPI, FileRule } from "@cbapi/cbapi/protection";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbProtectionAPI.connect({ url: emu.url, token: emu.token });
 * const rule = cb.create(FileRule, {
 *   name: "Ban evil.exe",
 *   hash: "2f0a2e5c9b2c5a7a2b3f3a1ce4d6f4a1",
 *   fileState: FileRule.StateBanned,
 *   policyIds: "0",
 * });
 * await rule.save();
 * assert.ok(typeof rule.id === "number" && rule.fileState === FileRule.StateBanned);
 * ```
 */
export class FileRule extends MutableModel {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/fileRule";
  /** Whether `cb.create()` may build one. */
  static override creatable = true;
  /** Fields that must be set before a save. */
  static override required: readonly string[] = ["name"];
  /** State: unapproved. */
  static readonly StateUnapproved = 1;
  /** State: approved. */
  static readonly StateApproved = 2;
  /** State: banned. */
  static readonly StateBanned = 3;
  /** Source: manual. */
  static readonly SourceTypeManual = 1;
  /** Source: trusted directory. */
  static readonly SourceTypeTrustedDirectory = 2;
  /** Source: reputation. */
  static readonly SourceTypeReputation = 3;
  /** Source: imported. */
  static readonly SourceTypeImported = 4;
  /** Source: external (API). */
  static readonly SourceTypeExternal = 5;
  /** Source: event rule. */
  static readonly SourceTypeEventRule = 6;
  /** Source: application template. */
  static readonly SourceTypeApplicationTemplate = 7;
  /** Source: unified management. */
  static readonly SourceTypeUnifiedManagement = 8;
  /** Platform flag: Windows. */
  static readonly PlatformWindows = 1;
  /** Platform flag: Mac. */
  static readonly PlatformMac = 2;
  /** Platform flag: Linux. */
  static readonly PlatformLinux = 4;
  /** Documented fields and their types. */
  static override fields: Readonly<Record<string, FieldKind>> = {
    id: "integer",
    fileCatalogId: "integer",
    name: "string",
    description: "string",
    fileState: "integer",
    sourceType: "integer",
    sourceId: "integer",
    reportOnly: "boolean",
    reputationApprovalsEnabled: "boolean",
    forceInstaller: "boolean",
    forceNotInstaller: "boolean",
    policyIds: "string",
    hash: "string",
    platformFlags: "integer",
    dateCreated: "iso-date-time",
    createdBy: "string",
    createdByUserId: "string",
    dateModified: "iso-date-time",
    modifiedBy: "string",
    modifiedByUserId: "integer",
    clVersion: "integer",
    idUnique: "string",
    origIdUnique: "string",
    unifiedFlag: "integer",
    unifiedSource: "string",
    version: "integer",
    lazyApproval: "boolean",
    visible: "boolean",
    fileName: "string",
    fileRuleType: "string",
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

  /** Rule id. */
  declare readonly id: number | undefined;
  /** Rule name. */
  declare name: string | undefined;
  /** Description. */
  declare description: string | undefined;
  /** File state the rule sets ({@linkcode FileRule.StateBanned}, ...). */
  declare fileState: number | undefined;
  /** Hash the rule matches (MD5, SHA-1 or SHA-256). */
  declare hash: string | undefined;
  /** Catalog id of the file (0 for a hash-only rule). */
  declare fileCatalogId: number | undefined;
  /** Comma-separated policy ids (`"0"` = all policies). */
  declare policyIds: string | undefined;
  /** Whether the rule only reports. */
  declare reportOnly: boolean | undefined;
  /** Platforms ({@linkcode FileRule.PlatformWindows}, ... ORed). */
  declare platformFlags: number | undefined;
  /** Where the rule came from ({@linkcode FileRule.SourceTypeManual}, ...). */
  declare readonly sourceType: number | undefined;
  /** Id of the user who created the rule. */
  declare readonly createdByUserId: string | undefined;

  /**
   * The file of the rule (cached join on `fileCatalogId`).
   *
   * @param options Signal and timeout.
   * @returns The catalog entry, or undefined for a hash-only rule.
   */
  fileCatalog(options: RequestOptions = {}): Promise<FileCatalog | undefined> {
    return join(this.cb, FileCatalog, this.info.fileCatalogId, options);
  }

  /**
   * The user who created the rule (cached join on `createdByUserId`).
   *
   * @param options Signal and timeout.
   * @returns The user, or undefined.
   */
  createdByUser(options: RequestOptions = {}): Promise<User | undefined> {
    return join(this.cb, User, this.info.createdByUserId, options);
  }
}
installFields(FileRule);
