import assert from "node:assert/strict";
import { startEmulator } from "../_helpers.ts";
import { call, qs } from "./_helpers.ts";

const CMD = "00000003-0000-036c-01d2-2efd3af51186";
const SEGMENTED = "00000001-0000-0e48-01d2-c2a397f4cfe0";

Deno.test("[spec 323] process summary: process, parent, children, siblings", async () => {
  await using emu = await startEmulator();
  const res = await call(emu, `/api/v1/process/${CMD}/0`);
  assert.equal(res.status, 200);
  const { process, parent, children, siblings } = res.json;
  assert.equal(process.id, CMD);
  assert.equal(process.process_name, "cmd.exe");
  assert.equal(process.cmdline, '"C:\\Windows\\system32\\cmd.exe"');
  assert.equal(process.start, "2016-10-25T20:20:29.790Z");
  assert.equal(process.process_md5, "bf93a2f9901e9b3dfca8a7982f4a9868");
  assert.equal(process.parent_md5, parent.process_md5);
  for (const k of ["last_update", "last_server_update", "sensor_id", "process_pid", "comms_ip"]) {
    assert.ok(process[k] !== undefined, k);
  }
  assert.equal(parent.id, "00000003-0000-0c34-01d2-2ec94f09cae6");
  assert.equal(parent.process_name, "explorer.exe");
  const names = children.map((c: { process_name: string }) => c.process_name).sort();
  assert.deepEqual(names, ["conhost.exe", "conhost.exe", "conhost.exe", "net.exe", "net.exe"]);
  for (const c of children) {
    for (
      const k of [
        "unique_id",
        "process_md5",
        "process_pid",
        "path",
        "start",
        "is_suppressed",
        "terminated",
        "cmdline",
        "username",
      ]
    ) {
      assert.ok(k in c, k);
    }
  }
  assert.ok(siblings.some((s: { id: string }) => s.id === "00000003-0000-07d4-01d2-2efcd4949dfc"));
  assert.equal((await call(emu, `/api/v1/process/${CMD}/1`)).json.process.segment_id, 1);
  const missing = await call(emu, "/api/v1/process/00000003-0000-0004-01d2-2ec93f6051ee/1");
  assert.equal(missing.status, 404);
  assert.equal((await call(emu, "/api/v1/process/not-a-guid/0")).status, 404);
});

Deno.test("[spec 323] walking parents from net.exe ends at the missing ntoskrnl parent", async () => {
  await using emu = await startEmulator();
  const search = await call(
    emu,
    `/api/v1/process?${
      qs({
        q: "process_name:net.exe cmdline:\\\\test\\blah",
        "cb.group": "id",
        rows: 10,
        sort: "last_update desc",
      })
    }`,
  );
  let guid: string = search.json.results[0].parent_id;
  const chain: string[] = [];
  while (true) {
    const res = await call(emu, `/api/v1/process/${guid}/0`);
    if (res.status === 404) break;
    const p = res.json.process;
    chain.push(`${p.start} ${p.username} ${p.cmdline}`);
    guid = p.parent_unique_id.slice(0, 36);
  }
  assert.deepEqual(chain, [
    '2016-10-25T20:20:29.790Z WIN-IA9NQ1GN8OI\\bit9rad "C:\\Windows\\system32\\cmd.exe"',
    "2016-10-25T14:08:49.651Z WIN-IA9NQ1GN8OI\\bit9rad C:\\Windows\\Explorer.EXE",
    "2016-10-25T14:08:49.370Z WIN-IA9NQ1GN8OI\\bit9rad C:\\Windows\\system32\\userinit.exe",
    "2016-10-25T14:08:26.382Z SYSTEM winlogon.exe",
    "2016-10-25T14:08:26.242Z SYSTEM \\SystemRoot\\System32\\smss.exe 00000001 00000030",
    "2016-10-25T14:08:23.590Z SYSTEM \\SystemRoot\\System32\\smss.exe",
    "2016-10-25T14:08:23.559Z SYSTEM c:\\windows\\system32\\ntoskrnl.exe",
    "2016-10-25T14:08:23.374Z  c:\\windows\\system32\\ntoskrnl.exe",
  ]);
  assert.equal(guid, "00000003-0000-0004-01d2-2ec93f6051ee");
});

Deno.test("[spec 323] events in the v1, v2, v3 and v4 formats", async () => {
  await using emu = await startEmulator();
  const v = [];
  for (const n of [1, 2, 3, 4]) {
    const res = await call(emu, `/api/v${n}/process/${CMD}/1/event`);
    assert.equal(res.status, 200);
    v.push(res.json.process);
  }
  const [v1, v2, v3, v4] = v;
  for (const doc of v) {
    assert.equal(doc.id, CMD);
    assert.equal(doc.process_name, "cmd.exe");
    for (const k of ["modload", "filemod", "regmod", "netconn", "crossproc", "childproc"]) {
      assert.ok(doc[`${k}_complete`].length > 0, k);
      assert.equal(doc[`${k}_complete`].length, doc[`${k}_count`], k);
    }
  }
  assert.match(
    v1.modload_complete[0],
    /^2016-10-25 20:20:30\.790\|bf93a2f9901e9b3dfca8a7982f4a9868\|c:\\windows\\system32\\cmd\.exe$/,
  );
  assert.ok(
    v1.filemod_complete.some((f: string) =>
      /^8\|[^|]+\|.*dropper\.exe\|[0-9a-f]{32}\|1\|false$/.test(f)
    ),
  );
  assert.ok(v1.filemod_complete.some((f: string) => f.startsWith("4|")));
  assert.ok(
    v1.regmod_complete.every((r: string) => /^[1248]\|[^|]+\|\\registry\\.+\|false$/.test(r)),
  );
  assert.ok(v1.netconn_complete.includes(
    v1.netconn_complete.find((n: string) =>
      /\|167772165\|445\|6\|fileserver\.corp\.local\|true$/.test(n)
    ),
  ));
  const smb2 = v2.netconn_complete.find((n: { remote_port: number }) => n.remote_port === 445);
  assert.equal(smb2.remote_ip, 167772165);
  assert.equal(smb2.direction, "true");
  assert.equal(typeof smb2.local_ip, "number");
  const smb4 = v4.netconn_complete.find((n: { remote_port: number }) => n.remote_port === 445);
  assert.equal(smb4.remote_ip, "10.0.0.5");
  assert.equal(smb4.proto, 6);
  assert.ok(v4.netconn_complete.some((n: { direction: string }) => n.direction === "false"));
  assert.match(
    v2.childproc_complete[0],
    /^[^|]+\|[0-9a-f-]{45}\|[0-9a-f]{32}\|[^|]+\|\d+\|true\|false$/,
  );
  const child = v3.childproc_complete.find((c: { commandLine: string }) =>
    c.commandLine === "net  use y: \\\\test\\blah"
  );
  assert.equal(child.type, "start");
  assert.equal(child.userName, "WIN-IA9NQ1GN8OI\\bit9rad");
  assert.equal(child.is_suppressed, false);
  assert.deepEqual(v4.childproc_complete, v3.childproc_complete);
  const kinds = v1.crossproc_complete.map((c: string) => c.split("|"));
  assert.ok(kinds.some((c: string[]) => c[0] === "RemoteThread"));
  assert.ok(kinds.some((c: string[]) => c[0] === "ProcessOpen" && c[5] === "2"));
  assert.ok(kinds.some((c: string[]) => c[8] === "true"));
  assert.ok(kinds.every((c: string[]) => c.length === 9 && c[2]!.length === 45));
});

Deno.test("[spec 323] segments: 49-character ids, per-segment and all-segment events", async () => {
  await using emu = await startEmulator();
  const segs = await call(emu, `/api/v1/process/${SEGMENTED}/segment`);
  const ids: string[] = segs.json.process.segments.map((s: { unique_id: string }) => s.unique_id);
  assert.equal(ids.length, 7);
  assert.ok(ids.every((id) => id.length === 49 && id.startsWith(`${SEGMENTED}-`)));
  assert.deepEqual(ids.map((id) => parseInt(id.slice(37), 16)), [
    1495463176570,
    1495463243492,
    1495463543944,
    1495463680155,
    1495463807694,
    1495465407157,
    1495465643405,
  ]);
  const all = (await call(emu, `/api/v4/process/${SEGMENTED}/0/event`)).json.process;
  let sum = 0;
  for (const id of ids) {
    const one =
      (await call(emu, `/api/v4/process/${SEGMENTED}/${parseInt(id.slice(37), 16)}/event`)).json
        .process;
    sum += one.modload_complete.length;
  }
  assert.equal(sum, all.modload_complete.length);
  const byIndex = (await call(emu, `/api/v4/process/${SEGMENTED}/1/event`)).json.process;
  assert.equal(byIndex.segment_id, 1495463176570);
  const other = await call(emu, `/api/v4/process/${SEGMENTED}/999/event`);
  assert.equal(other.status, 200);
  assert.deepEqual(other.json.process.modload_complete, []);
  const one = await call(emu, `/api/v1/process/${CMD}/segment`);
  assert.deepEqual(one.json, { process: { segments: [{ unique_id: `${CMD}-000000000001` }] } });
});

Deno.test("[spec 323] threat intel hits and host counts", async () => {
  await using emu = await startEmulator();
  const hits = await call(emu, `/api/v1/process/${CMD}/1/threat_intel_hits`);
  assert.equal(hits.status, 200);
  assert.deepEqual(hits.json, []);
  const count = await call(
    emu,
    "/api/v1/process/host/count?cb.freqver=1&md5=BF93A2F9901E9B3DFCA8A7982F4A9868&name=md5",
  );
  assert.deepEqual(count.json, { hostCount: 3, globalCount: 4, numDocs: emu.state.processes.size });
  const ntdll = await call(
    emu,
    "/api/v1/process/host/count?cb.freqver=1&md5=7fb55f5a62e78af9b58d08aaeeaef848&name=md5",
  );
  assert.deepEqual(ntdll.json, { hostCount: 1, globalCount: 2, numDocs: emu.state.processes.size });
});
