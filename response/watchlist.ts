/**
 * Cb Response watchlists (`/api/v1/watchlist`): saved searches the server runs periodically,
 * and their actions.
 *
 * @module
 */

import {
  ApiError,
  InvalidObjectError,
  type ModelId,
  MutableModel,
  type RequestOptions,
  type WritableFieldValues,
} from "../core/mod.ts";
import { idSegment, installFields, parseQuery, quotePath } from "../core/_internal.ts";
import { ActionModel } from "./action_model.ts";
import type { CbResponseAPI } from "./api.ts";
import { Binary } from "./binary.ts";
import { Process, type ProcessQuery } from "./process.ts";
import { ArrayQuery, type SearchQuery, SimpleQuery } from "./query.ts";

/** The typed document fields of {@linkcode Watchlist}, declared once in `Watchlist.fields`. */
export interface Watchlist extends
  WritableFieldValues<
    typeof Watchlist.fields,
    never,
    "date_added" | "id" | "last_hit" | "last_hit_count" | "readonly" | "total_hits"
  > {}

/**
 * A watchlist: a saved search (`search_query`, form-encoded parameters) over processes
 * (`index_type` `events`) or binaries (`modules`).
 *
 * @example Read a watchlist's query and run it
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbResponseAPI, Watchlist } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const wl = await cb.select(Watchlist, 11);
 * assert.ok(wl.query === "is_executable_image:false");
 * const hits = await wl.search().count();
 * assert.ok(hits >= 0);
 * ```
 */
export class Watchlist extends MutableModel<CbResponseAPI> {
  /** The REST path of the collection. */
  static override urlObject = "/api/v1/watchlist";
  /** Whether `cb.create()` may build one. */
  static override creatable = true;
  /** Fields a save needs. */
  static override required: readonly string[] = ["name", "search_query", "index_type"];
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Watchlist id (text). */
    id: "string",
    /** Name. */
    name: "string",
    /** Form-encoded search parameters. */
    search_query: "string",
    /** `events` (processes) or `modules` (binaries). */
    index_type: "string",
    /** Description. */
    description: "string",
    /** Hits of the last run. */
    last_hit_count: "integer",
    /** Alliance id (`alliance_id`, integer). */
    alliance_id: "integer",
    /** Hits in all. */
    total_hits: "integer",
    /** Group id (`group_id`, integer). */
    group_id: "integer",
    /** Total tags (`total_tags`, integer). */
    total_tags: "integer",
    /** Whether the server runs it. */
    enabled: "boolean",
    /** Whether it cannot be changed. */
    readonly: "boolean",
    /** From alliance (`from_alliance`, flag). */
    from_alliance: "boolean",
    /** Search timestamp (`search_timestamp`, date, raw text with `getRaw`). */
    search_timestamp: "iso-date-time",
    /** When it was added. */
    date_added: "iso-date-time",
    /** When it last hit. */
    last_hit: "iso-date-time",
    /** Query type (`query_type`, text). */
    query_type: "string",
    /** Quoted query (`quoted_query`, text). */
    quoted_query: "string",
  } as const;

  /**
   * Canonical id: text (the server sends watchlist ids as strings).
   *
   * @param id The id.
   * @returns The id as text.
   */
  static override normaliseId(id: ModelId): ModelId {
    return String(id);
  }

  /**
   * The list query of `GET /api/v1/watchlist` (client-side `where("name:...")`).
   *
   * @param api The API.
   * @returns A new query.
   */
  static query(api: CbResponseAPI): SimpleQuery<Watchlist> {
    return new SimpleQuery(api, Watchlist);
  }

  #pairs(): Array<[string, string]> {
    return parseQuery(typeof this.search_query === "string" ? this.search_query : "");
  }

  /**
   * The human-readable query: the `q` value(s) plus every `cb.q.{field}={v}` as `{field}:{v}`,
   * joined with spaces.
   */
  get query(): string {
    const parts: string[] = [];
    for (const [k, v] of this.#pairs()) {
      if (k === "q") parts.push(v);
      else if (k.startsWith("cb.q.")) parts.push(`${k.slice(5)}:${v}`);
    }
    return parts.join(" ");
  }

  /**
   * Replaces the query: `q` and the `cb.q.*` terms are dropped, `cb.urlver=1` added when missing,
   * then `q={query}` appended, path-style quoted (space as `%20`). Marks `search_query` changed.
   *
   * @param text The new query, for example `process_name:net.exe`.
   */
  set query(text: string) {
    const kept = this.#pairs().filter(([k, v]) => k !== "q" && !k.startsWith("cb.q.") && v !== "");
    if (!kept.some(([k]) => k === "cb.urlver")) kept.push(["cb.urlver", "1"]);
    kept.push(["q", text]);
    this.setField(
      "search_query",
      kept.map(([k, v]) => `${quotePath(k)}=${quotePath(v)}`).join("&"),
    );
  }

  /** The watchlist's facet filters: every `cb.fq.{field}={v}` parameter as `{field: v}`. */
  get facets(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of this.#pairs()) if (k.startsWith("cb.fq.")) out[k.slice(6)] = v;
    return out;
  }

  /**
   * The watchlist's search, run as it is saved: a process query for `events`, a binary query for
   * `modules` (the Python library dropped the query and matched everything; fixed here).
   *
   * @returns A raw query built from `search_query`.
   * @throws {InvalidObjectError} When `index_type` is neither `events` nor `modules`.
   */
  search(): ProcessQuery | SearchQuery<Binary> {
    const api = this.cb;
    const raw = this.search_query ?? "";
    if (this.index_type === "events") return Process.query(api).withRawQuery(raw);
    if (this.index_type === "modules") return Binary.query(api).withRawQuery(raw);
    throw new InvalidObjectError(
      `index_type of ${this.index_type} is invalid (watchlist ${this.uniqueId} on ${this.cb.url}): ` +
        `expected events or modules`,
      { fields: ["index_type"] },
    );
  }

  /**
   * The watchlist's actions (`GET /api/v1/watchlist/{id}/action`).
   *
   * @returns A query over the actions.
   */
  actions(): ArrayQuery<WatchlistAction> {
    return WatchlistAction.query(this.cb).where(`watchlist_id:${this.uniqueId}`);
  }

  /**
   * A new, unsaved action of this watchlist.
   *
   * @returns The action; set `type` and `action_data`, then save.
   */
  createAction(): WatchlistAction {
    return this.cb.create(WatchlistAction, { watchlist_id: this.uniqueId });
  }
}
installFields(Watchlist);

/** The typed document fields of {@linkcode WatchlistAction}, declared once in `WatchlistAction.fields`. */
export interface WatchlistAction
  extends WritableFieldValues<typeof WatchlistAction.fields, "watchlist_id", "id"> {}

/**
 * An action the server takes when a watchlist hits (email, syslog, HTTP POST or alert).
 *
 * @example Add an alert action to a watchlist
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbResponseAPI, Watchlist } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const wl = await cb.select(Watchlist, 5);
 * const action = wl.createAction();
 * action.type = "alert";
 * await action.save();
 * assert.ok(typeof action.id === "number");
 * ```
 */
export class WatchlistAction extends ActionModel {
  /** The REST path template of the collection. */
  static override urlObject = "/api/v1/watchlist/{watchlist_id}/action";
  /** Whether `cb.create()` may build one. */
  static override creatable = true;
  /** Fields a save needs. */
  static override required: readonly string[] = ["action_type", "watchlist_id"];
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Action id. */
    id: "integer",
    /** JSON text with the action's settings. */
    action_data: "string",
    /** 0 email, 1 syslog, 2 http_post, 3 alert. */
    action_type: "integer",
    /** Id of the watchlist (a number, or the text the server sent; see the `watchlist_id` property). */
    watchlist_id: "any",
  } as const;
  /** The field `where()` names. */
  static readonly parentField: string = "watchlist_id";

  /**
   * The route listing one watchlist's actions.
   *
   * @param parentId The watchlist id.
   * @returns The path.
   */
  static listUrlFor(parentId: string): string {
    return `/api/v1/watchlist/${idSegment(parentId, "watchlist")}/action`;
  }

  /**
   * The per-watchlist action query (`where("watchlist_id:{id}")` is required).
   *
   * @param api The API.
   * @returns A new query.
   */
  static query(api: CbResponseAPI): ArrayQuery<WatchlistAction> {
    return new ArrayQuery(api, WatchlistAction);
  }

  /** The watchlist id. */
  declare watchlist_id: string | number | undefined;

  /**
   * The watchlist of this action (cached join).
   *
   * @param options Signal and timeout.
   * @returns The watchlist, or undefined when the action has no watchlist id.
   */
  async watchlist(options: RequestOptions = {}): Promise<Watchlist | undefined> {
    return await this.join(Watchlist, "watchlist_id", options);
  }

  /** `/api/v1/watchlist/{watchlist id}/action/{id}`. */
  protected override instanceUrl(): string {
    return `${this.#base()}/${idSegment(this.uniqueId, "Watchlist")}`;
  }

  /** `/api/v1/watchlist/{watchlist id}/action`. */
  protected override createUrl(): string {
    return this.#base();
  }

  #base(): string {
    const id = this.watchlist_id;
    if (id === undefined || id === null) {
      throw new ApiError(
        `WatchlistAction has no watchlist_id: set it before saving to ${this.cb.url}`,
      );
    }
    return WatchlistAction.listUrlFor(String(id));
  }
}
installFields(WatchlistAction);
