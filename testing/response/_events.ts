/**
 * Event generation for seeded processes. Rich processes (the cmd.exe ones) get every event
 * kind: modloads incl. an unsigned DLL, filemods of every type incl. *.exe/*.dll writes,
 * regmods, netconns in and out, crossprocs (RemoteThread, ProcessOpen, ThreadOpen), children
 * (started and ended, plus one suppressed child), every file type and two tamper events.
 *
 * @module
 */
import type { Rng } from "../_rand.ts";
import type { ProcessEvents, ProcessRecord } from "../state.ts";
import { CATALOG, md5For } from "./_binaries.ts";
import { eventTime, makeGuid, uniqueId } from "./_guid.ts";

function segmentBase(p: ProcessRecord, index: number): number {
  const seg = p.segments[index]!;
  return seg.segmentId > 2 ** 32 ? seg.segmentId : Date.parse(p.start) + 1000;
}

function modload(ev: ProcessEvents, ms: number, name: string, path?: string) {
  const b = CATALOG[name]!;
  ev.modloads.push({ time: eventTime(ms), md5: b.md5, path: path ?? b.path });
}

/** The usual few events of an ordinary process (all in its first segment). */
export function basicEvents(p: ProcessRecord, _all: Map<string, ProcessRecord>, rng: Rng): void {
  const ev = p.segments[0]!.events;
  let t = Date.parse(p.start) + 15;
  ev.modloads.push({ time: eventTime(t), md5: p.md5, path: p.path });
  if (p.path.startsWith("/")) return;
  for (const dll of ["ntdll.dll", "kernel32.dll", "kernelbase.dll"]) modload(ev, t += 7, dll);
  ev.filemods.push({
    type: 1,
    time: eventTime(t += 40),
    path: `c:\\windows\\prefetch\\${p.name.toUpperCase()}-${rng.hex(8).toUpperCase()}.pf`,
    md5: "",
    filetype: 0,
    tamper: false,
  });
  if (p.name === "chrome.exe") {
    for (const port of [443, 443, 80]) {
      ev.netconns.push({
        time: eventTime(t += rng.int(100, 3000)),
        remoteIp: `172.217.${rng.int(0, 15)}.${rng.int(1, 254)}`,
        remotePort: port,
        localIp: "192.168.215.150",
        localPort: rng.int(49152, 65000),
        proto: 6,
        domain: "www.google.com",
        outbound: true,
      });
    }
  }
  if (p.name === "ping.exe") {
    ev.netconns.push({
      time: eventTime(t += 20),
      remoteIp: "192.168.215.10",
      remotePort: 0,
      localIp: "192.168.215.150",
      localPort: 0,
      proto: 1,
      domain: "",
      outbound: true,
    });
  }
  if (p.name === "explorer.exe" || p.name === "userinit.exe") {
    ev.regmods.push({
      type: 2,
      time: eventTime(t += 55),
      path: "\\registry\\user\\s-1-5-21-850238481-2932160288-1760307561\\software\\microsoft" +
        "\\windows\\currentversion\\explorer\\shell folders\\cache",
      tamper: false,
    });
  }
}

/** Every event kind, spread over all segments. */
export function richEvents(p: ProcessRecord, all: Map<string, ProcessRecord>, rng: Rng): void {
  const n = p.segments.length;
  const next: number[] = p.segments.map((_, i) => segmentBase(p, i));
  let k = 0;
  function at(): [ProcessEvents, number] {
    const i = k++ % n;
    next[i]! += 1500 + rng.int(0, 400);
    return [p.segments[i]!.events, next[i]!];
  }
  function push(fn: (ev: ProcessEvents, ms: number) => void) {
    const [ev, ms] = at();
    fn(ev, ms);
  }
  // Own image first, in the first segment.
  p.segments[0]!.events.modloads.push({
    time: eventTime(segmentBase(p, 0)),
    md5: p.md5,
    path: p.path,
  });
  for (const dll of ["ntdll.dll", "kernel32.dll", "kernelbase.dll", "msvcrt.dll", "advapi32.dll"]) {
    push((ev, ms) => modload(ev, ms, dll));
  }
  push((ev, ms) => modload(ev, ms, "pnrpnsp.dll"));
  push((ev, ms) => modload(ev, ms, "tmpa4f2.dll"));
  const dropper = CATALOG["dropper.exe"]!;
  const tmpdll = CATALOG["tmpa4f2.dll"]!;
  const filemods: [1 | 2 | 4 | 8, string, string, number][] = [
    [1, dropper.path, "", 1],
    [8, dropper.path, dropper.md5, 1],
    [1, tmpdll.path, "", 1],
    [8, tmpdll.path, tmpdll.md5, 1],
    [2, "c:\\users\\bit9rad\\documents\\report.pdf", "", 0x30],
    [4, "c:\\users\\bit9rad\\desktop\\notes.txt", "", 0],
    [8, "c:\\users\\bit9rad\\documents\\archive.zip", "", 0x40],
  ];
  for (const [type, path, md5, filetype] of filemods) {
    push((ev, ms) =>
      ev.filemods.push({ type, time: eventTime(ms), path, md5, filetype, tamper: false })
    );
  }
  const run = "\\registry\\user\\s-1-5-21-850238481-2932160288-1760307561\\software\\microsoft" +
    "\\windows\\currentversion\\run";
  const regmods: [1 | 2 | 4 | 8, string][] = [
    [1, "\\registry\\machine\\software\\dropper"],
    [2, `${run}\\updater`],
    [8, `${run}\\oldentry`],
    [4, "\\registry\\machine\\software\\dropper\\temp"],
  ];
  for (const [type, path] of regmods) {
    push((ev, ms) => ev.regmods.push({ type, time: eventTime(ms), path, tamper: false }));
  }
  push((ev, ms) =>
    ev.netconns.push({
      time: eventTime(ms),
      remoteIp: "10.0.0.5",
      remotePort: 445,
      localIp: "192.168.215.150",
      localPort: 49721,
      proto: 6,
      domain: "fileserver.corp.local",
      outbound: true,
    })
  );
  push((ev, ms) =>
    ev.netconns.push({
      time: eventTime(ms),
      remoteIp: "8.8.8.8",
      remotePort: 53,
      localIp: "192.168.215.150",
      localPort: 53211,
      proto: 17,
      domain: "update.example.com",
      outbound: true,
    })
  );
  push((ev, ms) =>
    ev.netconns.push({
      time: eventTime(ms),
      remoteIp: "192.168.215.10",
      remotePort: 50112,
      localIp: "192.168.215.150",
      localPort: 3389,
      proto: 6,
      domain: "",
      outbound: false,
    })
  );
  const other = all.get(p.parentGuid) ?? p;
  const otherId = uniqueId(other.guid, other === p ? p.segments[0]!.segmentId : p.parentSegment);
  const cross: [("RemoteThread" | "ProcessOpen"), number, number, boolean][] = [
    ["RemoteThread", 0, 0, false],
    ["ProcessOpen", 1, 0x1fffff, false],
    ["ProcessOpen", 2, 0x1f03ff, false],
    ["ProcessOpen", 1, 0x1410, true],
  ];
  for (const [type, subtype, access, isTarget] of cross) {
    push((ev, ms) =>
      ev.crossprocs.push({
        type,
        time: eventTime(ms),
        otherUniqueId: otherId,
        otherMd5: other.md5,
        otherPath: other.path,
        subtype,
        access,
        tamper: false,
        isTarget,
      })
    );
  }
  // Every other file type the event formats name, then a tampered log deletion.
  const docs = "c:\\users\\bit9rad\\documents\\";
  const more: [1 | 2 | 4 | 8, string, number, boolean][] = [
    [1, `${docs}payload.elf`, 2, false],
    [1, `${docs}payload.macho`, 3, false],
    [8, `${docs}eicar.com`, 8, false],
    [2, `${docs}memo.doc`, 0x10, false],
    [2, `${docs}memo.docx`, 0x11, false],
    [1, `${docs}backup.lzh`, 0x41, false],
    [1, `${docs}backup.z`, 0x42, false],
    [1, `${docs}loot.rar`, 0x43, false],
    [1, `${docs}loot.tar`, 0x44, false],
    [1, `${docs}loot.7z`, 0x45, false],
    [4, "c:\\windows\\system32\\winevt\\logs\\security.evtx", 0, true],
  ];
  for (const [type, path, filetype, tamper] of more) {
    push((ev, ms) =>
      ev.filemods.push({ type, time: eventTime(ms), path, md5: "", filetype, tamper })
    );
  }
  // A tampered remote thread into the other process.
  push((ev, ms) =>
    ev.crossprocs.push({
      type: "RemoteThread",
      time: eventTime(ms),
      otherUniqueId: otherId,
      otherMd5: other.md5,
      otherPath: other.path,
      subtype: 0,
      access: 0,
      tamper: true,
      isTarget: false,
    })
  );
  // A suppressed child (whoami.exe): the server keeps no process for it.
  push((ev, ms) => {
    const pid = 5000 + rng.int(0, 999) * 4;
    ev.childprocs.push({
      time: eventTime(ms),
      uniqueId: uniqueId(makeGuid(p.sensorId, pid, new Date(ms).toISOString()), 1),
      md5: md5For("whoami.exe"),
      path: "c:\\windows\\system32\\whoami.exe",
      pid,
      cmdline: "whoami /all",
      username: p.username,
      terminated: false,
      suppressed: true,
    });
  });
}

/**
 * Adds the childproc events for `child` to the right segment of `parent`: a start event, and
 * for an ended child an end event (`terminated: true` marks the end record).
 */
export function childEvent(parent: ProcessRecord, child: ProcessRecord): void {
  const startMs = Date.parse(child.start);
  let seg = parent.segments[0]!;
  for (const s of parent.segments) if (s.segmentId > 2 ** 32 && s.segmentId <= startMs) seg = s;
  const record = {
    time: eventTime(startMs),
    uniqueId: uniqueId(child.guid, child.segments[0]!.segmentId),
    md5: child.md5,
    path: child.path,
    pid: child.pid,
    cmdline: child.cmdline,
    username: child.username,
    terminated: false,
    suppressed: false,
  };
  seg.events.childprocs.push(record);
  if (child.terminated) {
    const endMs = Date.parse(child.segments[child.segments.length - 1]!.lastUpdate);
    seg.events.childprocs.push({ ...record, time: eventTime(endMs), terminated: true });
  }
}
