/**
 * Cb Response banned hashes (`/api/v1/banning/blacklist`).
 *
 * @module
 */

import {
  installFields,
  type ModelId,
  MutableModel,
  type RequestOptions,
  type WritableFieldValues,
} from "../core/mod.ts";
import type { CbResponseAPI } from "./api.ts";
import { Binary } from "./binary.ts";
import { SimpleQuery } from "./query.ts";

/** The typed document fields of {@linkcode BannedHash}, declared once in `BannedHash.fields`. */
export interface BannedHash
  extends WritableFieldValues<typeof BannedHash.fields, never, "block_count" | "username"> {}

/**
 * A banned MD5 hash. Create one with `cb.create(BannedHash)`, set `md5hash` and `text`, save.
 *
 * @example Ban a binary
 * ```ts
 * import assert from "node:assert/strict";
 * import { BannedHash, CbResponseAPI } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const bh = cb.create(BannedHash);
 * bh.md5hash = "CA4FAFFA957C71C006B59E29DFE3EB8B";
 * bh.text = "Banned from API";
 * bh.enabled = true;
 * await bh.save();
 * assert.ok(bh.enabled === true);
 * ```
 */
export class BannedHash extends MutableModel<CbResponseAPI> {
  /** The REST path of the collection. */
  static override urlObject = "/api/v1/banning/blacklist";
  /** The id field. */
  static override primaryKey = "md5hash";
  /** Whether `cb.create()` may build one. */
  static override creatable = true;
  /** The create body keeps the id. */
  static override sendPrimaryKeyOnCreate = true;
  /** The list route (the Python library asks for up to 10,000 entries). */
  static readonly listUrl: string = "/api/v1/banning/blacklist?count=10000";
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** The banned MD5. */
    md5hash: "string",
    /** Why it is banned. */
    text: "string",
    /** Whether the ban is active. */
    enabled: "boolean",
    /** User id (`user_id`, integer). */
    user_id: "integer",
    /** Who banned it. */
    username: "string",
    /** Timestamp (`timestamp`, date, raw text with `getRaw`). */
    timestamp: "iso-date-time",
    /** Last block time (`last_block_time`, date, raw text with `getRaw`). */
    last_block_time: "iso-date-time",
    /** How often it was blocked. */
    block_count: "integer",
    /** Last block sensor id (`last_block_sensor_id`, integer). */
    last_block_sensor_id: "integer",
    /** Last block hostname (`last_block_hostname`, text). */
    last_block_hostname: "string",
    /** Binary valid (`binary_valid`, flag). */
    binary_valid: "boolean",
    /** Description (`description`, text). */
    description: "string",
    /** Audit (`audit`, list). */
    audit: "array",
  } as const;

  /**
   * Canonical id: the MD5 in upper case.
   *
   * @param id The MD5.
   * @returns The upper-case MD5.
   */
  static override normaliseId(id: ModelId): ModelId {
    return String(id).toUpperCase();
  }

  /**
   * The list query of banned hashes.
   *
   * @param api The API.
   * @returns A new query.
   */
  static query(api: CbResponseAPI): SimpleQuery<BannedHash> {
    return new SimpleQuery(api, BannedHash);
  }

  /**
   * The banned binary (cached join).
   *
   * @param options Signal and timeout.
   * @returns The binary.
   */
  async binary(options: RequestOptions = {}): Promise<Binary | undefined> {
    return await this.join(Binary, "md5hash", options);
  }
}
installFields(BannedHash);
