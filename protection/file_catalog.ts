/**
 * Cb Protection file catalog entries, file analyses and file uploads.
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
import { Certificate, Publisher } from "./certificate.ts";
import { Computer } from "./computer.ts";
import type { CbProtectionAPI } from "./api.ts";

/**
 * The first of `md5`, `sha1`, `sha256` that a document has.
 *
 * @param info The document.
 * @returns The hash, or undefined.
 */
export function fileHashOf(info: Record<string, unknown>): string | undefined {
  for (const k of ["md5", "sha1", "sha256"]) {
    const v = info[k];
    if (typeof v === "string" && v !== "") return v;
  }
  return undefined;
}

/** The typed document fields of {@linkcode FileCatalog}, declared once in `FileCatalog.fields`. */
export interface FileCatalog extends
  WritableFieldValues<
    typeof FileCatalog.fields,
    "publisher",
    "fileName" | "id" | "md5" | "prevalence" | "publisherId" | "sha1" | "sha256"
  >,
  Joins<typeof FileCatalog.joins> {}

/**
 * A unique file known to the server (hashes, prevalence, publisher, state).
 *
 * @example Join a catalog entry to its publisher
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbProtectionAPI, FileCatalog } from "@cbapi/cbapi/protection";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbProtectionAPI.connect({ url: emu.url, token: emu.token });
 * const fc = await cb.select(FileCatalog, 1);
 * const publisher = await fc.publisher();
 * assert.ok(fc.fileHash !== undefined && publisher !== undefined);
 * ```
 */
export class FileCatalog extends MutableModel<CbProtectionAPI> {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/fileCatalog";
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Catalog id. */
    id: "integer",
    /** Date created (`dateCreated`, date, raw text with `getRaw`). */
    dateCreated: "iso-date-time",
    /** Path name (`pathName`, text). */
    pathName: "string",
    /** File name. */
    fileName: "string",
    /** File extension (`fileExtension`, text). */
    fileExtension: "string",
    /** Computer id (`computerId`, integer). */
    computerId: "integer",
    /** MD5. */
    md5: "string",
    /** SHA-1. */
    sha1: "string",
    /** SHA-256. */
    sha256: "string",
    /** Sha256 hash type (`sha256HashType`, integer). */
    sha256HashType: "integer",
    /** File type (`fileType`, text). */
    fileType: "string",
    /** File size (`fileSize`, integer). */
    fileSize: "integer",
    /** Product name (`productName`, text). */
    productName: "string",
    /** Publisher or company (`publisherOrCompany`, text). */
    publisherOrCompany: "string",
    /** Publisher id. */
    publisherId: "integer",
    /** Certificate id (`certificateId`, integer). */
    certificateId: "integer",
    /** Product version (`productVersion`, text). */
    productVersion: "string",
    /** Installed program name (`installedProgramName`, text). */
    installedProgramName: "string",
    /** Reputation available (`reputationAvailable`, flag). */
    reputationAvailable: "boolean",
    /** Threat (`threat`, integer). */
    threat: "integer",
    /** Trust (`trust`, integer). */
    trust: "integer",
    /** On how many computers the file is. */
    prevalence: "integer",
    /** File flags (`fileFlags`, integer). */
    fileFlags: "integer",
    /** Effective state (`effectiveState`, text). */
    effectiveState: "string",
    /** Approved by reputation (`approvedByReputation`, flag). */
    approvedByReputation: "boolean",
    /** Reputation enabled (`reputationEnabled`, flag). */
    reputationEnabled: "boolean",
    /** File state: 1 unapproved, 2 approved, 3 banned. */
    fileState: "integer",
    /** Publisher state (`publisherState`, integer). */
    publisherState: "integer",
    /** Certificate state (`certificateState`, integer). */
    certificateState: "integer",
    /** Acknowledged (`acknowledged`, flag). */
    acknowledged: "boolean",
    /** Category (`category`, text). */
    category: "string",
    /** Cl version (`clVersion`, integer). */
    clVersion: "integer",
    /** Company (`company`, text). */
    company: "string",
    /** Date modified (`dateModified`, date, raw text with `getRaw`). */
    dateModified: "iso-date-time",
    /** Description (`description`, text). */
    description: "string",
    /** Dirty prevalence (`dirtyPrevalence`, text). */
    dirtyPrevalence: "string",
    /** Global state details (`globalStateDetails`, text). */
    globalStateDetails: "string",
    /** Initialized (`initialized`, flag). */
    initialized: "boolean",
    /** Node type (`nodeType`, integer). */
    nodeType: "integer",
    /** Publisher name: read it as {@linkcode FileCatalog.publisherName} (`publisher()` is the join). */
    publisher: "string",
    /** State source (`stateSource`, text). */
    stateSource: "string",
    /** Transaction id (`transactionId`, text). */
    transactionId: "string",
    /** Trust messages (`trustMessages`, text). */
    trustMessages: "string",
    /** Unified source (`unifiedSource`, text). */
    unifiedSource: "string",
    /** Verdict (`verdict`, text). */
    verdict: "string",
  } as const;

  /** The joins, declared once: each is a read-only async method (see `join`). */
  static joins: JoinSpecs<{ computer: Computer; publisher: Publisher; certificate: Certificate }> =
    {
      /** The computer the file was first seen on (cached join on `computerId`). */
      computer: joinOn(() => Computer, "computerId"),
      /** The file's publisher (cached join on `publisherId`). */
      publisher: joinOn(() => Publisher, "publisherId"),
      /** The file's signing certificate (cached join on `certificateId`). */
      certificate: joinOn(() => Certificate, "certificateId"),
    };

  /**
   * The `publisher` field (publisher name as the server sent it): the property `publisher` is
   * the join to the {@linkcode Publisher} model, as in the Python library.
   */
  get publisherName(): string | undefined {
    return this.get<string>("publisher");
  }

  /** Ids are integers (numeric text is read as a number). */
  static override idKind: IdKind = "integer";

  /** The first hash the entry has: MD5, else SHA-1, else SHA-256. */
  get fileHash(): string | undefined {
    return fileHashOf(this.info);
  }
}
installFields(FileCatalog);

/** The typed document fields of {@linkcode FileAnalysis}, declared once in `FileAnalysis.fields`. */
export interface FileAnalysis extends WritableFieldValues<typeof FileAnalysis.fields> {}

/**
 * A file analysis request (legacy mutable model: saved with a PUT of the whole document).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbProtectionAPI, FileAnalysis } from "@cbapi/cbapi/protection";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbProtectionAPI.connect({ url: emu.url, token: emu.token });
 * const fa = await cb.select(FileAnalysis, 1);
 * assert.ok(fa.get("fileCatalogId") !== undefined);
 * ```
 */
export class FileAnalysis extends MutableModel<CbProtectionAPI> {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/fileAnalysis";
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Analysis result (`analysisResult`, integer). */
    analysisResult: "integer",
    /** Analysis status (`analysisStatus`, integer). */
    analysisStatus: "integer",
    /** Analysis target (`analysisTarget`, text). */
    analysisTarget: "string",
    /** Computer id (`computerId`, integer). */
    computerId: "integer",
    /** Connector id (`connectorId`, integer). */
    connectorId: "integer",
    /** Created by (`createdBy`, text). */
    createdBy: "string",
    /** Created by user id (`createdByUserId`, integer). */
    createdByUserId: "integer",
    /** Date created (`dateCreated`, date, raw text with `getRaw`). */
    dateCreated: "iso-date-time",
    /** Date modified (`dateModified`, date, raw text with `getRaw`). */
    dateModified: "iso-date-time",
    /** File catalog id (`fileCatalogId`, integer). */
    fileCatalogId: "integer",
    /** File name (`fileName`, text). */
    fileName: "string",
    /** Id (`id`, integer). */
    id: "integer",
    /** Path name (`pathName`, text). */
    pathName: "string",
    /** Priority (`priority`, integer). */
    priority: "integer",
  } as const;
  /** Printed in the legacy `key : value` form. */
  static override display: "schema" | "legacy" = "legacy";

  /** Ids are integers (numeric text is read as a number). */
  static override idKind: IdKind = "integer";
}
installFields(FileAnalysis);

/** The typed document fields of {@linkcode FileUpload}, declared once in `FileUpload.fields`. */
export interface FileUpload extends WritableFieldValues<typeof FileUpload.fields> {}

/**
 * A file uploaded from an agent to the server; {@linkcode FileUpload.file} streams its content.
 *
 * @example Download an uploaded file
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbProtectionAPI, FileUpload } from "@cbapi/cbapi/protection";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbProtectionAPI.connect({ url: emu.url, token: emu.token });
 * const upload = await cb.select(FileUpload, 1);
 * const bytes = new Uint8Array(await new Response(await upload.file()).arrayBuffer());
 * assert.ok(bytes[0] === 0x4d && bytes[1] === 0x5a); // "MZ"
 * ```
 */
export class FileUpload extends MutableModel<CbProtectionAPI> {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/fileUpload";
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Computer id (`computerId`, integer). */
    computerId: "integer",
    /** Created by (`createdBy`, text). */
    createdBy: "string",
    /** Created by user id (`createdByUserId`, integer). */
    createdByUserId: "integer",
    /** Date created (`dateCreated`, date, raw text with `getRaw`). */
    dateCreated: "iso-date-time",
    /** Date modified (`dateModified`, date, raw text with `getRaw`). */
    dateModified: "iso-date-time",
    /** File catalog id (`fileCatalogId`, integer). */
    fileCatalogId: "integer",
    /** File name (`fileName`, text). */
    fileName: "string",
    /** Id (`id`, integer). */
    id: "integer",
    /** Path name (`pathName`, text). */
    pathName: "string",
    /** Priority (`priority`, integer). */
    priority: "integer",
    /** Upload path (`uploadPath`, text). */
    uploadPath: "string",
    /** Upload status (`uploadStatus`, integer). */
    uploadStatus: "integer",
    /** Uploaded file size (`uploadedFileSize`, integer). */
    uploadedFileSize: "integer",
  } as const;
  /** Printed in the legacy `key : value` form. */
  static override display: "schema" | "legacy" = "legacy";

  /** Ids are integers (numeric text is read as a number). */
  static override idKind: IdKind = "integer";

  /**
   * The uploaded file: `GET fileUpload/{id}?downloadFile=true` (a ZIP), the first member
   * streamed.
   *
   * @param options Signal and timeout.
   * @returns The file's bytes, streamed; read or cancel it.
   * @throws {ObjectNotFoundError} When the upload does not exist.
   */
  file(options: RequestOptions = {}): Promise<ReadableStream<Uint8Array>> {
    return downloadFirstMember(this.cb, this.instanceUrl(), options);
  }
}
installFields(FileUpload);
