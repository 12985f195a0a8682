/**
 * Wire shapes of processes: search rows, summaries and event documents in the v1-v4 formats.
 *
 * @module
 */
import type { SearchRecord, SearchSchema } from "../_query_lang.ts";
import type { EmulatorState, ProcessEvents, ProcessRecord, ProcessSegment } from "../state.ts";
import { ipToInt, uniqueId } from "./_guid.ts";
import { DOC_GUIDS } from "./_processes.ts";

/** Searchable process fields. */
export const PROCESS_SCHEMA: SearchSchema = {
  fields: {
    process_name: "keyword",
    hostname: "keyword",
    username: "text",
    cmdline: "text",
    path: "text",
    process_md5: "keyword",
    parent_name: "keyword",
    childproc_name: "keyword",
    childproc_md5: "keyword",
    crossproc_name: "keyword",
    crossproc_md5: "keyword",
    filemod: "text",
    filewrite_md5: "keyword",
    modload: "text",
    regmod: "text",
    domain: "keyword",
    ipaddr: "keyword",
    ipport: "number",
    group: "keyword",
    sensor_id: "number",
    id: "keyword",
    unique_id: "keyword",
    parent_id: "keyword",
    parent_unique_id: "keyword",
    segment_id: "number",
    host_type: "keyword",
    os_type: "keyword",
    start: "date",
    last_update: "date",
    last_server_update: "date",
    process_pid: "number",
    parent_pid: "number",
    filemod_count: "number",
    modload_count: "number",
    regmod_count: "number",
    netconn_count: "number",
    childproc_count: "number",
    crossproc_count: "number",
    terminated: "bool",
    comms_ip: "keyword",
    interface_ip: "keyword",
  },
  aliases: { md5: "process_md5", process_id: "id", parent_md5: "parent_md5", ipv4: "ipaddr" },
  defaultFields: ["process_name", "hostname", "username", "cmdline", "path", "process_md5"],
};

const ZERO_MD5 = "0".repeat(32);

function emptyEvents(): ProcessEvents {
  return { modloads: [], filemods: [], regmods: [], netconns: [], crossprocs: [], childprocs: [] };
}

function mergeEvents(segs: ProcessSegment[]): ProcessEvents {
  const out = emptyEvents();
  for (const s of segs) {
    for (const k of Object.keys(out) as (keyof ProcessEvents)[]) {
      (out[k] as unknown[]).push(...s.events[k]);
    }
  }
  return out;
}

function sensorBits(state: EmulatorState, p: ProcessRecord) {
  const sensor = state.sensors.get(p.sensorId);
  const hostname = sensor?.computer_name ?? `SENSOR-${p.sensorId}`;
  const ip = String(sensor?.network_adapters ?? "0.0.0.0,").split(",")[0] || "0.0.0.0";
  const group = state.groups.get(Number(sensor?.group_id ?? 1))?.name ?? "Default Group";
  const hostType = /DC|SRV|2K8/.test(hostname) ? "domain_controller" : "workstation";
  return { hostname, ip, group, hostType, linux: sensor?.os_type === 3 || p.path.startsWith("/") };
}

/**
 * The process document for one segment (index into `p.segments`) or for the whole process
 * (`"all"`). `placeholders` puts a zero `parent_md5` like real search rows.
 */
export function processDoc(
  state: EmulatorState,
  p: ProcessRecord,
  seg: number | "all",
  placeholders = false,
): Record<string, unknown> {
  const segs = seg === "all" ? p.segments : [p.segments[seg]!];
  const ev = seg === "all" ? mergeEvents(p.segments) : segs[0]!.events;
  const last = segs.reduce((a, b) => (a.lastUpdate >= b.lastUpdate ? a : b));
  const segId = seg === "all" ? p.segments[p.segments.length - 1]!.segmentId : segs[0]!.segmentId;
  const bits = sensorBits(state, p);
  const parent = state.processes.get(p.parentGuid);
  const doc: Record<string, unknown> = {
    id: p.guid,
    unique_id: uniqueId(p.guid, segId),
    segment_id: segId,
    process_name: p.name,
    process_pid: p.pid,
    path: p.path,
    cmdline: p.cmdline,
    username: p.username,
    hostname: bits.hostname,
    sensor_id: p.sensorId,
    group: bits.group,
    host_type: bits.hostType,
    os_type: bits.linux ? "linux" : "windows",
    start: p.start,
    last_update: last.lastUpdate,
    last_server_update: last.lastServerUpdate,
    min_last_update: segs[0]!.lastUpdate,
    max_last_update: last.lastUpdate,
    min_last_server_update: segs[0]!.lastServerUpdate,
    max_last_server_update: last.lastServerUpdate,
    parent_unique_id: uniqueId(p.parentGuid, p.parentSegment),
    parent_id: p.parentGuid,
    parent_name: p.parentName,
    parent_pid: p.parentPid,
    parent_md5: placeholders || !parent ? ZERO_MD5 : parent.md5.toLowerCase(),
    process_md5: p.md5.toLowerCase(),
    filemod_count: ev.filemods.length,
    modload_count: ev.modloads.length,
    regmod_count: ev.regmods.length,
    netconn_count: ev.netconns.length,
    childproc_count: ev.childprocs.length,
    crossproc_count: ev.crossprocs.length,
    emet_count: 0,
    processblock_count: 0,
    terminated: p.terminated,
    comms_ip: ipToInt(bits.ip),
    interface_ip: ipToInt(bits.ip),
    uid: p.username === "SYSTEM" ? "S-1-5-18" : "S-1-5-21-850238481-2932160288-1760307561",
    tags: [],
    alliance_score_srstrust: -100,
  };
  if (p.segments.some((s) => s.events.crossprocs.length > 0)) {
    // The rich processes carry a threat-feed hit (fields `alliance_{kind}_{feed}`).
    doc.alliance_score_srsthreat = 75;
    doc.alliance_link_srsthreat = `https://threat.example.com/report/${p.guid}`;
    doc.alliance_data_srsthreat = [`srsthreat-${p.guid.slice(0, 8)}`];
  }
  if (p.guid === DOC_GUIDS.invalidData) {
    // Invalid sensor data as real servers send it: clients derive pid and start from the GUID.
    doc.process_pid = -1;
    doc.start = -1;
  }
  return doc;
}

/** Index record of one search row (the document plus event-derived multi-valued fields). */
function indexRecord(doc: Record<string, unknown>, ev: ProcessEvents): SearchRecord {
  const base = (path: string) => path.split(/[\\/]/).pop()!.toLowerCase();
  const rec = { ...doc } as SearchRecord;
  if (doc.start === -1) {
    // Search on the real values even where the document carries the -1 placeholders.
    const parts = String(doc.id).replaceAll("-", "");
    rec.process_pid = parseInt(parts.slice(8, 16), 16);
    rec.start = filetimeIso(parts.slice(16));
  }
  rec.comms_ip = intToIp(doc.comms_ip as number);
  rec.interface_ip = rec.comms_ip;
  rec.filemod = ev.filemods.map((e) => e.path);
  rec.filewrite_md5 = ev.filemods.filter((e) => e.md5 !== "").map((e) => e.md5.toLowerCase());
  rec.modload = ev.modloads.map((e) => e.path);
  rec.regmod = ev.regmods.map((e) => e.path);
  rec.domain = ev.netconns.map((e) => e.domain).filter(Boolean);
  rec.ipaddr = ev.netconns.map((e) => e.remoteIp);
  rec.ipport = ev.netconns.map((e) => e.remotePort);
  rec.childproc_name = ev.childprocs.map((e) => base(e.path));
  rec.childproc_md5 = ev.childprocs.map((e) => e.md5.toLowerCase());
  rec.crossproc_name = ev.crossprocs.map((e) => base(e.otherPath));
  rec.crossproc_md5 = ev.crossprocs.map((e) => e.otherMd5.toLowerCase());
  return rec;
}

function filetimeIso(hex: string): string {
  const ms = Number(BigInt(`0x${hex}`) / 10000n - 11644473600000n);
  return new Date(ms).toISOString();
}

/** Dotted quad of a signed 32-bit integer. */
export function intToIp(n: number): string {
  const u = n >>> 0;
  return `${u >>> 24}.${(u >>> 16) & 255}.${(u >>> 8) & 255}.${u & 255}`;
}

/** One search row: what to match, sort and facet on, and what to send. */
export interface ProcessRow {
  /** Matchable fields. */
  index: SearchRecord;
  /** The row sent back. */
  doc: Record<string, unknown>;
  /** GUID, for `cb.group=id`. */
  guid: string;
}

const ROWS = new WeakMap<Map<string, ProcessRecord>, ProcessRow[]>();

/** Every (process, segment) row; built once per data set. */
export function processRows(state: EmulatorState): ProcessRow[] {
  let rows = ROWS.get(state.processes);
  if (!rows) {
    rows = [];
    for (const p of state.processes.values()) {
      p.segments.forEach((s, i) => {
        const doc = processDoc(state, p, i, true);
        rows!.push({ index: indexRecord(doc, s.events), doc, guid: p.guid });
      });
    }
    ROWS.set(state.processes, rows);
  }
  return rows;
}

/** Finds the segment index for a requested segment number: `"all"` for 0 or unknown. */
export function segmentIndex(p: ProcessRecord, seg: number): number | "all" {
  if (seg === 0) return "all";
  const exact = p.segments.findIndex((s) => s.segmentId === seg);
  if (exact >= 0) return exact;
  if (seg >= 1 && seg <= p.segments.length) return seg - 1;
  return "all";
}

function flag(b: boolean): string {
  return b ? "true" : "false";
}

/** The event document for `GET /api/v{version}/process/{guid}/{seg}/event`. */
export function eventsDoc(
  state: EmulatorState,
  p: ProcessRecord,
  seg: number,
  version: number,
): Record<string, unknown> {
  const idx = segmentIndex(p, seg);
  const knownSeg = seg === 0 || idx !== "all";
  const ev = !knownSeg
    ? emptyEvents()
    : idx === "all"
    ? mergeEvents(p.segments)
    : p.segments[idx]!.events;
  const doc = processDoc(state, p, idx);
  const sorted = <T extends { time: string }>(xs: T[]) =>
    [...xs].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  doc.modload_complete = sorted(ev.modloads).map((e) =>
    `${e.time}|${e.md5.toLowerCase()}|${e.path}`
  );
  doc.filemod_complete = sorted(ev.filemods).map((e) =>
    `${e.type}|${e.time}|${e.path}|${e.md5.toLowerCase()}|${e.filetype || ""}|${flag(e.tamper)}`
  );
  doc.regmod_complete = sorted(ev.regmods).map((e) =>
    `${e.type}|${e.time}|${e.path}|${flag(e.tamper)}`
  );
  doc.netconn_complete = sorted(ev.netconns).map((e) => {
    if (version === 1) {
      return `${e.time}|${ipToInt(e.remoteIp)}|${e.remotePort}|${e.proto}|${e.domain}|${
        flag(e.outbound)
      }`;
    }
    const ip = version >= 4 ? (s: string) => s : (s: string) => ipToInt(s);
    return {
      timestamp: e.time,
      direction: flag(e.outbound),
      remote_ip: ip(e.remoteIp),
      remote_port: e.remotePort,
      local_ip: ip(e.localIp),
      local_port: e.localPort,
      proxy_ip: ip("0.0.0.0"),
      proxy_port: 0,
      proto: e.proto,
      domain: e.domain,
    };
  });
  doc.crossproc_complete = sorted(ev.crossprocs).map((e) =>
    `${e.type}|${e.time}|${e.otherUniqueId}|${e.otherMd5.toLowerCase()}|${e.otherPath}|${e.subtype}|${e.access}|${
      flag(e.tamper)
    }|${flag(e.isTarget)}`
  );
  // `terminated` marks the end record of an ended child.
  doc.childproc_complete = sorted(ev.childprocs).map((e) => {
    if (version <= 2) {
      return `${e.time}|${e.uniqueId}|${e.md5.toLowerCase()}|${e.path}|${e.pid}|${
        flag(!e.terminated)
      }|false`;
    }
    return {
      processId: e.uniqueId,
      md5: e.md5.toLowerCase(),
      path: e.path,
      pid: e.pid,
      type: e.terminated ? "end" : "start",
      ...(e.terminated ? { end: e.time } : { start: e.time }),
      is_tampered: false,
      is_suppressed: e.suppressed,
      commandLine: e.cmdline,
      userName: e.username,
    };
  });
  if (version >= 3) doc.binaries = binariesMap(state, ev);
  return { process: doc };
}

/** What the server knows of the loaded modules, keyed by upper-case MD5 (v3 and v4 events). */
function binariesMap(state: EmulatorState, ev: ProcessEvents): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const m of ev.modloads) {
    const md5 = m.md5.toUpperCase();
    const b = state.binaries.get(md5);
    if (!b || md5 in out) continue;
    const d = b.doc;
    out[md5] = {
      md5,
      digsig_result: d.digsig_result,
      digsig_publisher: d.digsig_publisher ?? "",
      original_filename: d.original_filename,
      company_name: d.company_name,
      product_name: d.product_name,
      file_version: d.file_version,
      is_executable_image: d.is_executable_image,
      is_64bit: d.is_64bit,
    };
  }
  return out;
}

/** The summary for `GET /api/v1/process/{guid}/{seg}`. */
export function summaryDoc(
  state: EmulatorState,
  p: ProcessRecord,
  seg: number,
): Record<string, unknown> {
  const parent = state.processes.get(p.parentGuid);
  const childDoc = (c: ProcessRecord) => ({ ...processDoc(state, c, "all"), is_suppressed: false });
  const children = [...state.processes.values()].filter((c) => c.parentGuid === p.guid);
  const siblings = parent
    ? [...state.processes.values()].filter((c) => c.parentGuid === parent.guid && c !== p)
    : [];
  return {
    process: processDoc(state, p, segmentIndex(p, seg)),
    parent: parent ? processDoc(state, parent, "all") : {},
    children: children.map(childDoc),
    siblings: siblings.slice(0, 50).map(childDoc),
  };
}
