/**
 * The Cb Protection routes under `/api/bit9platform/v1/`: lists with `limit`/`offset`/`q`/`sort`
 * and counts (`limit=-1`), GET/PUT/DELETE by id, creates, `POST fileInstance/{id}`, the
 * computer update flags and `?downloadFile=true` ZIPs.
 *
 * @module
 */
import {
  bytes,
  HttpError,
  json,
  jsonObject,
  noContent,
  type RouteContext,
  type Router,
} from "../_router.ts";
import { zipBytes } from "../_zip.ts";
import { fileContent, pendingForConnector, type ProtectionDoc } from "./_data.ts";
import { compileCondition, compileSort } from "./_query.ts";
import type { ProtectionState } from "./_register.ts";

const BASE = "/api/bit9platform/v1";
const DEFAULT_LIMIT = 1000;

const READ_ONLY = new Set([
  "driftReport",
  "driftReportContents",
  "event",
  "grantedUserPolicyPermission",
  "publisherCertificate",
  "fileInstanceDeleted",
  "fileInstanceGroup",
  "meteredExecution",
  "notifier",
  "serverConfig",
  "serverPerformance",
]);

/** Fields a create must carry, by collection (the server answers 400 otherwise). */
const CREATABLE: Record<string, readonly string[]> = {
  connector: [
    "name",
    "analysisName",
    "connectorVersion",
    "canAnalyze",
    "enabled",
    "analysisEnabled",
  ],
  fileRule: ["name"],
  notification: ["analysisResult", "fileAnalysisId"],
  policy: ["name"],
  trustedUser: ["name", "userSid", "platformId"],
  user: ["name"],
  userGroup: ["name"],
};

const DIAGNOSTIC_FIELDS = [
  "debugLevel",
  "kernelDebugLevel",
  "debugFlags",
  "debugDuration",
  "ccLevel",
  "ccFlags",
];
const TEMPLATE_FIELDS = [
  "template",
  "templateCloneCleanupMode",
  "templateCloneCleanupTime",
  "templateCloneCleanupTimeScale",
  "templateTrackModsOnly",
];

function collection(
  state: ProtectionState,
  ctx: RouteContext,
): [string, Map<number, ProtectionDoc>] {
  const name = ctx.params.coll ?? "";
  const coll = state.collections.get(name);
  if (!coll) throw new HttpError(404, `Unknown object type '${name}'`);
  return [name, coll];
}

function objectOf(
  coll: Map<number, ProtectionDoc>,
  name: string,
  ctx: RouteContext,
): ProtectionDoc {
  const raw = ctx.params.id ?? "";
  const doc = /^\d+$/.test(raw) ? coll.get(Number(raw)) : undefined;
  if (!doc) throw new HttpError(404, `Object ${name} with id ${raw} not found`);
  return doc;
}

function intParam(ctx: RouteContext, key: string, fallback: number): number {
  const raw = ctx.query.get(key);
  if (raw === null || raw === "") return fallback;
  if (!/^-?\d+$/.test(raw)) throw new HttpError(400, `Parameter '${key}' must be an integer`);
  return Number(raw);
}

function list(state: ProtectionState, ctx: RouteContext) {
  const [, coll] = collection(state, ctx);
  const conditions = ctx.query.getAll("q").filter((q) => q.trim() !== "").map(compileCondition);
  let rows = [...coll.values()].filter((d) => conditions.every((c) => c(d)));
  const limit = intParam(ctx, "limit", DEFAULT_LIMIT);
  if (limit === -1) return json({ count: rows.length });
  if (limit < -1) throw new HttpError(400, "Parameter 'limit' must be -1 or more");
  const sort = ctx.query.get("sort");
  if (sort) rows = rows.sort(compileSort(sort));
  const offset = Math.max(0, intParam(ctx, "offset", 0));
  rows = limit === 0 ? rows.slice(offset) : rows.slice(offset, offset + limit);
  return json(rows);
}

async function getOne(state: ProtectionState, ctx: RouteContext) {
  const [name, coll] = collection(state, ctx);
  const doc = objectOf(coll, name, ctx);
  if (ctx.query.get("downloadFile") === "true") {
    if (name !== "fileUpload" && name !== "pendingAnalysis") {
      throw new HttpError(400, `Object ${name} has no file to download`);
    }
    if (name === "pendingAnalysis" && doc.uploaded !== true) {
      throw new HttpError(404, `File of ${name} ${doc.id} is not uploaded yet`);
    }
    const fileName = String(doc.fileName ?? `file-${doc.id}`);
    const zip = await zipBytes([{ name: fileName, data: fileContent(fileName) }]);
    return bytes(zip, "application/zip", zip.length);
  }
  return json(doc);
}

function applyComputerUpdate(
  state: ProtectionState,
  doc: ProtectionDoc,
  body: ProtectionDoc,
  ctx: RouteContext,
): void {
  if (ctx.query.get("resetCLIPassword") === "true") {
    state.cliResets += 1;
    doc.CLIPassword = `cli-${String(doc.id)}-${state.cliResets.toString(16).padStart(4, "0")}`;
    return;
  }
  const ignored = new Set(["id", "CLIPassword", "tamperProtectionActive"]);
  if (ctx.query.get("changeDiagnostics") !== "true") {
    DIAGNOSTIC_FIELDS.forEach((f) => ignored.add(f));
  }
  if (ctx.query.get("changeTemplate") !== "true") TEMPLATE_FIELDS.forEach((f) => ignored.add(f));
  const tamper = ctx.query.get("newTamperProtectionActive");
  if (tamper === "true" || tamper === "false") doc.tamperProtectionActive = tamper === "true";
  const oldPolicy = doc.policyId;
  for (const [k, v] of Object.entries(body)) if (!ignored.has(k)) doc[k] = v;
  if (doc.policyId !== oldPolicy) {
    const policy = state.collections.get("policy")?.get(Number(doc.policyId));
    if (!policy) {
      doc.policyId = oldPolicy;
      throw new HttpError(400, `Policy ${String(body.policyId)} does not exist`);
    }
    doc.previousPolicyId = oldPolicy;
    doc.policyName = policy.name;
    doc.enforcementLevel = policy.enforcementLevel;
  }
}

function update(state: ProtectionState, ctx: RouteContext) {
  const [name, coll] = collection(state, ctx);
  if (READ_ONLY.has(name)) throw new HttpError(405, `Object ${name} is read-only`);
  const doc = objectOf(coll, name, ctx);
  const body = ctx.bodyText.trim() === "" ? {} : jsonObject(ctx);
  if (name === "computer") {
    applyComputerUpdate(state, doc, body, ctx);
  } else {
    for (const [k, v] of Object.entries(body)) if (k !== "id") doc[k] = v;
    if ("dateModified" in doc) doc.dateModified = new Date().toISOString();
  }
  return json(doc);
}

function nextId(state: ProtectionState, name: string, coll: Map<number, ProtectionDoc>): number {
  const id = Math.max(state.nextId.get(name) ?? 1, ...coll.keys()) + 1;
  state.nextId.set(name, id);
  return id;
}

function create(state: ProtectionState, ctx: RouteContext) {
  const [name, coll] = collection(state, ctx);
  const required = CREATABLE[name];
  if (!required) throw new HttpError(405, `Objects of type ${name} cannot be created`);
  const body = jsonObject(ctx);
  const missing = required.filter((f) => body[f] === undefined || body[f] === null);
  if (missing.length > 0) {
    throw new HttpError(400, `Missing required field(s) of ${name}: ${missing.join(", ")}`);
  }
  const now = new Date().toISOString();
  const id = nextId(state, name, coll);
  const doc: ProtectionDoc = { ...defaultsFor(name, now), ...body, id };
  if (name === "fileRule" && !doc.fileCatalogId && typeof doc.hash === "string") {
    const hash = doc.hash.toUpperCase();
    const cat = [...(state.collections.get("fileCatalog")?.values() ?? [])].find((c) =>
      [c.md5, c.sha1, c.sha256].includes(hash)
    );
    doc.fileCatalogId = cat?.id ?? 0;
  }
  coll.set(id, doc);
  if (name === "connector" && doc.canAnalyze === true && doc.analysisEnabled === true) {
    const pending = state.collections.get("pendingAnalysis")!;
    const catalog = [...state.collections.get("fileCatalog")!.values()];
    const first = nextId(state, "pendingAnalysis", pending);
    for (const row of pendingForConnector(first, id, catalog)) pending.set(row.id as number, row);
    state.nextId.set("pendingAnalysis", first + 1);
  }
  return json(doc, 201);
}

function defaultsFor(name: string, now: string): ProtectionDoc {
  switch (name) {
    case "policy":
      return {
        description: "",
        enforcementLevel: 30,
        disconnectedEnforcementLevel: 30,
        dateCreated: now,
        dateModified: now,
        createdByUserId: 1,
        readOnly: false,
        hidden: false,
        automatic: false,
        reputationEnabled: true,
        totalComputers: 0,
        connectedComputers: 0,
        atEnforcementComputers: 0,
      };
    case "fileRule":
      return {
        description: "",
        fileState: 1,
        sourceType: 5,
        reportOnly: false,
        policyIds: "0",
        platformFlags: 1,
        dateCreated: now,
        dateModified: now,
        createdBy: "api",
        createdByUserId: "1",
        modifiedByUserId: 1,
        visible: true,
        version: 1,
      };
    case "user":
      return {
        enabled: true,
        readOnly: false,
        external: false,
        automatic: false,
        unified: false,
        userGroupIds: "",
        registrationDate: now,
      };
    case "userGroup":
      return {
        description: "",
        permissions: "0",
        policyIds: "0",
        enabled: true,
        editable: true,
        dateCreated: now,
        dateModified: now,
        automaticCount: 0,
        manualCount: 0,
      };
    case "trustedUser":
      return {
        description: "",
        dateCreated: now,
        dateModified: now,
        createdBy: "api",
        createdByUserId: 1,
        clVersion: 1,
      };
    case "notification":
      return { time: now, flags: 0, files: [], regKeys: [], directories: [] };
    case "connector":
      return { analysisTargets: [], isInternal: false };
    default:
      return {};
  }
}

function remove(state: ProtectionState, ctx: RouteContext) {
  const [name, coll] = collection(state, ctx);
  if (READ_ONLY.has(name)) throw new HttpError(405, `Object ${name} is read-only`);
  const doc = objectOf(coll, name, ctx);
  coll.delete(doc.id as number);
  return noContent();
}

/**
 * Registers the Protection routes.
 *
 * @param router The router.
 * @param state The Protection state.
 */
export function addProtectionRoutes(router: Router, state: ProtectionState): void {
  router.add("GET", `${BASE}/:coll`, (ctx) => list(state, ctx));
  router.add("POST", `${BASE}/:coll`, (ctx) => create(state, ctx));
  router.add("GET", `${BASE}/:coll/:id`, (ctx) => getOne(state, ctx));
  router.add("PUT", `${BASE}/:coll/:id`, (ctx) => update(state, ctx));
  router.add("POST", `${BASE}/fileInstance/:id`, (ctx) => {
    ctx.params.coll = "fileInstance";
    return update(state, ctx);
  });
  router.add("DELETE", `${BASE}/:coll/:id`, (ctx) => remove(state, ctx));
}
