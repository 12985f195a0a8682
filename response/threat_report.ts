/**
 * Cb Response threat reports: the reports of the threat feeds, searched on
 * `/api/v1/threat_report` and identified as `"{feed_id}:{report id}"`.
 *
 * @module
 */

import { idSegment, installFields, quotePath, toInt } from "../core/_internal.ts";
import {
  ApiError,
  type Document,
  type IdKind,
  join,
  type Joins,
  type JoinSpecs,
  type LoadOptions,
  type ModelId,
  type ModelInit,
  MutableModel,
  type RequestOptions,
  type Typed,
  type WritableFieldValues,
} from "../core/mod.ts";
import type { CbResponseAPI } from "./api.ts";
import { Feed } from "./feed.ts";
import { SearchQuery } from "./query.ts";

function splitReportId(id: ModelId, url?: string): [number, string] {
  const text = String(id);
  const i = text.indexOf(":");
  const feed = i > 0 ? toInt(text.slice(0, i)) : undefined;
  if (feed === undefined || i === text.length - 1) {
    throw new ApiError(
      `ThreatReport ID must be in form '<feed_id>:<report_id>', got "${text}"` +
        (url ? ` (on ${url})` : ""),
    );
  }
  return [feed, text.slice(i + 1)];
}

/** The typed document fields of {@linkcode ThreatReport}, declared once in `ThreatReport.fields`. */
export interface ThreatReport extends
  WritableFieldValues<
    typeof ThreatReport.fields,
    never,
    "feed_id" | "feed_name" | "id" | "iocs" | "link" | "score" | "tags" | "title"
  >,
  Joins<typeof ThreatReport.joins> {}

/**
 * A threat report of a feed. Select one with `cb.select(ThreatReport, "7:SOC-2018-0001")`,
 * search them with `cb.select(ThreatReport)` or `feed.reports()`; `disable()` marks one ignored.
 *
 * @example Ignore one report
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbResponseAPI, ThreatReport } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const report = await cb.select(ThreatReport, "7:SOC-2018-0001");
 * await report.disable();
 * assert.ok(report.is_ignored === true);
 * ```
 */
export class ThreatReport extends MutableModel<CbResponseAPI> {
  /** The REST path of the search. */
  static override urlObject = "/api/v1/threat_report";
  /** The document fields, declared once: this map gives the runtime accessors and the property types. */
  static override fields = {
    /** Report id within its feed (text). */
    id: "string",
    /** Feed id. */
    feed_id: "integer",
    /** Feed name. */
    feed_name: "string",
    /** Title. */
    title: "string",
    /** Score (0-100). */
    score: "integer",
    /** Link to the provider's page. */
    link: "string",
    /** Whether the report is ignored (no more alerts). */
    is_ignored: "boolean",
    /** Is deleted (`is_deleted`, flag). */
    is_deleted: "boolean",
    /** Timestamp (`timestamp`, integer). */
    timestamp: "integer",
    /** Create time (`create_time`, integer). */
    create_time: "integer",
    /** Description (`description`, text). */
    description: "string",
    /** Tags. */
    tags: ["string"],
    /** Indicators by type (`md5`, `ipv4`, `dns`, `query`). */
    iocs: "object" as Typed<"object", Record<string, unknown[]>>,
    /** Category of the feed that holds the report. */
    feed_category: "string",
    /** Whether the report is a query report (`iocs.query`). */
    has_query: "boolean",
  } as const;

  /** The joins, declared once: each is a read-only async method (see `join`). */
  static joins: JoinSpecs<{ feed: Feed }> = {
    /** The feed of this report (cached join). */
    feed: join(() => Feed, "feed_id"),
  };

  /** Default sort of report searches: none. */
  static readonly defaultSort: string | undefined = undefined;
  /** Rows per page. */
  static readonly searchPageSize: number = 100;

  /**
   * Ids are `<feed_id>:<report_id>` with an integer feed id (a compound id, so the rule is a
   * function); without the colon the id is an `ApiError`.
   */
  static override idKind: IdKind = (id) => splitReportId(id).join(":");

  /**
   * The threat report search query.
   *
   * @param api The API.
   * @returns A new query.
   */
  static query(api: CbResponseAPI): ThreatReportQuery {
    return new ThreatReportQuery(api, ThreatReport);
  }

  /**
   * The model for a search row (through the cache).
   *
   * @param api The API.
   * @param row The row.
   * @returns The report.
   */
  static fromSearchRow(api: CbResponseAPI, row: Document): ThreatReport {
    return api.fromRow(ThreatReport, `${row.feed_id}:${row.id}`, row);
  }

  /**
   * Builds a report; use `cb.select()` or a query instead.
   *
   * @param api The API.
   * @param id `"{feed_id}:{report id}"`.
   * @param init The initial document.
   */
  constructor(api: CbResponseAPI, id: ModelId | undefined, init: ModelInit = {}) {
    const info = { ...init.info };
    if (id !== undefined && (info.feed_id === undefined || info.id === undefined)) {
      const [feed, report] = splitReportId(id, api.url);
      info.feed_id = feed;
      info.id = report;
    }
    super(api, id, { ...init, info });
  }

  /** `"{feed_id}:{report id}"`. */
  override get uniqueId(): ModelId | undefined {
    const feed = this.info.feed_id;
    const id = this.info.id;
    return feed === undefined || feed === null || id === undefined || id === null
      ? undefined
      : `${feed}:${id}`;
  }

  /** `/api/v1/feed/{feed_id}/report/{id}`. */
  protected override instanceUrl(): string {
    return `/api/v1/feed/${idSegment(this.info.feed_id, "feed")}/report/${
      idSegment(this.info.id, "ThreatReport")
    }`;
  }

  /**
   * Marks the report ignored (`is_ignored` true) and saves.
   *
   * @param options Signal and timeout.
   * @returns This report.
   */
  async disable(options: RequestOptions = {}): Promise<this> {
    this.is_ignored = true;
    return await this.save(options);
  }

  /**
   * Clears the ignored mark and saves.
   *
   * @param options Signal and timeout.
   * @returns This report.
   */
  async enable(options: RequestOptions = {}): Promise<this> {
    this.is_ignored = false;
    return await this.save(options);
  }

  /**
   * Sends the changed fields: `POST /api/v1/threat_report` with
   * `{"ids": {"{feed_id}": ["{id}"]}, "updates": {field: value}}`. A row of a search is loaded
   * first (one GET). An empty answer reloads the report; a report document answered replaces it.
   *
   * @param options Signal and timeout.
   * @returns This report.
   * @throws {ServerError} When the server refused.
   */
  override async save(options: LoadOptions = {}): Promise<this> {
    if (!this.isDirty()) return this;
    if (!this.fullyInitialized) {
      const changes = this.dirtyFields.map((k) => [k, this.info[k]] as const);
      await this.refresh(options);
      for (const [k, v] of changes) this.setRaw(k, v);
    }
    const updates: Record<string, unknown> = {};
    for (const k of this.dirtyFields) updates[k] = this.info[k];
    const path = ThreatReport.urlObject;
    const body = { ids: { [String(this.info.feed_id)]: [String(this.info.id)] }, updates };
    this.cb.connection.logger.debug(`Updating ThreatReport with unique ID ${this.uniqueId}`);
    const res = await this.cb.connection.requestJson("POST", path, { ...options, json: body });
    if (res.status !== 200 && res.status !== 204) {
      throw ApiError.fromResponse({
        status: res.status,
        body: res.text,
        method: "POST",
        url: `${this.cb.url}${path}`,
        result: "Did not update ThreatReport record.",
      });
    }
    const data = res.data as Document | undefined;
    if (
      data && typeof data === "object" && !Array.isArray(data) && data.feed_id !== undefined &&
      data.id !== undefined
    ) {
      this.setDocument(data, true);
      this.afterRefresh();
    } else {
      await this.refresh(options);
    }
    this.cb.cache.renew(this);
    return this;
  }
}
installFields(ThreatReport);

/**
 * A threat report search, with the bulk {@linkcode ThreatReportQuery.setIgnored}.
 *
 * @example Ignore every FUZZYWOMBAT report of the SOC feed
 * ```ts
 * import assert from "node:assert/strict";
 * import { CbResponseAPI, Feed } from "@cbapi/cbapi/response";
 * import { CbEmulator } from "@cbapi/cbapi/testing";
 * await using emu = await CbEmulator.start();
 * await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
 * const feed = await cb.select(Feed).where("name:SOC").one();
 * await feed.reports().where("title:FUZZYWOMBAT").setIgnored();
 * assert.ok(await feed.reports().where("title:FUZZYWOMBAT is_ignored:false").count() === 0);
 * ```
 */
export class ThreatReportQuery extends SearchQuery<ThreatReport> {
  /**
   * Sets (or clears) the ignored flag of every report the query matches, in one request:
   * `POST /api/v1/threat_report` with `{"updates": {"is_ignored": flag}, "query":
   * "cb.urlver=1&q={path-quoted query}"}` (Cb Response 5.1.0 and later).
   *
   * @param ignored The flag to set.
   * @param options Signal and timeout.
   * @throws {ApiError} When the server is older than 5.1.0, or the query has no `where()`.
   */
  async setIgnored(ignored = true, options: RequestOptions = {}): Promise<void> {
    if (!this.api.versionAtLeast("5.1.0")) {
      throw new ApiError(
        `Cannot set the ignored flag of threat reports in bulk on ${this.api.url}: the server ` +
          `runs ${this.api.serverVersion} and this needs 5.1.0 or later; save each report instead`,
      );
    }
    const q = this.isRaw
      ? (this.state.raw?.filter(([k]) => k === "q").map(([, v]) => v).join(" ") ?? "")
      : this.queryString;
    if (!q) {
      throw new ApiError(
        `Refusing to change every threat report on ${this.api.url}: add a where() clause first`,
      );
    }
    const body = { updates: { is_ignored: ignored }, query: `cb.urlver=1&q=${quotePath(q)}` };
    try {
      await this.api.connection.requestJson("POST", ThreatReport.urlObject, {
        ...options,
        json: body,
      });
    } finally {
      // Which reports matched is the server's business: none is served from the cache now.
      this.api.evict(ThreatReport);
    }
  }
}
