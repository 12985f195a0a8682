/**
 * Cb Protection analysis connectors, their pending analyses and the notifications that report
 * analysis results.
 *
 * @module
 */

import { installFields } from "../core/_internal.ts";
import {
  type IdKind,
  type Joins,
  type JoinSpecs,
  MutableModel,
  type RequestOptions,
  type WritableFieldValues,
} from "../core/mod.ts";
import { downloadFirstMember, joinOn } from "./_util.ts";
import type { CbProtectionAPI } from "./api.ts";
import { FileCatalog, fileHashOf } from "./file_catalog.ts";
import type { ProtectionQuery } from "./query.ts";

/** The typed document fields of {@linkcode Connector}, declared once in `Connector.fields`. */
export interface Connector
  extends WritableFieldValues<typeof Connector.fields, never, "id" | "isInternal"> {}

/**
 * An analysis connector (for example a sandbox integration). Register one with
 * `cb.create(Connector, {...})`, then poll {@linkcode Connector.pendingAnalyses}.
 *
 * @example Register a connector and look at its work
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbProtectionAPI, Connector } from "@cbapi/cbapi/protection";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbProtectionAPI.connect({ url: emu.url, token: emu.token });
 * const connector = cb.create(Connector, {
 *   name: "EmptyAnalysis", analysisName: "EmptyAnalysis", connectorVersion: "1.0",
 *   canAnalyze: true, analysisEnabled: true, enabled: true,
 * });
 * await connector.save();
 * for await (const pending of connector.pendingAnalyses()) assert.ok(pending.fileHash !== undefined);
 * ```
 */
export class Connector extends MutableModel<CbProtectionAPI> {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/connector";
  /** Whether `cb.create()` may build one. */
  static override creatable = true;
  /** Fields that must be set before a save. */
  static override required: readonly string[] = [
    "name",
    "analysisName",
    "connectorVersion",
    "canAnalyze",
    "enabled",
    "analysisEnabled",
  ];
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Connector id. */
    id: "integer",
    /** Name (only non-internal connectors can be renamed). */
    name: "string",
    /** Name shown for the analysis. */
    analysisName: "string",
    /** Connector version. */
    connectorVersion: "string",
    /** Whether the connector can analyse files. */
    canAnalyze: "boolean",
    /** File types it analyses. */
    analysisTargets: ["string"],
    /** Whether analysis is on. */
    analysisEnabled: "boolean",
    /** Whether the connector is on. */
    enabled: "boolean",
    /** Whether it is built into the server. */
    isInternal: "boolean",
  } as const;

  /** Ids are integers (numeric text is read as a number). */
  static override idKind: IdKind = "integer";

  /**
   * The analyses waiting for this connector (a query on `connectorId:{id}`).
   *
   * @returns A new query.
   */
  pendingAnalyses(): ProtectionQuery<PendingAnalysis> {
    return this.cb.select(PendingAnalysis).where(
      `connectorId:${this.uniqueId}`,
    );
  }
}
installFields(Connector);

/** The typed document fields of {@linkcode PendingAnalysis}, declared once in `PendingAnalysis.fields`. */
export interface PendingAnalysis
  extends
    WritableFieldValues<typeof PendingAnalysis.fields, "uploaded", "id">,
    Joins<typeof PendingAnalysis.joins> {}

/**
 * A file waiting for analysis by a connector (legacy mutable model). Download it with
 * {@linkcode PendingAnalysis.file}, report with {@linkcode PendingAnalysis.createNotification}.
 *
 * @example Report a result
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbProtectionAPI, Notification, PendingAnalysis } from "@cbapi/cbapi/protection";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbProtectionAPI.connect({ url: emu.url, token: emu.token });
 * const pa = await cb.select(PendingAnalysis, 1);
 * const n = pa.createNotification({ product: "EmptyAnalysis", malwareName: "TEST MALWARE",
 *   analysisResult: Notification.ResultMalicious, severity: "high", type: "whoa" });
 * await n.save();
 * assert.ok(n.fileAnalysisId === pa.id);
 * ```
 */
export class PendingAnalysis extends MutableModel<CbProtectionAPI> {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/pendingAnalysis";
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Analysis id. */
    id: "integer",
    /** Analysis status ({@linkcode PendingAnalysis.StatusAnalyzed}, ...). */
    analysisStatus: "integer",
    /** Analysis error (`analysisError`, text). */
    analysisError: "string",
    /** Analysis result (`analysisResult`, integer). */
    analysisResult: "integer",
    /** Analysis target (`analysisTarget`, text). */
    analysisTarget: "string",
    /** Connector id (`connectorId`, integer). */
    connectorId: "integer",
    /** Created by (`createdBy`, text). */
    createdBy: "string",
    /** Date created (`dateCreated`, date, raw text with `getRaw`). */
    dateCreated: "iso-date-time",
    /** Date modified (`dateModified`, date, raw text with `getRaw`). */
    dateModified: "iso-date-time",
    /** File catalog id (`fileCatalogId`, integer). */
    fileCatalogId: "integer",
    /** File name (`fileName`, text). */
    fileName: "string",
    /** Md5 (`md5`, text). */
    md5: "string",
    /** Path name (`pathName`, text). */
    pathName: "string",
    /** Priority (`priority`, integer). */
    priority: "integer",
    /** Sha1 (`sha1`, text). */
    sha1: "string",
    /** Sha256 (`sha256`, text). */
    sha256: "string",
    /** Upload path (`uploadPath`, text). */
    uploadPath: "string",
    /** Uploaded (`uploaded`, flag). */
    uploaded: "boolean",
    /** Uploaded file size (`uploadedFileSize`, integer). */
    uploadedFileSize: "integer",
    /** Id of the file analysis this entry belongs to. */
    fileAnalysisId: "integer",
    /** Id of the computer holding the file. */
    computerId: "integer",
  } as const;

  /** The joins, declared once: each is a read-only async method (see `join`). */
  static joins: JoinSpecs<{ fileCatalog: FileCatalog }> = {
    /** The file's catalog entry (cached join on `fileCatalogId`). */
    fileCatalog: joinOn(() => FileCatalog, "fileCatalogId"),
  };

  /** Printed in the legacy `key : value` form. */
  static override display: "schema" | "legacy" = "legacy";
  /** Status: scheduled. */
  static readonly StatusScheduled = 0;
  /** Status: submitted. */
  static readonly StatusSubmitted = 1;
  /** Status: processed. */
  static readonly StatusProcessed = 2;
  /** Status: analyzed. */
  static readonly StatusAnalyzed = 3;
  /** Status: error. */
  static readonly StatusError = 4;
  /** Status: cancelled. */
  static readonly StatusCancelled = 5;
  /** Result: not available. */
  static readonly ResultNotAvailable = 0;
  /** Result: clean. */
  static readonly ResultClean = 1;
  /** Result: potential threat. */
  static readonly ResultPotentialThreat = 2;
  /** Result: malicious. */
  static readonly ResultMalicious = 3;

  /** Ids are integers (numeric text is read as a number). */
  static override idKind: IdKind = "integer";

  /** Whether the file is uploaded (and {@linkcode PendingAnalysis.file} can download it). */
  get uploaded(): boolean {
    const v = this.get<unknown>("uploaded");
    return v === true || v === 1 || v === "true";
  }

  /** The first hash the analysis has: MD5, else SHA-1, else SHA-256. */
  get fileHash(): string | undefined {
    return fileHashOf(this.info);
  }

  /**
   * The file: `GET pendingAnalysis/{id}?downloadFile=true` (a ZIP), the first member streamed.
   *
   * @param options Signal and timeout.
   * @returns The file's bytes, streamed; read or cancel it.
   * @throws {ObjectNotFoundError} When the analysis does not exist.
   */
  file(options: RequestOptions = {}): Promise<ReadableStream<Uint8Array>> {
    return downloadFirstMember(this.cb, this.instanceUrl(), options);
  }

  /**
   * A new notification about this analysis (`fileAnalysisId` set to this id); save it to send
   * `POST notification`.
   *
   * @param data Notification fields (`product`, `malwareName`, `analysisResult`, ...).
   * @returns The unsaved notification.
   */
  createNotification(data: Record<string, unknown> = {}): Notification {
    const n = this.cb.create(Notification, data);
    n.fileAnalysisId = this.id;
    return n;
  }
}
installFields(PendingAnalysis);

/** The typed document fields of {@linkcode Notification}, declared once in `Notification.fields`. */
export interface Notification
  extends WritableFieldValues<typeof Notification.fields, never, "id"> {}

/**
 * An analysis result reported to the server. Build one with
 * {@linkcode PendingAnalysis.createNotification} or `cb.create(Notification)`;
 * `analysisResult` and `fileAnalysisId` are required.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbProtectionAPI, Notification } from "@cbapi/cbapi/protection";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbProtectionAPI.connect({ url: emu.url, token: emu.token });
 * const n = cb.create(Notification, { fileAnalysisId: 1, analysisResult: Notification.ResultClean });
 * await n.save();
 * assert.ok(typeof n.id === "number");
 * ```
 */
export class Notification extends MutableModel<CbProtectionAPI> {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/notification";
  /** Whether `cb.create()` may build one. */
  static override creatable = true;
  /** Fields that must be set before a save. */
  static override required: readonly string[] = ["analysisResult", "fileAnalysisId"];
  /** Result: not available. */
  static readonly ResultNotAvailable = 0;
  /** Result: clean. */
  static readonly ResultClean = 1;
  /** Result: potential threat. */
  static readonly ResultPotentialThreat = 2;
  /** Result: malicious. */
  static readonly ResultMalicious = 3;
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Notification id. */
    id: "integer",
    /** Connector id (`connectorId`, integer). */
    connectorId: "integer",
    /** Time (`time`, date, raw text with `getRaw`). */
    time: "iso-date-time",
    /** The result ({@linkcode Notification.ResultMalicious}, ...). */
    analysisResult: "integer",
    /** The analysis it reports on. */
    fileAnalysisId: "integer",
    /** Flags (`flags`, integer). */
    flags: "integer",
    /** Files (`files`, list). */
    files: [{
      md5: "any",
      sha1: "any",
      sha256: "any",
      fileSize: "any",
      fileName: "any",
      filePath: "any",
      processName: "any",
      processPath: "any",
      operation: "any",
      topLevel: "any",
    }],
    /** Reg keys (`regKeys`, list). */
    regKeys: [{
      regKey: "any",
      regName: "any",
      regValue: "any",
      processMd5: "any",
      Operation: "any",
    }],
    /** Directories (`directories`, list). */
    directories: [{ dirPath: "any" }],
    /** Product that analysed the file. */
    product: "string",
    /** Malware name. */
    malwareName: "string",
    /** Severity text. */
    severity: "string",
    /** Anomaly (`anomaly`, text). */
    anomaly: "string",
    /** Appliance (`appliance`, text). */
    appliance: "string",
    /** Dest ip (`destIp`, text). */
    destIp: "string",
    /** Dest username (`destUsername`, text). */
    destUsername: "string",
    /** External id (`externalId`, text). */
    externalId: "string",
    /** External url (`externalUrl`, text). */
    externalUrl: "string",
    /** File name (`fileName`, text). */
    fileName: "string",
    /** Http header (`httpHeader`, text). */
    httpHeader: "string",
    /** Malware type (`malwareType`, text). */
    malwareType: "string",
    /** Md5 (`md5`, text). */
    md5: "string",
    /** Msg format (`msgFormat`, text). */
    msgFormat: "string",
    /** Sha1 (`sha1`, text). */
    sha1: "string",
    /** Sha256 (`sha256`, text). */
    sha256: "string",
    /** Src host (`srcHost`, text). */
    srcHost: "string",
    /** Src ip (`srcIp`, text). */
    srcIp: "string",
    /** Src username (`srcUsername`, text). */
    srcUsername: "string",
    /** Status (`status`, text). */
    status: "string",
    /** Target app (`targetApp`, text). */
    targetApp: "string",
    /** Target OS (`targetOS`, text). */
    targetOS: "string",
    /** Type (`type`, text). */
    type: "string",
    /** Version (`version`, text). */
    version: "string",
  } as const;

  /** Ids are integers (numeric text is read as a number). */
  static override idKind: IdKind = "integer";
}
installFields(Notification);
