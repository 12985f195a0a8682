/**
 * Cb Protection events, notifiers, metered executions and drift reports (read-only models).
 *
 * @module
 */

import { Model, type ModelId, type RequestOptions } from "../core/mod.ts";
import { intId, join } from "./_util.ts";
import { FileCatalog } from "./file_catalog.ts";

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
export class Event extends Model {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/event";

  /**
   * Canonical id: an integer.
   *
   * @param id The id.
   * @returns The integer id.
   */
  static override normaliseId(id: ModelId): ModelId {
    return intId(id);
  }

  /** Event id. */
  get id(): number | undefined {
    return this.get<number>("id");
  }

  /** Event description. */
  get description(): string | undefined {
    return this.get<string>("description");
  }

  /**
   * The file the event is about (cached join on `fileCatalogId`).
   *
   * @param options Signal and timeout.
   * @returns The catalog entry, or undefined.
   */
  fileCatalog(options: RequestOptions = {}): Promise<FileCatalog | undefined> {
    return join(this.cb, FileCatalog, this.info.fileCatalogId, options);
  }
}

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
export class Notifier extends Model {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/notifier";
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
export class MeteredExecution extends Model {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/meteredExecution";
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
export class DriftReport extends Model {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/driftReport";
  /** The oldest server with this API. */
  static readonly minimumServerVersion: string = "8.0";

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
export class DriftReportContents extends Model {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/driftReportContents";
  /** The oldest server with this API. */
  static readonly minimumServerVersion: string = "8.0";

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
