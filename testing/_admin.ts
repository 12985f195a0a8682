/**
 * The emulator's admin surface: routes under `/__emulator/` (a path no Carbon Black server
 * uses), protected by the Cb Response API token like every other route, to add data while the
 * emulator runs, from the shell (`deno task emulator:admin`, see `testing/admin.ts`) or from
 * `curl`:
 *
 * | Route                                   | Adds or lists                                   |
 * | --------------------------------------- | ----------------------------------------------- |
 * | `GET  /__emulator`                      | this table, as JSON                             |
 * | `POST /__emulator/response/alerts`      | a Cb Response alert (`unique_id` answered)      |
 * | `POST /__emulator/response/processes`   | a Cb Response process with its events (`guid`)  |
 * | `POST /__emulator/defense/notifications`| Cb Defense notifications (one object or a list) |
 * | `POST /__emulator/protection/{name}`    | a Cb Protection object (`computer`, `fileInstance`, ...) |
 * | `POST /__emulator/live-response/files`  | a file on a Live Response endpoint              |
 * | `POST /__emulator/live-response/outputs`| what a command line prints on an endpoint       |
 * | `GET  /__emulator/live-response/sessions`| the open Live Response sessions                |
 *
 * @module
 */
import { HttpError, json, jsonObject, type RouteContext, type Router } from "./_router.ts";
import type { EmulatorState, ProcessEvents, ProcessRecord } from "./state.ts";
import { alertId } from "./response/_alerts.ts";
import { md5For } from "./response/_binaries.ts";
import { eventTime, makeGuid, solrTime, uniqueId } from "./response/_guid.ts";
import { LiveResponseStore } from "./live_response/_state.ts";
import { setCommandOutput } from "./live_response/_outputs.ts";

/** The path prefix of every admin route. */
export const ADMIN_PREFIX = "/__emulator";

/** One admin route as `GET /__emulator` lists it. */
export interface AdminRouteDoc {
  method: string;
  path: string;
  body: string;
}

/** The admin routes and their bodies (the answer of `GET /__emulator`). */
export const ADMIN_ROUTES: readonly AdminRouteDoc[] = [
  { method: "GET", path: ADMIN_PREFIX, body: "" },
  {
    method: "POST",
    path: `${ADMIN_PREFIX}/response/alerts`,
    body: '{"sensorId"?: 3, "status"?: "Unresolved", "watchlistName"?: "...", ' +
      '"processGuid"?: "...", "md5"?: "...", "score"?: 50, "iocType"?: "...", "iocValue"?: "...", ' +
      '"fields"?: {...}}',
  },
  {
    method: "POST",
    path: `${ADMIN_PREFIX}/response/processes`,
    body: '{"sensorId": 3, "name": "evil.exe", "pid"?, "path"?, "cmdline"?, "username"?, ' +
      '"md5"?, "start"?, "parentGuid"?, "netconns"?: [{"remoteIp", "remotePort", "domain"?, ' +
      '"localIp"?, "localPort"?, "proto"?, "outbound"?}], "filemods"?: [{"path", "type"?}], ' +
      '"regmods"?: [{"path", "type"?}], "modloads"?: [{"path", "md5"?}]}',
  },
  {
    method: "POST",
    path: `${ADMIN_PREFIX}/defense/notifications`,
    body: '{"deviceId"?: 12, "type"?: "THREAT", "score"?: 7, "summary"?: "...", ...fields} ' +
      "or a list of them",
  },
  {
    method: "POST",
    path: `${ADMIN_PREFIX}/protection/{collection}`,
    body: "{...fields} (the other fields and the id come from the collection's first object)",
  },
  {
    method: "POST",
    path: `${ADMIN_PREFIX}/live-response/files`,
    body: '{"product"?: "response", "sensorId": 3, "path": "C:\\\\x.txt", "text" | "base64"}',
  },
  {
    method: "POST",
    path: `${ADMIN_PREFIX}/live-response/outputs`,
    body: '{"product"?: "response", "sensorId": 3, "match": "ipconfig", "output": "..."}',
  },
  { method: "GET", path: `${ADMIN_PREFIX}/live-response/sessions`, body: "" },
];

function str(o: Record<string, unknown>, key: string, fallback?: string): string {
  const v = o[key];
  if (v === undefined || v === null) {
    if (fallback !== undefined) return fallback;
    throw new HttpError(400, `"${key}" is required`);
  }
  if (typeof v !== "string") throw new HttpError(400, `"${key}" must be a string`);
  return v;
}

function int(o: Record<string, unknown>, key: string, fallback?: number): number {
  const v = o[key];
  if (v === undefined || v === null) {
    if (fallback !== undefined) return fallback;
    throw new HttpError(400, `"${key}" is required`);
  }
  const n = typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== "number" || !Number.isSafeInteger(n)) {
    throw new HttpError(400, `"${key}" must be an integer`);
  }
  return n;
}

function list(o: Record<string, unknown>, key: string): Record<string, unknown>[] {
  const v = o[key] ?? [];
  if (!Array.isArray(v) || v.some((x) => x === null || typeof x !== "object" || Array.isArray(x))) {
    throw new HttpError(400, `"${key}" must be a list of objects`);
  }
  return v as Record<string, unknown>[];
}

let counter = 0;

function addAlert(state: EmulatorState, body: Record<string, unknown>) {
  const sensorId = int(body, "sensorId", 3);
  const sensor = state.sensors.get(sensorId);
  if (!sensor) throw new HttpError(400, `Sensor ${sensorId} does not exist`);
  const guid = body.processGuid === undefined ? undefined : str(body, "processGuid");
  const proc = guid === undefined ? undefined : state.processes.get(guid.toLowerCase());
  if (guid !== undefined && !proc) throw new HttpError(400, `Process ${guid} does not exist`);
  const md5 = str(body, "md5", proc?.md5 ?? md5For("admin-alert.exe")).toLowerCase();
  const status = str(body, "status", "Unresolved");
  const score = int(body, "score", 50);
  const created = new Date().toISOString();
  const group = state.groups.get(sensor.group_id)?.name ?? "Default Group";
  const doc: Record<string, unknown> = {
    unique_id: alertId(`admin:${++counter}:${created}:${Math.random()}`),
    alert_type: `watchlist.hit.query.${proc ? "process" : "binary"}`,
    status,
    assigned_to: null,
    resolved_time: null,
    created_time: created,
    alert_severity: Math.round(score * 0.675 * 1000) / 1000,
    sensor_criticality: 3.0,
    feed_rating: 3.0,
    ioc_confidence: 0.5,
    report_score: score,
    feed_id: -1,
    feed_name: "My Watchlists",
    watchlist_id: str(body, "watchlistId", "1"),
    watchlist_name: str(body, "watchlistName", "Admin alert"),
    hostname: sensor.computer_name,
    sensor_id: sensorId,
    group,
    os_type: sensor.os_type === 1 ? "windows" : sensor.os_type === 2 ? "osx" : "linux",
    md5,
    total_hosts: "1",
    is_ignored: false,
    ioc_type: str(body, "iocType", proc ? "query" : "md5"),
    ioc_value: str(body, "iocValue", md5),
    // As the seeded alerts (and real servers): ioc_attr is JSON text.
    ioc_attr: "{}",
    description: "",
    link: "",
    report_ignored: false,
    sha256: "",
  };
  const sameSensor = [...state.alerts.values()].find((a) => a.sensor_id === sensorId);
  for (const key of ["comms_ip", "interface_ip"]) {
    if (sameSensor && key in sameSensor) doc[key] = sameSensor[key];
  }
  if (proc) {
    const seg = proc.segments[0]!.segmentId;
    doc.process_id = proc.guid;
    doc.segment_id = seg > 2 ** 32 ? 1 : seg;
    doc.process_unique_id = uniqueId(proc.guid, seg);
    doc.process_name = proc.name;
    doc.process_path = proc.path;
    doc.username = proc.username;
  } else {
    doc.process_name = str(body, "processName", "admin-alert.exe");
    doc.observed_filename = [`c:\\users\\public\\${doc.process_name}`];
    doc.observed_hosts = { hostnames: [{ name: sensor.computer_name, value: 1 }], hostCount: 1 };
  }
  const fields = body.fields;
  if (fields !== undefined) {
    if (fields === null || typeof fields !== "object" || Array.isArray(fields)) {
      throw new HttpError(400, '"fields" must be an object');
    }
    Object.assign(doc, fields, { unique_id: doc.unique_id });
  }
  state.alerts.set(String(doc.unique_id), doc as { unique_id: string; status: string });
  return doc;
}

function addProcess(state: EmulatorState, body: Record<string, unknown>): ProcessRecord {
  const sensorId = int(body, "sensorId", 3);
  const sensor = state.sensors.get(sensorId);
  if (!sensor) throw new HttpError(400, `Sensor ${sensorId} does not exist`);
  const name = str(body, "name").toLowerCase();
  const windows = sensor.os_type === 1;
  const startMs = body.start === undefined ? Date.now() - 60_000 : Date.parse(str(body, "start"));
  if (Number.isNaN(startMs)) throw new HttpError(400, `"start" must be an ISO time`);
  const pid = int(body, "pid", 4000 + (++counter % 4000) * 4);
  const path = str(body, "path", windows ? `c:\\users\\public\\${name}` : `/tmp/${name}`);
  const guid = makeGuid(sensorId, pid, new Date(startMs).toISOString());
  if (state.processes.has(guid)) throw new HttpError(409, `Process ${guid} already exists`);
  const at = (i: number) => eventTime(startMs + 1_000 * (i + 1));
  const events: ProcessEvents = {
    modloads: list(body, "modloads").map((m, i) => ({
      time: at(i),
      md5: str(m, "md5", md5For(str(m, "path"))).toUpperCase(),
      path: str(m, "path"),
    })),
    filemods: list(body, "filemods").map((f, i) => ({
      type: int(f, "type", 2) as 1 | 2 | 4 | 8,
      time: at(i),
      path: str(f, "path"),
      md5: str(f, "md5", ""),
      filetype: int(f, "filetype", 0),
      tamper: false,
    })),
    regmods: list(body, "regmods").map((r, i) => ({
      type: int(r, "type", 2) as 1 | 2 | 4 | 8,
      time: at(i),
      path: str(r, "path"),
      tamper: false,
    })),
    netconns: list(body, "netconns").map((n, i) => ({
      time: at(i),
      remoteIp: str(n, "remoteIp"),
      remotePort: int(n, "remotePort"),
      localIp: str(n, "localIp", "10.0.3.15"),
      localPort: int(n, "localPort", 49_700 + i),
      proto: int(n, "proto", 6),
      domain: str(n, "domain", ""),
      outbound: n.outbound === undefined ? true : n.outbound === true,
    })),
    crossprocs: [],
    childprocs: [],
  };
  const count = Math.max(
    ...Object.values(events).map((xs: unknown[]) => xs.length),
    0,
  );
  const lastMs = startMs + 1_000 * (count + 1);
  const parentGuid = str(body, "parentGuid", makeGuid(sensorId, 4, "2016-11-11T20:00:00Z"));
  const parent = state.processes.get(parentGuid.toLowerCase());
  const rec: ProcessRecord = {
    guid,
    sensorId,
    pid,
    name,
    path,
    cmdline: str(body, "cmdline", path),
    username: str(body, "username", windows ? "SYSTEM" : "root"),
    md5: str(body, "md5", md5For(name)).toUpperCase(),
    start: solrTime(startMs),
    parentGuid,
    parentPid: parent?.pid ?? 4,
    parentName: parent?.name ?? "",
    parentSegment: 1,
    terminated: body.terminated === true,
    segments: [{
      segmentId: 1,
      lastUpdate: solrTime(lastMs),
      lastServerUpdate: solrTime(lastMs + 2_417),
      events,
    }],
  };
  // A new map: search rows cached per map are rebuilt with the new process.
  state.processes = new Map([...state.processes, [guid, rec]]);
  return rec;
}

function notification(state: EmulatorState, o: Record<string, unknown>): Record<string, unknown> {
  const deviceId = int(o, "deviceId", 12);
  const device = state.defense.devices.get(deviceId) ?? {};
  const now = Date.now();
  const type = str(o, "type", "THREAT");
  const score = int(o, "score", 7);
  const summary = str(o, "summary", "A known virus (Sality: Keylogger, Password or Data stealer)");
  const { deviceId: _d, score: _s, summary: _m, ...rest } = o;
  return {
    type,
    eventTime: now,
    eventDescription: `[${type === "THREAT" ? "Alert on threats" : "Policy action"}] [${summary}]`,
    ruleName: type === "THREAT" ? "Alert on threats" : "Policy action",
    url: `https://defense.example/investigate?s[c][DEVICE_ID][0]=${deviceId}`,
    deviceInfo: {
      deviceId,
      deviceName: String(device.name ?? `DEVICE-${deviceId}`),
      email: String(device.email ?? "user@example.com"),
      groupName: String(device.policyName ?? "default"),
      deviceType: String(device.deviceType ?? "WINDOWS"),
      deviceVersion: String(device.osVersion ?? "Windows 10 x64"),
      internalIpAddress: String(device.lastInternalIpAddress ?? "10.0.3.15"),
      externalIpAddress: String(device.lastExternalIpAddress ?? "203.0.113.20"),
      targetPriorityType: String(device.targetPriorityType ?? "MEDIUM"),
    },
    threatInfo: {
      incidentId: `ADMIN${(now % 1e8).toString(36).toUpperCase()}${++counter}`,
      score,
      summary,
      time: now,
      indicators: [{ indicatorName: "KNOWN_MALWARE", applicationName: "evil.exe", sha256Hash: "" }],
    },
    ...rest,
  };
}

function lrStore(state: EmulatorState): LiveResponseStore {
  const store = state.liveResponse;
  if (!(store instanceof LiveResponseStore)) throw new HttpError(500, "No Live Response store");
  return store;
}

function lrTarget(state: EmulatorState, body: Record<string, unknown>) {
  const product = str(body, "product", "response");
  if (product !== "response" && product !== "defense") {
    throw new HttpError(400, `"product" must be "response" or "defense"`);
  }
  const sensorId = int(body, "sensorId");
  const store = lrStore(state);
  if (!store.lookup(product, sensorId)) {
    throw new HttpError(400, `No ${product === "response" ? "sensor" : "device"} ${sensorId}`);
  }
  return store.endpoint(product, sensorId);
}

function body(ctx: RouteContext): Record<string, unknown> {
  return jsonObject(ctx);
}

/**
 * Registers the admin routes on the shared router (`auth: "token"`, the Cb Response token).
 *
 * @param router The router.
 * @param state The whole emulator state.
 */
export function registerAdminRoutes(router: Router, state: EmulatorState): void {
  router.add("GET", ADMIN_PREFIX, () => json({ routes: ADMIN_ROUTES }));
  router.add("POST", `${ADMIN_PREFIX}/response/alerts`, (ctx) => {
    const doc = addAlert(state, body(ctx));
    return json(doc, 201);
  });
  router.add("POST", `${ADMIN_PREFIX}/response/processes`, (ctx) => {
    const rec = addProcess(state, body(ctx));
    return json({ guid: rec.guid, unique_id: uniqueId(rec.guid, 1), sensor_id: rec.sensorId }, 201);
  });
  router.add("POST", `${ADMIN_PREFIX}/defense/notifications`, (ctx) => {
    const raw = ctx.json();
    const items = Array.isArray(raw) ? raw : [raw];
    if (items.some((x) => x === null || typeof x !== "object" || Array.isArray(x))) {
      throw new HttpError(400, "Send a notification object or a list of them");
    }
    const made = items.map((x) => notification(state, x as Record<string, unknown>));
    state.defense.notifications.push(...made);
    return json({ added: made.length, queued: state.defense.notifications.length }, 201);
  });
  router.add("POST", `${ADMIN_PREFIX}/protection/:collection`, (ctx) => {
    const name = ctx.params.collection ?? "";
    const coll = state.protection.collections.get(name);
    if (!coll) {
      const known = [...state.protection.collections.keys()].join(", ");
      throw new HttpError(404, `No Protection collection "${name}"; known: ${known}`);
    }
    const fields = body(ctx);
    const template = coll.values().next().value ?? {};
    const id = Math.max(state.protection.nextId.get(name) ?? 1, ...coll.keys()) + 1;
    state.protection.nextId.set(name, id);
    const doc = { ...structuredClone(template), ...fields, id };
    coll.set(id, doc);
    return json(doc, 201);
  });
  router.add("POST", `${ADMIN_PREFIX}/live-response/files`, (ctx) => {
    const b = body(ctx);
    const ep = lrTarget(state, b);
    const path = str(b, "path");
    let data: Uint8Array | string;
    try {
      data = b.base64 !== undefined
        ? Uint8Array.from(atob(str(b, "base64")), (c) => c.charCodeAt(0))
        : str(b, "text");
    } catch (e) {
      if (e instanceof HttpError) throw e;
      throw new HttpError(400, '"base64" is not valid base64');
    }
    ep.writeFile(path, data);
    return json({ path, size: typeof data === "string" ? data.length : data.length }, 201);
  });
  router.add("POST", `${ADMIN_PREFIX}/live-response/outputs`, (ctx) => {
    const b = body(ctx);
    const ep = lrTarget(state, b);
    setCommandOutput(ep, str(b, "match"), str(b, "output"));
    return json({ match: b.match }, 201);
  });
  router.add("GET", `${ADMIN_PREFIX}/live-response/sessions`, () => {
    const store = lrStore(state);
    const open = [...store.sessions.values()].filter((s) => {
      store.refresh(s);
      return s.status === "pending" || s.status === "active";
    }).map((s) => ({
      id: s.id,
      product: s.flavour,
      sensorId: s.sensorId,
      hostname: s.endpoint.hostname,
      status: s.status,
      commands: s.commands.size,
    }));
    return json({ sessions: open });
  });
}
