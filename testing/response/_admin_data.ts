/**
 * Seeded Cb Response administration data: users (one global admin holding the API token),
 * teams, investigations with tagged events, ingress filters, event partitions and throttle rules.
 *
 * @module
 */
import { hashHex } from "../_rand.ts";
import { DOC_GUIDS, SEGMENT_IDS } from "./_processes.ts";

/** A JSON document held by the emulator. */
export type Doc = Record<string, unknown>;

/** The administration maps of the emulator state. */
export interface AdminData {
  /** Users by user name (`/api/users`, `/api/user/{username}`). */
  users: Map<string, Doc>;
  /** Teams by id (`/api/teams`, `/api/team/{id}`). */
  teams: Map<number, Doc>;
  /** Investigations by id (`/api/investigations`). */
  investigations: Map<number, Doc>;
  /** Tagged events by id (`/api/tagged_event/{investigation_id}`). */
  taggedEvents: Map<number, Doc>;
  /** Ingress filters by id (`/api/v1/ingress_whitelist`). */
  ingressFilters: Map<string, Doc>;
  /** Event partitions by name (`/api/v1/storage/events/partition`). */
  partitions: Map<string, Doc>;
  /** Throttle rules by id (`/api/throttle`). */
  throttleRules: Map<number, Doc>;
}

/** The server's date style for admin documents (`2018-02-06 18:40:06.467689-06:00`). */
export function serverDate(date: Date): string {
  return date.toISOString().replace("T", " ").replace(/\.(\d{3})Z$/, ".$1000+00:00");
}

/** A user's API token, derived from the seed (the admin's is replaced by the emulator token). */
export function userToken(seed: number, username: string): string {
  return hashHex("sha1", `cbemu-user:${seed}:${username}`);
}

/** A user document with teams resolved to `{id, name}`. */
export function userDoc(seed: number, body: Doc, teams: Map<number, Doc>): Doc {
  const username = String(body.username);
  return {
    username,
    id: username,
    first_name: String(body.first_name ?? ""),
    last_name: String(body.last_name ?? ""),
    email: String(body.email ?? ""),
    global_admin: body.global_admin === true,
    teams: resolveTeams(body.teams, teams),
    auth_token: userToken(seed, username),
  };
}

/** Turns team ids or `{id}` objects into `{id, name}` entries of existing teams. */
export function resolveTeams(raw: unknown, teams: Map<number, Doc>): Doc[] {
  if (!Array.isArray(raw)) return [];
  const out: Doc[] = [];
  for (const entry of raw) {
    const id = Number(typeof entry === "object" && entry !== null ? (entry as Doc).id : entry);
    const team = teams.get(id);
    if (team && !out.some((t) => t.id === id)) out.push({ id, name: team.name });
  }
  return out;
}

/** An ingress filter document with the server's defaults filled in. */
export function ingressDoc(id: string, body: Doc, now: Date): Doc {
  const arrays = [
    "group_ids",
    "sensor_ids",
    "path_filters",
    "cmdline_filters",
    "md5_filters",
    "regmod_filters",
    "modload_filters",
    "filemod_filters",
    "non_binary_filemod_filters",
    "netconn_filters",
    "crossproc_filters",
  ];
  const doc: Doc = {
    id,
    name: "",
    description: "",
    create_timestamp: serverDate(now),
    modify_timestamp: serverDate(now),
    create_user_id: 1,
    modify_user_id: 1,
    version: 1,
    priority: 0,
    os_mask: 7,
    descendant_filtering_level: 0,
    internal: false,
    enabled: true,
    filter_on_sensor: true,
    filter_on_server: false,
    track_metrics: false,
    global: true,
    filter_all_events: false,
    hit_rate: 0,
  };
  for (const a of arrays) doc[a] = [];
  for (const [k, v] of Object.entries(body)) {
    if (!["id", "create_timestamp", "modify_timestamp", "hit_rate"].includes(k)) doc[k] = v;
  }
  return doc;
}

/** A partition document. */
export function partitionDoc(name: string, status: string, start: Date, end: Date | null): Doc {
  const i = Math.max(
    0,
    Math.round((Date.parse("2018-01-18T20:30:15Z") - start.getTime()) / 6048e5),
  );
  return {
    name,
    status,
    info: {
      sizeInBytes: 104857600 - i * 1048576,
      startDate: start.toISOString().replace(/\.\d{3}Z$/, ".245539Z"),
      endDate: end ? end.toISOString() : null,
      partitionId: 97381305679872 - i * 65536,
      deletedDocs: 0,
      maxDoc: 34884 - i * 1000,
      numDocs: 34884 - i * 1000,
      segmentCount: 12,
      userMounted: false,
      isLegacy: false,
      dir: `/var/cb/data/solr5/cbevents/${name}`,
      schema: "cbevents_v1",
    },
  };
}

function partitions(): Map<string, Doc> {
  const out = new Map<string, Doc>();
  const names = [
    "writer",
    "cbevents_2018_01_18_2030",
    "cbevents_2018_01_11_1404",
    "cbevents_2018_01_04_0912",
  ];
  names.forEach((name, i) => {
    const start = new Date(Date.parse("2018-01-18T20:30:15.245Z") - i * 7 * 86400_000);
    const end = i === 0 ? null : new Date(start.getTime() + 7 * 86400_000);
    out.set(name, partitionDoc(name, i === 0 ? "hot" : "warm", start, end));
  });
  return out;
}

function taggedEvent(
  id: number,
  investigationId: number,
  guid: string,
  segment: number,
  eventType: string,
  data: Doc,
  notes: string,
): Doc {
  return {
    id,
    investigation_id: investigationId,
    event_id: `${guid}-${segment.toString(16).padStart(12, "0")}`,
    event_type: eventType,
    date_tagged: "2018-01-22 16:41:27.871946-05:00",
    start_date: "2017-01-03 22:04:54.640000-05:00",
    unique_id: guid,
    process_id: guid,
    segment_id: segment,
    event_data: data,
    tagged_by_user_id: 1,
    notes,
  };
}

/** Builds the seeded administration data. */
export function buildAdminData(seed: number): AdminData {
  const teams = new Map<number, Doc>([
    [1, {
      id: 1,
      name: "Analysts",
      group_access: [
        { group_id: 1, access_category: "Viewer", group_name: "Default Group" },
      ],
    }],
    [2, {
      id: 2,
      name: "Responders",
      group_access: [
        { group_id: 1, access_category: "Administrator", group_name: "Default Group" },
        { group_id: 2, access_category: "Viewer", group_name: "Servers" },
      ],
    }],
  ]);
  const users = new Map<string, Doc>();
  for (
    const u of [
      {
        username: "admin",
        first_name: "Global",
        last_name: "Admin",
        email: "admin@example.com",
        global_admin: true,
        teams: [],
      },
      {
        username: "bit9rad",
        first_name: "Bit9",
        last_name: "Rad",
        email: "bit9rad@example.com",
        global_admin: false,
        teams: [1, 2],
      },
      {
        username: "analyst",
        first_name: "Ann",
        last_name: "Lyst",
        email: "analyst@example.com",
        global_admin: false,
        teams: [1],
      },
    ]
  ) {
    users.set(u.username, userDoc(seed, u, teams));
  }
  const investigations = new Map<number, Doc>([
    [1, {
      id: 1,
      name: "Default Investigation",
      notes: "Default investigation for tagged events",
      created_by_user_id: 1,
      date_started: "2016-12-01 10:00:00.000000-05:00",
      last_updated: "2018-01-22 16:41:27.871946-05:00",
    }],
    [2, {
      id: 2,
      name: "Lateral movement on WIN-IA9NQ1GN8OI",
      notes: "net.exe mounting \\\\test\\blah",
      created_by_user_id: 1,
      date_started: "2017-01-04 09:00:00.000000-05:00",
      last_updated: "2018-01-22 16:41:27.871946-05:00",
    }],
  ]);
  const taggedEvents = new Map<number, Doc>([
    [
      1,
      taggedEvent(1, 2, DOC_GUIDS.cmd, 1, "process", {
        process_name: "cmd.exe",
        hostname: "WIN-IA9NQ1GN8OI",
      }, "cmd.exe that ran net.exe"),
    ],
    [
      2,
      taggedEvent(2, 2, DOC_GUIDS.explorer, 1, "process", {
        process_name: "explorer.exe",
        hostname: "WIN-IA9NQ1GN8OI",
      }, "parent shell"),
    ],
    [
      3,
      taggedEvent(3, 1, DOC_GUIDS.cmdSegmented, SEGMENT_IDS[0]!, "netconn", {
        process_name: "cmd.exe",
        domain: "www.google.com",
      }, ""),
    ],
  ]);
  const ingressFilters = new Map<string, Doc>([
    [
      "5e1b2f8e-9a1c-4d6a-8f1e-2b3c4d5e6f70",
      ingressDoc("5e1b2f8e-9a1c-4d6a-8f1e-2b3c4d5e6f70", {
        name: "Backup agent",
        description: "Do not record the nightly backup agent",
        path_filters: ["c:\\program files\\backup\\agent.exe"],
        descendant_filtering_level: -1,
      }, new Date(Date.parse("2018-01-10T12:00:00Z"))),
    ],
    [
      "0b9c6f0e-7d1a-4e2b-9c3d-4e5f6a7b8c9d",
      ingressDoc("0b9c6f0e-7d1a-4e2b-9c3d-4e5f6a7b8c9d", {
        name: "Monitoring probe",
        description: "Health checks from the monitoring system",
        cmdline_filters: ["*healthcheck*"],
        os_mask: 4,
        enabled: false,
      }, new Date(Date.parse("2018-01-12T08:30:00Z"))),
    ],
  ]);
  const throttleRules = new Map<number, Doc>([
    [1, {
      id: 1,
      site_id: 1,
      name: "Business hours",
      from: "08:00",
      to: "17:00",
      day_of_week: "1,2,3,4,5",
      bytes_per_second: 1048576,
    }],
    [2, {
      id: 2,
      site_id: 1,
      name: "Weekend backups",
      from: "00:00",
      to: "06:00",
      day_of_week: "0,6",
      bytes_per_second: 262144,
    }],
  ]);
  return {
    users,
    teams,
    investigations,
    taggedEvents,
    ingressFilters,
    partitions: partitions(),
    throttleRules,
  };
}
