/**
 * Process and binary routes: searches, summaries, events, segments, host counts, downloads.
 *
 * @module
 */
import { bytes, HttpError, json, type RouteContext, type Router } from "../_router.ts";
import type { SearchSchema } from "../_query_lang.ts";
import { type SearchItem, solrSearch } from "../_solr.ts";
import { zipBytes, zipStream } from "../_zip.ts";
import type { EmulatorState, ProcessRecord } from "../state.ts";
import { fileBytes, fileChunks } from "./_binaries.ts";
import { segmentHex } from "./_guid.ts";
import { eventsDoc, PROCESS_SCHEMA, processRows, summaryDoc } from "./_process_view.ts";

const BINARY_SCHEMA: SearchSchema = {
  fields: {
    md5: "keyword",
    observed_filename: "text",
    digsig_result: "keyword",
    digsig_publisher: "text",
    digsig_issuer: "text",
    digsig_subject: "text",
    digsig_sign_time: "date",
    is_executable_image: "bool",
    is_64bit: "bool",
    product_name: "text",
    company_name: "text",
    original_filename: "keyword",
    internal_name: "keyword",
    file_desc: "text",
    file_version: "text",
    product_version: "keyword",
    legal_copyright: "text",
    server_added_timestamp: "date",
    hostname: "keyword",
    sensor_id: "number",
    host_count: "number",
    orig_mod_len: "number",
    group: "keyword",
    os_type: "keyword",
    signed: "keyword",
    alliance_score_virustotal: "number",
  },
  aliases: { filename: "observed_filename", size: "orig_mod_len" },
  defaultFields: [
    "md5",
    "observed_filename",
    "original_filename",
    "file_desc",
    "product_name",
    "company_name",
  ],
};

const TIME_FILTERS: [string, string, boolean][] = [
  ["cb.min_last_update", "last_update", true],
  ["cb.max_last_update", "last_update", false],
  ["cb.min_last_server_update", "last_server_update", true],
  ["cb.max_last_server_update", "last_server_update", false],
];

function parseTime(name: string, raw: string): number {
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(raw) ? raw : `${raw.replace(" ", "T")}Z`);
  if (Number.isNaN(ms)) throw new HttpError(400, `Invalid time for ${name}: "${raw}"`);
  return ms;
}

function elapsed(t0: number): number {
  return Math.max(0.001, (performance.now() - t0) / 1000);
}

function findProcess(state: EmulatorState, guid: string): ProcessRecord {
  const p = state.processes.get(guid.toLowerCase());
  if (!p) throw new HttpError(404, `Process ${guid} not found`);
  return p;
}

function segParam(ctx: RouteContext): number {
  const raw = ctx.params.seg ?? "";
  if (!/^\d+$/.test(raw)) throw new HttpError(404, `Invalid segment "${raw}"`);
  return Number(raw);
}

function processSearch(state: EmulatorState, ctx: RouteContext, now: number) {
  const t0 = performance.now();
  const bounds = TIME_FILTERS.flatMap(([param, field, min]) => {
    const raw = ctx.query.get(param);
    return raw ? [{ field, min, ms: parseTime(param, raw) }] : [];
  });
  const items: SearchItem<Record<string, unknown>>[] = [];
  for (const row of processRows(state)) {
    if (
      bounds.some((b) => {
        const t = Date.parse(row.index[b.field] as string);
        return b.min ? t < b.ms : t > b.ms;
      })
    ) continue;
    items.push({ index: row.index, doc: row.doc, group: row.guid });
  }
  const group = ctx.query.get("cb.group");
  const out = solrSearch(items, PROCESS_SCHEMA, ctx.query, {
    grouped: group === "id",
    now,
  });
  return json({
    results: out.results,
    total_results: out.total,
    start: out.start,
    facets: out.facets,
    terms: [],
    highlights: [],
    elapsed: elapsed(t0),
    comprehensive_search: true,
    all_segments: true,
    tagged_pids: {},
    incomplete_results: false,
    filtered: {},
  });
}

function hostCount(state: EmulatorState, ctx: RouteContext) {
  const md5 = (ctx.query.get("md5") ?? "").toUpperCase();
  if (!/^[0-9A-F]{32}$/.test(md5)) throw new HttpError(400, "md5 parameter is required");
  const hosts = new Set<number>();
  let global = 0;
  for (const p of state.processes.values()) {
    const uses = p.md5 === md5 ||
      p.segments.some((s) => s.events.modloads.some((m) => m.md5 === md5));
    if (uses) {
      global++;
      hosts.add(p.sensorId);
    }
  }
  return json({ hostCount: hosts.size, globalCount: global, numDocs: state.processes.size });
}

function binarySearch(state: EmulatorState, ctx: RouteContext, now: number) {
  const t0 = performance.now();
  const items: SearchItem<Record<string, unknown>>[] = [...state.binaries.values()].map((b) => {
    const endpoints = (b.doc.endpoint as string[]) ?? [];
    return {
      index: {
        ...(b.doc as Record<string, string>),
        hostname: endpoints.map((e) => e.split("|")[0]!),
        sensor_id: endpoints.map((e) => Number(e.split("|")[1])),
      },
      doc: b.doc,
    };
  });
  const out = solrSearch(items, BINARY_SCHEMA, ctx.query, { now });
  return json({
    results: out.results,
    total_results: out.total,
    start: out.start,
    facets: out.facets,
    terms: [],
    highlights: [],
    elapsed: elapsed(t0),
  });
}

const SMALL_ZIP = 1024 * 1024;

async function binaryZip(state: EmulatorState, ctx: RouteContext) {
  const md5 = (ctx.params.md5 ?? "").toUpperCase();
  const b = state.binaries.get(md5);
  if (!b) throw new HttpError(404, `Binary ${md5} not found`);
  const observed = String((b.doc.observed_filename as string[])[0] ?? "");
  const metadata = new TextEncoder().encode(
    `Timestamp : 02/01/2017 04:05:44\r\nOrigFilename : ${
      observed.replace(/^[a-z]:/i, "\\Device\\HarddiskVolume2")
    }\r\n`,
  );
  const headers = { "Content-Disposition": `attachment; filename=${md5}.zip` };
  if (b.size <= SMALL_ZIP) {
    const zip = await zipBytes([
      { name: "filedata", data: await fileBytes(b) },
      { name: "metadata", data: metadata },
    ]);
    return bytes(zip, "application/zip", undefined, headers);
  }
  const stream = zipStream([
    { name: "filedata", chunks: () => fileChunks(b) },
    {
      name: "metadata",
      chunks: async function* () {
        yield metadata;
      },
    },
  ]);
  return bytes(stream, "application/zip", undefined, headers);
}

/** Registers process and binary routes; `now` is the server's clock. */
export function registerSearchRoutes(
  router: Router,
  state: EmulatorState,
  now: () => number = Date.now,
): void {
  router.add("GET", "/api/v1/process", (ctx) => processSearch(state, ctx, now()));
  router.add("GET", "/api/v1/process/host/count", (ctx) => hostCount(state, ctx));
  router.add("GET", "/api/v1/process/:guid/segment", (ctx) => {
    const p = findProcess(state, ctx.params.guid!);
    const segments = p.segments.map((s) => ({
      unique_id: `${p.guid}-${segmentHex(s.segmentId, 12)}`,
    }));
    return json({ process: { segments } });
  });
  router.add("GET", "/api/v1/process/:guid/:seg", (ctx) => {
    const p = findProcess(state, ctx.params.guid!);
    return json(summaryDoc(state, p, segParam(ctx)));
  });
  router.add("GET", "/api/v1/process/:guid/:seg/threat_intel_hits", (ctx) => {
    findProcess(state, ctx.params.guid!);
    segParam(ctx);
    return json([]);
  });
  for (const v of [1, 2, 3, 4]) {
    router.add("GET", `/api/v${v}/process/:guid/:seg/event`, (ctx) => {
      const p = findProcess(state, ctx.params.guid!);
      return json(eventsDoc(state, p, segParam(ctx), v));
    });
  }
  router.add("GET", "/api/v1/binary", (ctx) => binarySearch(state, ctx, now()));
  router.add("GET", "/api/v1/binary/:md5/summary", (ctx) => {
    const md5 = (ctx.params.md5 ?? "").toUpperCase();
    const b = state.binaries.get(md5);
    if (!b) throw new HttpError(404, `Binary ${md5} not found`);
    return json(b.doc);
  });
  router.add("GET", "/api/v1/binary/:md5", (ctx) => binaryZip(state, ctx));
}
