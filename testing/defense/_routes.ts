/**
 * The Cb Defense routes under `/integrationServices/v3/`: device, event and policy lists and
 * objects (wrapped in `deviceInfo` / `eventInfo` / `policyInfo`), device PATCH, policy writes and
 * rules, and the notification queue.
 *
 * @module
 */
import type { RouteContext } from "../_router.ts";
import type { HttpAnswer } from "../_http_server.ts";
import {
  contains,
  DefenseHttpError,
  exact,
  type Filter,
  searchList,
  windowFilter,
} from "./_search.ts";

type Doc = Record<string, unknown>;

/** What the routes work on (the Defense part of the emulator state). */
export interface DefenseData {
  /** Devices by id. */
  devices: Map<number, Doc>;
  /** Events by id. */
  events: Map<string, Doc>;
  /** Policies by id. */
  policies: Map<number, Doc>;
  /** Pending notifications (drained by `GET notification`). */
  notifications: Doc[];
}

/** A handler that answers a JSON document (errors are thrown as {@linkcode DefenseHttpError}). */
export type DefenseHandler = (ctx: RouteContext) => Doc;

/** Adds a route; the wrapper turns documents and errors into answers. */
export type AddRoute = (method: string, path: string, handler: DefenseHandler) => void;

const BASE = "/integrationServices/v3";
const RULE_ACTIONS = new Set(["TERMINATE", "DENY", "IGNORE", "ALLOW", "TERMINATE_THREAD"]);
const APP_TYPES = new Set(["REPUTATION", "NAME_PATH", "SIGNED_BY"]);
const PRIORITIES = new Set(["HIGH", "MEDIUM", "LOW", "MISSION_CRITICAL"]);
const READ_ONLY_DEVICE_FIELDS = new Set([
  "deviceId",
  "organizationId",
  "organizationName",
  "deviceGuid",
]);

const DEVICE_FILTERS: Record<string, Filter> = {
  hostNameExact: exact((d) => d.name),
  hostName: contains((d) => d.name),
  ipAddress: (d, v) => d.lastInternalIpAddress === v || d.lastExternalIpAddress === v,
  deviceId: exact((d) => d.deviceId),
  ownerName: contains((d) => d.email),
  policyId: exact((d) => d.policyId),
  policyName: exact((d) => d.policyName),
  status: exact((d) => d.status),
  deviceType: exact((d) => d.deviceType),
  searchWindow: windowFilter((d) => d.lastContact),
};

function detail(d: Doc): Doc {
  return (d.deviceDetails ?? {}) as Doc;
}

const EVENT_FILTERS: Record<string, Filter> = {
  hostNameExact: exact((d) => detail(d).deviceName),
  hostName: contains((d) => detail(d).deviceName),
  deviceId: exact((d) => detail(d).deviceId),
  ownerName: contains((d) => detail(d).email),
  applicationName: exact((d) => d.applicationName),
  eventType: exact((d) => d.eventType),
  sha256Hash: exact((d) => (d.selectedApp as Doc | null)?.sha256Hash),
  searchWindow: windowFilter((d) => d.eventTime),
};

const POLICY_FILTERS: Record<string, Filter> = {
  name: exact((d) => d.name),
  priorityLevel: exact((d) => d.priorityLevel),
};

function intId(ctx: RouteContext, name: string, what: string): number {
  const raw = ctx.params[name] ?? "";
  if (!/^\d+$/.test(raw)) throw new DefenseHttpError(404, `${what} ${raw} not found`);
  return Number(raw);
}

function body(ctx: RouteContext): Doc {
  let v: unknown;
  try {
    v = JSON.parse(ctx.bodyText);
  } catch {
    throw new DefenseHttpError(400, "Request body must be JSON");
  }
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw new DefenseHttpError(400, "Request body must be a JSON object");
  }
  return v as Doc;
}

function wrapped(ctx: RouteContext, key: string): Doc {
  const b = body(ctx);
  const inner = b[key];
  if (inner === null || typeof inner !== "object" || Array.isArray(inner)) {
    throw new DefenseHttpError(400, `Request body must be {"${key}": {...}}`);
  }
  return inner as Doc;
}

function findDevice(data: DefenseData, ctx: RouteContext): Doc {
  const id = intId(ctx, "id", "Device");
  const d = data.devices.get(id);
  if (!d) throw new DefenseHttpError(404, `Device ${id} not found`);
  return d;
}

function findPolicy(data: DefenseData, ctx: RouteContext): Doc {
  const id = intId(ctx, "id", "Policy");
  const p = data.policies.get(id);
  if (!p) throw new DefenseHttpError(404, `Policy ${id} not found`);
  return p;
}

function patchDevice(data: DefenseData, ctx: RouteContext): Doc {
  const device = findDevice(data, ctx);
  const changes = body(ctx);
  for (const key of Object.keys(changes)) {
    if (READ_ONLY_DEVICE_FIELDS.has(key)) {
      throw new DefenseHttpError(400, `Field ${key} of a device cannot be changed`);
    }
  }
  const next = { ...device, ...changes };
  if ("policyId" in changes || "policyName" in changes) {
    const byId = "policyId" in changes ? data.policies.get(Number(changes.policyId)) : undefined;
    const byName = "policyName" in changes
      ? [...data.policies.values()].find((p) => p.name === changes.policyName)
      : undefined;
    if ("policyId" in changes && !byId) {
      throw new DefenseHttpError(400, `Policy id ${String(changes.policyId)} does not exist`);
    }
    if ("policyName" in changes && !byName) {
      throw new DefenseHttpError(400, `Policy name ${String(changes.policyName)} does not exist`);
    }
    if (byId && byName && byId !== byName) {
      throw new DefenseHttpError(400, "policyId and policyName name different policies");
    }
    const policy = (byId ?? byName)!;
    next.policyId = policy.id;
    next.policyName = policy.name;
  }
  Object.assign(device, next);
  return { success: true, message: "Success" };
}

function checkPolicy(info: Doc): void {
  const missing = ["name", "description", "priorityLevel", "version", "policy"].filter((k) =>
    !(k in info)
  );
  if (missing.length > 0) {
    throw new DefenseHttpError(400, `Policy is missing fields: ${missing.join(", ")}`);
  }
  if (typeof info.name !== "string" || info.name.trim() === "") {
    throw new DefenseHttpError(400, "Policy name must be a non-empty string");
  }
  if (!PRIORITIES.has(String(info.priorityLevel))) {
    throw new DefenseHttpError(400, `Invalid priorityLevel ${String(info.priorityLevel)}`);
  }
  const policy = info.policy;
  if (policy === null || typeof policy !== "object" || Array.isArray(policy)) {
    throw new DefenseHttpError(400, "Field policy must be an object");
  }
  const rules = (policy as Doc).rules ?? [];
  if (!Array.isArray(rules)) throw new DefenseHttpError(400, "Field policy.rules must be an array");
  for (const r of rules) checkRule(r);
}

function checkRule(r: unknown): Doc {
  if (r === null || typeof r !== "object" || Array.isArray(r)) {
    throw new DefenseHttpError(400, "A rule must be an object");
  }
  const rule = r as Doc;
  const app = rule.application as Doc | undefined;
  if (!RULE_ACTIONS.has(String(rule.action))) {
    throw new DefenseHttpError(400, `Invalid rule action ${String(rule.action)}`);
  }
  if (typeof rule.operation !== "string" || rule.operation === "") {
    throw new DefenseHttpError(400, "A rule needs an operation");
  }
  if (!app || !APP_TYPES.has(String(app.type)) || typeof app.value !== "string") {
    throw new DefenseHttpError(400, "A rule needs application {type, value}");
  }
  if (typeof rule.required !== "boolean") {
    throw new DefenseHttpError(400, "A rule needs required (true or false)");
  }
  return rule;
}

function rulesOf(policy: Doc): Doc[] {
  const body = (policy.policy ??= {}) as Doc;
  if (!Array.isArray(body.rules)) body.rules = [];
  return body.rules as Doc[];
}

function findRule(policy: Doc, ctx: RouteContext): number {
  const raw = ctx.params.rid ?? "";
  const rules = rulesOf(policy);
  const index = /^\d+$/.test(raw) ? rules.findIndex((r) => r.id === Number(raw)) : -1;
  if (index < 0) {
    throw new DefenseHttpError(404, `Rule id ${raw} does not exist in policy ${String(policy.id)}`);
  }
  return index;
}

function nextId(ids: Iterable<number>): number {
  let max = 0;
  for (const id of ids) if (id > max) max = id;
  return max + 1;
}

/**
 * Registers the Defense routes.
 *
 * @param add Adds one route through the Defense wrapper (auth, rate limit, JSON answers).
 * @param data The Defense data set.
 */
export function addDefenseRoutes(add: AddRoute, data: DefenseData): void {
  add("GET", `${BASE}/device`, (ctx) => searchList(ctx, data.devices.values(), DEVICE_FILTERS));
  add("GET", `${BASE}/device/:id`, (ctx) => ({
    success: true,
    message: "Success",
    deviceInfo: structuredClone(findDevice(data, ctx)),
  }));
  add("PATCH", `${BASE}/device/:id`, (ctx) => patchDevice(data, ctx));
  add("DELETE", `${BASE}/device/:id`, (ctx) => {
    data.devices.delete(findDevice(data, ctx).deviceId as number);
    return { success: true, message: "Success" };
  });

  add("GET", `${BASE}/event`, (ctx) => searchList(ctx, data.events.values(), EVENT_FILTERS));
  add("GET", `${BASE}/event/:id`, (ctx) => {
    const id = ctx.params.id ?? "";
    const e = data.events.get(id);
    if (!e) throw new DefenseHttpError(404, `Event ${id} not found`);
    return { success: true, message: "Success", eventInfo: structuredClone(e) };
  });

  add("GET", `${BASE}/policy`, (ctx) => searchList(ctx, data.policies.values(), POLICY_FILTERS));
  add("GET", `${BASE}/policy/:id`, (ctx) => ({
    success: true,
    message: "Success",
    policyInfo: structuredClone(findPolicy(data, ctx)),
  }));
  add("POST", `${BASE}/policy`, (ctx) => {
    const info = wrapped(ctx, "policyInfo");
    checkPolicy(info);
    if ([...data.policies.values()].some((p) => p.name === info.name)) {
      throw new DefenseHttpError(400, `A policy named ${String(info.name)} already exists`);
    }
    const id = nextId(data.policies.keys());
    const rules = rulesOf(info);
    let rid = nextId(rules.map((r) => Number(r.id) || 0));
    for (const r of rules) if (typeof r.id !== "number") r.id = rid++;
    data.policies.set(id, {
      ...info,
      id,
      latestRevision: Date.now(),
      systemPolicy: false,
    });
    return { success: true, message: "Success", policyId: id };
  });
  add("PUT", `${BASE}/policy/:id`, (ctx) => {
    const policy = findPolicy(data, ctx);
    const info = wrapped(ctx, "policyInfo");
    checkPolicy(info);
    Object.assign(policy, info, { id: policy.id, latestRevision: Date.now() });
    return { success: true, message: "Success" };
  });
  add("DELETE", `${BASE}/policy/:id`, (ctx) => {
    const policy = findPolicy(data, ctx);
    if (policy.systemPolicy === true) {
      throw new DefenseHttpError(400, `Policy ${String(policy.id)} is a system policy`);
    }
    const users = [...data.devices.values()].filter((d) => d.policyId === policy.id).length;
    if (users > 0) {
      throw new DefenseHttpError(
        409,
        `Policy ${String(policy.id)} is assigned to ${users} devices: move them first`,
      );
    }
    data.policies.delete(policy.id as number);
    return { success: true, message: "Success" };
  });

  add("POST", `${BASE}/policy/:id/rule`, (ctx) => {
    const policy = findPolicy(data, ctx);
    const rule = checkRule(wrapped(ctx, "ruleInfo"));
    const rules = rulesOf(policy);
    const id = nextId(rules.map((r) => Number(r.id) || 0));
    rules.push({ ...rule, id });
    policy.latestRevision = Date.now();
    return { success: true, message: "Success", ruleId: id };
  });
  add("PUT", `${BASE}/policy/:id/rule/:rid`, (ctx) => {
    const policy = findPolicy(data, ctx);
    const index = findRule(policy, ctx);
    const rule = checkRule(wrapped(ctx, "ruleInfo"));
    const rules = rulesOf(policy);
    rules[index] = { ...rule, id: rules[index]!.id };
    policy.latestRevision = Date.now();
    return { success: true, message: "Success" };
  });
  add("DELETE", `${BASE}/policy/:id/rule/:rid`, (ctx) => {
    const policy = findPolicy(data, ctx);
    rulesOf(policy).splice(findRule(policy, ctx), 1);
    policy.latestRevision = Date.now();
    return { success: true, message: "Success" };
  });

  add("GET", `${BASE}/notification`, () => {
    const notifications = data.notifications.splice(0, data.notifications.length);
    return { success: true, message: "Success", notifications };
  });
}

/**
 * Turns a handler's document or error into an answer.
 *
 * @param run Runs the handler.
 * @param json Builds a JSON answer.
 * @returns The answer.
 */
export function answer(
  run: () => Doc,
  json: (value: unknown, status?: number, headers?: Record<string, string>) => HttpAnswer,
): HttpAnswer {
  try {
    return json(run());
  } catch (e) {
    if (e instanceof DefenseHttpError) {
      return json({ success: false, message: e.message }, e.status);
    }
    throw e;
  }
}
