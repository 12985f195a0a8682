/**
 * Cb Protection analysis connectors, their pending analyses and the notifications that report
 * analysis results.
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
import { downloadFirstMember, intId, join } from "./_util.ts";
import type { CbProtectionAPI } from "./api.ts";
import { FileCatalog, fileHashOf } from "./file_catalog.ts";
import type { ProtectionQuery } from "./query.ts";

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
export class Connector extends MutableModel {
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
  /** Documented fields and their types. */
  static override fields: Readonly<Record<string, FieldKind>> = {
    id: "integer",
    name: "string",
    analysisName: "string",
    connectorVersion: "string",
    canAnalyze: "boolean",
    analysisTargets: "array",
    analysisEnabled: "boolean",
    enabled: "boolean",
    isInternal: "boolean",
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

  /** Connector id. */
  declare readonly id: number | undefined;
  /** Name (only non-internal connectors can be renamed). */
  declare name: string | undefined;
  /** Name shown for the analysis. */
  declare analysisName: string | undefined;
  /** Connector version. */
  declare connectorVersion: string | undefined;
  /** Whether the connector can analyse files. */
  declare canAnalyze: boolean | undefined;
  /** File types it analyses. */
  declare analysisTargets: string[];
  /** Whether analysis is on. */
  declare analysisEnabled: boolean | undefined;
  /** Whether the connector is on. */
  declare enabled: boolean | undefined;
  /** Whether it is built into the server. */
  declare readonly isInternal: boolean | undefined;

  /**
   * The analyses waiting for this connector (a query on `connectorId:{id}`).
   *
   * @returns A new query.
   */
  pendingAnalyses(): ProtectionQuery<PendingAnalysis> {
    return (this.cb as CbProtectionAPI).select(PendingAnalysis).where(
      `connectorId:${this.uniqueId}`,
    );
  }
}
installFields(Connector);

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
export class PendingAnalysis extends MutableModel {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/pendingAnalysis";
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

  /**
   * Canonical id: an integer.
   *
   * @param id The id.
   * @returns The integer id.
   */
  static override normaliseId(id: ModelId): ModelId {
    return intId(id);
  }

  /** Analysis id. */
  get id(): number | undefined {
    return this.get<number>("id");
  }

  /** Whether the file is uploaded (and {@linkcode PendingAnalysis.file} can download it). */
  get uploaded(): boolean {
    const v = this.get<unknown>("uploaded");
    return v === true || v === 1 || v === "true";
  }

  /** Analysis status ({@linkcode PendingAnalysis.StatusAnalyzed}, ...). */
  get analysisStatus(): number | undefined {
    return this.get<number>("analysisStatus");
  }
  set analysisStatus(value: number | undefined) {
    this.set("analysisStatus", value);
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
    const n = (this.cb as CbProtectionAPI).create(Notification, data);
    n.fileAnalysisId = this.id;
    return n;
  }

  /**
   * The file's catalog entry (cached join on `fileCatalogId`).
   *
   * @param options Signal and timeout.
   * @returns The catalog entry, or undefined when the id is not set.
   */
  fileCatalog(options: RequestOptions = {}): Promise<FileCatalog | undefined> {
    return join(this.cb, FileCatalog, this.info.fileCatalogId, options);
  }
}

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
export class Notification extends MutableModel {
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
  /** Documented fields and their types. */
  static override fields: Readonly<Record<string, FieldKind>> = {
    id: "integer",
    connectorId: "integer",
    time: "iso-date-time",
    analysisResult: "integer",
    fileAnalysisId: "integer",
    flags: "integer",
    files: "array",
    regKeys: "array",
    directories: "array",
    ...Object.fromEntries(
      [
        "fileName",
        "md5",
        "sha1",
        "sha256",
        "malwareName",
        "malwareType",
        "externalUrl",
        "externalId",
        "severity",
        "type",
        "appliance",
        "product",
        "version",
        "srcIp",
        "srcHost",
        "destIp",
        "msgFormat",
        "anomaly",
        "targetApp",
        "targetOS",
        "httpHeader",
        "status",
        "srcUsername",
        "destUsername",
      ].map((k) => [k, "string" as const]),
    ),
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

  /** Notification id. */
  declare readonly id: number | undefined;
  /** The analysis it reports on. */
  declare fileAnalysisId: number | undefined;
  /** The result ({@linkcode Notification.ResultMalicious}, ...). */
  declare analysisResult: number | undefined;
  /** Product that analysed the file. */
  declare product: string | undefined;
  /** Malware name. */
  declare malwareName: string | undefined;
  /** Severity text. */
  declare severity: string | undefined;
  /** Notification type. */
  declare type: string | undefined;
}
installFields(Notification);
