/**
 * Cb Response watchlists (`/api/v1/watchlist`): saved searches the server runs periodically,
 * and their actions.
 *
 * @module
 */

import { installFields, parseQuery, quotePath } from "../core/_internal.ts";
import {
  type IdKind,
  InvalidObjectError,
  join,
  type Joins,
  type JoinSpecs,
  MutableModel,
  type Typed,
  type WritableFieldValues,
} from "../core/mod.ts";
import { ActionModel } from "./action_model.ts";
import type { CbResponseAPI } from "./api.ts";
import { Binary } from "./binary.ts";
import { Process, type ProcessQuery } from "./process.ts";
import { ArrayQuery, type SearchQuery, SimpleQuery } from "./query.ts";

/** What a watchlist searches: `events` (processes) or `modules` (binaries). */
export type WatchlistIndexType = "events" | "modules";

/**
 * The query a watchlist's {@linkcode Watchlist.search} gives: processes for `events`, binaries
 * for `modules`, either when the index type is not known to the type checker.
 */
export type WatchlistSearch<I extends WatchlistIndexType> = {
  events: ProcessQuery;
  modules: SearchQuery<Binary>;
}[I];

/** The typed document fields of {@linkcode Watchlist}, declared once in `Watchlist.fields`. */
export interface Watchlist<I extends WatchlistIndexType = WatchlistIndexType>
  extends
    WritableFieldValues<
      typeof Watchlist.fields,
      never,
      "date_added" | "id" | "last_hit" | "last_hit_count" | "readonly" | "total_hits"
    > {}

/**
 * A watchlist: a saved search (`search_query`, form-encoded parameters) over processes
 * (`index_type` `events`) or binaries (`modules`). The type parameter is the index type when it
 * is known (a watchlist made by `query.createWatchlist()`, or narrowed with
 * {@linkcode Watchlist.isProcessWatchlist}), and types {@linkcode Watchlist.search}; a loaded
 * watchlist can also be searched with {@linkcode Watchlist.searchProcesses} or
 * {@linkcode Watchlist.searchBinaries}.
 *
 * @typeParam I The index type, when known.
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
export class Watchlist<I extends WatchlistIndexType = WatchlistIndexType>
  extends MutableModel<CbResponseAPI> {
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

  /** Ids are text (`7` is id `"7"`). */
  static override idKind: IdKind = "text";

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
   * @returns A raw query built from `search_query`, typed by the watchlist's index type.
   * @throws {InvalidObjectError} When `index_type` is neither `events` nor `modules`.
   */
  search(): WatchlistSearch<I> {
    const api = this.cb;
    const raw = this.search_query ?? "";
    if (this.index_type === "events") {
      return Process.query(api).withRawQuery(raw) as WatchlistSearch<I>;
    }
    if (this.index_type === "modules") {
      return Binary.query(api).withRawQuery(raw) as WatchlistSearch<I>;
    }
    throw this.#wrongIndex("events or modules");
  }

  /**
   * The search of a process watchlist (`index_type` `events`), typed as a process query.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { CbResponseAPI, Process, Watchlist } from "@cbapi/cbapi/response";
   * import { CbEmulator } from "@cbapi/cbapi/testing";
   * await using emu = await CbEmulator.start();
   * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
   * await cb.select(Process).where("process_name:net.exe").createWatchlist("net.exe");
   * const wl = await cb.select(Watchlist).where("name:net.exe").one();
   * for await (const proc of wl.searchProcesses()) assert.equal(proc.process_name, "net.exe");
   * ```
   *
   * @returns A process query built from `search_query`.
   * @throws {InvalidObjectError} When the watchlist searches binaries (or `index_type` is unknown).
   */
  searchProcesses(): ProcessQuery {
    if (this.index_type !== "events") throw this.#wrongIndex("events (processes)");
    return Process.query(this.cb).withRawQuery(this.search_query ?? "");
  }

  /**
   * The search of a binary watchlist (`index_type` `modules`), typed as a binary query.
   *
   * @returns A binary query built from `search_query`.
   * @throws {InvalidObjectError} When the watchlist searches processes (or `index_type` is unknown).
   */
  searchBinaries(): SearchQuery<Binary> {
    if (this.index_type !== "modules") throw this.#wrongIndex("modules (binaries)");
    return Binary.query(this.cb).withRawQuery(this.search_query ?? "");
  }

  /**
   * Whether the watchlist searches processes; narrows its type, so `search()` is a process query.
   *
   * @returns True for `index_type` `events`.
   */
  isProcessWatchlist(): this is Watchlist<"events"> {
    return this.index_type === "events";
  }

  /**
   * Whether the watchlist searches binaries; narrows its type, so `search()` is a binary query.
   *
   * @returns True for `index_type` `modules`.
   */
  isBinaryWatchlist(): this is Watchlist<"modules"> {
    return this.index_type === "modules";
  }

  #wrongIndex(expected: string): InvalidObjectError {
    return new InvalidObjectError(
      `index_type of watchlist ${this.uniqueId} on ${this.cb.url} is ${this.index_type}: ` +
        `expected ${expected}`,
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
  extends
    WritableFieldValues<typeof WatchlistAction.fields, never, "id">,
    Joins<typeof WatchlistAction.joins> {}

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
    /** The watchlist id: a number, or the text the server sent. */
    watchlist_id: "any" as Typed<"any", string | number | undefined>,
  } as const;

  /** The joins, declared once: each is a read-only async method (see `join`). */
  static joins: JoinSpecs<{ watchlist: Watchlist }> = {
    /** The watchlist of this action (cached join). */
    watchlist: join(Watchlist, "watchlist_id"),
  };

  /** The field `where()` names. */
  static override readonly parentField: string = "watchlist_id";
  /** The parent, for messages. */
  static override readonly parentName: string = "watchlist";

  /**
   * The per-watchlist action query (`where("watchlist_id:{id}")` is required).
   *
   * @param api The API.
   * @returns A new query.
   */
  static query(api: CbResponseAPI): ArrayQuery<WatchlistAction> {
    return new ArrayQuery(api, WatchlistAction);
  }
}
installFields(WatchlistAction);
