/**
 * Cb Protection server configuration and performance (read-only), updaters, script rules and
 * trusted directories.
 *
 * @module
 */

import {
  type FieldValues,
  type IdKind,
  Model,
  MutableModel,
  type WritableFieldValues,
} from "../core/mod.ts";
import { installFields } from "../core/_internal.ts";
import type { CbProtectionAPI } from "./api.ts";

/** The typed document fields of {@linkcode ServerConfig}, declared once in `ServerConfig.fields`. */
export interface ServerConfig extends FieldValues<typeof ServerConfig.fields> {}

/**
 * One server configuration setting (read-only); {@linkcode CbProtectionAPI.info} holds them
 * all as a dictionary.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbProtectionAPI, ServerConfig } from "@cbapi/cbapi/protection";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbProtectionAPI.connect({ url: emu.url, token: emu.token });
 * const row = await cb.select(ServerConfig).where("name:ParityServerVersion").one();
 * assert.ok(row.get("value") === cb.serverVersion);
 * ```
 */
export class ServerConfig extends Model<CbProtectionAPI> {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/serverConfig";
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Date modified (`dateModified`, date, raw text with `getRaw`). */
    dateModified: "iso-date-time",
    /** Id (`id`, integer). */
    id: "integer",
    /** Modified by (`modifiedBy`, text). */
    modifiedBy: "string",
    /** Name (`name`, text). */
    name: "string",
    /** Value (`value`, text). */
    value: "string",
  } as const;
  /** Printed in the legacy `key : value` form. */
  static override display: "schema" | "legacy" = "legacy";

  /** Ids are integers (numeric text is read as a number). */
  static override idKind: IdKind = "integer";
}
installFields(ServerConfig, { writable: false });

/** The typed document fields of {@linkcode ServerPerformance}, declared once in `ServerPerformance.fields`. */
export interface ServerPerformance extends FieldValues<typeof ServerPerformance.fields> {}

/**
 * A server performance sample (read-only).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbProtectionAPI, ServerPerformance } from "@cbapi/cbapi/protection";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbProtectionAPI.connect({ url: emu.url, token: emu.token });
 * assert.ok(await cb.select(ServerPerformance).count() > 0);
 * ```
 */
export class ServerPerformance extends Model<CbProtectionAPI> {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/serverPerformance";
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Agent file backlog (`agentFileBacklog`, integer). */
    agentFileBacklog: "integer",
    /** Agent processing rate (`agentProcessingRate`, integer). */
    agentProcessingRate: "integer",
    /** Avg disk data read stall ms (`avgDiskDataReadStallMs`, number). */
    avgDiskDataReadStallMs: "double",
    /** Avg disk data write stall ms (`avgDiskDataWriteStallMs`, number). */
    avgDiskDataWriteStallMs: "double",
    /** Avg disk index write stall ms (`avgDiskIndexWriteStallMs`, number). */
    avgDiskIndexWriteStallMs: "double",
    /** Avg disk log write stall ms (`avgDiskLogWriteStallMs`, number). */
    avgDiskLogWriteStallMs: "double",
    /** Connected agents (`connectedAgents`, integer). */
    connectedAgents: "integer",
    /** Date created (`dateCreated`, date, raw text with `getRaw`). */
    dateCreated: "iso-date-time",
    /** Disk data IOPS (`diskDataIOPS`, number). */
    diskDataIOPS: "double",
    /** Disk data read (`diskDataRead`, integer). */
    diskDataRead: "integer",
    /** Disk data write (`diskDataWrite`, integer). */
    diskDataWrite: "integer",
    /** Disk index IOPS (`diskIndexIOPS`, number). */
    diskIndexIOPS: "double",
    /** Disk index read (`diskIndexRead`, integer). */
    diskIndexRead: "integer",
    /** Disk index write (`diskIndexWrite`, integer). */
    diskIndexWrite: "integer",
    /** Disk log IOPS (`diskLogIOPS`, number). */
    diskLogIOPS: "double",
    /** Disk log write (`diskLogWrite`, integer). */
    diskLogWrite: "integer",
    /** Id (`id`, integer). */
    id: "integer",
    /** Server file backlog (`serverFileBacklog`, integer). */
    serverFileBacklog: "integer",
    /** Server files (`serverFiles`, integer). */
    serverFiles: "integer",
    /** Server processing rate (`serverProcessingRate`, integer). */
    serverProcessingRate: "integer",
    /** Sql insert latency ms (`sqlInsertLatencyMs`, number). */
    sqlInsertLatencyMs: "double",
    /** Sql latency ms (`sqlLatencyMs`, number). */
    sqlLatencyMs: "double",
    /** Sql memory pressure (`sqlMemoryPressure`, number). */
    sqlMemoryPressure: "double",
  } as const;
  /** Printed in the legacy `key : value` form. */
  static override display: "schema" | "legacy" = "legacy";

  /** Ids are integers (numeric text is read as a number). */
  static override idKind: IdKind = "integer";
}
installFields(ServerPerformance, { writable: false });

/** The typed document fields of {@linkcode Updater}, declared once in `Updater.fields`. */
export interface Updater extends WritableFieldValues<typeof Updater.fields> {}

/**
 * A trusted updater (legacy mutable model: saved with a PUT of the whole document).
 *
 * @example Disable an updater
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbProtectionAPI, Updater } from "@cbapi/cbapi/protection";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbProtectionAPI.connect({ url: emu.url, token: emu.token });
 * const updater = await cb.select(Updater, 1);
 * updater.set("enabled", false);
 * await updater.save();
 * assert.ok(updater.get("enabled") === false);
 * ```
 */
export class Updater extends MutableModel<CbProtectionAPI> {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/updater";
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Cl version (`clVersion`, integer). */
    clVersion: "integer",
    /** Created by (`createdBy`, text). */
    createdBy: "string",
    /** Date created (`dateCreated`, date, raw text with `getRaw`). */
    dateCreated: "iso-date-time",
    /** Date modified (`dateModified`, date, raw text with `getRaw`). */
    dateModified: "iso-date-time",
    /** Enabled (`enabled`, flag). */
    enabled: "boolean",
    /** Id (`id`, integer). */
    id: "integer",
    /** Modified by (`modifiedBy`, text). */
    modifiedBy: "string",
    /** Name (`name`, text). */
    name: "string",
    /** Platform flags (`platformFlags`, integer). */
    platformFlags: "integer",
    /** Version (`version`, text). */
    version: "string",
  } as const;
  /** Printed in the legacy `key : value` form. */
  static override display: "schema" | "legacy" = "legacy";

  /** Ids are integers (numeric text is read as a number). */
  static override idKind: IdKind = "integer";
}
installFields(Updater);

/** The typed document fields of {@linkcode ScriptRule}, declared once in `ScriptRule.fields`. */
export interface ScriptRule extends WritableFieldValues<typeof ScriptRule.fields> {}

/**
 * A script rule (Cb Protection 8.0+); changes are saved with a PUT.
 *
 * @example
 * ```ts
 * import { CbProtectionAPI, ScriptRule } from "@cbapi/cbapi/protection";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbProtectionAPI.connect({ url: emu.url, token: emu.token });
 * const rule = await cb.select(ScriptRule, 1);
 * rule.set("enabled", false);
 * await rule.save();
 * ```
 */
export class ScriptRule extends MutableModel<CbProtectionAPI> {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/scriptRule";
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Enabled (`enabled`, flag). */
    enabled: "boolean",
    /** Extensions (`extensions`, text). */
    extensions: "string",
    /** Id (`id`, integer). */
    id: "integer",
    /** Interpreters (`interpreters`, text). */
    interpreters: "string",
    /** Name (`name`, text). */
    name: "string",
  } as const;
  /** The oldest server with this API. */
  static readonly minimumServerVersion: string = "8.0";

  /** Ids are integers (numeric text is read as a number). */
  static override idKind: IdKind = "integer";
}
installFields(ScriptRule);

/** The typed document fields of {@linkcode TrustedDirectory}, declared once in `TrustedDirectory.fields`. */
export interface TrustedDirectory extends WritableFieldValues<typeof TrustedDirectory.fields> {}

/**
 * A trusted directory (Cb Protection 8.0+); changes are saved with a PUT.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbProtectionAPI, TrustedDirectory } from "@cbapi/cbapi/protection";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbProtectionAPI.connect({ url: emu.url, token: emu.token });
 * const dirs = await cb.select(TrustedDirectory).toArray();
 * assert.ok(dirs.length > 0);
 * ```
 */
export class TrustedDirectory extends MutableModel<CbProtectionAPI> {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/trustedDirectory";
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Computer id (`computerId`, integer). */
    computerId: "integer",
    /** Description (`description`, text). */
    description: "string",
    /** Enabled (`enabled`, flag). */
    enabled: "boolean",
    /** Id (`id`, integer). */
    id: "integer",
    /** Path (`path`, text). */
    path: "string",
  } as const;
  /** The oldest server with this API. */
  static readonly minimumServerVersion: string = "8.0";

  /** Ids are integers (numeric text is read as a number). */
  static override idKind: IdKind = "integer";
}
installFields(TrustedDirectory);
