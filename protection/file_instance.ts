/**
 * Cb Protection file instances (`/api/bit9platform/v1/fileInstance`) and the read-only
 * file-instance views.
 *
 * @module
 */

import {
  type FieldKind,
  installFields,
  Model,
  type ModelId,
  MutableModel,
  type RequestOptions,
} from "../core/mod.ts";
import { intId, join } from "./_util.ts";
import { Computer } from "./computer.ts";
import { FileCatalog } from "./file_catalog.ts";

/**
 * One file on one computer. Approve it locally by setting `localState = 2` and saving: the
 * update is a `POST fileInstance/{id}` with the whole document.
 *
 * @example Locally approve a file
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbProtectionAPI, FileInstance } from "@cbapi/cbapi/protection";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbProtectionAPI.connect({ url: emu.url, token: emu.token });
 * const fi = await cb.select(FileInstance).where("localState:1").first();
 * if (fi) {
 *   const computer = await fi.computer();
 *   assert.ok(computer?.name !== undefined);
 *   fi.localState = 2;
 *   await fi.save();
 *   assert.ok(fi.localState === 2);
 * }
 * ```
 */
export class FileInstance extends MutableModel {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/fileInstance";
  /** Updates are POSTed to the instance path. */
  static override updateMethod = "POST";
  /** Documented fields and their types (the Python model has no schema). */
  static override fields: Readonly<Record<string, FieldKind>> = {
    id: "integer",
    fileCatalogId: "integer",
    fileInstanceGroupId: "integer",
    computerId: "integer",
    policyId: "integer",
    dateCreated: "iso-date-time",
    fileName: "string",
    pathName: "string",
    executed: "boolean",
    localState: "integer",
    detailedLocalState: "integer",
    detachedPublisherId: "integer",
    detachedCertificateId: "integer",
    topLevel: "boolean",
    initialized: "boolean",
    certificateId: "integer",
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

  /** Instance id. */
  declare readonly id: number | undefined;
  /** File catalog id. */
  declare readonly fileCatalogId: number | undefined;
  /** Computer id. */
  declare readonly computerId: number | undefined;
  /** File name. */
  declare readonly fileName: string | undefined;
  /** Folder of the file. */
  declare readonly pathName: string | undefined;
  /** Local state: 1 unapproved, 2 approved, 3 banned. */
  declare localState: number | undefined;
  /** Whether the file was executed. */
  declare readonly executed: boolean | undefined;

  /**
   * The computer the file is on (cached join on `computerId`).
   *
   * @param options Signal and timeout.
   * @returns The computer, or undefined.
   */
  computer(options: RequestOptions = {}): Promise<Computer | undefined> {
    return join(this.cb, Computer, this.info.computerId, options);
  }

  /**
   * The file's catalog entry (cached join on `fileCatalogId`).
   *
   * @param options Signal and timeout.
   * @returns The catalog entry, or undefined.
   */
  fileCatalog(options: RequestOptions = {}): Promise<FileCatalog | undefined> {
    return join(this.cb, FileCatalog, this.info.fileCatalogId, options);
  }
}
installFields(FileInstance);

/**
 * A file instance that was deleted (read-only).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbProtectionAPI, FileInstanceDeleted } from "@cbapi/cbapi/protection";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbProtectionAPI.connect({ url: emu.url, token: emu.token });
 * const gone = await cb.select(FileInstanceDeleted).toArray();
 * assert.ok(gone.every((d) => typeof d.get("fileName") === "string"));
 * ```
 */
export class FileInstanceDeleted extends Model {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/fileInstanceDeleted";
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
 * A group of file instances written together (read-only).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbProtectionAPI, FileInstanceGroup } from "@cbapi/cbapi/protection";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbProtectionAPI.connect({ url: emu.url, token: emu.token });
 * assert.ok(await cb.select(FileInstanceGroup).count() > 0);
 * ```
 */
export class FileInstanceGroup extends Model {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/fileInstanceGroup";
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
 * An internal event. The Python library reads it from the `fileInstance` path (sic), and so does
 * this port, to stay wire-identical.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbProtectionAPI, InternalEvent } from "@cbapi/cbapi/protection";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbProtectionAPI.connect({ url: emu.url, token: emu.token });
 * const first = await cb.select(InternalEvent).first();
 * assert.ok(first !== undefined);
 * ```
 */
export class InternalEvent extends Model {
  /** The REST path of the collection (the file-instance path, as in the Python library). */
  static override urlObject = "/api/bit9platform/v1/fileInstance";
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
