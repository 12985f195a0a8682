/**
 * Cb Protection file instances (`/api/bit9platform/v1/fileInstance`) and the read-only
 * file-instance views.
 *
 * @module
 */

import { installFields } from "../core/_internal.ts";
import {
  type FieldValues,
  type IdKind,
  type Joins,
  type JoinSpecs,
  Model,
  MutableModel,
  type WritableFieldValues,
} from "../core/mod.ts";
import { joinOn } from "./_util.ts";
import { Computer } from "./computer.ts";
import { FileCatalog } from "./file_catalog.ts";
import type { CbProtectionAPI } from "./api.ts";
import { Event } from "./event.ts";

/** The typed document fields of {@linkcode FileInstance}, declared once in `FileInstance.fields`. */
export interface FileInstance extends
  WritableFieldValues<
    typeof FileInstance.fields,
    never,
    "computerId" | "executed" | "fileCatalogId" | "fileName" | "id" | "pathName"
  >,
  Joins<typeof FileInstance.joins> {}

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
export class FileInstance extends MutableModel<CbProtectionAPI> {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/fileInstance";
  /** Updates are POSTed to the instance path. */
  static override updateMethod = "POST";
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Instance id. */
    id: "integer",
    /** File catalog id. */
    fileCatalogId: "integer",
    /** File instance group id (`fileInstanceGroupId`, integer). */
    fileInstanceGroupId: "integer",
    /** Computer id. */
    computerId: "integer",
    /** Policy id (`policyId`, integer). */
    policyId: "integer",
    /** Date created (`dateCreated`, date, raw text with `getRaw`). */
    dateCreated: "iso-date-time",
    /** File name. */
    fileName: "string",
    /** Folder of the file. */
    pathName: "string",
    /** Whether the file was executed. */
    executed: "boolean",
    /** Local state: 1 unapproved, 2 approved, 3 banned. */
    localState: "integer",
    /** Detailed local state (`detailedLocalState`, integer). */
    detailedLocalState: "integer",
    /** Detached publisher id (`detachedPublisherId`, integer). */
    detachedPublisherId: "integer",
    /** Detached certificate id (`detachedCertificateId`, integer). */
    detachedCertificateId: "integer",
    /** Top level (`topLevel`, flag). */
    topLevel: "boolean",
    /** Initialized (`initialized`, flag). */
    initialized: "boolean",
    /** Certificate id (`certificateId`, integer). */
    certificateId: "integer",
    /** Unified source (`unifiedSource`, text). */
    unifiedSource: "string",
  } as const;

  /** Ids are integers (numeric text is read as a number). */
  static override idKind: IdKind = "integer";

  /** The joins, declared once: each is a read-only async method (see `join`). */
  static joins: JoinSpecs<{ computer: Computer; fileCatalog: FileCatalog }> = {
    /** The computer the file is on (cached join on `computerId`). */
    computer: joinOn(() => Computer, "computerId"),
    /** The file's catalog entry (cached join on `fileCatalogId`). */
    fileCatalog: joinOn(() => FileCatalog, "fileCatalogId"),
  };
}
installFields(FileInstance);

/** The typed document fields of {@linkcode FileInstanceDeleted}, declared once in `FileInstanceDeleted.fields`. */
export interface FileInstanceDeleted extends FieldValues<typeof FileInstanceDeleted.fields> {}

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
export class FileInstanceDeleted extends Model<CbProtectionAPI> {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/fileInstanceDeleted";
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Date created (`dateCreated`, date, raw text with `getRaw`). */
    dateCreated: "iso-date-time",
    /** Date deleted (`dateDeleted`, date, raw text with `getRaw`). */
    dateDeleted: "iso-date-time",
    /** Detached certificate id (`detachedCertificateId`, integer). */
    detachedCertificateId: "integer",
    /** Detached publisher id (`detachedPublisherId`, integer). */
    detachedPublisherId: "integer",
    /** File catalog id (`fileCatalogId`, integer). */
    fileCatalogId: "integer",
    /** File instance group id (`fileInstanceGroupId`, integer). */
    fileInstanceGroupId: "integer",
    /** File name (`fileName`, text). */
    fileName: "string",
    /** Id (`id`, integer). */
    id: "integer",
    /** Path name (`pathName`, text). */
    pathName: "string",
    /** Id of the computer the file was deleted from. */
    computerId: "integer",
  } as const;
  /** Printed in the legacy `key : value` form. */
  static override display: "schema" | "legacy" = "legacy";

  /** Ids are integers (numeric text is read as a number). */
  static override idKind: IdKind = "integer";
}
installFields(FileInstanceDeleted, { writable: false });

/** The typed document fields of {@linkcode FileInstanceGroup}, declared once in `FileInstanceGroup.fields`. */
export interface FileInstanceGroup extends FieldValues<typeof FileInstanceGroup.fields> {}

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
export class FileInstanceGroup extends Model<CbProtectionAPI> {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/fileInstanceGroup";
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Computer id (`computerId`, integer). */
    computerId: "integer",
    /** Date created (`dateCreated`, date, raw text with `getRaw`). */
    dateCreated: "iso-date-time",
    /** File catalog id (`fileCatalogId`, integer). */
    fileCatalogId: "integer",
    /** File name (`fileName`, text). */
    fileName: "string",
    /** Group type (`groupType`, integer). */
    groupType: "integer",
    /** Id (`id`, integer). */
    id: "integer",
    /** Installed program name (`installedProgramName`, text). */
    installedProgramName: "string",
    /** Path name (`pathName`, text). */
    pathName: "string",
    /** User name (`userName`, text). */
    userName: "string",
    /** Name of the group. */
    name: "string",
  } as const;
  /** Printed in the legacy `key : value` form. */
  static override display: "schema" | "legacy" = "legacy";

  /** Ids are integers (numeric text is read as a number). */
  static override idKind: IdKind = "integer";
}
installFields(FileInstanceGroup, { writable: false });

/** The typed document fields of {@linkcode InternalEvent}, declared once in `InternalEvent.fields`. */
export interface InternalEvent extends FieldValues<typeof InternalEvent.fields> {}

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
export class InternalEvent extends Model<CbProtectionAPI> {
  /** The REST path of the collection (the file-instance path, as in the Python library). */
  static override urlObject = "/api/bit9platform/v1/fileInstance";
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Every field of an {@linkcode Event}, then the file-instance fields the route answers. */
    ...Event.fields,
    /** File instance group id (the route answers file instances). */
    fileInstanceGroupId: "integer",
    /** When the file instance was created. */
    dateCreated: "iso-date-time",
    /** Whether the file ran. */
    executed: "boolean",
    /** Local state of the file instance. */
    localState: "integer",
    /** Detailed local state. */
    detailedLocalState: "integer",
    /** Publisher id of a detached signature. */
    detachedPublisherId: "integer",
    /** Certificate id of a detached signature. */
    detachedCertificateId: "integer",
    /** Whether the instance is top-level. */
    topLevel: "boolean",
    /** Whether the instance is initialized. */
    initialized: "boolean",
    /** Certificate id of the file. */
    certificateId: "integer",
    /** Unified management source of the file instance. */
    unifiedSource: "string",
  } as const;
  /** Printed in the legacy `key : value` form. */
  static override display: "schema" | "legacy" = "legacy";

  /** Ids are integers (numeric text is read as a number). */
  static override idKind: IdKind = "integer";
}
installFields(InternalEvent, { writable: false });
