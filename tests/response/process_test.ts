import assert from "node:assert/strict";
import { ObjectNotFoundError } from "@cbapi/cbapi/core";
import { Binary, Process, Sensor } from "@cbapi/cbapi/response";
import { requestsSince, responseFixture } from "../_helpers.ts";

const CMD = "00000003-0000-036c-01d2-2efd3af51186";
const NET_QUERY = String.raw`cmdline:\\test\blah`;

function wallClock(d: Date | undefined): string {
  return d ? d.toISOString().replace("T", " ").replace("Z", "") : "";
}

Deno.test("the docs' net.exe hunt: walkParents prints the chain up to the kernel [spec 110,106,96]", async () => {
  await using f = await responseFixture();
  const query = f.cb.select(Process).where("process_name:net.exe").and(NET_QUERY).groupBy("id");
  const lines: string[] = [];
  for await (const proc of query) {
    lines.push(`${wallClock(proc.start)}: ${proc.username} ran ${proc.cmdline}`);
    await proc.walkParents((p, depth) => {
      lines.push(`${" ".repeat(depth)}${wallClock(p.start)}: ${p.username} ran ${p.cmdline}`);
    });
  }
  assert.deepEqual(lines.slice(0, 10), [
    String.raw`2016-11-11 20:59:31.631: WIN-IA9NQ1GN8OI\bit9rad ran net  use y: \\test\blah`,
    String.raw`2016-10-25 20:20:29.790: WIN-IA9NQ1GN8OI\bit9rad ran "C:\Windows\system32\cmd.exe"`,
    String.raw` 2016-10-25 14:08:49.651: WIN-IA9NQ1GN8OI\bit9rad ran C:\Windows\Explorer.EXE`,
    String
      .raw`  2016-10-25 14:08:49.370: WIN-IA9NQ1GN8OI\bit9rad ran C:\Windows\system32\userinit.exe`,
    String.raw`   2016-10-25 14:08:26.382: SYSTEM ran winlogon.exe`,
    String
      .raw`    2016-10-25 14:08:26.242: SYSTEM ran \SystemRoot\System32\smss.exe 00000001 00000030`,
    String.raw`     2016-10-25 14:08:23.590: SYSTEM ran \SystemRoot\System32\smss.exe`,
    String.raw`      2016-10-25 14:08:23.559: SYSTEM ran c:\windows\system32\ntoskrnl.exe`,
    String.raw`       2016-10-25 14:08:23.374:  ran c:\windows\system32\ntoskrnl.exe`,
    String.raw`2016-11-11 20:59:25.667: WIN-IA9NQ1GN8OI\bit9rad ran net  use z: \\test\blah`,
  ]);
  assert.equal(lines.length, 18);
});

Deno.test("walking the parents a second time makes no request: the object cache [spec 36,110]", async () => {
  await using f = await responseFixture();
  const query = f.cb.select(Process).where("process_name:net.exe").and(NET_QUERY).groupBy("id");
  for await (const proc of query) await proc.walkParents(() => {});
  const n = f.emu.requests.length;
  let hops = 0;
  for await (const proc of query) await proc.walkParents(() => void hops++);
  assert.equal(hops, 16);
  assert.deepEqual(requestsSince(f.emu, n).length, 1, "only the search itself");
});

Deno.test("walkParents honours maxDepth; parent() of the top process is reached through a 404 [spec 110,106]", async () => {
  await using f = await responseFixture();
  const cmd = await f.cb.select(Process, CMD);
  const depths: number[] = [];
  await cmd.walkParents((_p, d) => void depths.push(d), { maxDepth: 2 });
  assert.deepEqual(depths, [0, 1, 2]);
  const kernel = await f.cb.select(Process, "00000003-0000-0000-01d2-2ec93f6051ee");
  const top = await kernel.parent();
  assert.ok(top);
  await assert.rejects(top.load(), ObjectNotFoundError);
});

Deno.test("walkChildren visits the running descendants depth-first, skipping ended ones [spec 111]", async () => {
  await using f = await responseFixture();
  const explorer = await f.cb.select(Process, "00000003-0000-0c34-01d2-2ec94f09cae6");
  const seen: Array<[string | undefined, number]> = [];
  await explorer.walkChildren((child, depth) => void seen.push([child.process_name, depth]));
  assert.ok(seen.some(([name, d]) => name === "cmd.exe" && d === 0), JSON.stringify(seen));
  const cmd = await f.cb.select(Process, CMD);
  const children = await cmd.childProcesses();
  const nets = children.filter((c) => c.process_name === "net.exe");
  assert.equal(nets.length, 2);
  assert.ok(nets.every((c) => c.terminated === true));
  const walked: string[] = [];
  await cmd.walkChildren((child) => void walked.push(child.process_name ?? ""));
  assert.ok(!walked.includes("net.exe"), "ended children are not walked");
  const limited: number[] = [];
  await explorer.walkChildren((_c, depth) => void limited.push(depth), { maxDepth: 0 });
  assert.ok(limited.every((d) => d === 0));
});

Deno.test("select(Process, guid) loads the summary of segment 0 on 6.x; GUID-with-segment ids work [spec 94,95,97]", async () => {
  await using f = await responseFixture();
  const n = f.emu.requests.length;
  const proc = await f.cb.select(Process, CMD);
  assert.deepEqual(requestsSince(f.emu, n), [`GET /api/v1/process/${CMD}/0`]);
  assert.equal(proc.current_segment, 0);
  assert.equal(proc.process_name, "cmd.exe");
  assert.equal(proc.fullyInitialized, true);
  assert.ok((await proc.childProcesses()).length >= 2);
  const again = await f.cb.select(Process, CMD);
  assert.equal(again, proc);
  assert.equal(f.emu.requests.length, n + 1);
  const seg = await f.cb.select(Process, `${CMD}-000000000001`);
  assert.equal(seg.current_segment, 1);
  assert.equal(f.emu.requests.at(-1)!.path, `/api/v1/process/${CMD}/1`);
  await assert.rejects(f.cb.select(Process, "not-a-guid"), ObjectNotFoundError);
});

Deno.test("on a 5.x server the default segment is 1 [spec 95]", async () => {
  await using f = await responseFixture({ serverVersion: "5.2.0.161004.1206" });
  const proc = await f.cb.select(Process, CMD);
  assert.equal(proc.current_segment, 1);
  assert.equal(f.emu.requests.at(-1)!.path, `/api/v1/process/${CMD}/1`);
});

Deno.test("process fields: times, command line, user, IPs and the web UI link [spec 100,101,102,103]", async () => {
  await using f = await responseFixture();
  const proc =
    (await f.cb.select(Process).where("process_name:net.exe").and(NET_QUERY).sort("start desc")
      .first())!;
  assert.equal(wallClock(proc.start), "2016-11-11 20:59:31.631");
  assert.ok(proc.last_update instanceof Date);
  assert.ok(proc.last_server_update instanceof Date);
  assert.equal(proc.cmdline, String.raw`net  use y: \\test\blah`);
  assert.equal(proc.username, String.raw`WIN-IA9NQ1GN8OI\bit9rad`);
  assert.equal(proc.hostname, "WIN-IA9NQ1GN8OI");
  assert.match(proc.comms_ip ?? "", /^\d+\.\d+\.\d+\.\d+$/);
  assert.equal(proc.webui_link, `${f.cb.url}/#analyze/${proc.id}/${proc.current_segment}`);
  assert.equal(proc.get("no_such_field", "fallback"), "fallback");
  assert.match(String(proc), /^Process:\n/);
  assert.match(Deno.inspect(proc), /^<Process: id [0-9a-f-]{36}> @ http/);
});

Deno.test("sensor() and binary() joins are cached: the docs' 'join everything' example [spec 104,105,48]", async () => {
  await using f = await responseFixture();
  const query = f.cb.select(Process).where("process_name:net.exe").and(NET_QUERY).groupBy("id");
  const n = f.emu.requests.length;
  const hosts: string[] = [];
  for await (const proc of query) {
    const sensor = (await proc.sensor())!;
    const group = (await sensor.group())!;
    const binary = (await proc.binary())!;
    assert.ok(sensor instanceof Sensor && binary instanceof Binary);
    hosts.push(`${sensor.hostname}/${group.name}/${binary.signed}`);
  }
  assert.deepEqual(hosts, [
    "WIN-IA9NQ1GN8OI/Default Group/true",
    "WIN-IA9NQ1GN8OI/Default Group/true",
  ]);
  const paths = requestsSince(f.emu, n).map((r) => r.split("?")[0]);
  assert.equal(paths.length, new Set(paths).size, `each object fetched once: ${paths.join(", ")}`);
  assert.equal(paths.length, 4, "search, sensor, group, binary");
});
