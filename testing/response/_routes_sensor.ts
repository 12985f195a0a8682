/**
 * Sensor, sensor group, site and throttle routes.
 *
 * @module
 */
import {
  bytes,
  HttpError,
  intParam,
  json,
  jsonObject,
  noContent,
  type RouteContext,
  type Router,
  text,
} from "../_router.ts";
import { zipBytes } from "../_zip.ts";
import type { EmulatorState, SensorDoc, SensorGroupDoc, SiteDoc } from "../state.ts";
import { groupDoc, noteIsolationChange } from "./_sensors.ts";

/** Options of the sensor routes. */
export interface SensorRouteOptions {
  /** Answer 500 when a filtered sensor list is empty (Cb Response 6.1). */
  sensorQuery500OnEmpty: boolean;
}

const FLUSH_TIME_REGEXPS = [
  /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/,
  /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}:?\d{2}|Z)?$/,
];

function sensorList(state: EmulatorState, ctx: RouteContext, opts: SensorRouteOptions) {
  const ip = ctx.query.get("ip");
  const hostname = ctx.query.get("hostname");
  const groupid = ctx.query.get("groupid");
  const out = [...state.sensors.values()].filter((s) => {
    if (ip !== null) {
      const ips = String(s.network_adapters).split("|").map((a) => a.split(",")[0] ?? "");
      if (!ips.some((a) => a !== "" && a.startsWith(ip))) return false;
    }
    if (hostname !== null && s.computer_name.toLowerCase() !== hostname.toLowerCase()) return false;
    if (groupid !== null && String(s.group_id) !== groupid) return false;
    return true;
  });
  if (out.length === 0 && ctx.rawQuery !== "" && opts.sensorQuery500OnEmpty) {
    return text(500, "Internal Server Error");
  }
  return json(out);
}

function findSensor(state: EmulatorState, ctx: RouteContext): SensorDoc {
  const id = intParam(ctx, "id", "Sensor");
  const s = state.sensors.get(id);
  if (!s) throw new HttpError(404, `Sensor ${id} not found`);
  return s;
}

function updateSensor(state: EmulatorState, ctx: RouteContext) {
  const sensor = findSensor(state, ctx);
  const body = jsonObject(ctx);
  const flush = body.event_log_flush_time;
  if (flush !== undefined && flush !== null) {
    if (typeof flush !== "string" || !FLUSH_TIME_REGEXPS.some((r) => r.test(flush))) {
      throw new HttpError(400, `Invalid event_log_flush_time "${String(flush)}"`);
    }
  }
  const iso = body.network_isolation_enabled;
  if (iso !== undefined && typeof iso !== "boolean") {
    throw new HttpError(400, "network_isolation_enabled must be a boolean");
  }
  if (body.restart_queued !== undefined && typeof body.restart_queued !== "boolean") {
    throw new HttpError(400, "restart_queued must be a boolean");
  }
  if (body.group_id !== undefined && !state.groups.has(Number(body.group_id))) {
    throw new HttpError(400, `Sensor group ${String(body.group_id)} does not exist`);
  }
  if (typeof iso === "boolean") noteIsolationChange(sensor, iso);
  for (const [k, v] of Object.entries(body)) {
    if (k === "id" || k === "is_isolating") continue;
    (sensor as Record<string, unknown>)[k] = k === "group_id" ? Number(v) : v;
  }
  return noContent();
}

function nextId(ids: Iterable<number>): number {
  return Math.max(0, ...ids) + 1;
}

function crud<T extends { id: number; name: string }>(
  router: Router,
  base: string,
  map: Map<number, T>,
  what: string,
  make: (id: number, body: Record<string, unknown>) => T,
): void {
  function find(ctx: RouteContext): T {
    const id = intParam(ctx, "id", what);
    const doc = map.get(id);
    if (!doc) throw new HttpError(404, `${what} ${id} not found`);
    return doc;
  }
  router.add("GET", base, () => json([...map.values()]));
  router.add("GET", `${base}/:id`, (ctx) => json([find(ctx)]));
  router.add("POST", base, (ctx) => {
    const body = jsonObject(ctx);
    if (typeof body.name !== "string" || body.name === "") {
      throw new HttpError(400, `${what} name is required`);
    }
    const id = nextId(map.keys());
    map.set(id, make(id, body));
    return json({ id });
  });
  router.add("PUT", `${base}/:id`, (ctx) => {
    const doc = find(ctx);
    const body = jsonObject(ctx);
    for (const [k, v] of Object.entries(body)) {
      if (k !== "id") (doc as Record<string, unknown>)[k] = v;
    }
    return json({ result: "success" });
  });
  router.add("DELETE", `${base}/:id`, (ctx) => {
    map.delete(find(ctx).id);
    return json({ result: "success" });
  });
}

/** Registers sensor, group and site routes (throttle rules are in `_routes_storage.ts`). */
export function registerSensorRoutes(
  router: Router,
  state: EmulatorState,
  opts: SensorRouteOptions,
): void {
  router.add("GET", "/api/v1/sensor", (ctx) => sensorList(state, ctx, opts));
  router.add("GET", "/api/v1/sensor/:id", (ctx) => json(findSensor(state, ctx)));
  router.add("PUT", "/api/v1/sensor/:id", (ctx) => updateSensor(state, ctx));
  router.add("DELETE", "/api/v1/sensor/:id", (ctx) => {
    state.sensors.delete(findSensor(state, ctx).id);
    return noContent();
  });
  router.add("GET", "/api/v1/sensor/:id/queued", (ctx) => {
    const s = findSensor(state, ctx);
    return json([{ sensor_id: s.id, queued_eventlog_bytes: "0", queued_binary_bytes: "0" }]);
  });
  router.add("GET", "/api/v1/sensor/:id/activity", (ctx) => {
    const s = findSensor(state, ctx);
    return json([{
      sensor_id: s.id,
      timestamp: s.last_checkin_time,
      event: "checkin",
      bytes: 33200,
    }]);
  });
  router.add("GET", "/api/v1/sensor/:id/resourcestatus", (ctx) => {
    const s = findSensor(state, ctx);
    return json([{
      sensor_id: s.id,
      cpu_percent: 3,
      memory_bytes: "52428800",
      disk_free_bytes: s.systemvolume_free_size,
    }]);
  });
  crud<SensorGroupDoc>(router, "/api/group", state.groups, "Sensor group", (id, body) => ({
    ...groupDoc(id, String(body.name), Number(body.site_id ?? 1)),
    ...Object.fromEntries(Object.entries(body).filter(([k]) => k !== "id")),
    id,
  }));
  crud<SiteDoc>(router, "/api/site", state.sites, "Site", (id, body) => ({
    group_ids: [],
    ...Object.fromEntries(Object.entries(body).filter(([k]) => k !== "id")),
    id,
    name: String(body.name),
  }));
  router.add("GET", "/api/v1/group/:id/installer/*os", async (ctx) => {
    const id = intParam(ctx, "id", "Sensor group");
    if (!state.groups.has(id)) throw new HttpError(404, `Sensor group ${id} not found`);
    const os = ctx.params.os ?? "";
    const names: Record<string, string> = {
      "windows/exe": "CarbonBlackClientSetup.exe",
      "windows/msi": "CarbonBlackClientSetup.msi",
      "osx": "CarbonBlackClientSetup.pkg",
      "linux": "CarbonBlackClientSetup.sh",
    };
    const name = names[os];
    if (!name) throw new HttpError(404, `Unknown installer type "${os}"`);
    const content = new TextEncoder().encode(`MZ installer for group ${id} (${os})\n`);
    const zip = await zipBytes([
      { name, data: content },
      { name: "sensorsettings.ini", data: new TextEncoder().encode(`[CB]\r\nGroupId=${id}\r\n`) },
    ]);
    return bytes(zip, "application/zip");
  });
  router.add("GET", "/api/v1/group/:id/datasharing", (ctx) => {
    const id = intParam(ctx, "id", "Sensor group");
    if (!state.groups.has(id)) throw new HttpError(404, `Sensor group ${id} not found`);
    return json([
      { id: 1, group_id: id, who: "BIT9", what: "BIN" },
      { id: 2, group_id: id, who: "BIT9", what: "MODINFO" },
    ]);
  });
}
