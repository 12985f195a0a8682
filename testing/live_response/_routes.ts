/**
 * Live Response routes of both products: `/api/v1/cblr` (Cb Response, lower-case session
 * statuses) and `/integrationServices/v3/cblr` (Cb Defense, upper-case session statuses).
 *
 * @module
 */
import type { HttpAnswer } from "../_http_server.ts";
import {
  bytes,
  HttpError,
  json,
  jsonObject,
  type RouteContext,
  type Router,
  text,
} from "../_router.ts";
import { zipBytes } from "../_zip.ts";
import type { LiveResponseStore, LrFlavour, LrSession } from "./_state.ts";

const ENCODER = new TextEncoder();
const CHUNK = 64 * 1024;

function sessionDoc(s: LrSession): Record<string, unknown> {
  const status = s.flavour === "defense" ? s.status.toUpperCase() : s.status;
  return {
    id: s.id,
    sensor_id: s.sensorId,
    status,
    supported_commands: [...s.supportedCommands],
    drives: s.endpoint.windows ? ["A:\\", "C:\\", "D:\\"] : [],
    storage_size: "0",
    create_time: s.createTime,
    sensor_wait_timeout: 120,
    address: "::ffff:127.0.0.1",
    check_in_timeout: 1200,
    hostname: s.endpoint.hostname,
    storage_ttl: 7,
    os_version: "",
    session_timeout: 300,
    current_working_directory: s.endpoint.windows ? "C:\\Windows\\CarbonBlack" : "/",
  };
}

function gone(flavour: LrFlavour, message: string): HttpAnswer {
  return flavour === "defense" ? json({ status: "NOT_FOUND", message }, 404) : text(404, message);
}

function intOf(raw: string | undefined): number {
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : NaN;
}

function findSession(store: LiveResponseStore, flavour: LrFlavour, ctx: RouteContext): LrSession {
  const id = intOf(ctx.params.sid);
  const s = store.sessions.get(id);
  if (!s || s.flavour !== flavour) throw new HttpError(404, `Session ${ctx.params.sid} not found`);
  store.refresh(s);
  return s;
}

/** The session, which must be active; else the "vanished session" 404 of the product. */
function activeSession(
  store: LiveResponseStore,
  flavour: LrFlavour,
  ctx: RouteContext,
): LrSession | HttpAnswer {
  const id = intOf(ctx.params.sid);
  const s = store.sessions.get(id);
  if (!s || s.flavour !== flavour) return gone(flavour, `Session ${ctx.params.sid} not found`);
  store.refresh(s);
  if (s.status !== "active") return gone(flavour, `Session ${s.id} is not active (${s.status})`);
  s.lastSeen = performance.now();
  return s;
}

function openSession(store: LiveResponseStore, flavour: LrFlavour, sensorId: number): HttpAnswer {
  if (!Number.isInteger(sensorId)) throw new HttpError(400, "sensor_id must be an integer");
  const made = store.open(flavour, sensorId);
  if (made === "unknown") return gone(flavour, `Sensor ${sensorId} not found`);
  if (made === "full") {
    return text(
      500,
      `Maximum number of concurrent Live Response sessions (${store.settings.maxSessions}) reached`,
    );
  }
  return json(sessionDoc(made));
}

function parseMultipartFile(ctx: RouteContext): Uint8Array {
  const type = ctx.headers["content-type"] ?? "";
  const boundary = type.match(/boundary="?([^";]+)"?/)?.[1];
  if (!type.startsWith("multipart/form-data") || !boundary) {
    throw new HttpError(400, "Expected a multipart/form-data body");
  }
  const body = ctx.body;
  const delimiter = ENCODER.encode(`--${boundary}`);
  const starts: number[] = [];
  for (
    let i = indexOf(body, delimiter, 0);
    i >= 0;
    i = indexOf(body, delimiter, i + delimiter.length)
  ) {
    starts.push(i);
  }
  for (let n = 0; n + 1 < starts.length; n++) {
    const part = body.subarray(starts[n]! + delimiter.length, starts[n + 1]!);
    const split = indexOf(part, CRLFCRLF, 0);
    if (split < 0) continue;
    const head = new TextDecoder().decode(part.subarray(0, split));
    if (!/content-disposition:[^\r\n]*\bname="file"/i.test(head)) continue;
    let end = part.length;
    if (end >= 2 && part[end - 2] === 13 && part[end - 1] === 10) end -= 2;
    return part.slice(split + 4, end);
  }
  throw new HttpError(400, 'Multipart body has no part named "file"');
}

const CRLFCRLF = new Uint8Array([13, 10, 13, 10]);

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  outer: for (let i = from; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function generated(size: number): ReadableStream<Uint8Array> {
  const block = new Uint8Array(CHUNK);
  for (let i = 0; i < CHUNK; i++) block[i] = (i * 31 + 7) & 0xff;
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= size) return controller.close();
      const n = Math.min(CHUNK, size - sent);
      controller.enqueue(n === CHUNK ? block.slice() : block.slice(0, n));
      sent += n;
    },
  }, { highWaterMark: 0 });
}

/** Registers the routes of one product. */
export function addLiveResponseRoutes(
  router: Router,
  store: LiveResponseStore,
  flavour: LrFlavour,
): void {
  const base = flavour === "response" ? "/api/v1/cblr" : "/integrationServices/v3/cblr";
  const auth = flavour === "response" ? "token" : "defense";
  const add = (method: string, path: string, handler: (ctx: RouteContext) => HttpAnswer) =>
    router.add(method, `${base}${path}`, handler, auth);

  add("GET", "/session", () =>
    json(
      [...store.sessions.values()].filter((s) => s.flavour === flavour).map((s) => {
        store.refresh(s);
        return sessionDoc(s);
      }),
    ));
  if (flavour === "response") {
    add(
      "POST",
      "/session",
      (ctx) => openSession(store, flavour, Number(jsonObject(ctx).sensor_id)),
    );
    add("PUT", "/session/:sid", (ctx) => {
      const s = findSession(store, flavour, ctx);
      const body = jsonObject(ctx);
      if (body.status !== "close") throw new HttpError(400, 'Only status "close" can be set');
      if (s.status === "pending" || s.status === "active") s.status = "close";
      return json(sessionDoc(s));
    });
  } else {
    add("POST", "/session/:device", (ctx) => {
      const body = jsonObject(ctx);
      const id = intOf(ctx.params.device);
      if (Number(body.sensor_id) !== id) throw new HttpError(400, "sensor_id must match the path");
      return openSession(store, flavour, id);
    });
    add("PUT", "/session", (ctx) => {
      const body = jsonObject(ctx);
      const s = store.sessions.get(Number(body.session_id));
      if (!s || s.flavour !== flavour) return gone(flavour, `Session ${body.session_id} not found`);
      if (body.status !== "CLOSE") throw new HttpError(400, 'Only status "CLOSE" can be set');
      store.refresh(s);
      if (s.status === "pending" || s.status === "active") s.status = "close";
      return json({ success: true, ...sessionDoc(s) });
    });
  }
  add("GET", "/session/:sid", (ctx) => json(sessionDoc(findSession(store, flavour, ctx))));
  add("GET", "/session/:sid/keepalive", (ctx) => {
    const s = activeSession(store, flavour, ctx);
    return "endpoint" in s ? json({ status: "OK" }) : s;
  });
  add("POST", "/session/:sid/command", (ctx) => {
    const s = activeSession(store, flavour, ctx);
    if (!("endpoint" in s)) return s;
    const body = jsonObject(ctx);
    if (body.session_id !== s.id) throw new HttpError(400, "session_id does not match the path");
    if (typeof body.name !== "string" || !s.supportedCommands.includes(body.name)) {
      throw new HttpError(400, `Unsupported command ${JSON.stringify(body.name)}`);
    }
    return json({ ...store.post(s, body).doc });
  });
  add("GET", "/session/:sid/command/:cid", (ctx) => {
    const s = findSession(store, flavour, ctx);
    const c = s.commands.get(intOf(ctx.params.cid));
    if (!c) throw new HttpError(404, `Command ${ctx.params.cid} not found`);
    return json(store.commandDoc(c));
  });
  add("POST", "/session/:sid/file", (ctx) => {
    const s = activeSession(store, flavour, ctx);
    if (!("endpoint" in s)) return s;
    return json({ id: store.upload(s, parseMultipartFile(ctx)) });
  });
  add("GET", "/session/:sid/file/:fid/content", (ctx) => {
    const s = findSession(store, flavour, ctx);
    const f = s.downloads.get(intOf(ctx.params.fid));
    if (!f) throw new HttpError(404, `File ${ctx.params.fid} not found`);
    if ("data" in f) return bytes(f.data, "application/octet-stream", f.data.length);
    return bytes(generated(f.generatedSize), "application/octet-stream", f.generatedSize);
  });
  router.add("GET", `${base}/session/:sid/archive`, async (ctx) => {
    const s = findSession(store, flavour, ctx);
    const commands = [...s.commands.values()].map((c) => store.commandDoc(c));
    const zip = await zipBytes([
      { name: "session.json", data: ENCODER.encode(JSON.stringify(sessionDoc(s), null, 2)) },
      { name: "commands.json", data: ENCODER.encode(JSON.stringify(commands, null, 2)) },
    ]);
    return bytes(zip, "application/zip", zip.length);
  }, auth);
}
