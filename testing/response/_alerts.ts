/**
 * Seeded alerts: process and binary alerts from watchlists and feeds, in every status, linking to
 * seeded processes, binaries, sensors, feeds and watchlists. Also the searchable index of alerts.
 *
 * @module
 */
import type { SearchRecord, SearchSchema } from "../_query_lang.ts";
import type { EmulatorState, ProcessRecord } from "../state.ts";
import { md5For } from "./_binaries.ts";
import { buildFeedState, DISABLED_FEED_ID, SOC_FEED_ID } from "./_feeds.ts";
import { uniqueId } from "./_guid.ts";

/** An alert document. */
export type AlertDoc = EmulatorState["alerts"] extends Map<string, infer D> ? D : never;

/** Alert statuses the server knows. */
export const ALERT_STATUSES: readonly string[] = [
  "Unresolved",
  "In Progress",
  "Resolved",
  "False Positive",
];

/** Searchable alert fields. */
export const ALERT_SCHEMA: SearchSchema = {
  fields: {
    unique_id: "keyword",
    status: "keyword",
    alert_type: "keyword",
    assigned_to: "keyword",
    hostname: "keyword",
    sensor_id: "number",
    md5: "keyword",
    process_name: "keyword",
    process_id: "keyword",
    feed_id: "number",
    feed_name: "keyword",
    watchlist_id: "keyword",
    watchlist_name: "text",
    ioc_type: "keyword",
    ioc_value: "keyword",
    is_ignored: "bool",
    created_time: "date",
    alert_severity: "number",
    report_score: "number",
    group: "keyword",
    os_type: "keyword",
    observed_filename: "text",
  },
  aliases: { process_md5: "md5", report_id: "watchlist_id" },
  defaultFields: ["process_name", "hostname", "md5", "watchlist_name", "feed_name"],
};

/** A deterministic alert id in the server's GUID form. */
export function alertId(text: string): string {
  const h = md5For(`alert:${text}`).toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The parts of the data set alerts link to. */
type AlertSources = Pick<
  EmulatorState,
  "sensors" | "groups" | "processes" | "binaries" | "watchlists" | "feeds" | "feedReports"
>;

/** What an alert is about. */
interface AlertSpec {
  key: string;
  process?: ProcessRecord;
  md5: string;
  sensorId: number;
  status: string;
  source: { feedId: number; feedName: string; watchlistId: string; watchlistName: string };
  ioc?: { type: string; value: string; attr: Record<string, unknown> };
  assignedTo?: string;
  created: string;
  score: number;
}

function alertDoc(state: AlertSources, s: AlertSpec): AlertDoc {
  const sensor = state.sensors.get(s.sensorId);
  const group = state.groups.get(sensor?.group_id ?? 1)?.name ?? "Default Group";
  const bin = state.binaries.get(s.md5.toUpperCase());
  const kind = s.process ? "process" : "binary";
  const ingress = s.source.feedId !== -1;
  const doc: AlertDoc = {
    unique_id: alertId(s.key),
    alert_type: `watchlist.hit.${ingress ? "ingress" : "query"}.${kind}`,
    status: s.status,
    assigned_to: s.assignedTo ?? null,
    resolved_time: s.status === "Resolved" ? "2018-02-07T09:12:44.120Z" : null,
    created_time: s.created,
    alert_severity: Math.round(s.score * 0.675 * 1000) / 1000,
    sensor_criticality: 3.0,
    feed_rating: 3.0,
    ioc_confidence: 0.5,
    report_score: s.score,
    feed_id: s.source.feedId,
    feed_name: s.source.feedName,
    watchlist_id: s.source.watchlistId,
    watchlist_name: s.source.watchlistName,
    hostname: String(sensor?.computer_name ?? ""),
    sensor_id: s.sensorId,
    group,
    os_type: sensor?.os_type === 1 ? "windows" : "linux",
    md5: s.md5.toLowerCase(),
    total_hosts: "1",
    is_ignored: s.status === "False Positive",
    ioc_type: s.ioc?.type ?? (s.process ? "query" : "md5"),
    ioc_value: s.ioc?.value ?? s.md5.toLowerCase(),
    // Real servers send `ioc_attr` as JSON text (recorded 6.x and 7.x alert rows).
    ioc_attr: JSON.stringify(s.ioc?.attr ?? {}),
    description: "",
    link: "",
    report_ignored: false,
    sha256: "",
    comms_ip: sensorIp(sensor?.network_adapters),
    interface_ip: sensorIp(sensor?.network_adapters),
  };
  if (s.process) {
    const seg = s.process.segments[0]!.segmentId;
    doc.process_id = s.process.guid;
    // Cb Response 6.1 truncates alert segment ids; the client ignores them.
    doc.segment_id = seg > 2 ** 32 ? 1 : seg;
    doc.process_unique_id = uniqueId(s.process.guid, seg);
    doc.process_name = s.process.name;
    doc.process_path = s.process.path;
    doc.username = s.process.username;
    // Event counts of the process (recorded rows carry them; the emulator's alert is raised at
    // the process start, before its events).
    for (
      const c of [
        "childproc_count",
        "crossproc_count",
        "filemod_count",
        "modload_count",
        "netconn_count",
        "regmod_count",
        "fileless_scriptload_count",
      ]
    ) doc[c] = 0;
  } else {
    const filenames = (bin?.doc.observed_filename as string[] | undefined) ?? [];
    doc.observed_filename = filenames;
    doc.observed_hosts = { hostnames: [{ name: doc.hostname, value: 1 }], hostCount: 1 };
    doc.process_name = filenames[0]?.split("\\").pop() ?? "";
  }
  return doc;
}

/** The first IP of a sensor's `network_adapters` (`"10.0.0.5,000c29aabbcc|"`). */
function sensorIp(adapters: unknown): string {
  return typeof adapters === "string" ? adapters.split("|")[0]!.split(",")[0] ?? "" : "";
}

function findProcess(
  state: AlertSources,
  name: string,
  sensorId: number,
): ProcessRecord | undefined {
  const all = [...state.processes.values()].filter((p) =>
    p.name === name && p.sensorId === sensorId
  );
  return all.sort((a, b) => (a.start < b.start ? -1 : 1))[0];
}

/** Builds the seeded alerts. */
export function buildAlerts(state: AlertSources): Map<string, AlertDoc> {
  const soc = state.feeds.get(SOC_FEED_ID)!;
  const vt = state.feeds.get(2)!;
  const abuse = state.feeds.get(DISABLED_FEED_ID)!;
  const wl = (id: string) => ({
    feedId: -1,
    feedName: "My Watchlists",
    watchlistId: id,
    watchlistName: String(state.watchlists.get(id)?.name ?? ""),
  });
  const feed = (f: { id: number; name: string }, reportId: string) => ({
    feedId: f.id,
    feedName: f.name,
    watchlistId: reportId,
    watchlistName: String(state.feedReports.get(f.id)?.get(reportId)?.title ?? ""),
  });
  const net = findProcess(state, "net.exe", 3);
  const cmd = findProcess(state, "cmd.exe", 1);
  const explorer = findProcess(state, "explorer.exe", 3);
  const cmd2 = findProcess(state, "cmd.exe", 2);
  const bin = (name: string) =>
    [...state.binaries.values()].find((b) =>
      String(b.doc.original_filename ?? "").toLowerCase() === name ||
      ((b.doc.observed_filename as string[] | undefined) ?? []).some((f) => f.endsWith(`\\${name}`))
    )?.md5 ?? md5For(name);
  const dropper = [...(state.feedReports.get(2)?.keys() ?? [])][0] ?? md5For("dropper.exe");
  const specs: AlertSpec[] = [];
  const add = (s: AlertSpec | undefined) => s && specs.push(s);
  if (net) {
    add({
      key: "net-share",
      process: net,
      md5: net.md5,
      sensorId: net.sensorId,
      status: "Unresolved",
      source: feed(soc, "SOC-2018-0004"),
      ioc: { type: "md5", value: net.md5.toLowerCase(), attr: {} },
      created: "2016-11-11T21:00:02.120Z",
      score: 40,
    });
  }
  if (explorer) {
    add({
      key: "fuzzywombat-c2",
      process: explorer,
      md5: explorer.md5,
      sensorId: explorer.sensorId,
      status: "Unresolved",
      source: feed(soc, "SOC-2018-0002"),
      ioc: {
        type: "ipv4",
        value: "203.0.113.7",
        attr: {
          direction: "Outbound",
          local_ip: -1062731420,
          local_port: 49731,
          port: 443,
          protocol: 6,
          dns_name: "fuzzywombat.example.net",
        },
      },
      created: "2016-11-11T21:05:40.003Z",
      score: 80,
    });
  }
  if (cmd) {
    add({
      key: "usb-cmd",
      process: cmd,
      md5: cmd.md5,
      sensorId: cmd.sensorId,
      status: "In Progress",
      assignedTo: "admin",
      source: wl("1"),
      created: "2017-05-22T15:11:02.511Z",
      score: 50,
    });
  }
  if (cmd2) {
    add({
      key: "filemods-cmd2",
      process: cmd2,
      md5: cmd2.md5,
      sensorId: cmd2.sensorId,
      status: "Resolved",
      source: wl("6"),
      created: "2016-10-19T22:30:00.000Z",
      score: 30,
    });
  }
  add({
    key: "vt-dropper",
    md5: dropper,
    sensorId: 3,
    status: "Unresolved",
    source: feed(vt, dropper.toLowerCase()),
    created: "2017-02-02T10:11:12.345Z",
    score: 75,
  });
  add({
    key: "new-notepad",
    md5: bin("notepad.exe"),
    sensorId: 3,
    status: "Resolved",
    source: wl("5"),
    created: "2016-11-15T23:50:08.448Z",
    score: 20,
  });
  add({
    key: "zeus-net",
    md5: bin("net.exe"),
    sensorId: 2,
    status: "False Positive",
    source: feed(abuse, "ZEUS-42"),
    created: "2017-03-01T12:00:00.000Z",
    score: 70,
  });
  return new Map(specs.map((s) => {
    const d = alertDoc(state, s);
    return [d.unique_id, d];
  }));
}

/** Builds feeds, reports, actions and alerts (alerts link to the rest of the data set). */
export function buildFeedsAndAlerts(
  parts: Pick<EmulatorState, "sensors" | "groups" | "processes" | "binaries" | "watchlists">,
): Pick<
  EmulatorState,
  "feeds" | "feedReports" | "feedActions" | "watchlistActions" | "alerts"
> {
  const feeds = buildFeedState();
  return { ...feeds, alerts: buildAlerts({ ...parts, ...feeds }) };
}

/** The searchable record of an alert. */
export function alertIndex(doc: AlertDoc): SearchRecord {
  const out: SearchRecord = {};
  for (const [k, v] of Object.entries(doc)) {
    if (v === null || ["string", "number", "boolean"].includes(typeof v)) {
      out[k] = v as string | number | boolean | null;
    } else if (Array.isArray(v)) out[k] = v.map(String);
  }
  return out;
}
