/**
 * Cb Protection file rules (`/api/bit9platform/v1/fileRule`).
 *
 * @module
 */

import { installFields } from "../core/_internal.ts";
import {
  type IdKind,
  type Joins,
  type JoinSpecs,
  MutableModel,
  type WritableFieldValues,
} from "../core/mod.ts";
import { joinOn } from "./_util.ts";
import { FileCatalog } from "./file_catalog.ts";
import { User } from "./user.ts";
import type { CbProtectionAPI } from "./api.ts";

/** The typed document fields of {@linkcode FileRule}, declared once in `FileRule.fields`. */
export interface FileRule
  extends
    WritableFieldValues<typeof FileRule.fields, never, "createdByUserId" | "id" | "sourceType">,
    Joins<typeof FileRule.joins> {}

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
export class FileRule extends MutableModel<CbProtectionAPI> {
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
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Rule id. */
    id: "integer",
    /** Catalog id of the file (0 for a hash-only rule). */
    fileCatalogId: "integer",
    /** Rule name. */
    name: "string",
    /** Description. */
    description: "string",
    /** File state the rule sets ({@linkcode FileRule.StateBanned}, ...). */
    fileState: "integer",
    /** Where the rule came from ({@linkcode FileRule.SourceTypeManual}, ...). */
    sourceType: "integer",
    /** Source id (`sourceId`, integer). */
    sourceId: "integer",
    /** Whether the rule only reports. */
    reportOnly: "boolean",
    /** Reputation approvals enabled (`reputationApprovalsEnabled`, flag). */
    reputationApprovalsEnabled: "boolean",
    /** Force installer (`forceInstaller`, flag). */
    forceInstaller: "boolean",
    /** Force not installer (`forceNotInstaller`, flag). */
    forceNotInstaller: "boolean",
    /** Comma-separated policy ids (`"0"` = all policies). */
    policyIds: "string",
    /** Hash the rule matches (MD5, SHA-1 or SHA-256). */
    hash: "string",
    /** Platforms ({@linkcode FileRule.PlatformWindows}, ... ORed). */
    platformFlags: "integer",
    /** Date created (`dateCreated`, date, raw text with `getRaw`). */
    dateCreated: "iso-date-time",
    /** Created by (`createdBy`, text). */
    createdBy: "string",
    /** Id of the user who created the rule. */
    createdByUserId: "string",
    /** Date modified (`dateModified`, date, raw text with `getRaw`). */
    dateModified: "iso-date-time",
    /** Modified by (`modifiedBy`, text). */
    modifiedBy: "string",
    /** Modified by user id (`modifiedByUserId`, integer). */
    modifiedByUserId: "integer",
    /** Cl version (`clVersion`, integer). */
    clVersion: "integer",
    /** Id unique (`idUnique`, text). */
    idUnique: "string",
    /** Orig id unique (`origIdUnique`, text). */
    origIdUnique: "string",
    /** Unified flag (`unifiedFlag`, integer). */
    unifiedFlag: "integer",
    /** Unified source (`unifiedSource`, text). */
    unifiedSource: "string",
    /** Version (`version`, integer). */
    version: "integer",
    /** Lazy approval (`lazyApproval`, flag). */
    lazyApproval: "boolean",
    /** Visible (`visible`, flag). */
    visible: "boolean",
    /** File name (`fileName`, text). */
    fileName: "string",
    /** File rule type (`fileRuleType`, text). */
    fileRuleType: "string",
  } as const;

  /** Ids are integers (numeric text is read as a number). */
  static override idKind: IdKind = "integer";

  /** The joins, declared once: each is a read-only async method (see `join`). */
  static joins: JoinSpecs<{ fileCatalog: FileCatalog; createdByUser: User }> = {
    /** The file of the rule (cached join on `fileCatalogId`). */
    fileCatalog: joinOn(() => FileCatalog, "fileCatalogId"),
    /** The user who created the rule (cached join on `createdByUserId`). */
    createdByUser: joinOn(() => User, "createdByUserId"),
  };
}
installFields(FileRule);
