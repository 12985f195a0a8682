/**
 * The seeded Cb Defense data set: devices (the documentation's `WIN-IA9NQ1GN8OI` at
 * `192.168.215.150` among them) and policies whose rules are the
 * recorded rule objects of `fixtures/cb-defense/policy_rules/` (embedded here, so nothing is read
 * from disk at run time).
 *
 * @module
 */
import { hashHex, mixSeed, Rng } from "../_rand.ts";

/** The data set's clock: 2018-02-14T12:00:00Z (cbapi 1.3.6's release), in epoch milliseconds. */
export const DEFENSE_NOW = Date.UTC(2018, 1, 14, 12, 0, 0);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Organization of every seeded object. */
const ORG = { organizationId: 1105, organizationName: "cbapi-emulator.example" };

type Doc = Record<string, unknown>;

/** The recorded rule objects (`fixtures/cb-defense/policy_rules/*.json`), by rule id. */
export const FIXTURE_RULES: readonly Doc[] = [
  rule(1, "TERMINATE", "REPUTATION", "KNOWN_MALWARE", "INVOKE_SCRIPT"),
  rule(2, "IGNORE", "REPUTATION", "COMPANY_BLACK_LIST", "RANSOM"),
  rule(3, "IGNORE", "NAME_PATH", "c:\\windows\\notepad.exe", "RUN"),
  rule(5, "IGNORE", "NAME_PATH", "c:\\windows\\notepad.exe", "NETWORK"),
  rule(6, "IGNORE", "NAME_PATH", "c:\\windows\\notepad.exe", "MEMORY_SCRAPE"),
  rule(7, "IGNORE", "NAME_PATH", "c:\\windows\\notepad.exe", "CODE_INJECTION"),
  rule(8, "IGNORE", "NAME_PATH", "c:\\windows\\notepad.exe", "RUN_INMEMORY_CODE"),
  rule(10, "IGNORE", "NAME_PATH", "c:\\windows\\notepad.exe", "BYPASS_ALL"),
  rule(11, "IGNORE", "NAME_PATH", "c:\\windows\\notepad.exe", "BYPASS_API"),
  rule(12, "IGNORE", "NAME_PATH", "c:\\windows\\notepad.exe", "INVOKE_CMD_INTERPRETER"),
  rule(13, "IGNORE", "NAME_PATH", "c:\\windows\\notepad.exe", "RANSOM"),
  rule(14, "IGNORE", "NAME_PATH", "c:\\windows\\notepad.exe", "INVOKE_SCRIPT"),
  rule(15, "DENY", "REPUTATION", "RESOLVING", "RUN"),
  rule(16, "DENY", "REPUTATION", "PUP", "RUN"),
  rule(17, "DENY", "REPUTATION", "SUSPECT_MALWARE", "RUN"),
  rule(18, "DENY", "REPUTATION", "ADAPTIVE_WHITE_LIST", "MEMORY_SCRAPE"),
];

function rule(id: number, action: string, type: string, value: string, operation: string): Doc {
  return { action, application: { type, value }, operation, required: false, id };
}

function policyBody(rules: readonly Doc[]): Doc {
  return {
    id: -1,
    rules: structuredClone(rules),
    avSettings: {
      apc: { enabled: false, maxExeDelay: 45, maxFileSize: 4, riskLevel: 4 },
      features: [{ enabled: true, name: "SIGNATURE_UPDATE" }],
      onAccessScan: { profile: "NORMAL" },
      onDemandScan: { profile: "NORMAL", schedule: { days: null, rangeHours: 0, startHour: 0 } },
      signatureUpdate: { schedule: { fullIntervalHours: 0, initialRandomDelayHours: 4 } },
      updateServers: { servers: [], serversForOffSiteDevices: [] },
    },
    directoryActionRules: [],
    knownBadHashAutoDeleteDelayMs: null,
    sensorSettings: [
      { name: "ALLOW_UNINSTALL", value: "true" },
      { name: "SHOW_UI", value: "true" },
      { name: "BACKGROUND_SCAN", value: "true" },
      { name: "POLICY_ACTION_NOTIFICATION", value: "true" },
    ],
  };
}

/** The seeded policies: id, name, description, priority and which fixture rules they hold. */
const POLICIES: readonly {
  id: number;
  name: string;
  description: string;
  level: string;
  rules: number[];
  system?: boolean;
}[] = [
  {
    id: 6525,
    name: "default",
    description: "Default policy",
    level: "LOW",
    rules: [1, 2],
    system: true,
  },
  {
    id: 7,
    name: "Restrictive_Windows_Workstation",
    description: "Restrictive policy for Windows workstations",
    level: "HIGH",
    rules: FIXTURE_RULES.map((r) => r.id as number),
  },
  {
    id: 8,
    name: "Standard",
    description: "Standard policy",
    level: "MEDIUM",
    rules: [1, 15, 16, 17],
  },
  { id: 9, name: "Monitored", description: "", level: "LOW", rules: [] },
];

/**
 * Builds the seeded policies.
 *
 * @returns Policy documents by id, as `GET policy/{id}` wraps them in `policyInfo`.
 */
export function seedPolicies(): Map<number, Doc> {
  const out = new Map<number, Doc>();
  for (const p of POLICIES) {
    const rules = FIXTURE_RULES.filter((r) => p.rules.includes(r.id as number));
    out.set(p.id, {
      id: p.id,
      name: p.name,
      description: p.description,
      priorityLevel: p.level,
      version: 2,
      latestRevision: DEFENSE_NOW - 30 * DAY + p.id * HOUR,
      systemPolicy: p.system ?? false,
      policy: policyBody(rules),
    });
  }
  return out;
}

/** What differs between seeded devices. */
export interface DeviceSpec {
  id: number;
  name: string;
  ip: string;
  external: string;
  type: "WINDOWS" | "MAC" | "LINUX";
  os: string;
  policy: number;
  email: string;
  status: string;
  lastContactAgo: number;
  extra?: Doc;
}

/** The documentation's devices; generated ones follow them. */
export const DOC_DEVICES: readonly DeviceSpec[] = [
  {
    id: 12,
    name: "WIN-IA9NQ1GN8OI",
    ip: "192.168.215.150",
    external: "73.12.44.150",
    type: "WINDOWS",
    os: "Windows 7 x64 SP: 1",
    policy: 8,
    email: "jgarman@example.com",
    status: "REGISTERED",
    lastContactAgo: 10 * 60_000,
  },
  {
    id: 13,
    name: "WIN-2K8R2-DC",
    ip: "192.168.215.10",
    external: "73.12.44.150",
    type: "WINDOWS",
    os: "Windows Server 2008 R2 x64 SP: 1",
    policy: 6525,
    email: "admin@example.com",
    status: "REGISTERED",
    lastContactAgo: 2 * HOUR,
  },
  {
    id: 14,
    name: "Jasons-MacBook-Pro",
    ip: "192.168.215.160",
    external: "73.12.44.151",
    type: "MAC",
    os: "MAC OS X 10.12.6",
    policy: 6525,
    email: "jgarman@example.com",
    status: "REGISTERED",
    lastContactAgo: 3 * DAY,
  },
  {
    id: 15,
    name: "WIN-QUARANTINED",
    ip: "10.0.3.99",
    external: "73.12.44.152",
    type: "WINDOWS",
    os: "Windows 10 x64",
    policy: 7,
    email: "soc@example.com",
    status: "REGISTERED",
    lastContactAgo: 5 * 60_000,
    extra: { quarantined: true, targetPriorityType: "HIGH" },
  },
  {
    id: 16,
    name: "ubuntu-build-01",
    ip: "10.0.4.21",
    external: "73.12.44.153",
    type: "LINUX",
    os: "Ubuntu 16.04",
    policy: 9,
    email: "builder@example.com",
    status: "DEREGISTERED",
    lastContactAgo: 40 * DAY,
    extra: { deregisteredTime: DEFENSE_NOW - 39 * DAY, linuxKernelVersion: "4.4.0-112-generic" },
  },
];

/** How many devices the data set holds in all (enough for two pages of 100). */
export const DEVICE_COUNT = 120;

function deviceDoc(spec: DeviceSpec, rng: Rng, policies: Map<number, Doc>): Doc {
  const [first, last] = spec.email.split("@")[0]!.split(/[._]/);
  const registered = DEFENSE_NOW - 90 * DAY + spec.id * HOUR;
  const lastContact = DEFENSE_NOW - spec.lastContactAgo;
  return {
    ...ORG,
    deviceId: spec.id,
    deviceSessionId: 8_000_000 + spec.id * 7,
    deviceGuid: hashHex("md5", `device:${spec.id}:${rng.hex(8)}`).replace(
      /^(.{8})(.{4})(.{4})(.{4})(.{12})$/,
      "$1-$2-$3-$4-$5",
    ),
    deviceOwnerId: 200_000 + spec.id,
    assignedToId: null,
    assignedToName: null,
    name: spec.name,
    email: spec.email,
    firstName: first ?? null,
    lastName: last ?? null,
    middleName: null,
    deviceType: spec.type,
    osVersion: spec.os,
    sensorVersion: spec.type === "WINDOWS" ? "3.0.1.2" : "3.0.0.11",
    windowsPlatform: null,
    linuxKernelVersion: null,
    status: spec.status,
    policyId: spec.policy,
    policyName: policies.get(spec.policy)?.name ?? null,
    targetPriorityType: "MEDIUM",
    lastInternalIpAddress: spec.ip,
    lastExternalIpAddress: spec.external,
    lastLocation: spec.ip.startsWith("192.168.") ? "ONSITE" : "OFFSITE",
    lastContact,
    lastReportedTime: lastContact - 60_000,
    registeredTime: registered,
    createTime: registered - 60_000,
    activationCode: rng.hex(6).toUpperCase(),
    activationCodeExpiryTime: registered + 30 * DAY,
    quarantined: false,
    passiveMode: false,
    vdiBaseDevice: null,
    testId: -1,
    rootedBySensor: false,
    rootedBySensorTime: null,
    rootedByAnalytics: false,
    rootedByAnalyticsTime: null,
    lastResetTime: null,
    lastShutdownTime: null,
    deregisteredTime: null,
    uninstalledTime: null,
    firstVirusActivityTime: null,
    lastVirusActivityTime: null,
    scanStatus: null,
    scanLastActionTime: null,
    scanLastCompleteTime: null,
    avEngine: "4.3.0.203-ave.8.3.42.188:avpack.8.4.2.34:vdf.8.14.2.230",
    avLastScanTime: null,
    avMaster: false,
    avStatus: ["AV_ACTIVE", "ONDEMAND_SCAN_DISABLED"],
    avUpdateServers: [],
    sensorStates: ["ACTIVE", "LIVE_RESPONSE_ENABLED"],
    messages: [],
    ...spec.extra,
  };
}

/**
 * Builds the seeded devices: the documentation's five, then generated ones up to
 * {@linkcode DEVICE_COUNT}, all deterministic for a seed.
 *
 * @param seed The data set seed.
 * @param policies The seeded policies (for policy names).
 * @returns Device documents by `deviceId`.
 */
export function seedDevices(seed: number, policies: Map<number, Doc>): Map<number, Doc> {
  const rng = new Rng(mixSeed(seed, "defense-devices"));
  const out = new Map<number, Doc>();
  for (const spec of DOC_DEVICES) out.set(spec.id, deviceDoc(spec, rng, policies));
  const policyIds = [6525, 8, 8, 9];
  for (let i = 0; out.size < DEVICE_COUNT; i++) {
    const id = 100 + i;
    const windows = rng.next() < 0.8;
    const spec: DeviceSpec = {
      id,
      name: windows ? `WIN-WS-${String(i + 1).padStart(4, "0")}` : `mac-${i + 1}`,
      ip: `10.1.${Math.floor(i / 200)}.${(i % 200) + 20}`,
      external: "73.12.44.160",
      type: windows ? "WINDOWS" : "MAC",
      os: windows ? "Windows 10 x64" : "MAC OS X 10.13.2",
      policy: rng.pick(policyIds),
      email: `user${i + 1}@example.com`,
      status: "REGISTERED",
      lastContactAgo: rng.int(1, 60 * 24 * 20) * 60_000,
    };
    out.set(id, deviceDoc(spec, rng, policies));
  }
  return out;
}
