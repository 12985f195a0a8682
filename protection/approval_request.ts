/**
 * Cb Protection approval requests (`/api/bit9platform/v1/approvalRequest`).
 *
 * @module
 */

import { type ModelId, MutableModel, type RequestOptions } from "../core/mod.ts";
import { intId, join } from "./_util.ts";
import { Computer } from "./computer.ts";
import { FileCatalog } from "./file_catalog.ts";

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
export class ApprovalRequest extends MutableModel {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/approvalRequest";
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

  /**
   * Canonical id: an integer.
   *
   * @param id The id.
   * @returns The integer id.
   */
  static override normaliseId(id: ModelId): ModelId {
    return intId(id);
  }

  /** Request id. */
  get id(): number | undefined {
    return this.get<number>("id");
  }

  /** Resolution ({@linkcode ApprovalRequest.ResolutionApproved}, ...). */
  get resolution(): number | undefined {
    return this.get<number>("resolution");
  }
  set resolution(value: number | undefined) {
    this.set("resolution", value);
  }

  /** Status ({@linkcode ApprovalRequest.StatusOpen}, ...). */
  get status(): number | undefined {
    return this.get<number>("status");
  }
  set status(value: number | undefined) {
    this.set("status", value);
  }

  /**
   * The requested file (cached join on `fileCatalogId`).
   *
   * @param options Signal and timeout.
   * @returns The catalog entry, or undefined.
   */
  fileCatalog(options: RequestOptions = {}): Promise<FileCatalog | undefined> {
    return join(this.cb, FileCatalog, this.info.fileCatalogId, options);
  }

  /**
   * The installer of the file (cached join on `installerFileCatalogId`).
   *
   * @param options Signal and timeout.
   * @returns The catalog entry, or undefined.
   */
  installerFileCatalog(options: RequestOptions = {}): Promise<FileCatalog | undefined> {
    return join(this.cb, FileCatalog, this.info.installerFileCatalogId, options);
  }

  /**
   * The process that wanted to run the file (cached join on `processFileCatalogId`).
   *
   * @param options Signal and timeout.
   * @returns The catalog entry, or undefined.
   */
  processFileCatalog(options: RequestOptions = {}): Promise<FileCatalog | undefined> {
    return join(this.cb, FileCatalog, this.info.processFileCatalogId, options);
  }

  /**
   * The computer the request came from (cached join on `computerId`).
   *
   * @param options Signal and timeout.
   * @returns The computer, or undefined.
   */
  computer(options: RequestOptions = {}): Promise<Computer | undefined> {
    return join(this.cb, Computer, this.info.computerId, options);
  }
}
