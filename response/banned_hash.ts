/**
 * Cb Response banned hashes (`/api/v1/banning/blacklist`).
 *
 * @module
 */

import { installFields } from "../core/_internal.ts";
import {
  ApiError,
  type IdKind,
  join,
  type Joins,
  type JoinSpecs,
  MutableModel,
  type SaveOptions,
  type WritableFieldValues,
} from "../core/mod.ts";
import type { CbResponseAPI } from "./api.ts";
import { Binary } from "./binary.ts";
import { SimpleQuery } from "./query.ts";

/** The typed document fields of {@linkcode BannedHash}, declared once in `BannedHash.fields`. */
export interface BannedHash
  extends
    WritableFieldValues<typeof BannedHash.fields, never, "block_count" | "username">,
    Joins<typeof BannedHash.joins> {}

/**
 * A banned MD5 hash. Create one with `cb.create(BannedHash)`, set `md5hash` and `text`, save.
 *
 * Saving follows the server's banning routes (SPEC §5.10): setting `enabled = true` POSTs the
 * whole document to `/api/v1/banning/blacklist` (that creates or re-enables the ban); setting
 * `enabled = false` sends `DELETE /api/v1/banning/blacklist/{md5}`, and because the server then
 * forgets the ban's text, a non-empty `text` (or any other change) is put back with a `PUT` of
 * the whole document. Other changes are a plain `PUT`.
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

  /** The joins, declared once: each is a read-only async method (see `join`). */
  static joins: JoinSpecs<{ binary: Binary }> = {
    /** The banned binary (cached join). */
    binary: join(() => Binary, "md5hash"),
  };

  /** Ids are MD5s (32 hexadecimal characters), upper-cased. */
  static override idKind: IdKind = "md5";

  /**
   * The list query of banned hashes.
   *
   * @param api The API.
   * @returns A new query.
   */
  static query(api: CbResponseAPI): SimpleQuery<BannedHash> {
    return new SimpleQuery(api, BannedHash);
  }

  /** Whether the pending changes switch the ban on. */
  #enabling(): boolean {
    return this.dirtyFields.includes("enabled") && this.info.enabled === true;
  }

  /** Enabling a ban is a POST of the whole document, as a create is (SPEC §5.10). */
  protected override isNew(): boolean {
    return super.isNew() || this.#enabling();
  }

  /**
   * Saves the ban per SPEC §5.10: enabling POSTs the whole document; disabling sends a DELETE,
   * then a PUT of the whole document when the ban has a text (which the DELETE erased on the
   * server) or other changes; anything else is a PUT. Nothing is sent when nothing changed.
   *
   * @param options Signal and timeout.
   * @returns This ban, refreshed from the server's answer.
   * @throws {ServerError} When the server refused (for example 409: already banned).
   *
   * @example Disable a ban, keeping its text
   * ```ts
   * import assert from "node:assert/strict";
   * import { BannedHash, CbResponseAPI } from "@cbapi/cbapi/response";
   * import { CbEmulator } from "@cbapi/cbapi/testing";
   * await using emu = await CbEmulator.start();
   * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
   * const bh = cb.create(BannedHash, { md5hash: "CA4FAFFA957C71C006B59E29DFE3EB8B" });
   * bh.text = "Banned from API";
   * bh.enabled = true;
   * await bh.save();
   * bh.enabled = false;
   * await bh.save();
   * assert.equal(bh.enabled, false);
   * assert.equal(bh.text, "Banned from API");
   * ```
   */
  override async save(options: SaveOptions = {}): Promise<this> {
    const dirty = this.dirtyFields;
    if (!dirty.includes("enabled") || this.info.enabled === true) {
      return await super.save(options);
    }
    if (!this.fullyInitialized && !super.isNew()) {
      const changes = dirty.map((k) => [k, this.info[k]] as const);
      await this.refresh(options);
      for (const [k, v] of changes) this.setRaw(k, v);
      if (!this.dirtyFields.includes("enabled")) return await super.save(options);
    }
    this.validate();
    const path = this.instanceUrl();
    this.cb.connection.logger.debug(`Disabling BannedHash ${String(this.uniqueId)}`);
    const res = await this.cb.connection.requestJson("DELETE", path, options);
    this.#checkStatus(res.status, "DELETE", path);
    const text = this.info.text;
    const others = this.dirtyFields.some((k) => k !== "enabled");
    if ((typeof text === "string" && text !== "") || others) {
      const put = await this.cb.connection.requestJson("PUT", path, {
        ...options,
        json: this.updateBody(),
      });
      this.#checkStatus(put.status, "PUT", path);
      await this.handleSaveAnswer(put.data, "PUT", path, options);
    } else {
      await this.handleSaveAnswer(res.data, "DELETE", path, options);
    }
    this.afterRefresh(); // the document now mirrors the server: no pending change is left
    return this;
  }

  #checkStatus(status: number, method: string, path: string): void {
    if (status >= 200 && status <= 299) return;
    throw ApiError.fromResponse({
      status,
      body: "",
      method,
      url: `${this.cb.url}${path}`,
      result: "Did not update BannedHash record.",
    });
  }
}
installFields(BannedHash);
