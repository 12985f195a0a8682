/**
 * The emulator's live data set, as tests read it through {@linkcode CbEmulator.state}.
 *
 * @module
 */
import type { ProtectionState } from "./protection/_register.ts";
import type { DefenseState } from "./defense/_register.ts";
import type { LiveResponseState } from "./live_response/_register.ts";

/** A sensor document as `GET /api/v1/sensor/{id}` returns it. */
export interface SensorDoc {
  /** Sensor id. */
  id: number;
  /** Host name. */
  computer_name: string;
  /** Sensor group id. */
  group_id: number;
  /** `Online`, `Offline`, ... */
  status: string;
  /** Isolation requested. */
  network_isolation_enabled: boolean;
  /** Isolation in effect: follows `network_isolation_enabled` after the isolation delay (Online sensors only). */
  readonly is_isolating: boolean;
  /** Live Response support. */
  supports_cblr: boolean;
  /** 1 Windows, 2 macOS, 3 Linux. */
  os_type: number;
  /** `"ip,mac|ip,mac|"`. */
  network_adapters: string;
  /** Every other field of the wire document. */
  [field: string]: unknown;
}

/** A sensor group (`/api/group`). */
export interface SensorGroupDoc {
  /** Group id. */
  id: number;
  /** Group name. */
  name: string;
  /** Site id. */
  site_id: number;
  /** Every other field. */
  [field: string]: unknown;
}

/** A site (`/api/site`). */
export interface SiteDoc {
  /** Site id. */
  id: number;
  /** Site name. */
  name: string;
  /** Every other field. */
  [field: string]: unknown;
}

/** A watchlist (`/api/v1/watchlist`); `id` is a string as on the real server. */
export interface WatchlistDoc {
  /** Watchlist id (a string). */
  id: string;
  /** Name. */
  name: string;
  /** Form-encoded search parameters. */
  search_query: string;
  /** `events` or `modules`. */
  index_type: string;
  /** Every other field. */
  [field: string]: unknown;
}

/** A banned hash (`/api/v1/banning/blacklist`). */
export interface BannedHashDoc {
  /** Lower-case MD5. */
  md5hash: string;
  /** Reason text (`null` once the ban was disabled: the server forgets it). */
  text: string | null;
  /** Whether the ban is active. */
  enabled: boolean;
  /** Every other field. */
  [field: string]: unknown;
}

/** A module load. */
export interface ModloadEvent {
  /** Sensor-local time `YYYY-MM-DD HH:MM:SS.mmm`. */
  time: string;
  /** Upper-case MD5 of the module (a known binary). */
  md5: string;
  /** Module path. */
  path: string;
}

/** A file modification. */
export interface FilemodEvent {
  /** 1 CreatedFile, 2 FirstWrote, 4 Deleted, 8 LastWrote. */
  type: 1 | 2 | 4 | 8;
  /** Sensor-local time. */
  time: string;
  /** File path. */
  path: string;
  /** MD5 of the written file (empty when none). */
  md5: string;
  /** File type code (1 PE, 0x30 PDF, ...; 0 unknown). */
  filetype: number;
  /** Tamper flag. */
  tamper: boolean;
}

/** A registry modification. */
export interface RegmodEvent {
  /** 1 CreatedKey, 2 FirstWrote, 4 DeletedKey, 8 DeletedValue. */
  type: 1 | 2 | 4 | 8;
  /** Sensor-local time. */
  time: string;
  /** Registry path. */
  path: string;
  /** Tamper flag. */
  tamper: boolean;
}

/** A network connection. */
export interface NetconnEvent {
  /** Sensor-local time. */
  time: string;
  /** Remote IPv4, dotted. */
  remoteIp: string;
  /** Remote port. */
  remotePort: number;
  /** Local IPv4, dotted. */
  localIp: string;
  /** Local port. */
  localPort: number;
  /** IP protocol number (6 TCP, 17 UDP). */
  proto: number;
  /** DNS name ("" when none). */
  domain: string;
  /** Outbound connection. */
  outbound: boolean;
}

/** A cross-process event. */
export interface CrossprocEvent {
  /** `RemoteThread` or `ProcessOpen`. */
  type: "RemoteThread" | "ProcessOpen";
  /** Sensor-local time. */
  time: string;
  /** The other process's unique id. */
  otherUniqueId: string;
  /** The other process's MD5. */
  otherMd5: string;
  /** The other process's path. */
  otherPath: string;
  /** 1 process handle, 2 thread handle. */
  subtype: number;
  /** Access mask. */
  access: number;
  /** Tamper flag. */
  tamper: boolean;
  /** This process is the target. */
  isTarget: boolean;
}

/** A child process start. */
export interface ChildprocEvent {
  /** Sensor-local time. */
  time: string;
  /** The child's unique id (`{guid}-{segment}`). */
  uniqueId: string;
  /** Child MD5. */
  md5: string;
  /** Child path. */
  path: string;
  /** Child pid. */
  pid: number;
  /** Child command line. */
  cmdline: string;
  /** Child user. */
  username: string;
  /** Child terminated. */
  terminated: boolean;
  /** Suppressed child (never fetched). */
  suppressed: boolean;
}

/** Events of one segment. */
export interface ProcessEvents {
  /** Module loads. */
  modloads: ModloadEvent[];
  /** File modifications. */
  filemods: FilemodEvent[];
  /** Registry modifications. */
  regmods: RegmodEvent[];
  /** Network connections. */
  netconns: NetconnEvent[];
  /** Cross-process events. */
  crossprocs: CrossprocEvent[];
  /** Child processes. */
  childprocs: ChildprocEvent[];
}

/** One segment of a process. */
export interface ProcessSegment {
  /** Segment id (1, 2, ... or epoch milliseconds on 6.x). */
  segmentId: number;
  /** Sensor-clock last update (Solr time). */
  lastUpdate: string;
  /** Server-clock last update (Solr time). */
  lastServerUpdate: string;
  /** The segment's events. */
  events: ProcessEvents;
}

/** A process as the emulator stores it. */
export interface ProcessRecord {
  /** 36-character GUID. */
  guid: string;
  /** Sensor id. */
  sensorId: number;
  /** Pid. */
  pid: number;
  /** Lower-case image name. */
  name: string;
  /** Image path. */
  path: string;
  /** Command line. */
  cmdline: string;
  /** User name. */
  username: string;
  /** Upper-case MD5 (a known binary). */
  md5: string;
  /** Start time (Solr time). */
  start: string;
  /** Parent GUID (may name a process that does not exist). */
  parentGuid: string;
  /** Parent pid. */
  parentPid: number;
  /** Parent image name. */
  parentName: string;
  /** Parent segment suffix used in `parent_unique_id`. */
  parentSegment: number;
  /** Terminated. */
  terminated: boolean;
  /** Segments, oldest first. */
  segments: ProcessSegment[];
}

/** A binary as the emulator stores it. */
export interface BinaryRecord {
  /** Upper-case MD5. */
  md5: string;
  /** The summary document. */
  doc: Record<string, unknown>;
  /** Length of `filedata` in bytes. */
  size: number;
  /** `MZ` (PE) or `ELF`. */
  magic: "MZ" | "ELF";
}

/** The live Cb Response data set. */
export interface EmulatorState {
  /** Sensors by id. */
  sensors: Map<number, SensorDoc>;
  /** Sensor groups by id. */
  groups: Map<number, SensorGroupDoc>;
  /** Sites by id. */
  sites: Map<number, SiteDoc>;
  /** Watchlists by (string) id. */
  watchlists: Map<string, WatchlistDoc>;
  /** Banned hashes by lower-case MD5. */
  bannedHashes: Map<string, BannedHashDoc>;
  /** Processes by GUID. */
  processes: Map<string, ProcessRecord>;
  /** Binaries by upper-case MD5. */
  binaries: Map<string, BinaryRecord>;
  /** The license block last posted to `POST /api/license` (undefined until then). */
  license: string | undefined;
  /** Threat feeds by id (`/api/v1/feed`). */
  feeds: Map<number, { id: number; name: string; enabled: boolean; [field: string]: unknown }>;
  /** Threat reports by feed id, then by (string) report id. */
  feedReports: Map<
    number,
    Map<string, { id: string; feed_id: number; is_ignored: boolean; [field: string]: unknown }>
  >;
  /** Feed actions by id (`/api/v1/feed/{id}/action`); `group_id` is the feed id. */
  feedActions: Map<number, { id: number; group_id: number; [field: string]: unknown }>;
  /** Watchlist actions by id (`/api/v1/watchlist/{id}/action`). */
  watchlistActions: Map<number, { id: number; watchlist_id: string; [field: string]: unknown }>;
  /** Alerts by `unique_id` (`/api/v1/alert`). */
  alerts: Map<string, { unique_id: string; status: string; [field: string]: unknown }>;
  /** Users by user name (`/api/users`); `admin` holds the emulator's API token. */
  users: Map<string, Record<string, unknown>>;
  /** Teams by id (`/api/teams`). */
  teams: Map<number, Record<string, unknown>>;
  /** Investigations by id (`/api/investigations`). */
  investigations: Map<number, Record<string, unknown>>;
  /** Tagged events by id (`/api/tagged_event/{investigation_id}`). */
  taggedEvents: Map<number, Record<string, unknown>>;
  /** Ingress filters by (string) id (`/api/v1/ingress_whitelist`). */
  ingressFilters: Map<string, Record<string, unknown>>;
  /** Event partitions by name (`/api/v1/storage/events/partition`). */
  partitions: Map<string, Record<string, unknown>>;
  /** Throttle rules by id (`/api/throttle`). */
  throttleRules: Map<number, Record<string, unknown>>;
  /** The Cb Protection data set. */
  protection: ProtectionState;
  /** The Cb Defense data set. */
  defense: DefenseState;
  /** Live Response sessions and virtual endpoints. */
  liveResponse: LiveResponseState;
}
