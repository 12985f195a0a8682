/**
 * Seeded processes: the documentation's `net.exe \\test\blah` chain on WIN-IA9NQ1GN8OI, the
 * cmd.exe processes (one with seven 6.x segments), the facet example's processes, and the
 * generated ones for `scale`.
 *
 * @module
 */
import { mixSeed, Rng } from "../_rand.ts";
import type { ProcessRecord, ProcessSegment } from "../state.ts";
import { CATALOG, md5For } from "./_binaries.ts";
import { basicEvents, childEvent, richEvents } from "./_events.ts";
import { eventTime, makeGuid, solrTime } from "./_guid.ts";
import { surveySpecs } from "./_survey_data.ts";

/** Input for one seeded process. */
export interface ProcSpec {
  guid?: string;
  sensor: number;
  pid: number;
  start: string;
  name: string;
  path?: string;
  cmdline?: string;
  user: string;
  parent: string;
  terminated?: boolean;
  rich?: boolean;
  /** 6.x segments: id and last update (ISO); default one segment `1`. */
  segments?: { id: number; lastUpdate: string }[];
  md5?: string;
  /** Only the image's own modload (plus `netconns`) instead of the usual events. */
  minimalEvents?: boolean;
  /** Network connections made two seconds after the start. */
  netconns?: { domain: string; ip: string; port: number }[];
}

const SYS32 = "c:\\windows\\system32\\";
const BIT9 = "WIN-IA9NQ1GN8OI\\bit9rad";
/** GUIDs of the documentation's objects. */
export const DOC_GUIDS = {
  ntoskrnl0: "00000003-0000-0000-01d2-2ec93f6051ee",
  missingParent: "00000003-0000-0004-01d2-2ec93f6051ee",
  ntoskrnl4: "00000003-0000-0004-01d2-2ec93f7c7181",
  smss1: "00000003-0000-0218-01d2-2ec93f813429",
  smss2: "00000003-0000-02b0-01d2-2ec94115df7a",
  winlogon: "00000003-0000-02ec-01d2-2ec9412b4b70",
  userinit: "00000003-0000-0618-01d2-2ec94edef208",
  explorer: "00000003-0000-0c34-01d2-2ec94f09cae6",
  cmd: "00000003-0000-036c-01d2-2efd3af51186",
  cmd2: "00000003-0000-07d4-01d2-2efcd4949dfc",
  cmdSensor2: "00000002-0000-0f2c-01d2-2a57625ca0dd",
  cmdSegmented: "00000001-0000-0e48-01d2-c2a397f4cfe0",
  /** svchost.exe on sensor 4, whose documents carry `process_pid: -1` and `start: -1`. */
  invalidData: "00000004-0000-032c-01d2-93335f616800",
} as const;

/** The seven segments of the 6.x cmd.exe, in the documentation's `last_update desc` order. */
export const SEGMENT_IDS = [
  1495465643405,
  1495465407157,
  1495463680155,
  1495463807694,
  1495463543944,
  1495463176570,
  1495463243492,
];

function docSpecs(): ProcSpec[] {
  const G = DOC_GUIDS;
  const specs: ProcSpec[] = [
    {
      guid: G.ntoskrnl0,
      sensor: 3,
      pid: 0,
      start: "2016-10-25T14:08:23.374Z",
      name: "ntoskrnl.exe",
      user: "",
      parent: G.missingParent,
    },
    {
      guid: G.ntoskrnl4,
      sensor: 3,
      pid: 4,
      start: "2016-10-25T14:08:23.559Z",
      name: "ntoskrnl.exe",
      user: "SYSTEM",
      parent: G.ntoskrnl0,
    },
    {
      guid: G.smss1,
      sensor: 3,
      pid: 0x218,
      start: "2016-10-25T14:08:23.590Z",
      name: "smss.exe",
      cmdline: "\\SystemRoot\\System32\\smss.exe",
      user: "SYSTEM",
      parent: G.ntoskrnl4,
    },
    {
      guid: G.smss2,
      sensor: 3,
      pid: 0x2b0,
      start: "2016-10-25T14:08:26.242Z",
      name: "smss.exe",
      cmdline: "\\SystemRoot\\System32\\smss.exe 00000001 00000030",
      user: "SYSTEM",
      parent: G.smss1,
      terminated: true,
    },
    {
      guid: G.winlogon,
      sensor: 3,
      pid: 0x2ec,
      start: "2016-10-25T14:08:26.382Z",
      name: "winlogon.exe",
      cmdline: "winlogon.exe",
      user: "SYSTEM",
      parent: G.smss2,
    },
    {
      guid: G.userinit,
      sensor: 3,
      pid: 0x618,
      start: "2016-10-25T14:08:49.370Z",
      name: "userinit.exe",
      cmdline: "C:\\Windows\\system32\\userinit.exe",
      user: BIT9,
      parent: G.winlogon,
      terminated: true,
    },
    {
      guid: G.explorer,
      sensor: 3,
      pid: 0xc34,
      start: "2016-10-25T14:08:49.651Z",
      name: "explorer.exe",
      path: "c:\\windows\\explorer.exe",
      cmdline: "C:\\Windows\\Explorer.EXE",
      user: BIT9,
      parent: G.userinit,
    },
    {
      guid: G.cmd,
      sensor: 3,
      pid: 0x36c,
      start: "2016-10-25T20:20:29.790Z",
      name: "cmd.exe",
      cmdline: '"C:\\Windows\\system32\\cmd.exe"',
      user: BIT9,
      parent: G.explorer,
      rich: true,
    },
    {
      guid: G.cmd2,
      sensor: 3,
      pid: 0x7d4,
      start: "2016-10-25T20:17:38.031Z",
      name: "cmd.exe",
      cmdline: '"C:\\Windows\\system32\\cmd.exe"',
      user: BIT9,
      parent: G.explorer,
      rich: true,
    },
    {
      sensor: 3,
      pid: 0xd60,
      start: "2016-11-11T20:59:31.631Z",
      name: "net.exe",
      cmdline: "net  use y: \\\\test\\blah",
      user: BIT9,
      parent: G.cmd,
      terminated: true,
    },
    {
      sensor: 3,
      pid: 0xc1c,
      start: "2016-11-11T20:59:25.667Z",
      name: "net.exe",
      cmdline: "net  use z: \\\\test\\blah",
      user: BIT9,
      parent: G.cmd,
      terminated: true,
    },
    // Sensor 2: a domain controller's shell.
    {
      sensor: 2,
      pid: 1840,
      start: "2016-10-19T08:01:10.120Z",
      name: "explorer.exe",
      path: "c:\\windows\\explorer.exe",
      cmdline: "C:\\Windows\\Explorer.EXE",
      user: "CORP\\administrator",
      parent: makeGuid(2, 1788, "2016-10-19T08:01:09.800Z"),
    },
    {
      guid: G.cmdSensor2,
      sensor: 2,
      pid: 0xf2c,
      start: "2016-10-19T22:23:14.792Z",
      name: "cmd.exe",
      cmdline: '"C:\\Windows\\system32\\cmd.exe"',
      user: "CORP\\administrator",
      parent: makeGuid(2, 1840, "2016-10-19T08:01:10.120Z"),
      rich: true,
    },
    // Sensor 1: the 6.x cmd.exe with seven segments.
    {
      sensor: 1,
      pid: 2716,
      start: "2017-05-01T08:15:02.004Z",
      name: "explorer.exe",
      path: "c:\\windows\\explorer.exe",
      cmdline: "C:\\Windows\\Explorer.EXE",
      user: "WIN7-HYPERV-2\\dragon",
      parent: makeGuid(1, 2680, "2017-05-01T08:15:01.700Z"),
    },
    {
      guid: G.cmdSegmented,
      sensor: 1,
      pid: 0xe48,
      start: "2017-05-01T17:51:43.202Z",
      name: "cmd.exe",
      cmdline: '"C:\\Windows\\system32\\cmd.exe"',
      user: "WIN7-HYPERV-2\\dragon",
      parent: makeGuid(1, 2716, "2017-05-01T08:15:02.004Z"),
      rich: true,
      segments: SEGMENT_IDS.map((id, i) => ({
        id,
        lastUpdate: solrTime(Date.parse("2017-05-22T15:10:00Z") - i * 300_000),
      })),
    },
    {
      guid: G.invalidData,
      sensor: 4,
      pid: 812,
      start: "2017-03-02T09:00:00.000Z",
      name: "svchost.exe",
      cmdline: "C:\\Windows\\system32\\svchost.exe -k netsvcs",
      user: "SYSTEM",
      parent: makeGuid(4, 600, "2017-03-02T08:59:58.000Z"),
    },
    {
      sensor: 6,
      pid: 1201,
      start: "2017-04-10T11:22:33.444Z",
      name: "bash",
      path: "/bin/bash",
      cmdline: "-bash",
      user: "root",
      parent: makeGuid(6, 1187, "2017-04-10T11:22:30.000Z"),
    },
  ];
  // Children of the segmented cmd.exe, one in each of three segments.
  for (const [i, name] of ["ping.exe", "conhost.exe", "ping.exe"].entries()) {
    const segStart = [...SEGMENT_IDS].sort((a, b) => a - b)[i * 2]!;
    specs.push({
      sensor: 1,
      pid: 4000 + i * 4,
      start: solrTime(segStart + 5_000),
      name,
      cmdline: name === "ping.exe"
        ? "ping -n 4 10.0.0.5"
        : "\\??\\C:\\Windows\\system32\\conhost.exe",
      user: "WIN7-HYPERV-2\\dragon",
      parent: G.cmdSegmented,
      terminated: true,
    });
  }
  return specs;
}

/** The facet example: many processes of bit9rad on WIN-IA9NQ1GN8OI. */
export const FACET_COUNTS: [string, number][] = [
  ["chrome.exe", 12],
  ["thumbnailextractionhost.exe", 8],
  ["adobearm.exe", 4],
  ["taskhost.exe", 3],
  ["conhost.exe", 3],
  ["ping.exe", 2],
  ["wermgr.exe", 2],
  ["notepad.exe", 2],
];

function facetSpecs(): ProcSpec[] {
  const rng = new Rng(0x5eed);
  const specs: ProcSpec[] = [];
  let pid = 1200;
  for (const [name, count] of FACET_COUNTS) {
    for (let i = 0; i < count; i++) {
      pid += 4 * rng.int(1, 40);
      const start = Date.parse("2016-10-26T08:00:00Z") + rng.int(0, 19 * 86400) * 1000 +
        rng.int(0, 999);
      const parent = name === "conhost.exe"
        ? DOC_GUIDS.cmd
        : name === "ping.exe"
        ? DOC_GUIDS.cmd2
        : DOC_GUIDS.explorer;
      specs.push({
        sensor: 3,
        pid,
        start: solrTime(start),
        name,
        cmdline: name === "ping.exe" ? "ping -n 1 192.168.215.10" : `"${CATALOG[name]!.path}"`,
        user: BIT9,
        parent,
        terminated: name !== "chrome.exe",
      });
    }
  }
  return specs;
}

const GEN_NAMES = ["svchost.exe", "chrome.exe", "taskhost.exe", "conhost.exe", "notepad.exe"];

function generatedSpecs(scale: number, seed: number, sensorIds: number[], binMd5s: string[]) {
  const rng = new Rng(mixSeed("processes", seed));
  const specs: ProcSpec[] = [];
  for (let i = 0; i < scale; i++) {
    const sensor = rng.pick(sensorIds);
    const name = binMd5s.length
      ? `gen-${String(i % binMd5s.length).padStart(5, "0")}.exe`
      : rng.pick(GEN_NAMES);
    const start = Date.parse("2017-01-01T00:00:00Z") + rng.int(0, 140 * 86400) * 1000 +
      rng.int(0, 999);
    const pid = 4 * rng.int(100, 16000);
    specs.push({
      sensor,
      pid,
      start: solrTime(start),
      name,
      path: `c:\\program files\\generated\\${name}`,
      user: `GEN\\user${rng.int(1, 50)}`,
      parent: makeGuid(sensor, 600, "2017-01-01T00:00:00.000Z"),
      terminated: rng.next() < 0.5,
      ...(binMd5s.length ? { md5: binMd5s[i % binMd5s.length]! } : {}),
    });
  }
  return specs;
}

function minimalEvents(p: ProcessRecord, spec: ProcSpec): void {
  const ev = p.segments[0]!.events;
  const startMs = Date.parse(p.start);
  ev.modloads.push({ time: eventTime(startMs + 15), md5: p.md5, path: p.path });
  for (const [i, c] of (spec.netconns ?? []).entries()) {
    ev.netconns.push({
      time: eventTime(startMs + 2_000 + i),
      remoteIp: c.ip,
      remotePort: c.port,
      localIp: "0.0.0.0",
      localPort: 49_700 + (p.pid % 10_000),
      proto: 6,
      domain: c.domain,
      outbound: true,
    });
  }
}

/**
 * Builds every process, wiring parents, children and events; the hunting processes are timed
 * back from `now` (the emulator's clock), none without it.
 */
export function buildProcesses(
  seed: number,
  scale: number,
  sensorIds: number[],
  genBinaryMd5s: string[],
  now: number | undefined,
): Map<string, ProcessRecord> {
  const specs = [
    ...docSpecs(),
    ...facetSpecs(),
    ...generatedSpecs(scale, seed, sensorIds, genBinaryMd5s),
    ...(now === undefined ? [] : surveySpecs(seed, now)),
  ];
  const minimal = new Map<string, ProcSpec>();
  const out = new Map<string, ProcessRecord>();
  const rng = new Rng(mixSeed("events", seed));
  const rich = new Set<string>();
  for (const s of specs) {
    const guid = s.guid ?? makeGuid(s.sensor, s.pid, s.start);
    const startMs = Date.parse(s.start);
    const lifetime = s.terminated ? rng.int(200, 8000) : rng.int(60_000, 7_200_000);
    const segs = s.segments ?? [{ id: 1, lastUpdate: solrTime(startMs + lifetime) }];
    const segments: ProcessSegment[] = [...segs].sort((a, b) => a.id - b.id).map((g) => ({
      segmentId: g.id,
      lastUpdate: g.lastUpdate,
      lastServerUpdate: solrTime(Date.parse(g.lastUpdate) + 2_417),
      events: {
        modloads: [],
        filemods: [],
        regmods: [],
        netconns: [],
        crossprocs: [],
        childprocs: [],
      },
    }));
    const path = s.path ?? (CATALOG[s.name]?.path ?? SYS32 + s.name);
    if (s.rich) rich.add(guid);
    if (s.minimalEvents) minimal.set(guid, s);
    out.set(guid, {
      guid,
      sensorId: s.sensor,
      pid: s.pid,
      name: s.name,
      path,
      cmdline: s.cmdline ?? path,
      username: s.user,
      md5: s.md5 ?? CATALOG[s.name]?.md5 ?? md5For(s.name),
      start: s.start,
      parentGuid: s.parent,
      parentPid: parseInt(s.parent.slice(9, 13) + s.parent.slice(14, 18), 16),
      parentName: "",
      parentSegment: 1,
      terminated: s.terminated ?? false,
      segments,
    });
  }
  for (const p of out.values()) {
    const parent = out.get(p.parentGuid);
    p.parentName = parent?.name ?? (p.parentGuid === DOC_GUIDS.missingParent ? "ntoskrnl.exe" : "");
    if (parent) {
      p.parentSegment = parent.segments[0]!.segmentId < 2 ** 32 ? 1 : parent.segments[0]!.segmentId;
    }
  }
  for (const p of out.values()) {
    const evRng = new Rng(mixSeed("proc", seed, p.guid));
    const spec = minimal.get(p.guid);
    if (spec) minimalEvents(p, spec);
    else (rich.has(p.guid) ? richEvents : basicEvents)(p, out, evRng);
    const parent = out.get(p.parentGuid);
    if (parent) childEvent(parent, p);
  }
  // A segment is last updated no earlier than its last event.
  for (const p of out.values()) {
    for (const seg of p.segments) {
      const ev = seg.events;
      const times = [
        ev.modloads,
        ev.filemods,
        ev.regmods,
        ev.netconns,
        ev.crossprocs,
        ev.childprocs,
      ]
        .flatMap((xs) => xs.map((e) => Date.parse(e.time.replace(" ", "T") + "Z")));
      const latest = Math.max(...times, 0);
      if (latest >= Date.parse(seg.lastUpdate)) {
        seg.lastUpdate = solrTime(latest + 1_000);
        seg.lastServerUpdate = solrTime(latest + 3_417);
      }
    }
  }
  return out;
}
