/**
 * Cb Protection approval requests (`/api/bit9platform/v1/approvalRequest`).
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
import { Computer } from "./computer.ts";
import { FileCatalog } from "./file_catalog.ts";
import type { CbProtectionAPI } from "./api.ts";

/** The typed document fields of {@linkcode ApprovalRequest}, declared once in `ApprovalRequest.fields`. */
export interface ApprovalRequest
  extends
    WritableFieldValues<typeof ApprovalRequest.fields, never, "id">,
    Joins<typeof ApprovalRequest.joins> {}

/**
 * A user's request to approve a file (legacy mutable model: saved with a PUT of the whole
 * document). Resolve it by setting `resolution` and `status`.
 *
 * @example Approve an open request
 * ```ts
 * import assert from "node:assert/strict";
 * import { ApprovalRequest, CbProtectionAPI } from "@cbapi/cbapi/protection";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbProtectionAPI.connect({ url: emu.url, token: emu.token });
 * const req = await cb.select(ApprovalRequest).where(`status:${ApprovalRequest.StatusOpen}`).first();
 * if (req) {
 *   const file = await req.fileCatalog();
 *   assert.ok(file?.fileName !== undefined);
 *   req.resolution = ApprovalRequest.ResolutionApproved;
 *   req.status = ApprovalRequest.StatusClosed;
 *   await req.save();
 * }
 * ```
 */
export class ApprovalRequest extends MutableModel<CbProtectionAPI> {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/approvalRequest";
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Request id. */
    id: "integer",
    /** Resolution ({@linkcode ApprovalRequest.ResolutionApproved}, ...). */
    resolution: "integer",
    /** Status ({@linkcode ApprovalRequest.StatusOpen}, ...). */
    status: "integer",
    /** Computer id (`computerId`, integer). */
    computerId: "integer",
    /** Computer name (`computerName`, text). */
    computerName: "string",
    /** Created by (`createdBy`, text). */
    createdBy: "string",
    /** Created by user id (`createdByUserId`, integer). */
    createdByUserId: "integer",
    /** Custom rule id (`customRuleId`, integer). */
    customRuleId: "integer",
    /** Date created (`dateCreated`, date, raw text with `getRaw`). */
    dateCreated: "iso-date-time",
    /** Date modified (`dateModified`, date, raw text with `getRaw`). */
    dateModified: "iso-date-time",
    /** Enforcement level (`enforcementLevel`, integer). */
    enforcementLevel: "integer",
    /** File catalog id (`fileCatalogId`, integer). */
    fileCatalogId: "integer",
    /** File name (`fileName`, text). */
    fileName: "string",
    /** Installer file catalog id (`installerFileCatalogId`, integer). */
    installerFileCatalogId: "integer",
    /** Modified by (`modifiedBy`, text). */
    modifiedBy: "string",
    /** Modified by user id (`modifiedByUserId`, integer). */
    modifiedByUserId: "integer",
    /** Multiple blocks (`multipleBlocks`, flag). */
    multipleBlocks: "boolean",
    /** Path name (`pathName`, text). */
    pathName: "string",
    /** Policy id (`policyId`, integer). */
    policyId: "integer",
    /** Priority (`priority`, integer). */
    priority: "integer",
    /** Process (`process`, text). */
    process: "string",
    /** Process file catalog id (`processFileCatalogId`, integer). */
    processFileCatalogId: "integer",
    /** Request type (`requestType`, integer). */
    requestType: "integer",
    /** Requestor comments (`requestorComments`, text). */
    requestorComments: "string",
    /** Requestor email (`requestorEmail`, text). */
    requestorEmail: "string",
    /** Resolution comments (`resolutionComments`, text). */
    resolutionComments: "string",
  } as const;

  /** The joins, declared once: each is a read-only async method (see `join`). */
  static joins: JoinSpecs<
    {
      fileCatalog: FileCatalog;
      installerFileCatalog: FileCatalog;
      processFileCatalog: FileCatalog;
      computer: Computer;
    }
  > = {
    /** The requested file (cached join on `fileCatalogId`). */
    fileCatalog: joinOn(() => FileCatalog, "fileCatalogId"),
    /** The installer of the file (cached join on `installerFileCatalogId`). */
    installerFileCatalog: joinOn(() => FileCatalog, "installerFileCatalogId"),
    /** The process that wanted to run the file (cached join on `processFileCatalogId`). */
    processFileCatalog: joinOn(() => FileCatalog, "processFileCatalogId"),
    /** The computer the request came from (cached join on `computerId`). */
    computer: joinOn(() => Computer, "computerId"),
  };

  /** Printed in the legacy `key : value` form. */
  static override display: "schema" | "legacy" = "legacy";
  /** Resolution: not resolved. */
  static readonly ResolutionNotResolved = 0;
  /** Resolution: rejected. */
  static readonly ResolutionRejected = 1;
  /** Resolution: approved. */
  static readonly ResolutionApproved = 2;
  /** Resolution: rule change. */
  static readonly ResolutionRuleChange = 3;
  /** Resolution: installer. */
  static readonly ResolutionInstaller = 4;
  /** Resolution: updater. */
  static readonly ResolutionUpdater = 5;
  /** Resolution: publisher. */
  static readonly ResolutionPublisher = 6;
  /** Resolution: other. */
  static readonly ResolutionOther = 7;
  /** Status: submitted. */
  static readonly StatusSubmitted = 1;
  /** Status: open. */
  static readonly StatusOpen = 2;
  /** Status: closed. */
  static readonly StatusClosed = 3;

  /** Ids are integers (numeric text is read as a number). */
  static override idKind: IdKind = "integer";
}
installFields(ApprovalRequest);
