/**
 * Cb Response threat intelligence feeds (`/api/v1/feed`) and their actions.
 *
 * @module
 */

import {
  type IdKind,
  InvalidObjectError,
  join,
  type Joins,
  type JoinSpecs,
  MutableModel,
  type RequestOptions,
  ServerError,
  type WritableFieldValues,
} from "../core/mod.ts";
import { idSegment, installFields } from "../core/_internal.ts";
import { ActionModel } from "./action_model.ts";
import type { CbResponseAPI } from "./api.ts";
import { Binary } from "./binary.ts";
import { Process, type ProcessQuery } from "./process.ts";
import { ArrayQuery, type SearchQuery, SimpleQuery } from "./query.ts";
import { ThreatReport, type ThreatReportQuery } from "./threat_report.ts";

/** The typed document fields of {@linkcode Feed}, declared once in `Feed.fields`. */
export interface Feed
  extends WritableFieldValues<typeof Feed.fields, never, "id" | "manually_added"> {}

/**
 * A threat intelligence feed. List with `cb.select(Feed)`, create with `cb.create(Feed)` (set
 * `feed_url`), and search what it flagged with {@linkcode Feed.searchProcesses}.
 *
 * @example Find the SOC feed and its FUZZYWOMBAT reports
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbResponseAPI, Feed } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const feed = await cb.select(Feed).where("name:SOC").one();
 * const reports = feed.reports().where("title:FUZZYWOMBAT");
 * assert.ok(await reports.count() === 3);
 * ```
 */
export class Feed extends MutableModel<CbResponseAPI> {
  /** The REST path of the collection. */
  static override urlObject = "/api/v1/feed";
  /** Whether `cb.create()` may build one. */
  static override creatable = true;
  /** Fields a save needs. */
  static override required: readonly string[] = ["feed_url"];
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Feed id. */
    id: "integer",
    /** Local rating. */
    local_rating: "integer",
    /** Order (`order`, integer). */
    order: "integer",
    /** Whether the server downloads it through its proxy. */
    use_proxy: "boolean",
    /** Whether it was added by hand (not from the alliance). */
    manually_added: "boolean",
    /** Whether the feed is enabled. */
    enabled: "boolean",
    /** Icon image bytes. */
    icon: "byte",
    /** Small icon image bytes. */
    icon_small: "byte",
    /** Provider home page. */
    provider_url: "string",
    /** Ssl client crt (`ssl_client_crt`, text). */
    ssl_client_crt: "string",
    /** Ssl client key (`ssl_client_key`, text). */
    ssl_client_key: "string",
    /** Requires who (`requires_who`, text). */
    requires_who: "string",
    /** Requires what (`requires_what`, text). */
    requires_what: "string",
    /** Requires (`requires`, text). */
    requires: "string",
    /** Category. */
    category: "string",
    /** Display name. */
    display_name: "string",
    /** Where the server downloads the feed. */
    feed_url: "string",
    /** Username (`username`, text). */
    username: "string",
    /** Password (`password`, text). */
    password: "string",
    /** Whether the server checks the feed server's certificate. */
    validate_server_cert: "boolean",
    /** Short name (`alliance_score_{name}` is the score field of its hits). */
    name: "string",
    /** Technical details. */
    tech_data: "string",
    /** Summary text. */
    summary: "string",
    /** Provider rating (1-5). */
    provider_rating: "double",
  } as const;

  /** Ids are integers (numeric text is read as a number). */
  static override idKind: IdKind = "integer";

  /**
   * The list query of `GET /api/v1/feed` (client-side `where("name:SOC")`).
   *
   * @param api The API.
   * @returns A new query.
   */
  static query(api: CbResponseAPI): SimpleQuery<Feed> {
    return new SimpleQuery(api, Feed);
  }

  #scoreQuery<Q extends SearchQuery<Process> | SearchQuery<Binary>>(
    query: Q,
    minScore: number | undefined,
    maxScore: number | undefined,
  ): Q | undefined {
    if (!this.enabled) return undefined;
    const name = this.name;
    if (!name) {
      throw new InvalidObjectError(`Feed has no name (feed ${this.uniqueId} on ${this.cb.url})`, {
        fields: [
          "name",
        ],
      });
    }
    return query.where(
      `alliance_score_${name.toLowerCase()}:[${minScore || 1} TO ${maxScore || "*"}]`,
    ) as Q;
  }

  /**
   * The processes this feed scored (`alliance_score_{name}:[min TO max]`); undefined when the feed
   * is disabled.
   *
   * @param minScore Lowest score (default 1).
   * @param maxScore Highest score (default no limit).
   * @returns A process query, or undefined for a disabled feed.
   * @throws {InvalidObjectError} When the feed has no name.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { CbResponseAPI, Feed } from "@cbapi/cbapi/response";
   * import { CbEmulator } from "@cbapi/cbapi/testing";
   * await using emu = await CbEmulator.start();
   * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
   * const feed = await cb.select(Feed).where("name:SOC").one();
   * const q = feed.searchProcesses(50);
   * assert.ok(q?.queryString === "alliance_score_soc:[50 TO *]");
   * ```
   */
  searchProcesses(minScore?: number, maxScore?: number): ProcessQuery | undefined {
    return this.#scoreQuery(Process.query(this.cb), minScore, maxScore);
  }

  /**
   * The binaries this feed scored; undefined when the feed is disabled.
   *
   * @param minScore Lowest score (default 1).
   * @param maxScore Highest score (default no limit).
   * @returns A binary query, or undefined for a disabled feed.
   * @throws {InvalidObjectError} When the feed has no name.
   */
  searchBinaries(minScore?: number, maxScore?: number): SearchQuery<Binary> | undefined {
    return this.#scoreQuery(Binary.query(this.cb), minScore, maxScore);
  }

  /**
   * The feed's actions (`GET /api/v1/feed/{id}/action`).
   *
   * @returns A query over the actions.
   */
  actions(): ArrayQuery<FeedAction> {
    return FeedAction.query(this.cb).where(`group_id:${this.uniqueId}`);
  }

  /**
   * The feed's threat reports (a search on `feed_id:{id}`).
   *
   * @returns A threat report query; add `where()` clauses to narrow it.
   */
  reports(): ThreatReportQuery {
    return ThreatReport.query(this.cb).where(`feed_id:${this.uniqueId}`);
  }

  /**
   * A new, unsaved action of this feed (`watchlist_id` -1, as the server requires).
   *
   * @returns The action; set `type` and `action_data`, then save.
   */
  createAction(): FeedAction {
    const api = this.cb;
    return api.create(FeedAction, { group_id: this.uniqueId, watchlist_id: -1 });
  }

  /**
   * Asks the server to download the feed again (`POST /api/v1/feed/{id}/synchronize`).
   *
   * @param fullSync Download every report, not only the new ones.
   * @param options Signal and timeout.
   * @throws {ServerError} Status 409 when the feed is disabled, or another refusal.
   */
  async synchronize(fullSync = true, options: RequestOptions = {}): Promise<void> {
    const path = `/api/v1/feed/${idSegment(this.uniqueId, "Feed")}/synchronize`;
    try {
      await this.cb.connection.requestJson("POST", path, {
        ...options,
        json: { full_sync: fullSync },
      });
    } catch (err) {
      if (err instanceof ServerError && err.status === 409) {
        throw new ServerError(
          `Cannot synchronize feed ${this.uniqueId} on ${this.cb.url}: feed is disabled. ` +
            `Enable it first (feed.enabled = true, then save())`,
          { status: 409, body: err.body, method: "POST", url: `${this.cb.url}${path}`, cause: err },
        );
      }
      throw err;
    }
  }
}
installFields(Feed);

/** The typed document fields of {@linkcode FeedAction}, declared once in `FeedAction.fields`. */
export interface FeedAction
  extends
    WritableFieldValues<typeof FeedAction.fields, never, "id">,
    Joins<typeof FeedAction.joins> {}

/**
 * An action the server takes when a feed reports a hit (email, syslog, HTTP POST or alert).
 * `type` reads and sets `action_type` by name.
 *
 * @example List the SOC feed's actions
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbResponseAPI, Feed } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const feed = await cb.select(Feed).where("name:SOC").one();
 * const types = (await feed.actions().toArray()).map((a) => a.type);
 * assert.ok(types.includes("alert"));
 * ```
 */
export class FeedAction extends ActionModel {
  /** The REST path template of the collection. */
  static override urlObject = "/api/v1/feed/{feed_id}/action";
  /** Whether `cb.create()` may build one. */
  static override creatable = true;
  /** Fields a save needs. */
  static override required: readonly string[] = ["action_type", "group_id", "watchlist_id"];
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Action id. */
    id: "integer",
    /** JSON text with the action's settings (for example the email recipients). */
    action_data: "string",
    /** 0 email, 1 syslog, 2 http_post, 3 alert. */
    action_type: "integer",
    /** The feed id. */
    group_id: "integer",
    /** Always -1 for feed actions. */
    watchlist_id: "integer",
  } as const;

  /** The joins, declared once: each is a read-only async method (see `join`). */
  static joins: JoinSpecs<{ feed: Feed }> = {
    /** The feed of this action (cached join). */
    feed: join(Feed, "group_id"),
  };

  /** The field `where()` names. */
  static override readonly parentField: string = "group_id";
  /** The parent, for messages. */
  static override readonly parentName: string = "feed";

  /**
   * The per-feed action query (`where("group_id:{feed id}")` is required).
   *
   * @param api The API.
   * @returns A new query.
   */
  static query(api: CbResponseAPI): ArrayQuery<FeedAction> {
    return new ArrayQuery(api, FeedAction);
  }

  /** The feed id (same as `group_id`). */
  get feed_id(): number | undefined {
    return this.group_id;
  }
}
installFields(FeedAction);
