import assert from "node:assert/strict";
import { ApiError } from "@cbapi/cbapi/core";
import {
  CbResponseAPI,
  ChildProcEvent,
  CrossProcEvent,
  FileModEvent,
  ModLoadEvent,
  NetConnEvent,
  Process,
  ProcessEvent,
  RegModEvent,
} from "@cbapi/cbapi/response";
import { requestsSince, responseFixture } from "../_helpers.ts";

const CMD = "00000003-0000-036c-01d2-2efd3af51186";
const EXPLORER = "00000003-0000-0c34-01d2-2ec94f09cae6";
const TEMP = String.raw`c:\users\bit9rad\appdata\local\temp`;
const V50 = "5.0.0.150128.1146";
const V51 = "5.1.1.160303.1207";
const V52 = "5.2.0.161004.1206";

/** A bare loopback server for wire cases the emulator never sends. */
async function oddServer(version: string, routes: Record<string, unknown>) {
  const seen: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const url = new URL(req.url);
    seen.push(`${req.method} ${url.pathname}${url.search}`);
    if (url.pathname === "/api/info") return Response.json({ version });
    const body = routes[url.pathname] ??
      (url.pathname.startsWith("/api/v1/process/") ? summaryOf(url.pathname) : undefined);
    return body === undefined ? new Response("Not found", { status: 404 }) : Response.json(body);
  });
  const cb = await CbResponseAPI.connect({
    url: `http://127.0.0.1:${server.addr.port}`,
    token: "odd-token",
    maxRetries: 0,
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

function summaryOf(path: string) {
  const id = path.split("/")[4];
  return {
    process: { id, process_name: "cmd.exe", process_pid: 876, start: "2017-01-03T22:04:50.000Z" },
  };
}

function eventDoc(lists: Record<string, unknown[]>) {
  return { process: { id: CMD, process_name: "cmd.exe", process_pid: 876, ...lists } };
}

Deno.test("modloads() loads the v4 event route once and parses each event once [spec 113,132]", async () => {
  await using f = await responseFixture();
  const proc = await f.cb.select(Process, CMD);
  const n = f.emu.requests.length;
  const first = await Array.fromAsync(proc.modloads());
  assert.deepEqual(requestsSince(f.emu, n), [`GET /api/v4/process/${CMD}/0/event`]);
  assert.ok(first.every((e) => e instanceof ModLoadEvent && e.parent === proc));
  assert.deepEqual(first.map((e) => e.sequence), first.map((_, i) => i));
  assert.equal(first[0]!.md5, "bf93a2f9901e9b3dfca8a7982f4a9868");
  assert.equal(first[0]!.path, String.raw`c:\windows\system32\cmd.exe`);
  assert.equal(first[0]!.timestamp.toISOString(), "2016-10-25T20:20:30.790Z");
  assert.ok(first.some((e) => e.path === `${TEMP}\\tmpa4f2.dll`));
  const again = await Array.fromAsync(proc.modloads());
  assert.equal(f.emu.requests.length, n + 1, "memoised: no second request");
  assert.ok(again.every((e, i) => e === first[i]), "the same objects: not parsed twice");
  await Array.fromAsync(proc.filemods());
  assert.equal(f.emu.requests.length, n + 1, "every list comes from the one load");
});

Deno.test("the event route follows the server version: v1 (5.0), v2 (5.1), v3 (5.2), v4 (6.x) [spec 132,95]", async () => {
  for (
    const [serverVersion, route] of [
      [V50, `/api/v1/process/${CMD}/1/event`],
      [V51, `/api/v2/process/${CMD}/1/event`],
      [V52, `/api/v3/process/${CMD}/1/event`],
      [undefined, `/api/v4/process/${CMD}/0/event`],
    ] as const
  ) {
    await using f = await responseFixture(serverVersion ? { serverVersion } : {});
    const proc = await f.cb.select(Process, CMD);
    const n = f.emu.requests.length;
    const regmods = await Array.fromAsync(proc.regmods());
    assert.deepEqual(requestsSince(f.emu, n), [`GET ${route}`], String(serverVersion));
    assert.ok(regmods.length >= 4);
  }
});

Deno.test("filemods(): every modification type, every file type, md5 and tamper flag [spec 114,134]", async () => {
  await using f = await responseFixture();
  const proc = await f.cb.select(Process, CMD);
  const mods = await Array.fromAsync(proc.filemods());
  assert.ok(mods.every((e) => e instanceof FileModEvent));
  assert.deepEqual(
    [...new Set(mods.map((e) => e.type))].sort(),
    ["CreatedFile", "Deleted", "FirstWrote", "LastWrote"],
  );
  assert.deepEqual([...new Set(mods.map((e) => e.filetype))].sort(), [
    "7Z",
    "DOC",
    "DOCX",
    "EICAR",
    "ELF",
    "LZH",
    "LZW",
    "MachO",
    "PDF",
    "PE",
    "RAR",
    "TAR",
    "Unknown",
    "ZIP",
  ]);
  const written = mods.find((e) => e.type === "LastWrote" && e.path.endsWith("dropper.exe"))!;
  assert.match(written.md5, /^[0-9a-f]{32}$/);
  assert.equal(written.filetype, "PE");
  const tampered = mods.filter((e) => e.tamper_event);
  assert.deepEqual(tampered.map((e) => [e.type, e.path]), [
    ["Deleted", String.raw`c:\windows\system32\winevt\logs\security.evtx`],
  ]);
  assert.equal(tampered[0]!.tamper_flag, true);
});

Deno.test("filemods(): empty entries yield no event but keep their sequence number; missing parts default [spec 134]", async () => {
  await using s = await oddServer(V50, {
    [`/api/v1/process/${CMD}/1/event`]: eventDoc({
      filemod_complete: [
        "1|2017-01-03 22:04:54.640|c:\\a.exe|",
        "",
        "8|2017-01-03 22:04:55.000|c:\\b.xyz|0123456789abcdef0123456789abcdef|99|true",
        "16|2017-01-03 22:04:56.000|c:\\c.txt|",
      ],
    }),
  });
  const proc = await s.cb.select(Process, CMD);
  const mods = await Array.fromAsync(proc.filemods());
  assert.deepEqual(mods.map((e) => [e.sequence, e.type, e.filetype, e.tamper_event]), [
    [0, "CreatedFile", "Unknown", false],
    [2, "LastWrote", "Unknown", true],
    [3, undefined, "Unknown", false],
  ]);
  assert.equal(mods[1]!.md5, "0123456789abcdef0123456789abcdef");
  assert.ok(s.seen.includes(`GET /api/v1/process/${CMD}/1/event`));
});

Deno.test("regmods(): registry modification types and paths [spec 115,135]", async () => {
  await using f = await responseFixture();
  const proc = await f.cb.select(Process, CMD);
  const mods = await Array.fromAsync(proc.regmods());
  assert.ok(mods.every((e) => e instanceof RegModEvent && !e.tamper_event));
  assert.deepEqual(
    mods.map((e) => e.type).sort(),
    ["CreatedKey", "DeletedKey", "DeletedValue", "FirstWrote"],
  );
  const created = mods.find((e) => e.type === "CreatedKey")!;
  assert.equal(created.path, String.raw`\registry\machine\software\dropper`);
  assert.equal(
    String(created).split("\n")[2],
    String.raw`type                 : CreatedKey`,
  );
});

Deno.test("netconns(): v1 pipes on 5.0 give remote end, protocol and direction only [spec 116,136]", async () => {
  await using f = await responseFixture({ serverVersion: V50 });
  const proc = await f.cb.select(Process, CMD);
  const conns = await Array.fromAsync(proc.netconns());
  assert.ok(conns.every((e) => e instanceof NetConnEvent));
  assert.deepEqual(
    conns.map((e) => [e.remote_ip, e.remote_port, e.proto, e.domain, e.direction]),
    [
      ["10.0.0.5", 445, "IPPROTO_TCP", "fileserver.corp.local", "Outbound"],
      ["8.8.8.8", 53, "IPPROTO_UDP", "update.example.com", "Outbound"],
      ["192.168.215.10", 50112, "IPPROTO_TCP", "", "Inbound"],
    ],
  );
  assert.equal(conns[0]!.local_ip, undefined);
  assert.deepEqual(String(conns[0]).split("\n").map((l) => l.split(" ")[0]), [
    "Cb",
    "timestamp",
    "domain",
    "remote_ip",
    "remote_port",
    "proto",
    "direction",
  ]);
});

Deno.test("netconns(): v2 and v3 integer IPs and v4 string IPs become the same dotted quads [spec 116,136]", async () => {
  for (const serverVersion of [V51, V52, undefined]) {
    await using f = await responseFixture(serverVersion ? { serverVersion } : {});
    const proc = await f.cb.select(Process, CMD);
    const conns = await Array.fromAsync(proc.netconns());
    assert.deepEqual(
      conns.map((e) => [e.remote_ip, e.local_ip, e.local_port, e.proxy_ip, e.proxy_port]),
      [
        ["10.0.0.5", "192.168.215.150", 49721, "0.0.0.0", 0],
        ["8.8.8.8", "192.168.215.150", 53211, "0.0.0.0", 0],
        ["192.168.215.10", "192.168.215.150", 3389, "0.0.0.0", 0],
      ],
      String(serverVersion),
    );
    assert.deepEqual(conns.map((e) => e.direction), ["Outbound", "Outbound", "Inbound"]);
    assert.match(String(conns[2]), /\nlocal_port {11}: 3389\nproxy_ip {13}: 0\.0\.0\.0\n/);
  }
});

Deno.test("netconns(): an unknown v1 protocol is an ApiError after the good events; v2 says Unknown [spec 116,136]", async () => {
  {
    await using s = await oddServer(V50, {
      [`/api/v1/process/${CMD}/1/event`]: eventDoc({
        netconn_complete: [
          "2017-01-03 22:04:54.640|-1062731420|80|6|a.example|true",
          "2017-01-03 22:04:55.640|not-an-ip|81|200|b.example|false",
        ],
      }),
    });
    const proc = await s.cb.select(Process, CMD);
    const got: NetConnEvent[] = [];
    await assert.rejects(
      async () => {
        for await (const e of proc.netconns()) got.push(e);
      },
      (err: unknown) =>
        err instanceof ApiError && /unknown IP protocol number "200"/.test(err.message) &&
        err.message.includes(s.cb.url) && !err.message.includes("odd-token"),
    );
    assert.deepEqual(got.map((e) => e.remote_ip), ["192.168.1.100"]);
  }
  {
    await using s = await oddServer(V51, {
      [`/api/v2/process/${CMD}/1/event`]: eventDoc({
        netconn_complete: [
          { timestamp: "2017-01-03 22:04:54.640", proto: 200, remote_ip: "bogus" },
          { timestamp: "2017-01-03 22:04:55.640", direction: "false", proto: 17 },
        ],
      }),
    });
    const proc = await s.cb.select(Process, CMD);
    const conns = await Array.fromAsync(proc.netconns());
    assert.deepEqual(
      conns.map((e) => [e.proto, e.direction, e.remote_ip, e.local_ip, e.remote_port]),
      [
        ["Unknown", "Outbound", "bogus", "0.0.0.0", 0],
        ["IPPROTO_UDP", "Inbound", "0.0.0.0", "0.0.0.0", 0],
      ],
    );
  }
});

Deno.test("crossprocs(): types, ThreadOpen, access-mask text, source and target sides [spec 117,138]", async () => {
  await using f = await responseFixture();
  const proc = await f.cb.select(Process, CMD);
  const cross = await Array.fromAsync(proc.crossprocs());
  assert.ok(cross.every((e) => e instanceof CrossProcEvent));
  assert.deepEqual(cross.map((e) => [e.type, e.privileges, e.is_target, e.tamper_event]), [
    ["RemoteThread", "", false, false],
    ["ProcessOpen", "PROCESS_ALL_ACCESS", false, false],
    [
      "ThreadOpen",
      "SYNCHRONIZE | WRITE_OWNER | WRITE_DAC | READ_CONTROL | DELETE | PROCESS_TERMINATE | " +
      "PROCESS_CREATE_THREAD | PROCESS_SET_SESSIONID | PROCESS_VM_OPERATION | PROCESS_VM_READ | " +
      "PROCESS_VM_WRITE | PROCESS_DUP_HANDLE | PROCESS_CREATE_PROCESS | PROCESS_SET_QUOTA | " +
      "PROCESS_SET_INFORMATION",
      false,
      false,
    ],
    [
      "ProcessOpen",
      "PROCESS_VM_READ | PROCESS_QUERY_INFORMATION | PROCESS_QUERY_LIMITED_INFORMATION",
      true,
      false,
    ],
    ["RemoteThread", "", false, true],
  ]);
  const open = cross[1]!;
  assert.equal(open.privilege_code, 0x1fffff);
  assert.equal(open.source_procguid, CMD);
  assert.equal(open.source_md5, "bf93a2f9901e9b3dfca8a7982f4a9868");
  assert.equal(open.target_procguid.slice(0, 36), EXPLORER);
  assert.equal(open.target_path, String.raw`c:\windows\explorer.exe`);
  const targeted = cross[3]!;
  assert.equal(targeted.target_procguid, CMD);
  assert.equal(targeted.target_path, String.raw`c:\windows\system32\cmd.exe`);
  assert.equal(targeted.source_procguid.slice(0, 36), EXPLORER);
  assert.ok(open.hasPermission("PROCESS_VM_WRITE"));
  assert.ok(open.hasPermissions(["SYNCHRONIZE", "PROCESS_CREATE_THREAD"]));
  assert.ok(targeted.hasPermission("PROCESS_VM_READ"));
  assert.ok(!targeted.hasPermissions(["PROCESS_VM_READ", "PROCESS_VM_WRITE"]));
  assert.throws(() => open.hasPermission("PROCESS_FLY"), RangeError);
  assert.throws(() => targeted.hasPermissions(["PROCESS_VM_READ", "nope"]), RangeError);
  assert.match(String(open), /^Cb Cross Process event:\ntimestamp/);
});

Deno.test("crossprocs(): targetProc() and sourceProc() load the processes through the cache [spec 138]", async () => {
  await using f = await responseFixture();
  const proc = await f.cb.select(Process, CMD);
  const cross = await Array.fromAsync(proc.crossprocs());
  const n = f.emu.requests.length;
  const target = await cross[1]!.targetProc();
  assert.equal(target.process_name, "explorer.exe");
  assert.equal(target.id, EXPLORER);
  assert.equal(await cross[1]!.sourceProc(), proc, "this process, from the cache");
  assert.equal(await cross[3]!.sourceProc(), target);
  assert.deepEqual(requestsSince(f.emu, n), [`GET /api/v1/process/${EXPLORER}/1`]);
});

Deno.test("crossprocs(): an unparsable access mask counts as 0 [spec 117]", async () => {
  await using s = await oddServer(V52, {
    [`/api/v3/process/${CMD}/1/event`]: eventDoc({
      crossproc_complete: [
        `ProcessOpen|2017-01-03 22:04:54.640|${EXPLORER}-00000001|ab|c:\\e.exe|1|oops|false|false`,
      ],
    }),
  });
  const proc = await s.cb.select(Process, CMD);
  const [ev] = await Array.fromAsync(proc.crossprocs());
  assert.equal(ev!.privilege_code, 0);
  assert.equal(ev!.privileges, "");
  assert.equal(ev!.hasPermission("DELETE"), false);
});

Deno.test("childprocs(): start and end events, suppressed children, in every format [spec 109,137]", async () => {
  for (const serverVersion of [V50, V51, V52, undefined]) {
    await using f = await responseFixture(serverVersion ? { serverVersion } : {});
    const proc = await f.cb.select(Process, CMD);
    const kids = await Array.fromAsync(proc.childprocs());
    assert.ok(kids.every((e) => e instanceof ChildProcEvent));
    const nets = kids.filter((e) => e.path.endsWith("net.exe"));
    assert.deepEqual(nets.map((e) => e.terminated), [false, true, false, true], serverVersion);
    assert.equal(nets[0]!.pid, 3100);
    assert.equal(nets[0]!.md5, "79b6d4c5283fc806387c55b8d7c8b762");
    assert.equal(nets[0]!.procguid, "00000003-0000-0c1c-01d2-3c5e7c453b30-00000001");
    assert.equal(nets[0]!.timestamp.toISOString(), "2016-11-11T20:59:25.667Z");
    const whoami = kids.filter((e) => e.path.endsWith("whoami.exe"));
    assert.equal(whoami.length, 1);
    assert.equal(whoami[0]!.is_suppressed, (serverVersion ?? "6") >= "5.2", serverVersion);
  }
});

Deno.test("ChildProcEvent.process(): a child is loaded once; a suppressed child is never fetched [spec 137]", async () => {
  await using f = await responseFixture();
  const proc = await f.cb.select(Process, CMD);
  const kids = await Array.fromAsync(proc.childprocs());
  const net = kids.find((e) => e.path.endsWith("net.exe"))!;
  const n = f.emu.requests.length;
  const child = await net.process();
  assert.equal(child.process_name, "net.exe");
  assert.equal(child.cmdline, String.raw`net  use z: \\test\blah`);
  assert.equal(await net.process(), child);
  assert.deepEqual(requestsSince(f.emu, n), [`GET /api/v1/process/${child.id}/0`]);
  const whoami = kids.find((e) => e.is_suppressed)!;
  const ghost = await whoami.process();
  assert.equal(ghost.suppressed, true);
  assert.equal(ghost.cmdline, "whoami /all");
  assert.equal(ghost.username, String.raw`WIN-IA9NQ1GN8OI\bit9rad`);
  assert.equal(ghost.process_pid, whoami.pid);
  assert.equal(ghost.sensor_id, 3, "from the child's own GUID");
  assert.equal(ghost.webui_link, undefined);
  await ghost.load();
  await ghost.refresh();
  assert.deepEqual(await Array.fromAsync(ghost.modloads()), []);
  assert.deepEqual(await ghost.getSegments(), []);
  assert.equal(f.emu.requests.length, n + 1, "nothing asked about the suppressed child");
});

Deno.test("ModLoadEvent.binary()/isSigned(): from the event's binaries map on 6.x, else one cached GET [spec 133,118]", async () => {
  {
    await using f = await responseFixture();
    const proc = await f.cb.select(Process, CMD);
    const mods = await Array.fromAsync(proc.modloads());
    const n = f.emu.requests.length;
    const bin = await mods[0]!.binary();
    assert.equal(bin.md5sum, "BF93A2F9901E9B3DFCA8A7982F4A9868");
    assert.equal(await mods[0]!.isSigned(), true);
    const unsigned = await proc.unsignedModloads();
    assert.deepEqual(unsigned.map((e) => e.path), [`${TEMP}\\tmpa4f2.dll`]);
    assert.equal(f.emu.requests.length, n, "no request: the server described the modules");
  }
  {
    await using f = await responseFixture({ serverVersion: V50 });
    const proc = await f.cb.select(Process, CMD);
    const mods = await Array.fromAsync(proc.modloads());
    const n = f.emu.requests.length;
    const unsigned = await proc.unsignedModloads();
    assert.deepEqual(unsigned.map((e) => e.path), [`${TEMP}\\tmpa4f2.dll`]);
    const paths = requestsSince(f.emu, n);
    assert.equal(paths.length, new Set(mods.map((e) => e.md5)).size);
    assert.ok(paths.every((p) => /^GET \/api\/v1\/binary\/[0-9A-F]{32}\/summary$/.test(p)));
    assert.ok(await mods[0]!.isSigned());
    assert.equal(f.emu.requests.length, n + paths.length, "binaries are cached");
  }
});

Deno.test("events order by timestamp and print in the Python form [spec 139]", async () => {
  await using f = await responseFixture();
  const proc = await f.cb.select(Process, CMD);
  const [mod] = await Array.fromAsync(proc.modloads());
  assert.equal(
    String(mod),
    [
      "Cb Module Load event:",
      "timestamp            : 2016-10-25 20:20:30.790000",
      "md5                  : bf93a2f9901e9b3dfca8a7982f4a9868",
      String.raw`path                 : c:\windows\system32\cmd.exe`,
    ].join("\n"),
  );
  assert.equal(mod!.event_type, "Cb Module Load event");
  const [file] = await Array.fromAsync(proc.filemods());
  assert.deepEqual(String(file).split("\n").map((l) => l.split(" ")[0]), [
    "Cb",
    "timestamp",
    "type",
    "path",
    "filetype",
    "md5",
  ]);
  const [kid] = await Array.fromAsync(proc.childprocs());
  assert.match(
    String(kid),
    /^Cb Child Process event:\ntimestamp .*\nprocguid .*\npid .*\npath .*\nmd5 /,
  );
  const mixed: ProcessEvent[] = [file!, mod!, kid!];
  mixed.sort(ProcessEvent.compare);
  assert.deepEqual(mixed.map((e) => e.constructor.name), [
    "ModLoadEvent",
    "FileModEvent",
    "ChildProcEvent",
  ]);
  assert.ok(+mod! < +file!, "valueOf is the timestamp");
  assert.match(Deno.inspect(mod), /^<ModLoadEvent #0 2016-10-25 20:20:30\.790000>$/);
  assert.ok(!String(mod).includes(f.emu.token) && !Deno.inspect(mod).includes(f.emu.token));
});

Deno.test("event iterators rethrow the caller's abort reason unchanged", async () => {
  await using f = await responseFixture();
  const proc = await f.cb.select(Process, CMD);
  const controller = new AbortController();
  const reason = new Error("stop here");
  controller.abort(reason);
  const n = f.emu.requests.length;
  await assert.rejects(
    Array.fromAsync(proc.modloads({ signal: controller.signal })),
    (e) => e === reason,
  );
  assert.equal(f.emu.requests.length, n, "nothing sent");
  const live = new AbortController();
  let seen = 0;
  await assert.rejects(
    async () => {
      for await (const _ of proc.filemods({ signal: live.signal })) {
        if (++seen === 2) live.abort(reason);
      }
    },
    (e) => e === reason,
  );
  assert.equal(seen, 2);
});

Deno.test("path and process_md5 fall back to the first module load once events are loaded [spec 101]", async () => {
  await using s = await oddServer(V50, {
    [`/api/v1/process/${CMD}/1/event`]: eventDoc({
      modload_complete: [
        "2017-01-03 22:04:54.640|0123456789abcdef0123456789abcdef|c:\\tools\\thing.exe",
        "2017-01-03 22:04:54.700|fedcba9876543210fedcba9876543210|c:\\windows\\system32\\ntdll.dll",
      ],
    }),
  });
  const proc = await s.cb.select(Process, CMD);
  assert.equal(proc.path, undefined);
  assert.equal(proc.process_md5, undefined);
  const mods = await Array.fromAsync(proc.modloads());
  assert.equal(mods.length, 2);
  assert.equal(proc.path, String.raw`c:\tools\thing.exe`);
  assert.equal(proc.process_md5, "0123456789abcdef0123456789abcdef");
  assert.equal(proc.cmdline, String.raw`c:\tools\thing.exe`);
});
