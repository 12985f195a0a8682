/**
 * Cb Protection events, notifiers, metered executions and drift reports (read-only models).
 *
 * @module
 */

import { installFields } from "../core/_internal.ts";
import { type FieldValues, type IdKind, type Joins, type JoinSpecs, Model } from "../core/mod.ts";
import { joinOn } from "./_util.ts";
import { FileCatalog } from "./file_catalog.ts";
import type { CbProtectionAPI } from "./api.ts";

/** The typed document fields of {@linkcode Event}, declared once in `Event.fields`. */
export interface Event extends FieldValues<typeof Event.fields>, Joins<typeof Event.joins> {}

/**
 * A server event (file executions, blocks, approvals, ...); read-only.
 *
 * @example Recent block events with their files
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbProtectionAPI, Event } from "@cbapi/cbapi/protection";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbProtectionAPI.connect({ url: emu.url, token: emu.token });
 * for await (const ev of cb.select(Event).where("subtype:801").sort("timestamp DESC")) {
 *   const file = await ev.fileCatalog();
 *   assert.ok(file === undefined || typeof file.fileName === "string");
 * }
 * ```
 */
export class Event extends Model<CbProtectionAPI> {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/event";
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Event id. */
    id: "integer",
    /** Event description. */
    description: "string",
    /** Ban name (`banName`, text). */
    banName: "string",
    /** Command line (`commandLine`, text). */
    commandLine: "string",
    /** Computer id (`computerId`, integer). */
    computerId: "integer",
    /** Computer name (`computerName`, text). */
    computerName: "string",
    /** File catalog id (`fileCatalogId`, integer). */
    fileCatalogId: "integer",
    /** File name (`fileName`, text). */
    fileName: "string",
    /** Indicator name (`indicatorName`, text). */
    indicatorName: "string",
    /** Installer file catalog id (`installerFileCatalogId`, integer). */
    installerFileCatalogId: "integer",
    /** Installer file name (`installerFileName`, text). */
    installerFileName: "string",
    /** Ip address (`ipAddress`, text). */
    ipAddress: "string",
    /** Param1 (`param1`, text). */
    param1: "string",
    /** Param2 (`param2`, text). */
    param2: "string",
    /** Param3 (`param3`, text). */
    param3: "string",
    /** Path name (`pathName`, text). */
    pathName: "string",
    /** Policy id (`policyId`, integer). */
    policyId: "integer",
    /** Policy name (`policyName`, text). */
    policyName: "string",
    /** Process file catalog id (`processFileCatalogId`, integer). */
    processFileCatalogId: "integer",
    /** Process file name (`processFileName`, text). */
    processFileName: "string",
    /** Process key (`processKey`, text). */
    processKey: "string",
    /** Process path name (`processPathName`, text). */
    processPathName: "string",
    /** Received timestamp (`receivedTimestamp`, date, raw text with `getRaw`). */
    receivedTimestamp: "iso-date-time",
    /** Rule name (`ruleName`, text). */
    ruleName: "string",
    /** Severity (`severity`, integer). */
    severity: "integer",
    /** String id (`stringId`, integer). */
    stringId: "integer",
    /** Subtype (`subtype`, integer). */
    subtype: "integer",
    /** Subtype name (`subtypeName`, text). */
    subtypeName: "string",
    /** Timestamp (`timestamp`, date, raw text with `getRaw`). */
    timestamp: "iso-date-time",
    /** Type (`type`, integer). */
    type: "integer",
    /** Updater name (`updaterName`, text). */
    updaterName: "string",
    /** User name (`userName`, text). */
    userName: "string",
  } as const;

  /** Ids are integers (numeric text is read as a number). */
  static override idKind: IdKind = "integer";

  /** The joins, declared once: each is a read-only async method (see `join`). */
  static joins: JoinSpecs<{ fileCatalog: FileCatalog }> = {
    /** The file the event is about (cached join on `fileCatalogId`). */
    fileCatalog: joinOn(() => FileCatalog, "fileCatalogId"),
  };
}
installFields(Event, { writable: false });

/** The typed document fields of {@linkcode Notifier}, declared once in `Notifier.fields`. */
export interface Notifier extends FieldValues<typeof Notifier.fields> {}

/**
 * An alert notifier (read-only).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbProtectionAPI, Notifier } from "@cbapi/cbapi/protection";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbProtectionAPI.connect({ url: emu.url, token: emu.token });
 * const notifier = await cb.select(Notifier, 1);
 * assert.ok(typeof notifier.get("name") === "string");
 * ```
 */
export class Notifier extends Model<CbProtectionAPI> {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/notifier";
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Bg image location (`bgImageLocation`, text). */
    bgImageLocation: "string",
    /** Cl version (`clVersion`, integer). */
    clVersion: "integer",
    /** Created by (`createdBy`, text). */
    createdBy: "string",
    /** Date created (`dateCreated`, date, raw text with `getRaw`). */
    dateCreated: "iso-date-time",
    /** Date modified (`dateModified`, date, raw text with `getRaw`). */
    dateModified: "iso-date-time",
    /** Default rule group id (`defaultRuleGroupId`, integer). */
    defaultRuleGroupId: "integer",
    /** Default rule type (`defaultRuleType`, integer). */
    defaultRuleType: "integer",
    /** Event log text (`eventLogText`, text). */
    eventLogText: "string",
    /** Fg image location (`fgImageLocation`, text). */
    fgImageLocation: "string",
    /** Flags (`flags`, integer). */
    flags: "integer",
    /** Id (`id`, integer). */
    id: "integer",
    /** Logo url (`logoUrl`, text). */
    logoUrl: "string",
    /** Message text (`messageText`, text). */
    messageText: "string",
    /** Modified by (`modifiedBy`, text). */
    modifiedBy: "string",
    /** Name (`name`, text). */
    name: "string",
    /** Show logo (`showLogo`, flag). */
    showLogo: "boolean",
    /** System notifier (`systemNotifier`, flag). */
    systemNotifier: "boolean",
    /** Timeout (`timeout`, integer). */
    timeout: "integer",
    /** Title (`title`, text). */
    title: "string",
    /** Url (`url`, text). */
    url: "string",
    /** Usage count (`usageCount`, integer). */
    usageCount: "integer",
  } as const;
  /** Printed in the legacy `key : value` form. */
  static override display: "schema" | "legacy" = "legacy";

  /** Ids are integers (numeric text is read as a number). */
  static override idKind: IdKind = "integer";
}
installFields(Notifier, { writable: false });

/** The typed document fields of {@linkcode MeteredExecution}, declared once in `MeteredExecution.fields`. */
export interface MeteredExecution extends FieldValues<typeof MeteredExecution.fields> {}

/**
 * A metered execution: how often a metered file ran (read-only).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbProtectionAPI, MeteredExecution } from "@cbapi/cbapi/protection";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbProtectionAPI.connect({ url: emu.url, token: emu.token });
 * assert.ok(await cb.select(MeteredExecution).count() > 0);
 * ```
 */
export class MeteredExecution extends Model<CbProtectionAPI> {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/meteredExecution";
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Computer id (`computerId`, integer). */
    computerId: "integer",
    /** Data (`data`, text). */
    data: "string",
    /** Description (`description`, text). */
    description: "string",
    /** Event id (`eventId`, integer). */
    eventId: "integer",
    /** File catalog id (`fileCatalogId`, integer). */
    fileCatalogId: "integer",
    /** Id (`id`, integer). */
    id: "integer",
    /** Meter id (`meterId`, integer). */
    meterId: "integer",
    /** Name (`name`, text). */
    name: "string",
    /** Timestamp (`timestamp`, date, raw text with `getRaw`). */
    timestamp: "iso-date-time",
    /** Type (`type`, integer). */
    type: "integer",
    /** User name (`userName`, text). */
    userName: "string",
  } as const;
  /** Printed in the legacy `key : value` form. */
  static override display: "schema" | "legacy" = "legacy";

  /** Ids are integers (numeric text is read as a number). */
  static override idKind: IdKind = "integer";
}
installFields(MeteredExecution, { writable: false });

/** The typed document fields of {@linkcode DriftReport}, declared once in `DriftReport.fields`. */
export interface DriftReport extends FieldValues<typeof DriftReport.fields> {}

/**
 * A drift report (read-only; Cb Protection 8.0+).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbProtectionAPI, DriftReport } from "@cbapi/cbapi/protection";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbProtectionAPI.connect({ url: emu.url, token: emu.token });
 * const report = await cb.select(DriftReport, 1);
 * assert.ok(typeof report.get("name") === "string");
 * ```
 */
export class DriftReport extends Model<CbProtectionAPI> {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/driftReport";
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Baseline id (`baselineId`, integer). */
    baselineId: "integer",
    /** Date created (`dateCreated`, date, raw text with `getRaw`). */
    dateCreated: "iso-date-time",
    /** Id (`id`, integer). */
    id: "integer",
    /** Name (`name`, text). */
    name: "string",
    /** Target type (`targetType`, integer). */
    targetType: "integer",
  } as const;
  /** The oldest server with this API. */
  static readonly minimumServerVersion: string = "8.0";

  /** Ids are integers (numeric text is read as a number). */
  static override idKind: IdKind = "integer";
}
installFields(DriftReport, { writable: false });

/** The typed document fields of {@linkcode DriftReportContents}, declared once in `DriftReportContents.fields`. */
export interface DriftReportContents extends FieldValues<typeof DriftReportContents.fields> {}

/**
 * One line of a drift report (read-only; Cb Protection 8.0+).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbProtectionAPI, DriftReportContents } from "@cbapi/cbapi/protection";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbProtectionAPI.connect({ url: emu.url, token: emu.token });
 * const rows = await cb.select(DriftReportContents).where("reportId:1").toArray();
 * assert.ok(rows.length > 0);
 * ```
 */
export class DriftReportContents extends Model<CbProtectionAPI> {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/driftReportContents";
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Computer count (`computerCount`, integer). */
    computerCount: "integer",
    /** File catalog id (`fileCatalogId`, integer). */
    fileCatalogId: "integer",
    /** File name (`fileName`, text). */
    fileName: "string",
    /** Id (`id`, integer). */
    id: "integer",
    /** Report id (`reportId`, integer). */
    reportId: "integer",
  } as const;
  /** The oldest server with this API. */
  static readonly minimumServerVersion: string = "8.0";

  /** Ids are integers (numeric text is read as a number). */
  static override idKind: IdKind = "integer";
}
installFields(DriftReportContents, { writable: false });
