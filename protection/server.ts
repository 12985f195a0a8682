/**
 * Cb Protection server configuration and performance (read-only), updaters, script rules and
 * trusted directories.
 *
 * @module
 */

import { Model, type ModelId, MutableModel } from "../core/mod.ts";
import { intId } from "./_util.ts";

/**
 * One server configuration setting (read-only); {@linkcode CbProtectionAPI.info} holds them
 * all as a dictionary.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbProtectionAPI, ServerConfig } from "@cbapi/cbapi/protection";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbProtectionAPI.connect({ url: emu.url, token: emu.token });
 * const row = await cb.select(ServerConfig).where("name:ParityServerVersion").one();
 * assert.ok(row.get("value") === cb.serverVersion);
 * ```
 */
export class ServerConfig extends Model {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/serverConfig";
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
 * A server performance sample (read-only).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbProtectionAPI, ServerPerformance } from "@cbapi/cbapi/protection";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbProtectionAPI.connect({ url: emu.url, token: emu.token });
 * assert.ok(await cb.select(ServerPerformance).count() > 0);
 * ```
 */
export class ServerPerformance extends Model {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/serverPerformance";
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
 * A trusted updater (legacy mutable model: saved with a PUT of the whole document).
 *
 * @example Disable an updater
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbProtectionAPI, Updater } from "@cbapi/cbapi/protection";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbProtectionAPI.connect({ url: emu.url, token: emu.token });
 * const updater = await cb.select(Updater, 1);
 * updater.set("enabled", false);
 * await updater.save();
 * assert.ok(updater.get("enabled") === false);
 * ```
 */
export class Updater extends MutableModel {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/updater";
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
 * A script rule (Cb Protection 8.0+); changes are saved with a PUT.
 *
 * @example
 * ```ts
 * import { CbProtectionAPI, ScriptRule } from "@cbapi/cbapi/protection";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbProtectionAPI.connect({ url: emu.url, token: emu.token });
 * const rule = await cb.select(ScriptRule, 1);
 * rule.set("enabled", false);
 * await rule.save();
 * ```
 */
export class ScriptRule extends MutableModel {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/scriptRule";
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
 * A trusted directory (Cb Protection 8.0+); changes are saved with a PUT.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbProtectionAPI, TrustedDirectory } from "@cbapi/cbapi/protection";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbProtectionAPI.connect({ url: emu.url, token: emu.token });
 * const dirs = await cb.select(TrustedDirectory).toArray();
 * assert.ok(dirs.length > 0);
 * ```
 */
export class TrustedDirectory extends MutableModel {
  /** The REST path of the collection. */
  static override urlObject = "/api/bit9platform/v1/trustedDirectory";
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
