/**
 * Cb Response user administration routes: users, teams, investigations, tagged events and the
 * ingress whitelist.
 *
 * @module
 */
import { hashHex, mixSeed } from "../_rand.ts";
import {
  HttpError,
  intParam,
  json,
  jsonObject,
  type RouteContext,
  type Router,
} from "../_router.ts";
import type { EmulatorState } from "../state.ts";
import { type Doc, ingressDoc, resolveTeams, serverDate, userDoc } from "./_admin_data.ts";

/** What the user routes need besides the data. */
export interface UserRouteOptions {
  /** The emulator's API token: the `admin` user's `auth_token`. */
  token: string;
  /** Secret text: seeds the tokens and ids the routes generate. */
  secret: string;
}

const SUCCESS = { result: "success" };

function requireStrings(body: Doc, keys: string[]): void {
  for (const k of keys) {
    if (typeof body[k] !== "string" || body[k] === "") {
      throw new HttpError(400, `${k} is required`);
    }
  }
}

function nextId(ids: Iterable<number>): number {
  return Math.max(0, ...ids) + 1;
}

function userRoutes(router: Router, state: EmulatorState, opts: UserRouteOptions): void {
  function find(ctx: RouteContext): Doc {
    const u = state.users.get(ctx.params.username ?? "");
    if (!u) throw new HttpError(404, `User ${ctx.params.username} not found`);
    return u;
  }
  router.add("GET", "/api/users", () => json([...state.users.values()]));
  router.add("GET", "/api/user/:username", (ctx) => json(find(ctx)));
  router.add("POST", "/api/user", (ctx) => {
    const body = jsonObject(ctx);
    requireStrings(body, ["username", "first_name", "last_name", "email"]);
    if (typeof body.global_admin !== "boolean") {
      throw new HttpError(400, "global_admin is required");
    }
    if (!Array.isArray(body.teams)) throw new HttpError(400, "teams must be a list of team ids");
    const name = String(body.username);
    if (state.users.has(name)) throw new HttpError(409, `User ${name} already exists`);
    state.users.set(name, userDoc(mixSeed(opts.secret), body, state.teams));
    return json(SUCCESS);
  });
  router.add("PUT", "/api/user/:username", (ctx) => {
    const user = find(ctx);
    const body = jsonObject(ctx);
    if ("username" in body && body.username !== user.username) {
      throw new HttpError(400, "username cannot be changed");
    }
    for (const [k, v] of Object.entries(body)) {
      if (["id", "username", "auth_token", "password"].includes(k)) continue;
      user[k] = k === "teams" ? resolveTeams(v, state.teams) : v;
    }
    return json(SUCCESS);
  });
  router.add("DELETE", "/api/user/:username", (ctx) => {
    state.users.delete(String(find(ctx).username));
    return json(SUCCESS);
  });
}

function teamRoutes(router: Router, state: EmulatorState): void {
  function find(ctx: RouteContext): Doc {
    const id = intParam(ctx, "id", "Team");
    const t = state.teams.get(id);
    if (!t) throw new HttpError(404, `Team ${id} not found`);
    return t;
  }
  function groupAccess(raw: unknown): Doc[] {
    if (raw === undefined) return [];
    if (!Array.isArray(raw)) throw new HttpError(400, "group_access must be a list");
    return raw.map((entry) => {
      const e = entry as Doc;
      const group = state.groups.get(Number(e?.group_id));
      if (!group) throw new HttpError(400, `Sensor group ${e?.group_id} does not exist`);
      if (e.access_category !== "Viewer" && e.access_category !== "Administrator") {
        throw new HttpError(400, "access_category must be Viewer or Administrator");
      }
      return { group_id: group.id, access_category: e.access_category, group_name: group.name };
    });
  }
  router.add("GET", "/api/teams", () => json([...state.teams.values()]));
  router.add("GET", "/api/team/:id", (ctx) => json(find(ctx)));
  router.add("POST", "/api/team", (ctx) => {
    const body = jsonObject(ctx);
    requireStrings(body, ["name"]);
    const id = nextId(state.teams.keys());
    const team = { id, name: body.name, group_access: groupAccess(body.group_access) };
    state.teams.set(id, team);
    return json(team);
  });
  router.add("PUT", "/api/team/:id", (ctx) => {
    const team = find(ctx);
    const body = jsonObject(ctx);
    if (typeof body.name === "string" && body.name !== "") team.name = body.name;
    if ("group_access" in body) team.group_access = groupAccess(body.group_access);
    for (const u of state.users.values()) {
      for (const t of u.teams as Doc[]) if (t.id === team.id) t.name = team.name;
    }
    return json(team);
  });
  router.add("DELETE", "/api/team/:id", (ctx) => {
    const id = find(ctx).id as number;
    state.teams.delete(id);
    for (const u of state.users.values()) u.teams = (u.teams as Doc[]).filter((t) => t.id !== id);
    return json(SUCCESS);
  });
}

function investigationRoutes(router: Router, state: EmulatorState): void {
  function find(ctx: RouteContext): Doc {
    const id = intParam(ctx, "id", "Investigation");
    const inv = state.investigations.get(id);
    if (!inv) throw new HttpError(404, `Investigation ${id} not found`);
    return inv;
  }
  function findEvent(ctx: RouteContext): Doc {
    const id = intParam(ctx, "id", "Tagged event");
    const ev = state.taggedEvents.get(id);
    if (!ev) throw new HttpError(404, `Tagged event ${id} not found`);
    return ev;
  }
  router.add("GET", "/api/investigations", () => json([...state.investigations.values()]));
  router.add("PUT", "/api/investigations/:id", (ctx) => {
    const inv = find(ctx);
    const body = jsonObject(ctx);
    for (const k of ["name", "notes"]) if (k in body) inv[k] = body[k];
    inv.last_updated = serverDate(new Date());
    return json(SUCCESS);
  });
  router.add("DELETE", "/api/investigations/:id", (ctx) => {
    const id = find(ctx).id as number;
    state.investigations.delete(id);
    for (const [k, ev] of state.taggedEvents) {
      if (ev.investigation_id === id) state.taggedEvents.delete(k);
    }
    return json(SUCCESS);
  });
  router.add("GET", "/api/tagged_event/:id", (ctx) => {
    const id = find(ctx).id;
    return json([...state.taggedEvents.values()].filter((e) => e.investigation_id === id));
  });
  router.add("POST", "/api/tagged_event", (ctx) => {
    const body = jsonObject(ctx);
    const invId = Number(body.investigation_id);
    if (!state.investigations.has(invId)) {
      throw new HttpError(400, `investigation_id ${body.investigation_id} does not exist`);
    }
    requireStrings(body, ["unique_id"]);
    const id = nextId(state.taggedEvents.keys());
    const segment = Number(body.segment_id ?? 1);
    const doc: Doc = {
      event_type: "process",
      event_data: {},
      notes: "",
      tagged_by_user_id: 1,
      start_date: null,
      process_id: body.unique_id,
      ...body,
      id,
      investigation_id: invId,
      segment_id: segment,
      event_id: `${body.unique_id}-${segment.toString(16).padStart(12, "0")}`,
      date_tagged: serverDate(new Date()),
    };
    state.taggedEvents.set(id, doc);
    state.investigations.get(invId)!.last_updated = doc.date_tagged;
    return json(doc);
  });
  router.add("PUT", "/api/tagged_event/:id", (ctx) => {
    const ev = findEvent(ctx);
    const body = jsonObject(ctx);
    for (const k of ["notes", "event_data", "description"]) if (k in body) ev[k] = body[k];
    return json(SUCCESS);
  });
  router.add("DELETE", "/api/tagged_event/:id", (ctx) => {
    state.taggedEvents.delete(findEvent(ctx).id as number);
    return json(SUCCESS);
  });
}

function ingressRoutes(router: Router, state: EmulatorState, opts: UserRouteOptions): void {
  const base = "/api/v1/ingress_whitelist";
  function find(ctx: RouteContext): Doc {
    const f = state.ingressFilters.get(ctx.params.id ?? "");
    if (!f) throw new HttpError(404, `Ingress filter ${ctx.params.id} not found`);
    return f;
  }
  let created = 0;
  router.add("GET", base, () => json([...state.ingressFilters.values()]));
  router.add("GET", `${base}/:id`, (ctx) => json(find(ctx)));
  router.add("POST", base, (ctx) => {
    const body = ctx.json();
    if (!Array.isArray(body) || body.length === 0) {
      throw new HttpError(400, "Request body must be a JSON array of ingress filters");
    }
    const ids: string[] = [];
    for (const raw of body) {
      if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
        throw new HttpError(400, "Each ingress filter must be a JSON object");
      }
      const f = raw as Doc;
      requireStrings(f, ["name"]);
      const given = typeof f.id === "string" && f.id !== "" ? f.id : undefined;
      if (given && state.ingressFilters.has(given)) {
        throw new HttpError(409, `Ingress filter ${given} already exists`);
      }
      const h = hashHex("md5", `cbemu-ingress:${opts.secret}:${++created}:${f.name}`);
      const id = given ??
        `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${
          h.slice(20, 32)
        }`;
      ids.push(id);
      state.ingressFilters.set(id, ingressDoc(id, f, new Date()));
    }
    return json(ids);
  });
  router.add("PUT", `${base}/:id`, (ctx) => {
    const f = find(ctx);
    const body = jsonObject(ctx);
    for (const [k, v] of Object.entries(body)) {
      if (!["id", "create_timestamp", "create_user_id", "hit_rate"].includes(k)) f[k] = v;
    }
    f.modify_timestamp = serverDate(new Date());
    f.version = Number(f.version ?? 1) + 1;
    return json(SUCCESS);
  });
  router.add("DELETE", `${base}/:id`, (ctx) => {
    state.ingressFilters.delete(String(find(ctx).id));
    return json(SUCCESS);
  });
}

/** Registers users, teams, investigations, tagged events and ingress filter routes. */
export function registerUserRoutes(
  router: Router,
  state: EmulatorState,
  opts: UserRouteOptions,
): void {
  const admin = state.users.get("admin");
  if (admin) admin.auth_token = opts.token;
  userRoutes(router, state, opts);
  teamRoutes(router, state);
  investigationRoutes(router, state);
  ingressRoutes(router, state, opts);
}
