/**
 * Seeded sensors, sensor groups and sites, and the isolation state machine.
 *
 * @module
 */
import type { Rng } from "../_rand.ts";
import type { SensorDoc, SensorGroupDoc, SiteDoc } from "../state.ts";

/** What differs between seeded sensors. */
export interface SensorSpec {
  /** Sensor id. */
  id: number;
  /** Host name. */
  host: string;
  /** IPv4. */
  ip: string;
  /** MAC without separators. */
  mac: string;
  /** Group id. */
  group: number;
  /** Online/Offline. */
  status: string;
  /** 1 Windows, 3 Linux. */
  osType: number;
  /** OS display string. */
  os: string;
  /** Overrides. */
  extra?: Record<string, unknown>;
}

/** The documentation's and fixture's sensors. */
export const SENSORS: SensorSpec[] = [
  {
    id: 1,
    host: "WIN7-HYPERV-2",
    ip: "192.168.1.163",
    mac: "00155d019c08",
    group: 1,
    status: "Online",
    osType: 1,
    os: "Windows 7 Professional Service Pack 1, 32-bit",
  },
  {
    id: 2,
    host: "WIN-2K8R2-DC",
    ip: "192.168.215.10",
    mac: "000c29a1b2c3",
    group: 1,
    status: "Online",
    osType: 1,
    os: "Windows Server 2008 R2 Enterprise Service Pack 1, 64-bit",
  },
  {
    id: 3,
    host: "WIN-IA9NQ1GN8OI",
    ip: "192.168.215.150",
    mac: "000c29d36e1f",
    group: 1,
    status: "Online",
    osType: 1,
    os: "Windows 7 Enterprise Service Pack 1, 64-bit",
    extra: { boot_id: "2", build_id: 2, build_version_string: "005.002.000.60922" },
  },
  {
    id: 4,
    host: "HOSTNAME",
    ip: "192.168.215.151",
    mac: "000c2944aa01",
    group: 1,
    status: "Online",
    osType: 1,
    os: "Windows 10 Enterprise, 64-bit",
    extra: { boot_id: "0", build_id: 5, build_version_string: "005.002.000.61003" },
  },
  {
    id: 5,
    host: "WIN-OFFLINE-01",
    ip: "10.0.3.25",
    mac: "000c29f00d01",
    group: 2,
    status: "Offline",
    osType: 1,
    os: "Windows 7 Professional Service Pack 1, 64-bit",
  },
  {
    id: 6,
    host: "cb-linux-01",
    ip: "10.0.3.40",
    mac: "0050569a0b0c",
    group: 2,
    status: "Online",
    osType: 3,
    os: "CentOS 7.3.1611",
    extra: { supports_cblr: true, build_version_string: "006.001.002.70914" },
  },
];

interface Isolation {
  previous: boolean;
  changedAt: number;
}

const ISOLATION = new WeakMap<SensorDoc, Isolation>();

/** Builds a sensor document whose `is_isolating` follows `network_isolation_enabled` after `delayMs`. */
export function sensorDoc(spec: SensorSpec, delayMs: number): SensorDoc {
  const doc: Record<string, unknown> = {
    systemvolume_total_size: "21367877632",
    emet_telemetry_path: "",
    os_environment_display_string: spec.os,
    emet_version: "",
    emet_dump_flags: "",
    clock_delta: "106",
    supports_cblr: spec.osType === 1,
    sensor_uptime: "2166877",
    last_update: "2018-02-06 12:44:40.002234-06:00",
    physical_memory_size: "1073274880",
    build_id: 11,
    uptime: "2166755",
    event_log_flush_time: null,
    computer_dns_name: spec.host,
    emet_report_setting: " (Locally configured)",
    id: spec.id,
    emet_process_count: 0,
    emet_is_gpo: false,
    power_state: 0,
    network_isolation_enabled: false,
    uninstalled: null,
    systemvolume_free_size: "4437213184",
    status: spec.status,
    num_eventlog_bytes: "33200",
    sensor_health_message: spec.status === "Online" ? "Healthy" : "Sensor is offline",
    build_version_string: "006.000.002.70329",
    computer_sid: `S-1-5-21-850238481-2932160288-${1760307557 + spec.id}`,
    next_checkin_time: "2018-02-06 12:45:03.881351-06:00",
    node_id: 0,
    cookie: 1137216752 + spec.id,
    emet_exploit_action: " (Locally configured)",
    computer_name: spec.host,
    license_expiration: "1990-01-01 00:00:00-06:00",
    supports_isolation: true,
    parity_host_id: "0",
    supports_2nd_gen_modloads: false,
    network_adapters: `${spec.ip},${spec.mac}|`,
    sensor_health_status: spec.status === "Online" ? 100 : 0,
    registration_time: "2017-01-31 21:51:50.285876-06:00",
    restart_queued: false,
    notes: null,
    num_storefiles_bytes: "0",
    os_environment_id: spec.osType === 1 ? 1 : 3,
    shard_id: 0,
    boot_id: "38",
    last_checkin_time: "2018-02-06 12:44:33.883886-06:00",
    os_type: spec.osType,
    group_id: spec.group,
    display: true,
    uninstall: false,
    ...spec.extra,
  };
  if (spec.id === 1) {
    doc.sensor_health_message = "Elevated memory usage";
    doc.sensor_health_status = 95;
  }
  return withIsolation(doc, delayMs);
}

function withIsolation(doc: Record<string, unknown>, delayMs: number): SensorDoc {
  const sensor = doc as SensorDoc;
  ISOLATION.set(sensor, { previous: false, changedAt: -Infinity });
  Object.defineProperty(doc, "is_isolating", {
    enumerable: true,
    configurable: false,
    get(): boolean {
      const iso = ISOLATION.get(sensor)!;
      if (sensor.status !== "Online") return iso.previous;
      return performance.now() - iso.changedAt >= delayMs
        ? sensor.network_isolation_enabled
        : iso.previous;
    },
  });
  return sensor;
}

/** Records a change of `network_isolation_enabled` (call before assigning the new value). */
export function noteIsolationChange(sensor: SensorDoc, next: boolean): void {
  if (sensor.network_isolation_enabled === next) return;
  const iso = ISOLATION.get(sensor);
  if (!iso) return;
  iso.previous = sensor.is_isolating;
  iso.changedAt = performance.now();
}

/** A generated sensor for `scale`. */
export function generatedSensorSpec(id: number, rng: Rng): SensorSpec {
  return {
    id,
    host: `GEN-HOST-${String(id).padStart(5, "0")}`,
    ip: `10.${(id >> 16) & 255}.${(id >> 8) & 255}.${id & 255}`,
    mac: `0050${rng.hex(8)}`,
    group: rng.next() < 0.8 ? 1 : 2,
    status: rng.next() < 0.9 ? "Online" : "Offline",
    osType: 1,
    os: "Windows 10 Enterprise, 64-bit",
  };
}

/** A sensor group document. */
export function groupDoc(id: number, name: string, siteId: number): SensorGroupDoc {
  return {
    id,
    name,
    site_id: siteId,
    alert_criticality: 1,
    banning_enabled: true,
    collect_cross_procs: true,
    collect_emet_events: true,
    collect_filemods: true,
    collect_filewritemd5s: true,
    collect_moduleinfo: true,
    collect_moduleloads: true,
    collect_netconns: true,
    collect_nonbinary_filewrites: true,
    collect_processes: true,
    collect_regmods: true,
    collect_storefiles: true,
    collect_usercontext: true,
    datastore_server: null,
    max_licenses: -1,
    quota_eventlog_bytes: "1073741824",
    quota_eventlog_percent: 1,
    quota_storefile_bytes: "1073741824",
    quota_storefile_percent: 1,
    sensor_exe_name: "",
    sensor_version: "Manual",
    sensorbackend_server: "https://cbserver:443",
    tamper_level: 0,
    team_access: [],
    vdi_enabled: false,
    process_filter_level: 0,
    filter_known_dlls: false,
  };
}

/** A site document. */
export function siteDoc(id: number, name: string, groupIds: number[]): SiteDoc {
  return { id, name, group_ids: groupIds };
}
