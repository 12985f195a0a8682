/**
 * The feed tags of a process or binary document (`alliance_{kind}_{feed}` fields), read the same
 * way for both.
 *
 * @module
 */

import { Model } from "../core/mod.ts";
import { toNumber } from "../core/_internal.ts";
import type { CbResponseAPI } from "./api.ts";
import { tagMap } from "./_event_parse.ts";

/**
 * Base of {@linkcode Process} and {@linkcode Binary}: the feeds that tagged the document
 * (threat-intelligence fields `alliance_score_{feed}`, `alliance_link_{feed}`,
 * `alliance_data_{feed}`, ...).
 *
 * @example The feeds that tagged a binary
 * ```ts
 * import assert from "node:assert/strict";
 * import { Binary, CbResponseAPI, FeedTaggedModel } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const bin = await cb.select(Binary).where("alliance_score_virustotal:[1 TO *]").first();
 * assert.ok(bin instanceof FeedTaggedModel);
 * assert.ok(bin.tags.includes("virustotal") && bin.tagScore("virustotal")! > 0);
 * ```
 */
export abstract class FeedTaggedModel extends Model<CbResponseAPI> {
  /** The feeds that tagged this document (fields `alliance_{kind}_{feed}` of the loaded document). */
  get tags(): string[] {
    return Object.keys(tagMap(this.info));
  }

  /**
   * Everything a feed said of this document: `{ score, link, data, ... }` as sent.
   *
   * @param feed The feed name, e.g. `virustotal`.
   * @returns The tag's fields (empty when the feed did not tag it).
   */
  tagInfo(feed: string): Record<string, unknown> {
    return { ...tagMap(this.info)[feed] };
  }

  /**
   * A feed's data (`alliance_data_{feed}`).
   *
   * @param feed The feed name.
   * @returns The data, or undefined.
   */
  tagData(feed: string): unknown {
    return tagMap(this.info)[feed]?.data;
  }

  /**
   * A feed's score (`alliance_score_{feed}`, sent as a number or as text).
   *
   * @param feed The feed name.
   * @returns The score, or undefined.
   */
  tagScore(feed: string): number | undefined {
    return toNumber(tagMap(this.info)[feed]?.score);
  }

  /**
   * A feed's link (`alliance_link_{feed}`).
   *
   * @param feed The feed name.
   * @returns The link, or undefined.
   */
  tagLink(feed: string): string | undefined {
    const v = tagMap(this.info)[feed]?.link;
    return v === undefined || v === null ? undefined : String(v);
  }
}
