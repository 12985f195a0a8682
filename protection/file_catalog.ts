/**
 * Cb Protection file catalog entries, file analyses and file uploads.
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
import { Certificate, Publisher } from "./certificate.ts";
import { Computer } from "./computer.ts";

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
export class FileCatalog extends MutableModel {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/fileCatalog";
  /** Documented fields and their types (the Python model has no schema). */
  static override fields: Readonly<Record<string, FieldKind>> = {
    id: "integer",
    dateCreated: "iso-date-time",
    pathName: "string",
    fileName: "string",
    fileExtension: "string",
    computerId: "integer",
    md5: "string",
    sha1: "string",
    sha256: "string",
    sha256HashType: "integer",
    fileType: "string",
    fileSize: "integer",
    productName: "string",
    publisherOrCompany: "string",
    publisherId: "integer",
    certificateId: "integer",
    productVersion: "string",
    installedProgramName: "string",
    reputationAvailable: "boolean",
    threat: "integer",
    trust: "integer",
    prevalence: "integer",
    fileFlags: "integer",
    effectiveState: "string",
    approvedByReputation: "boolean",
    reputationEnabled: "boolean",
    fileState: "integer",
    publisherState: "integer",
    certificateState: "integer",
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

  /** Catalog id. */
  declare readonly id: number | undefined;
  /** File name. */
  declare readonly fileName: string | undefined;
  /** MD5. */
  declare readonly md5: string | undefined;
  /** SHA-1. */
  declare readonly sha1: string | undefined;
  /** SHA-256. */
  declare readonly sha256: string | undefined;
  /** On how many computers the file is. */
  declare readonly prevalence: number | undefined;
  /** File state: 1 unapproved, 2 approved, 3 banned. */
  declare fileState: number | undefined;
  /** Publisher id. */
  declare readonly publisherId: number | undefined;

  /** The first hash the entry has: MD5, else SHA-1, else SHA-256. */
  get fileHash(): string | undefined {
    return fileHashOf(this.info);
  }

  /**
   * The computer the file was first seen on (cached join on `computerId`).
   *
   * @param options Signal and timeout.
   * @returns The computer, or undefined when the id is not set.
   */
  computer(options: RequestOptions = {}): Promise<Computer | undefined> {
    return join(this.cb, Computer, this.info.computerId, options);
  }

  /**
   * The file's publisher (cached join on `publisherId`).
   *
   * @param options Signal and timeout.
   * @returns The publisher, or undefined when the id is not set.
   */
  publisher(options: RequestOptions = {}): Promise<Publisher | undefined> {
    return join(this.cb, Publisher, this.info.publisherId, options);
  }

  /**
   * The file's signing certificate (cached join on `certificateId`).
   *
   * @param options Signal and timeout.
   * @returns The certificate, or undefined when the id is not set.
   */
  certificate(options: RequestOptions = {}): Promise<Certificate | undefined> {
    return join(this.cb, Certificate, this.info.certificateId, options);
  }
}
installFields(FileCatalog);

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
export class FileAnalysis extends MutableModel {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/fileAnalysis";
  /** Printed in the legacy `key : value` form. */
  static override display: "schema" | "legacy" = "legacy";

  /**
   * Canonical id: an integer.
   *
   * @param id The id.
   * @returns The integer id.
   */
  static override normaliseId(id: ModelId): ModelId {
    return intId(id);
  }
}

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
export class FileUpload extends MutableModel {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/fileUpload";
  /** Printed in the legacy `key : value` form. */
  static override display: "schema" | "legacy" = "legacy";

  /**
   * Canonical id: an integer.
   *
   * @param id The id.
   * @returns The integer id.
   */
  static override normaliseId(id: ModelId): ModelId {
    return intId(id);
  }

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
