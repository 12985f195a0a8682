/**
 * Cb Response sites (`/api/site`) and their bandwidth throttle rules (`/api/throttle`).
 *
 * @example List the throttle rules of the default site
 * ```ts
 * import { CbResponseAPI, Site } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const site = await cb.select(Site, 1);
 * for await (const rule of site.throttleRules()) console.log(rule.from, rule.to);
 * ```
 *
 * @module
 */

import { installFields } from "../core/_internal.ts";
import {
  type Document,
  type FieldValues,
  type IdKind,
  join,
  type Joins,
  type JoinSpecs,
  Model,
  MutableModel,
  ObjectNotFoundError,
  type WritableFieldValues,
} from "../core/mod.ts";
import type { CbResponseAPI } from "./api.ts";
import { SimpleQuery } from "./query.ts";

/** The typed document fields of {@linkcode Site}, declared once in `Site.fields`. */
export interface Site extends WritableFieldValues<typeof Site.fields, never, "group_ids" | "id"> {}

/**
 * A site: a set of sensor groups sharing bandwidth throttle rules. Created with
 * `cb.create(Site)`; the server answers `{"id": N}` and the client loads the new site.
 *
 * @example Create, rename and delete a site
 * ```ts
 * import { CbResponseAPI, Site } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * import assert from "node:assert/strict";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const site = cb.create(Site, { name: "Branch office" });
 * await site.save();
 * site.name = "Branch office (EU)";
 * await site.save();
 * assert.equal(emu.state.sites.get(site.id!)?.name, "Branch office (EU)");
 * await site.delete();
 * ```
 */
export class Site extends MutableModel<CbResponseAPI> {
  /** The REST path of the collection. */
  static override urlObject = "/api/site";
  /** Whether `cb.create()` may build one. */
  static override creatable = true;
  /** Fields that must be set before a save. */
  static override required: readonly string[] = ["name"];
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Site id. */
    id: "integer",
    /** Site name. */
    name: "string",
    /** Ids of the sensor groups in the site (as the server lists them). */
    group_ids: ["integer"],
  } as const;

  /** Ids are integers (numeric text is read as a number). */
  static override idKind: IdKind = "integer";

  /**
   * The list query of `GET /api/site` (rows are whole documents).
   *
   * @param api The API.
   * @returns A new query.
   */
  static query(api: CbResponseAPI): SimpleQuery<Site> {
    return new SimpleQuery(api, Site);
  }

  /**
   * Unwraps the answer: `GET /api/site/{id}` answers an array of one.
   *
   * @param json The parsed answer.
   * @returns The document.
   * @throws {ObjectNotFoundError} When the answer is not an array of exactly one site.
   */
  protected override parseDocument(json: unknown): Document {
    if (!Array.isArray(json) || json.length !== 1) {
      throw new ObjectNotFoundError(
        `Cannot find site "${String(this.uniqueId)}" on ${this.cb.url}: the server answered ` +
          `${Array.isArray(json) ? `${json.length} sites` : "no list"}. List the sites with ` +
          `cb.select(Site)`,
        {
          body: JSON.stringify(json ?? null).slice(0, 200),
          method: "GET",
          url: `${this.cb.url}${this.instanceUrl()}`,
        },
      );
    }
    return super.parseDocument(json[0]);
  }

  /**
   * The throttle rules of this site (`select(ThrottleRule).where("site_id:{id}")`, filtered on
   * the client).
   *
   * @returns A query of the site's rules.
   */
  throttleRules(): SimpleQuery<ThrottleRule> {
    return ThrottleRule.query(this.cb).where(`site_id:${this.uniqueId}`);
  }
}
installFields(Site);

/** The typed document fields of {@linkcode ThrottleRule}, declared once in `ThrottleRule.fields`. */
export interface ThrottleRule
  extends FieldValues<typeof ThrottleRule.fields>, Joins<typeof ThrottleRule.joins> {}

/**
 * A bandwidth throttle rule of a site (read-only: the Python library cannot change them
 * either).
 *
 * @example Every rule with its site
 * ```ts
 * import { CbResponseAPI, ThrottleRule } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * import assert from "node:assert/strict";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * for await (const rule of cb.select(ThrottleRule)) {
 *   const site = await rule.site();
 *   assert.equal(site?.id, rule.site_id);
 * }
 * ```
 */
export class ThrottleRule extends Model<CbResponseAPI> {
  /** The REST path of the collection. */
  static override urlObject = "/api/throttle";
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Rule id. */
    id: "integer",
    /** Id of the site the rule belongs to. */
    site_id: "integer",
    /** Rule name. */
    name: "string",
    /** Start time of day (`HH:MM`). */
    from: "string",
    /** End time of day (`HH:MM`). */
    to: "string",
    /** Days the rule applies, as the server sends them (for example `"1,2,3,4,5"`). */
    day_of_week: "string",
    /** Bandwidth cap in bytes per second. */
    bytes_per_second: "integer",
  } as const;

  /** Ids are integers (numeric text is read as a number). */
  static override idKind: IdKind = "integer";

  /** The joins, declared once: each is a read-only async method (see `join`). */
  static joins: JoinSpecs<{ site: Site }> = {
    /** The site of this rule (cached join on `site_id`). */
    site: join(Site, "site_id"),
  };

  /**
   * The list query of `GET /api/throttle`.
   *
   * @param api The API.
   * @returns A new query.
   */
  static query(api: CbResponseAPI): SimpleQuery<ThrottleRule> {
    return new SimpleQuery(api, ThrottleRule);
  }
}
installFields(ThrottleRule, { writable: false });
