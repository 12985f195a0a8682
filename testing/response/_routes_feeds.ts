/**
 * Feed, feed report, feed action, watchlist action and threat report routes.
 *
 * @module
 */
import {
  HttpError,
  intParam,
  json,
  jsonObject,
  noContent,
  type RouteContext,
  type Router,
} from "../_router.ts";
import type { SearchSchema } from "../_query_lang.ts";
import { type SearchItem, solrSearch } from "../_solr.ts";
import type { EmulatorState } from "../state.ts";
import { type FeedActionDoc, type FeedDoc, feedDoc, type ReportDoc } from "./_feeds.ts";

/** Searchable threat report fields. */
const REPORT_SCHEMA: SearchSchema = {
  fields: {
    id: "keyword",
    feed_id: "number",
    feed_name: "keyword",
    feed_category: "keyword",
    title: "text",
    description: "text",
    score: "number",
    is_ignored: "bool",
    is_deleted: "bool",
    has_query: "bool",
    tags: "keyword",
    link: "keyword",
    timestamp: "number",
  },
  aliases: { report_id: "id", ignored: "is_ignored" },
  defaultFields: ["title", "id", "feed_name", "description"],
};

const ACTION_TYPES = [0, 1, 2, 3];

function elapsed(t0: number): number {
  return Math.max(0.001, (performance.now() - t0) / 1000);
}

function findFeed(state: EmulatorState, ctx: RouteContext): FeedDoc {
  const id = intParam(ctx, "id", "Feed");
  const feed = state.feeds.get(id);
  if (!feed) throw new HttpError(404, `Feed ${id} not found`);
  return feed;
}

function nextId(keys: Iterable<number>): number {
  return Math.max(0, ...keys) + 1;
}

function reportItems(state: EmulatorState): SearchItem<ReportDoc>[] {
  const out: SearchItem<ReportDoc>[] = [];
  for (const reports of state.feedReports.values()) {
    for (const r of reports.values()) {
      const index: Record<string, string | number | boolean | null | string[]> = {};
      for (const [k, v] of Object.entries(r)) {
        if (v === null || ["string", "number", "boolean"].includes(typeof v)) {
          index[k] = v as string | number | boolean | null;
        } else if (Array.isArray(v)) index[k] = v.map(String);
      }
      out.push({ index, doc: r });
    }
  }
  return out;
}

function applyReportUpdates(report: ReportDoc, updates: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(updates)) {
    if (k === "id" || k === "feed_id") continue;
    if (k === "is_ignored" && typeof v !== "boolean") {
      throw new HttpError(400, "is_ignored must be a boolean");
    }
    report[k] = v;
  }
}

function threatReportRoutes(router: Router, state: EmulatorState): void {
  router.add("GET", "/api/v1/threat_report", (ctx) => {
    const t0 = performance.now();
    const out = solrSearch(reportItems(state), REPORT_SCHEMA, ctx.query);
    return json({
      results: out.results,
      total_results: out.total,
      start: out.start,
      facets: out.facets,
      terms: [],
      highlights: [],
      elapsed: elapsed(t0),
    });
  });
  router.add("POST", "/api/v1/threat_report", (ctx) => {
    const body = jsonObject(ctx);
    const updates = body.updates;
    if (!updates || typeof updates !== "object" || Array.isArray(updates)) {
      throw new HttpError(400, "updates must be an object");
    }
    const targets: ReportDoc[] = [];
    if (body.ids && typeof body.ids === "object" && !Array.isArray(body.ids)) {
      for (const [feedId, ids] of Object.entries(body.ids as Record<string, unknown>)) {
        if (!Array.isArray(ids)) throw new HttpError(400, `ids of feed ${feedId} must be a list`);
        const reports = state.feedReports.get(Number(feedId));
        for (const id of ids) {
          const r = reports?.get(String(id));
          if (!r) throw new HttpError(404, `Report ${feedId}:${id} not found`);
          targets.push(r);
        }
      }
    } else if (typeof body.query === "string") {
      const params = new URLSearchParams(body.query);
      params.set("start", "0");
      params.set("rows", String(Number.MAX_SAFE_INTEGER));
      targets.push(...solrSearch(reportItems(state), REPORT_SCHEMA, params).results);
    } else {
      throw new HttpError(400, "Request needs ids or query");
    }
    for (const r of targets) applyReportUpdates(r, updates as Record<string, unknown>);
    return noContent();
  });
}

function feedRoutes(router: Router, state: EmulatorState): void {
  router.add("GET", "/api/v1/feed", () => json([...state.feeds.values()]));
  router.add("GET", "/api/v1/feed/:id", (ctx) => json(findFeed(state, ctx)));
  router.add("POST", "/api/v1/feed", (ctx) => {
    const body = jsonObject(ctx);
    const url = body.feed_url;
    if (typeof url !== "string" || url === "") throw new HttpError(400, "feed_url is required");
    let host = "";
    try {
      host = new URL(url).hostname;
    } catch {
      throw new HttpError(400, `Invalid feed_url "${url}"`);
    }
    if (host.endsWith(".invalid")) {
      throw new HttpError(500, `Could not download feed from ${url}`);
    }
    if ([...state.feeds.values()].some((f) => f.feed_url === url)) {
      throw new HttpError(409, `A feed with URL ${url} already exists`);
    }
    const id = nextId(state.feeds.keys());
    const name = typeof body.name === "string" && body.name ? body.name : `feed${id}`;
    const { id: _ignored, ...rest } = body;
    const doc = feedDoc(id, { display_name: name, manually_added: true, ...rest, name });
    state.feeds.set(id, doc);
    state.feedReports.set(id, new Map());
    return json(doc);
  });
  router.add("PUT", "/api/v1/feed/:id", (ctx) => {
    const feed = findFeed(state, ctx);
    for (const [k, v] of Object.entries(jsonObject(ctx))) {
      if (k !== "id") feed[k] = v;
    }
    return json({ result: "success" });
  });
  router.add("DELETE", "/api/v1/feed/:id", (ctx) => {
    const feed = findFeed(state, ctx);
    state.feeds.delete(feed.id);
    state.feedReports.delete(feed.id);
    for (const [aid, a] of state.feedActions) {
      if (a.group_id === feed.id) state.feedActions.delete(aid);
    }
    return json({ result: "success" });
  });
  router.add("POST", "/api/v1/feed/:id/synchronize", (ctx) => {
    const feed = findFeed(state, ctx);
    const body = jsonObject(ctx);
    if (typeof body.full_sync !== "boolean") {
      throw new HttpError(400, "full_sync must be a boolean");
    }
    if (!feed.enabled) throw new HttpError(409, `Feed ${feed.id} is disabled`);
    feed.last_synchronized = body.full_sync ? "full" : "incremental";
    return json({ result: "success" });
  });
  router.add("GET", "/api/v1/feed/:id/report/:rid", (ctx) => {
    const feed = findFeed(state, ctx);
    const r = state.feedReports.get(feed.id)?.get(ctx.params.rid ?? "");
    if (!r) throw new HttpError(404, `Report ${ctx.params.rid} of feed ${feed.id} not found`);
    return json(r);
  });
}

function checkAction(body: Record<string, unknown>): void {
  if (!ACTION_TYPES.includes(body.action_type as number)) {
    throw new HttpError(
      400,
      "action_type must be 0 (email), 1 (syslog), 2 (http_post) or 3 (alert)",
    );
  }
}

function actionRoutes(router: Router, state: EmulatorState): void {
  function feedAction(ctx: RouteContext): FeedActionDoc {
    const feed = findFeed(state, ctx);
    const aid = intParam(ctx, "aid", "Action");
    const a = state.feedActions.get(aid);
    if (!a || a.group_id !== feed.id) throw new HttpError(404, `Action ${aid} not found`);
    return a;
  }
  router.add("GET", "/api/v1/feed/:id/action", (ctx) => {
    const feed = findFeed(state, ctx);
    return json([...state.feedActions.values()].filter((a) => a.group_id === feed.id));
  });
  router.add("POST", "/api/v1/feed/:id/action", (ctx) => {
    const feed = findFeed(state, ctx);
    const body = jsonObject(ctx);
    checkAction(body);
    if (body.watchlist_id === undefined) throw new HttpError(400, "watchlist_id is required");
    const id = nextId(state.feedActions.keys());
    const doc = { action_data: null, ...body, id, group_id: feed.id };
    state.feedActions.set(id, doc);
    return json(doc);
  });
  router.add("PUT", "/api/v1/feed/:id/action/:aid", (ctx) => {
    const a = feedAction(ctx);
    const body = jsonObject(ctx);
    checkAction({ action_type: a.action_type, ...body });
    for (const [k, v] of Object.entries(body)) if (k !== "id" && k !== "group_id") a[k] = v;
    return json({ result: "success" });
  });
  router.add("DELETE", "/api/v1/feed/:id/action/:aid", (ctx) => {
    state.feedActions.delete(feedAction(ctx).id);
    return json({ result: "success" });
  });

  function watchlistId(ctx: RouteContext): string {
    const id = ctx.params.id ?? "";
    if (!state.watchlists.has(id)) throw new HttpError(404, `Watchlist ${id} not found`);
    return id;
  }
  function watchlistAction(ctx: RouteContext) {
    const wid = watchlistId(ctx);
    const aid = intParam(ctx, "aid", "Action");
    const a = state.watchlistActions.get(aid);
    if (!a || a.watchlist_id !== wid) throw new HttpError(404, `Action ${aid} not found`);
    return a;
  }
  router.add("GET", "/api/v1/watchlist/:id/action", (ctx) => {
    const wid = watchlistId(ctx);
    return json([...state.watchlistActions.values()].filter((a) => a.watchlist_id === wid));
  });
  router.add("POST", "/api/v1/watchlist/:id/action", (ctx) => {
    const wid = watchlistId(ctx);
    const body = jsonObject(ctx);
    checkAction(body);
    const id = nextId(state.watchlistActions.keys());
    const doc = { action_data: null, group_id: -1, ...body, id, watchlist_id: wid };
    state.watchlistActions.set(id, doc);
    return json(doc);
  });
  router.add("PUT", "/api/v1/watchlist/:id/action/:aid", (ctx) => {
    const a = watchlistAction(ctx);
    const body = jsonObject(ctx);
    checkAction({ action_type: a.action_type, ...body });
    for (const [k, v] of Object.entries(body)) if (k !== "id" && k !== "watchlist_id") a[k] = v;
    return json({ result: "success" });
  });
  router.add("DELETE", "/api/v1/watchlist/:id/action/:aid", (ctx) => {
    state.watchlistActions.delete(watchlistAction(ctx).id);
    return json({ result: "success" });
  });
}

/** Registers feed, action and threat report routes. */
export function registerFeedRoutes(router: Router, state: EmulatorState): void {
  feedRoutes(router, state);
  actionRoutes(router, state);
  threatReportRoutes(router, state);
}
