import assert from "node:assert/strict";
import { ApiError, ServerError } from "@cbapi/cbapi/core";
import {
  Binary,
  CbResponseAPI,
  ChildProcEvent,
  FileModEvent,
  parseProcessGuid,
  Process,
  processGuid,
} from "@cbapi/cbapi/response";
import { requestsSince, responseFixture } from "../_helpers.ts";

const CMD = "00000003-0000-036c-01d2-2efd3af51186";
const SEG = "00000001-0000-0e48-01d2-c2a397f4cfe0";
const BROKEN = "00000004-0000-032c-01d2-93335f616800";
const NET_QUERY = String.raw`cmdline:\\test\blah`;
const SEGMENTS = [
  1495463176570,
  1495463243492,
  1495463543944,
  1495463680155,
  1495463807694,
  1495465407157,
  1495465643405,
];

/** A loopback server answering process summaries from a function (5.2: default segment 1). */
async function treeServer(summary: (guid: string) => unknown) {
  const seen: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const url = new URL(req.url);
    seen.push(url.pathname);
    if (url.pathname === "/api/info") return Response.json({ version: "5.2.0.161004.1206" });
    const m = /^\/api\/v1\/process\/([0-9a-f-]{36})\/1$/.exec(url.pathname);
    const body = m ? summary(m[1]!) : undefined;
    return body ? Response.json(body) : new Response("Not found", { status: 404 });
  });
  const cb = await CbResponseAPI.connect({
    url: `http://127.0.0.1:${server.addr.port}`,
    token: "tree-token",
  });
  return {
    cb,
    seen,
    async [Symbol.asyncDispose]() {
      await cb.close();
      await server.shutdown();
    },
  };
}

function doc(guid: string, parent: string) {
  const { sensorId, pid, createTime } = parseProcessGuid(guid);
  return {
    id: guid,
    process_pid: pid,
    sensor_id: sensorId,
    start: createTime.toISOString(),
    process_name: `p${pid}.exe`,
    parent_unique_id: `${parent}-00000001`,
    parent_id: parent,
  };
}

Deno.test("processGuid() and parseProcessGuid() build and read sensor id, pid and create time [spec 99]", () => {
  const parts = parseProcessGuid(CMD);
  assert.deepEqual(
    [parts.sensorId, parts.pid, parts.createTime.toISOString()],
    [3, 876, "2016-10-25T20:20:29.790Z"],
  );
  const built = processGuid(3, 876, parts.createTime);
  assert.equal(built.slice(0, 30), CMD.slice(0, 30), "sub-millisecond ticks are dropped");
  assert.deepEqual(parseProcessGuid(built), parts);
  assert.equal(parseProcessGuid(`${CMD}-00000001`).pid, 876);
  assert.throws(() => processGuid(-1, 1, new Date()), RangeError);
  assert.throws(() => parseProcessGuid("not-a-guid"), SyntaxError);
});

Deno.test("invalid sensor data is repaired from the GUID on rows and summaries, and the repair wins [spec 98]", async () => {
  await using f = await responseFixture();
  const row = (await f.cb.select(Process).where("process_name:svchost.exe hostname:*").first())!;
  assert.equal(row.id, BROKEN);
  assert.equal(row.toJSON().process_pid, -1, "the document as sent");
  assert.equal(row.get("process_pid"), 812);
  assert.equal(row.process_pid, 812);
  assert.equal(row.sensor_id, 4);
  assert.equal(row.start?.toISOString(), "2017-03-02T09:00:00.000Z");
  const n = f.emu.requests.length;
  await row.load();
  assert.deepEqual(
    requestsSince(f.emu, n),
    [`GET /api/v1/process/${BROKEN}/1`],
    "the row's segment",
  );
  assert.equal(row.process_pid, 812, "the GUID's pid still wins after the summary loaded");
  assert.equal(f.emu.state.processes.get(BROKEN)?.pid, 812, "the emulator knows the real pid");
  await using g = await responseFixture();
  const direct = await g.cb.select(Process, BROKEN);
  assert.equal(direct.process_pid, 812);
  assert.equal(direct.start?.toISOString(), "2017-03-02T09:00:00.000Z");
  await Array.fromAsync(direct.modloads());
  assert.equal(direct.process_pid, 812);
});

Deno.test("getSegments(): the segment route on 6.x, memoised [spec 122]", async () => {
  await using f = await responseFixture();
  const proc = await f.cb.select(Process, SEG);
  const n = f.emu.requests.length;
  assert.deepEqual(await proc.getSegments(), SEGMENTS);
  assert.deepEqual(await proc.getSegments(), SEGMENTS);
  assert.deepEqual(requestsSince(f.emu, n), [`GET /api/v1/process/${SEG}/segment`]);
});

Deno.test("getSegments(): a process_id search without sort before 6.0 [spec 122]", async () => {
  await using f = await responseFixture({ serverVersion: "5.2.0.161004.1206" });
  const proc = await f.cb.select(Process, SEG);
  const n = f.emu.requests.length;
  assert.deepEqual(await proc.getSegments(), SEGMENTS);
  const [search] = f.emu.requests.slice(n);
  assert.equal(search!.path, "/api/v1/process");
  const params = new URLSearchParams(search!.query);
  assert.equal(params.get("q"), `process_id:${SEG}`);
  assert.equal(params.get("sort"), null);
  assert.equal(f.emu.requests.length, n + 1);
});

Deno.test("all*() on 6.x: one load of segment 0 serves every kind [spec 123,124,125,126,127,128]", async () => {
  await using f = await responseFixture();
  const proc = await f.cb.select(Process, SEG);
  const n = f.emu.requests.length;
  const all = {
    modloads: await Array.fromAsync(proc.allModloads()),
    filemods: await Array.fromAsync(proc.allFilemods()),
    regmods: await Array.fromAsync(proc.allRegmods()),
    netconns: await Array.fromAsync(proc.allNetconns()),
    crossprocs: await Array.fromAsync(proc.allCrossprocs()),
    childprocs: await Array.fromAsync(proc.allChildprocs()),
  };
  assert.deepEqual(requestsSince(f.emu, n), [`GET /api/v4/process/${SEG}/0/event`]);
  const state = f.emu.state.processes.get(SEG)!;
  const total = (
    k: "modloads" | "filemods" | "regmods" | "netconns" | "crossprocs" | "childprocs",
  ) => state.segments.reduce((sum, s) => sum + s.events[k].length, 0);
  for (const k of Object.keys(all) as (keyof typeof all)[]) {
    assert.equal(all[k].length, total(k), k);
    assert.deepEqual(all[k].map((e) => e.sequence), all[k].map((_, i) => i), k);
  }
  assert.equal(all.childprocs.filter((e) => !e.terminated && !e.is_suppressed).length, 3);
  // The current segment on 6.x is 0 too: the per-segment iterators reuse the same load.
  assert.equal((await Array.fromAsync(proc.modloads()))[0], all.modloads[0]);
  assert.equal(f.emu.requests.length, n + 1);
});

Deno.test("all*() before 6.0 loads each segment and continues the sequence numbers [spec 124,125,128]", async () => {
  await using f = await responseFixture({ serverVersion: "5.2.0.161004.1206" });
  const proc = await f.cb.select(Process, SEG);
  const n = f.emu.requests.length;
  const mods = await Array.fromAsync(proc.allModloads());
  const paths = requestsSince(f.emu, n).map((r) => r.split("?")[0]);
  assert.deepEqual(paths, [
    "GET /api/v1/process",
    ...SEGMENTS.map((s) => `GET /api/v3/process/${SEG}/${s}/event`),
  ]);
  assert.deepEqual(mods.map((e) => e.sequence), mods.map((_, i) => i));
  const state = f.emu.state.processes.get(SEG)!;
  assert.equal(mods.length, state.segments.reduce((a, s) => a + s.events.modloads.length, 0));
  const files = await Array.fromAsync(proc.allFilemods());
  const conns = await Array.fromAsync(proc.allNetconns());
  assert.ok(files.length > 10 && conns.length === 3);
  assert.equal(f.emu.requests.length, n + 8, "segments and their events are memoised");
});

Deno.test("allEventsSegment(): the segment's events and the summary children, sorted [spec 120]", async () => {
  await using f = await responseFixture();
  const proc = await f.cb.select(Process, CMD);
  const events = await proc.allEventsSegment();
  const times = events.map((e) => e.timestamp.getTime());
  assert.deepEqual(times, [...times].sort((a, b) => a - b));
  const kinds = new Set(events.map((e) => e.constructor.name));
  assert.deepEqual([...kinds].sort(), [
    "ChildProcEvent",
    "CrossProcEvent",
    "FileModEvent",
    "ModLoadEvent",
    "NetConnEvent",
    "RegModEvent",
  ]);
  const children = events.filter((e) => e instanceof ChildProcEvent) as ChildProcEvent[];
  assert.equal(children.length, 5, "the summary's children, each once");
  assert.ok(children.every((c) => !c.is_suppressed));
});

Deno.test("allEvents(): every segment once, children once, stably sorted [spec 121]", async () => {
  await using f = await responseFixture();
  const proc = await f.cb.select(Process, SEG);
  const n = f.emu.requests.length;
  const events = await proc.allEvents();
  const paths = requestsSince(f.emu, n);
  assert.deepEqual(paths, [
    `GET /api/v1/process/${SEG}/segment`,
    ...SEGMENTS.map((s) => `GET /api/v4/process/${SEG}/${s}/event`),
  ]);
  const times = events.map((e) => e.timestamp.getTime());
  assert.deepEqual(times, [...times].sort((a, b) => a - b));
  const children = events.filter((e) => e instanceof ChildProcEvent);
  assert.equal(children.length, 3, "the three summary children, not repeated per segment");
  const state = f.emu.state.processes.get(SEG)!;
  const expected = state.segments.reduce(
    (a, s) =>
      a + s.events.modloads.length + s.events.filemods.length + s.events.regmods.length +
      s.events.netconns.length + s.events.crossprocs.length,
    0,
  );
  assert.equal(events.length, expected + 3);
});

Deno.test("tamperEvents(): the events the sensor flagged [spec 129]", async () => {
  await using f = await responseFixture();
  const proc = await f.cb.select(Process, CMD);
  const tampered = await proc.tamperEvents();
  assert.deepEqual(tampered.map((e) => e.event_type), [
    "Cb File Modification event",
    "Cb Cross Process event",
  ]);
  assert.ok(tampered.every((e) => e.tamper_event));
});

Deno.test("findFileWrites(): the file modifications of one exact path [spec 119]", async () => {
  await using f = await responseFixture();
  const proc = await f.cb.select(Process, CMD);
  const path = String.raw`c:\users\bit9rad\appdata\local\temp\dropper.exe`;
  const writes = await proc.findFileWrites(path);
  assert.ok(writes.every((e) => e instanceof FileModEvent && e.path === path));
  assert.deepEqual(writes.map((e) => e.type), ["CreatedFile", "LastWrote"]);
  assert.deepEqual(await proc.findFileWrites(path.toUpperCase()), []);
});

Deno.test("threatIntelHits(): the server's answer; a server error means IOC sharing is off [spec 130]", async () => {
  await using f = await responseFixture();
  const proc = await f.cb.select(Process, CMD);
  const n = f.emu.requests.length;
  assert.deepEqual(await proc.threatIntelHits(), []);
  assert.deepEqual(requestsSince(f.emu, n), [`GET /api/v1/process/${CMD}/0/threat_intel_hits`]);
  f.emu.faults.add({ path: `/api/v1/process/${CMD}/0/threat_intel_hits`, status: 500 });
  await assert.rejects(proc.threatIntelHits(), (err: unknown) => {
    assert.ok(err instanceof ApiError && !(err instanceof ServerError));
    assert.equal(
      err.message,
      `Sharing IOCs not set up in Cb server. See ${f.cb.url}/#/share for more information.`,
    );
    assert.ok(err.cause instanceof ServerError && err.cause.status === 500);
    return true;
  });
});

Deno.test("children(): summary children as child events; after an events-first load, from the events [spec 108]", async () => {
  await using f = await responseFixture();
  const proc = await f.cb.select(Process, CMD);
  const n = f.emu.requests.length;
  const kids = await Array.fromAsync(proc.children());
  assert.equal(f.emu.requests.length, n, "the summary is already loaded");
  assert.deepEqual(kids.map((k) => k.path.split("\\").pop()).sort(), [
    "conhost.exe",
    "conhost.exe",
    "conhost.exe",
    "net.exe",
    "net.exe",
  ]);
  const net = kids.find((k) => k.pid === 3424)!;
  assert.equal(net.timestamp.toISOString(), "2016-11-11T20:59:31.631Z");
  assert.equal(net.md5, "79b6d4c5283fc806387c55b8d7c8b762");
  assert.match(net.procguid, /^00000003-0000-0d60-01d2-3c5e7fd343f0-/);
  const child = await net.process();
  assert.equal(child.cmdline, String.raw`net  use y: \\test\blah`);
  assert.equal(f.emu.requests.length, n, "a summary child is complete: no request");
  // A process whose events were loaded before any summary: children come from the events.
  const row =
    (await f.cb.select(Process).where("process_name:cmd.exe").and("hostname:WIN-IA9NQ1GN8OI").sort(
      "start asc",
    ).first())!;
  const fresh = new Process(f.cb, row.id, { info: { id: row.id } });
  const m = f.emu.requests.length;
  await Array.fromAsync(fresh.modloads());
  const fromEvents = await Array.fromAsync(fresh.children());
  assert.deepEqual(requestsSince(f.emu, m), [`GET /api/v4/process/${row.id}/0/event`]);
  assert.ok(fromEvents.length > 0 && fromEvents.some((e) => e.terminated));
});

Deno.test("parents(): the ancestors nearest first, ending at the missing top [spec 107]", async () => {
  await using f = await responseFixture();
  const net =
    (await f.cb.select(Process).where("process_name:net.exe").and(NET_QUERY).sort("start desc")
      .first())!;
  const names: Array<string | undefined> = [];
  for await (const p of net.parents()) names.push(p.process_name);
  assert.deepEqual(names, [
    "cmd.exe",
    "explorer.exe",
    "userinit.exe",
    "winlogon.exe",
    "smss.exe",
    "smss.exe",
    "ntoskrnl.exe",
    "ntoskrnl.exe",
  ]);
  const n = f.emu.requests.length;
  for await (const p of net.parents()) {
    assert.equal(p.process_name, "cmd.exe");
    break;
  }
  assert.equal(f.emu.requests.length, n, "cached");
});

Deno.test("depth(): parent hops to the root, 0 for the root [spec 112]", async () => {
  await using f = await responseFixture();
  const net = (await f.cb.select(Process).where("process_name:net.exe").and(NET_QUERY).first())!;
  assert.equal(await net.depth(), 8);
  const root = await f.cb.select(Process, "00000003-0000-0000-01d2-2ec93f6051ee");
  assert.equal(await root.depth(), 0);
});

Deno.test("depth(): a cycle is an ApiError; the count stops at 500 [spec 112]", async () => {
  const a = processGuid(1, 100, new Date("2017-01-01T00:00:00Z"));
  const b = processGuid(1, 101, new Date("2017-01-01T00:00:01Z"));
  {
    await using s = await treeServer((guid) => {
      const other = guid === a ? b : a;
      return { process: doc(guid, other), parent: doc(other, guid), children: [] };
    });
    const proc = await s.cb.select(Process, a);
    await assert.rejects(proc.depth(), (err: unknown) => {
      assert.ok(err instanceof ApiError);
      assert.match(err.message, /^Process cycle detected at depth 1: process "0{7}1-0000-0064-/);
      assert.ok(err.message.includes(s.cb.url) && !err.message.includes("tree-token"));
      return true;
    });
  }
  {
    const start = new Date("2017-01-01T00:00:00Z");
    await using s = await treeServer((guid) => {
      const pid = parseProcessGuid(guid).pid;
      return { process: doc(guid, processGuid(1, pid + 1, start)), children: [] };
    });
    const proc = await s.cb.select(Process, processGuid(1, 1, start));
    assert.equal(await proc.depth(), 500);
    assert.equal(s.seen.filter((p) => p.startsWith("/api/v1/process/")).length, 501);
  }
});

Deno.test("feed tags on Process and Binary: tags, tagScore, tagLink, tagData, tagInfo [spec 131]", async () => {
  await using f = await responseFixture();
  const proc = await f.cb.select(Process, CMD);
  assert.deepEqual(proc.tags.sort(), ["srsthreat", "srstrust"]);
  assert.equal(proc.tagScore("srsthreat"), 75);
  assert.equal(proc.tagScore("srstrust"), -100);
  assert.equal(proc.tagLink("srsthreat"), `https://threat.example.com/report/${CMD}`);
  assert.deepEqual(proc.tagData("srsthreat"), ["srsthreat-00000003"]);
  assert.deepEqual(proc.tagInfo("srsthreat"), {
    score: 75,
    link: `https://threat.example.com/report/${CMD}`,
    data: ["srsthreat-00000003"],
  });
  assert.deepEqual(proc.tagInfo("nofeed"), {});
  assert.equal(proc.tagScore("nofeed"), undefined);
  const dropper = (await f.cb.select(Binary).where("observed_filename:dropper.exe").first())!;
  await dropper.load();
  assert.deepEqual(dropper.tags, ["virustotal"]);
  assert.equal(dropper.tagScore("virustotal"), 42);
  assert.equal(dropper.tagLink("virustotal"), dropper.virustotal.link);
  assert.equal(dropper.tagData("virustotal"), undefined);
});

Deno.test("refresh() forgets loaded events and segments", async () => {
  await using f = await responseFixture();
  const proc = await f.cb.select(Process, SEG);
  await Array.fromAsync(proc.modloads());
  await proc.getSegments();
  const n = f.emu.requests.length;
  await proc.refresh();
  await Array.fromAsync(proc.modloads());
  await proc.getSegments();
  assert.deepEqual(requestsSince(f.emu, n), [
    `GET /api/v1/process/${SEG}/0`,
    `GET /api/v4/process/${SEG}/0/event`,
    `GET /api/v1/process/${SEG}/segment`,
  ]);
  assert.ok((await Array.fromAsync(proc.allModloads())).length > 0, "all*() still answer");
});
