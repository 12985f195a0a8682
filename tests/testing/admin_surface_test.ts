// The emulator's admin surface (/__emulator/...): data added from the shell shows up through the
// client exactly as seeded data does. Relies on: no Carbon Black server answers under /__emulator
// (the admin routes cannot shadow a real route), and the routes need the API token like the rest.

import assert from "node:assert/strict";
import { CbEmulator } from "@cbapi/cbapi/testing";
import { Alert, CbResponseAPI, Process } from "@cbapi/cbapi/response";
import { CbDefenseAPI } from "@cbapi/cbapi/defense";
import { FAST } from "../live_response/_helpers.ts";
import { admin } from "./_admin_cli.ts";

async function post(emu: CbEmulator, path: string, body: unknown, token = emu.token) {
  using client = Deno.createHttpClient({ caCerts: [emu.certPem!] });
  const res = await fetch(`${emu.url}/__emulator${path}`, {
    method: "POST",
    client,
    headers: { "X-Auth-Token": token, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json().catch(() => undefined) };
}

Deno.test("Admin routes need the API token and check their bodies", async () => {
  await using emu = await CbEmulator.start({ tls: true });
  assert.equal((await post(emu, "/response/alerts", {}, "wrong")).status, 401);
  assert.equal((await post(emu, "/response/processes", { sensorId: 3 })).status, 400);
  assert.equal((await post(emu, "/response/alerts", { sensorId: 999 })).status, 400);
  assert.equal((await post(emu, "/live-response/files", { sensorId: 3, path: "x" })).status, 400);
  const routes = await admin(emu, ["routes"]);
  assert.equal(routes.code, 0, routes.stderr);
  assert.ok(JSON.parse(routes.stdout).routes.length >= 7);
  const help = await admin(emu, ["--help"]);
  assert.equal(help.code, 0);
  for (const cmd of ["alert", "notify", "process", "file", "output", "sessions"]) {
    assert.match(help.stdout, new RegExp(`\\n  ${cmd} `));
  }
  const bad = await admin(emu, ["alert"], { CBEMU_TOKEN: "nope" });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /answered 401/);
});

Deno.test("An alert and a process with events added from the shell are found by the Response API", async () => {
  await using emu = await CbEmulator.start({ tls: true });
  const proc = await admin(emu, [
    "process",
    "--sensor",
    "3",
    "--name",
    "evil.exe",
    "--cmdline",
    "evil.exe -beacon",
    "--netconn",
    "203.0.113.9:443:c2.evil.example",
    "--filemod",
    "c:\\users\\public\\loot.zip",
  ]);
  assert.equal(proc.code, 0, proc.stderr);
  const guid = JSON.parse(proc.stdout).guid as string;
  const alert = await admin(emu, [
    "alert",
    "--process",
    guid,
    "--watchlist",
    "Beacons",
    "--score",
    "90",
  ]);
  assert.equal(alert.code, 0, alert.stderr);
  const alertId = JSON.parse(alert.stdout).unique_id as string;

  await using cb = await CbResponseAPI.connect({
    url: emu.url,
    token: emu.token,
    sslCertFile: emu.certFile!,
  });
  const found = await cb.select(Process).where("process_name:evil.exe").toArray();
  assert.equal(found.length, 1);
  assert.equal(found[0]!.get("cmdline"), "evil.exe -beacon");
  const conns = [];
  for await (const c of found[0]!.netconns()) conns.push(c);
  assert.deepEqual(conns.map((c) => [c.domain, c.remote_port]), [["c2.evil.example", 443]]);
  const alerts = await cb.select(Alert).where("watchlist_name:Beacons").toArray();
  assert.deepEqual(alerts.map((a) => a.get("unique_id")), [alertId]);
  assert.equal(alerts[0]!.get("process_name"), "evil.exe");
  assert.equal(alerts[0]!.get("status"), "Unresolved");
});

Deno.test("A Defense notification added from the shell reaches getNotifications() once", async () => {
  await using emu = await CbEmulator.start({ tls: true });
  const run = await admin(emu, ["notify", "--device", "12", "--summary", "Keylogger found"]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(JSON.parse(run.stdout).added, 1);
  await using cb = await CbDefenseAPI.connect({
    url: emu.url,
    token: emu.defenseToken,
    sslCertFile: emu.certFile!,
  });
  const [n, ...rest] = await cb.getNotifications();
  assert.equal(rest.length, 0);
  assert.equal(n?.type, "THREAT");
  const info = (n as Record<string, unknown>).deviceInfo as Record<string, unknown>;
  assert.equal(info.deviceId, 12);
  assert.match(String((n as Record<string, unknown>).eventDescription), /Keylogger found/);
  assert.deepEqual(await cb.getNotifications(), []);
});

Deno.test("Live Response: files and outputs added from the shell, realistic common commands, open sessions listed", async () => {
  await using emu = await CbEmulator.start({ tls: true });
  const file = await admin(emu, [
    "file",
    "--sensor",
    "3",
    "--path",
    "C:\\temp\\note.txt",
    "--text",
    "hello",
  ]);
  assert.equal(file.code, 0, file.stderr);
  const out = await admin(emu, [
    "output",
    "--sensor",
    "3",
    "--match",
    "qwinsta",
    "--text",
    "SESSIONNAME\r\n",
  ]);
  assert.equal(out.code, 0, out.stderr);
  await using cb = await CbResponseAPI.connect({
    url: emu.url,
    token: emu.token,
    sslCertFile: emu.certFile!,
  });
  cb.liveResponse.configure(FAST);
  await using s = await cb.liveResponse.requestSession(3);
  const listed = await admin(emu, ["sessions"]);
  assert.equal(listed.code, 0, listed.stderr);
  assert.deepEqual(
    JSON.parse(listed.stdout).sessions.map((
      x: Record<string, unknown>,
    ) => [x.product, x.sensorId, x.status]),
    [["response", 3, "active"]],
  );
  // getFile() and createProcess() answer FileBytes: .text() decodes them.
  assert.equal((await s.getFile("C:\\temp\\note.txt")).text(), "hello");
  const run = async (cmd: string) => (await s.createProcess(cmd))!.text();
  assert.equal(await run("qwinsta"), "SESSIONNAME\r\n");
  const ip = await run("ipconfig");
  assert.match(ip, /^\r\nWindows IP Configuration\r\n/);
  assert.match(ip, /IPv4 Address\. \. \. \. \. \. \. \. \. \. \. : 10\.0\.3\.\d+\r\n/);
  const ns = await run("netstat -ano");
  assert.match(ns, /Proto {2}Local Address {10}Foreign Address {8}State {11}PID\r\n/);
  assert.match(ns, /TCP {4}0\.0\.0\.0:445 .*LISTENING {7}4\r\n/);
  const tl = await run("tasklist");
  assert.match(tl, /^\r\nImage Name {21}PID Session Name/);
  assert.match(tl, /\r\ntasklist\.exe +\d+ Services/);
  assert.match(tl, /\r\nexplorer\.exe +1820 Console +1 +[\d,]+ K\r\n/);
  assert.equal(await run("whoami"), "nt authority\\system\r\n");
  const dir = await run("cmd.exe /c dir C:\\temp");
  assert.match(dir, / Directory of C:\\temp\r\n/);
  assert.match(dir, /<DIR> {10}dir1\r\n/);
  assert.match(dir, / 5 note\.txt\r\n/);
  assert.match(dir, /File\(s\)/);
});

Deno.test("emulator:admin drives an emulator serving an install-time certificate, and says what to check when it cannot reach it", async () => {
  // Relies on: a Cb Response server's install-time certificate is self-signed, CN=localhost,
  // CA:TRUE, with no subjectAltName; fetch refuses it even given as a CA, so the admin command
  // trusts exactly that certificate file over node:https (the first rehearsal from the shell
  // failed with "fetch failed").
  await using emu = await CbEmulator.start({ certificate: "install-time" });
  const made = await admin(emu, ["notify", "--device", "12", "--summary", "Keylogger"]);
  assert.equal(made.code, 0, made.stderr);
  assert.equal(JSON.parse(made.stdout).added, 1);
  assert.equal(emu.state.defense.notifications.length, 1);
  const lost = await admin(emu, ["sessions"], { CBEMU_URL: "https://127.0.0.1:1" });
  assert.equal(lost.code, 1);
  assert.match(
    lost.stderr,
    /Could not reach the emulator at https:\/\/127\.0\.0\.1:1 .*check --url/,
  );
});
