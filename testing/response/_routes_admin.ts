/**
 * Server-wide Cb Response routes: info, license, auth (Digest), watchlists and banned hashes
 * (event partitions are in `_routes_storage.ts`).
 *
 * @module
 */
import { DigestAuth } from "../_digest.ts";
import { HttpError, json, jsonObject, type RouteContext, type Router, text } from "../_router.ts";
import type { BannedHashDoc, EmulatorState, WatchlistDoc } from "../state.ts";
import { bannedDoc } from "./_state.ts";

/** What the admin routes need besides the data. */
export interface AdminRouteOptions {
  /** Server version string. */
  serverVersion: string;
  /** The API token `GET /api/auth` returns. */
  token: string;
  /** Seed text for nonces. */
  secret: string;
}

function info(version: string) {
  return {
    version,
    version_release: `${version.split(".").slice(0, 3).join(".")}-1`,
    cblrEnabled: true,
    banningEnabled: true,
    cloud_install: false,
    features: {
      immutable_documents: true,
      event_exclusions: true,
      thirdparty_sharing: true,
      ipv6_support: true,
    },
    processPageSize: 10,
    binaryPageSize: 10,
    maxSearchResultRows: 1000,
    maxRowsSolrReportQuery: 10000,
    searchExportCount: 1000,
    timestampDeltaThreshold: 5,
    linuxInstallerExists: true,
    osxInstallerExists: true,
    liveResponseAutoAttach: true,
    vdiGloballyEnabled: false,
    processOrder: "last_update desc",
    binaryOrder: "server_added_timestamp desc",
    user_preferences: { alertsPageSize: 10, searchPageSize: 10, timeZone: "UTC" },
  };
}

function watchlistRoutes(router: Router, state: EmulatorState): void {
  function find(ctx: RouteContext): WatchlistDoc {
    const w = state.watchlists.get(ctx.params.id ?? "");
    if (!w) throw new HttpError(404, `Watchlist ${ctx.params.id} not found`);
    return w;
  }
  router.add("GET", "/api/v1/watchlist", () => json([...state.watchlists.values()]));
  router.add("GET", "/api/v1/watchlist/:id", (ctx) => json(find(ctx)));
  router.add("POST", "/api/v1/watchlist", (ctx) => {
    const body = jsonObject(ctx);
    for (const k of ["name", "search_query", "index_type"]) {
      if (typeof body[k] !== "string" || body[k] === "") {
        throw new HttpError(400, `${k} is required`);
      }
    }
    if (body.index_type !== "events" && body.index_type !== "modules") {
      throw new HttpError(400, `index_type must be events or modules`);
    }
    const id = Math.max(0, ...[...state.watchlists.keys()].map(Number)) + 1;
    state.watchlists.set(String(id), {
      alliance_id: null,
      date_added: "2018-02-06 18:40:06.467689-06:00",
      description: null,
      enabled: true,
      from_alliance: false,
      group_id: -1,
      last_hit: null,
      last_hit_count: 0,
      readonly: false,
      search_timestamp: "1970-01-01T00:00:00.000Z",
      total_hits: "0",
      total_tags: "0",
      ...body,
      id: String(id),
      name: String(body.name),
      search_query: String(body.search_query),
      index_type: String(body.index_type),
    });
    return json({ id });
  });
  router.add("PUT", "/api/v1/watchlist/:id", (ctx) => {
    const w = find(ctx);
    const body = jsonObject(ctx);
    for (const [k, v] of Object.entries(body)) {
      if (k !== "id") (w as Record<string, unknown>)[k] = v;
    }
    return json({ result: "success" });
  });
  router.add("DELETE", "/api/v1/watchlist/:id", (ctx) => {
    state.watchlists.delete(find(ctx).id);
    return json({ result: "success" });
  });
}

const MD5_REGEXP = /^[0-9a-fA-F]{32}$/;

// What a real Cb Response server does on these routes (SPEC §5.10, the vendor's REST API
// reference and integrations that call it): POST creates a ban or re-enables a disabled one and
// answers `{"result": "success"}`, 409 when the hash is already banned; DELETE disables the ban
// and erases its text (so clients put the text back with a PUT), 409 "does not exist" for a hash
// that was never banned; PUT updates the ban. Every change appends an entry to `audit`.
function banningRoutes(router: Router, state: EmulatorState): void {
  function find(ctx: RouteContext) {
    const md5 = (ctx.params.md5 ?? "").toLowerCase();
    const b = state.bannedHashes.get(md5);
    if (!b) throw new HttpError(404, `Banned hash ${ctx.params.md5} not found`);
    return b;
  }
  function audit(doc: BannedHashDoc): void {
    const stamp = serverTimestamp(new Date());
    doc.timestamp = stamp;
    const entry = {
      username: doc.username ?? "admin",
      timestamp: stamp,
      text: doc.text,
      enabled: doc.enabled,
      user_id: doc.user_id ?? 1,
    };
    doc.audit = [entry, ...(Array.isArray(doc.audit) ? doc.audit : [])];
  }
  router.add("GET", "/api/v1/banning/blacklist", (ctx) => {
    const all = [...state.bannedHashes.values()];
    const count = Number(ctx.query.get("count") ?? all.length);
    return json(all.slice(0, Number.isFinite(count) ? count : all.length));
  });
  router.add("POST", "/api/v1/banning/blacklist", (ctx) => {
    const body = jsonObject(ctx);
    const md5 = body.md5hash;
    if (typeof md5 !== "string" || !MD5_REGEXP.test(md5)) {
      throw new HttpError(400, "md5hash must be a 32-character MD5");
    }
    const key = md5.toLowerCase();
    const existing = state.bannedHashes.get(key);
    if (existing?.enabled) throw new HttpError(409, `Hash ${key} is already banned`);
    const doc = existing ?? bannedDoc(key, "", true);
    doc.enabled = true;
    if (typeof body.text === "string" || body.text === null) doc.text = body.text;
    audit(doc);
    state.bannedHashes.set(key, doc);
    return json({ result: "success" });
  });
  router.add("GET", "/api/v1/banning/blacklist/:md5", (ctx) => json(find(ctx)));
  router.add("PUT", "/api/v1/banning/blacklist/:md5", (ctx) => {
    const doc = find(ctx);
    const body = jsonObject(ctx);
    for (const [k, v] of Object.entries(body)) {
      if (k !== "md5hash" && k !== "audit") (doc as Record<string, unknown>)[k] = v;
    }
    audit(doc);
    return json({ result: "success" });
  });
  router.add("DELETE", "/api/v1/banning/blacklist/:md5", (ctx) => {
    const md5 = (ctx.params.md5 ?? "").toLowerCase();
    const doc = state.bannedHashes.get(md5);
    if (!doc) throw new HttpError(409, `Hash ${md5} does not exist in the blacklist`);
    doc.enabled = false;
    doc.text = null;
    audit(doc);
    return json({ result: "success" });
  });
}

/** `YYYY-MM-DD HH:MM:SS.ffffff+00:00`, the server's timestamp form in banning documents. */
function serverTimestamp(d: Date): string {
  return `${d.toISOString().replace("T", " ").slice(0, 23)}000+00:00`;
}

/** Registers the admin routes. */
export function registerAdminRoutes(
  router: Router,
  state: EmulatorState,
  opts: AdminRouteOptions,
): void {
  const digest = new DigestAuth("Cb Response", { admin: "cbisawesome" }, opts.secret);
  router.add("GET", "/api/info", () => json(info(opts.serverVersion)));
  router.add("GET", "/api/auth", (ctx) => {
    if (!digest.verify(ctx.method, ctx.headers["authorization"])) {
      return text(401, "Unauthorized", { "WWW-Authenticate": digest.challenge() });
    }
    return json({ auth_token: opts.token });
  }, "none");
  router.add("GET", "/api/license", () =>
    json({
      license_request_block:
        "-----BEGIN CB LICENSE REQUEST-----\nQ2JFbXVsYXRvckxpY2Vuc2VSZXF1ZXN0\n-----END CB LICENSE REQUEST-----\n",
    }));
  router.add("POST", "/api/license", (ctx) => {
    const body = jsonObject(ctx);
    if (typeof body.license !== "string" || body.license === "") {
      throw new HttpError(400, "license is required");
    }
    state.license = body.license;
    return json({ status: "success" });
  });
  watchlistRoutes(router, state);
  banningRoutes(router, state);
}
