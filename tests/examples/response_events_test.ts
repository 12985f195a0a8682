// The process-event examples of examples/response (file, registry and network events, event
// export), run against a fresh emulator.

import assert from "node:assert/strict";
import type { CbEmulator } from "@cbapi/cbapi/testing";
import { startEmulator } from "../_helpers.ts";
import { requestLines, runExample, tempDir } from "./_run.ts";

const CMD = "00000003-0000-036c-01d2-2efd3af51186";
const CMD_DC = "00000002-0000-0f2c-01d2-2a57625ca0dd";
const EXPLORER = "00000003-0000-0c34-01d2-2ec94f09cae6";
const DROPPER = "4a9cd774c8fc9883f2f2c1c91be75a4e";
const TMPDLL = "6e3eb2305deadf3618895d8d98e5c0eb";
const CHROME = "219297F5456D3DCD6005C369CAF9CB8E";
const TEMP = "c:\\users\\bit9rad\\appdata\\local\\temp\\";
const RW = ["--allow-read", "--allow-write"];

/** The decoded query (`q`) of each process search the emulator received. */
function processQueries(emu: CbEmulator): string[] {
  return emu.requests.filter((r) => r.url.startsWith("/api/v1/process?"))
    .map((r) => new URL(r.url, emu.url).searchParams.get("q") ?? "");
}

Deno.test("examples/response/cmd_exe_filemods.ts reports cmd.exe writes of exe/dll files with the written binary's signature [spec 76, 114]", async () => {
  await using emu = await startEmulator();
  // The server forgets tmpa4f2.dll: its last writes are still reported, without signature.
  assert.ok(emu.state.binaries.delete(TMPDLL.toUpperCase()));
  const run = await runExample(emu, "response/cmd_exe_filemods.ts", []);
  assert.equal(run.code, 0, run.stderr);
  const [hist, csv] = run.stdout.split("\n\n");
  assert.deepEqual(hist!.split("\n").map((l) => l.split(/\s+/).slice(0, 3).join(" ")), [
    "hostname:",
    " WIN7-HYPERV-2 4",
    " WIN-IA9NQ1GN8OI 2",
    " WIN-2K8R2-DC 1",
  ]);
  const lines = csv!.trimEnd().split("\n");
  // Four writes by each of the three one-segment cmd.exe, one by each of four segments.
  assert.equal(lines.length, 16);
  assert.ok(lines.includes(
    `2016-10-25 20:20:45.907000,WIN-IA9NQ1GN8OI,WIN-IA9NQ1GN8OI\\bit9rad,` +
      `c:\\windows\\system32\\cmd.exe,${TEMP}dropper.exe,LastWrote,${DROPPER},False,`,
  ));
  assert.ok(lines.includes(
    `2016-10-25 20:20:44.044000,WIN-IA9NQ1GN8OI,WIN-IA9NQ1GN8OI\\bit9rad,` +
      `c:\\windows\\system32\\cmd.exe,${TEMP}dropper.exe,CreatedFile,,,`,
  ));
  assert.ok(lines.includes(
    `2016-10-19 22:23:34.501000,WIN-2K8R2-DC,CORP\\administrator,` +
      `c:\\windows\\system32\\cmd.exe,${TEMP}tmpa4f2.dll,LastWrote,${TMPDLL},,`,
  ));
  assert.ok(lines.every((l) => /\.(exe|dll),/.test(l)), "only exe and dll paths");
  assert.equal(lines.filter((l) => l.includes(",LastWrote,")).length, 8);

  const urls = requestLines(emu);
  const q = "process_name%3Acmd.exe+%28filemod%3A%2A.exe+or+filemod%3A%2A.dll%29";
  assert.ok(urls.includes(
    `GET /api/v1/process?cb.urlver=1&facet=true&facet.field=hostname&q=${q}&rows=0&start=0`,
  ));
  assert.ok(urls.includes(`GET /api/v4/process/${CMD}/1/event`));
  // Each written binary is looked up once, the forgotten one (404) as well.
  assert.equal(
    urls.filter((u) => u === `GET /api/v1/binary/${DROPPER.toUpperCase()}/summary`).length,
    1,
  );
  assert.equal(
    urls.filter((u) => u === `GET /api/v1/binary/${TMPDLL.toUpperCase()}/summary`).length,
    1,
  );

  const json = await runExample(emu, "response/cmd_exe_filemods.ts", ["--json"]);
  assert.equal(json.code, 0, json.stderr);
  const rows = JSON.parse(json.stdout);
  assert.equal(rows.length, 16);
  assert.deepEqual(rows.find((r: { md5: string }) => r.md5 === DROPPER), {
    timestamp: "2017-05-22 14:27:27.168000",
    hostname: "WIN7-HYPERV-2",
    username: "WIN7-HYPERV-2\\dragon",
    process_path: "c:\\windows\\system32\\cmd.exe",
    path: `${TEMP}dropper.exe`,
    type: "LastWrote",
    md5: DROPPER,
    signed: false,
    product_name: "",
  });
});

Deno.test("examples/response/enumerate_usb_devices.ts finds no USB disks in the seeded data and passes --start into the query", async () => {
  await using emu = await startEmulator();
  const run = await runExample(emu, "response/enumerate_usb_devices.ts", ["--start=-2h"]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, "hostname:\n\nNo USB storage devices found\n");
  const q = "regmod:registry\\machine\\system\\currentcontrolset\\control\\deviceclasses\\" +
    "{53f56307-b6bf-11d0-94f2-00a0c91efb8b}\\* start:-2h";
  assert.deepEqual(processQueries(emu), [q, q]);
  const bad = await runExample(emu, "response/enumerate_usb_devices.ts", ["--start"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^error: Option '-s, --start <value>' argument missing/);
});

Deno.test("examples/response/enumerate_usb_devices.ts prints the device of each USB disk registry key [spec 115]", async () => {
  await using emu = await startEmulator();
  // Plug two USB disks into the documentation's explorer.exe (before the first search indexes
  // it). The keys lack the sensor's leading "\\": the emulator matches a wildcard against the
  // whole path, so the Python script's query (no leading "\\") would miss the real form.
  const key = "registry\\machine\\system\\currentcontrolset\\control\\deviceclasses\\" +
    "{53f56307-b6bf-11d0-94f2-00a0c91efb8b}\\";
  const regmods = emu.state.processes.get(EXPLORER)!.segments[0]!.events.regmods;
  for (
    const [n, tail] of [
      "##?#usbstor#disk&ven_sandisk&prod_cruzer&rev_1.26#200605&0#{53f56307-b6bf-11d0-94f2-00a0c91efb8b}",
      "##?#scsi#disk&ven_vmware&prod_virtual_disk#5&1982005&0&000000#{53f56307-b6bf-11d0-94f2-00a0c91efb8b}",
      "##?#usbstor#disk&ven_kingston&prod_dt_101_g2&rev_pmap#001372#{53f56307-b6bf-11d0-94f2-00a0c91efb8b}",
    ].entries()
  ) {
    regmods.push({ type: 1, time: `2016-10-26 09:0${n}:00.000`, path: key + tail, tamper: false });
  }
  const run = await runExample(emu, "response/enumerate_usb_devices.ts", []);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^hostname:\n {2}WIN-IA9NQ1GN8OI +1 100\.0% #+\n\n/);
  assert.deepEqual(run.stdout.trimEnd().split("\n").slice(3), [
    "ven_sandisk&prod_cruzer&rev_1.26#200605&0#{53f56307-b6bf-11d0-94f2-00a0c91efb8b}",
    "ven_kingston&prod_dt_101_g2&rev_pmap#001372#{53f56307-b6bf-11d0-94f2-00a0c91efb8b}",
  ]);
  // A disk key that is not a USB disk is reported as a warning on stderr.
  assert.match(run.stderr, /^WARN:::: .*scsi#disk&ven_vmware/);
  assert.ok(requestLines(emu).includes(`GET /api/v4/process/${EXPLORER}/1/event`));

  const json = await runExample(emu, "response/enumerate_usb_devices.ts", ["--json"]);
  assert.equal(json.code, 0, json.stderr);
  assert.deepEqual(JSON.parse(json.stdout)[0], {
    hostname: "WIN-IA9NQ1GN8OI",
    process: EXPLORER,
    timestamp: "2016-10-26T09:00:00.000Z",
    device: "ven_sandisk&prod_cruzer&rev_1.26#200605&0#{53f56307-b6bf-11d0-94f2-00a0c91efb8b}",
  });
});

Deno.test("examples/response/event_export.ts writes every event of a process (by GUID or web UI link) to {id}.{segment}.csv [spec 69, 103, 121]", async () => {
  await using emu = await startEmulator();
  await using dir = await tempDir();
  const run = await runExample(emu, "response/event_export.ts", ["--processid", CMD], {
    allow: RW,
    cwd: dir.path,
  });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(
    run.stdout,
    `43 events out of 43 total events exported from process at ${emu.url}/#analyze/${CMD}/0\n`,
  );
  assert.deepEqual(requestLines(emu).slice(-3), [
    `GET /api/v1/process/${CMD}/0`,
    `GET /api/v1/process/${CMD}/segment`,
    `GET /api/v4/process/${CMD}/1/event`,
  ]);
  const text = await Deno.readTextFile(`${dir.path}/${CMD}.0.csv`);
  const lines = text.split("\r\n");
  assert.equal(lines.at(-1), "", "CRLF line ends");
  assert.equal(lines[0], "ProcessPath,Timestamp,Event,Path/IP/Domain,Comments");
  assert.equal(lines.length, 45);
  const own = "c:\\windows\\system32\\cmd.exe";
  for (
    const expected of [
      `${own},2016-10-25 20:20:30.790000,modload,${own},bf93a2f9901e9b3dfca8a7982f4a9868`,
      `${own},2016-10-25 20:20:44.044000,CreatedFile,${TEMP}dropper.exe,`,
      `${own},2016-10-25 20:20:55.978000,CreatedKey,\\registry\\machine\\software\\dropper,`,
      `${own},2016-10-25 20:21:02.766000,Outbound netconn,fileserver.corp.local:445,`,
      `${own},2016-10-25 20:21:05.948000,Inbound netconn,192.168.215.10:50112,`,
      `${own},2016-10-25 20:21:09.411000,ProcessOpen,c:\\windows\\explorer.exe,PROCESS_ALL_ACCESS`,
      // This process as the target: the source's path comes first.
      `c:\\windows\\explorer.exe,2016-10-25 20:21:12.711000,ProcessOpen,${own},` +
      "PROCESS_VM_READ | PROCESS_QUERY_INFORMATION | PROCESS_QUERY_LIMITED_INFORMATION",
      `${own},2016-11-11 20:59:25.667000,childproc,c:\\windows\\system32\\net.exe,` +
      "net  use z: \\\\test\\blah",
      // A command line with quotes is quoted.
      `${own},2016-10-27 02:55:32.418000,childproc,c:\\windows\\system32\\conhost.exe,` +
      '"""c:\\windows\\system32\\conhost.exe"""',
    ]
  ) assert.ok(lines.includes(expected), expected);
  const times = lines.slice(1, -1).map((l) => l.split(",")[1]!);
  assert.deepEqual(times, [...times].sort(), "in time order");

  // A link to the process analysis page in the web UI works as well.
  const byLink = await runExample(emu, "response/event_export.ts", [
    "--processid",
    `${emu.url}/#/analyze/${CMD_DC}/1`,
    "--json",
  ], { allow: RW, cwd: dir.path });
  assert.equal(byLink.code, 0, byLink.stderr);
  assert.deepEqual(JSON.parse(byLink.stdout), [{
    id: CMD_DC,
    segment: 1,
    file: `${CMD_DC}.1.csv`,
    written: 38,
    total: 38,
    webui_link: `${emu.url}/#analyze/${CMD_DC}/1`,
  }]);
  const dcLines = (await Deno.readTextFile(`${dir.path}/${CMD_DC}.1.csv`)).split("\r\n");
  assert.equal(dcLines.length, 1 + 38 + 1, "header, 38 events, final CRLF");
  assert.ok(requestLines(emu).includes(`GET /api/v1/process/${CMD_DC}/1`));
});

Deno.test("examples/response/event_export.ts exports each process of a query and insists on exactly one of --processid/--query", async () => {
  await using emu = await startEmulator();
  await using dir = await tempDir();
  const run = await runExample(emu, "response/event_export.ts", [
    "--query",
    "process_name:cmd.exe hostname:WIN-IA9NQ1GN8OI",
  ], { allow: RW, cwd: dir.path });
  assert.equal(run.code, 0, run.stderr);
  const lines = run.stdout.trimEnd().split("\n");
  assert.equal(lines.length, 2);
  assert.ok(
    lines.every((l) => /^(\d+) events out of \1 total events exported from process at /.test(l)),
  );
  const files = [];
  for await (const entry of Deno.readDir(dir.path)) files.push(entry.name);
  assert.deepEqual(files.sort(), [`${CMD}.1.csv`, "00000003-0000-07d4-01d2-2efcd4949dfc.1.csv"]);
  assert.deepEqual(processQueries(emu), ["process_name:cmd.exe hostname:WIN-IA9NQ1GN8OI"]);

  const neither = await runExample(emu, "response/event_export.ts", [], {
    allow: RW,
    cwd: dir.path,
  });
  assert.equal(neither.code, 2);
  assert.match(
    neither.stderr,
    /^error: one of the arguments --processid --query is required\n\nUsage:/,
  );
  const both = await runExample(emu, "response/event_export.ts", [
    "--processid",
    CMD,
    "--query",
    "x",
  ], { allow: RW, cwd: dir.path });
  assert.equal(both.code, 2);
  const missing = await runExample(emu, "response/event_export.ts", [
    "--processid",
    "00000003-0000-0001-01d2-2efd3af51186",
  ], { allow: RW, cwd: dir.path });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^ObjectNotFoundError: .*00000003-0000-0001-01d2-2efd3af51186/);
});

Deno.test("examples/response/filemod_sensor_search.ts searches one sensor's file modifications by host name or id", async () => {
  await using emu = await startEmulator();
  const run = await runExample(emu, "response/filemod_sensor_search.ts", [
    "--sensor",
    "WIN-IA9NQ1GN8OI",
    "--filemod",
    "*.exe",
  ]);
  assert.equal(run.code, 0, run.stderr);
  const lines = run.stdout.trimEnd().split("\n");
  assert.equal(lines[0], "Sensor 3 (WIN-IA9NQ1GN8OI):");
  assert.match(lines[2]!, /^ {2}cmd\.exe +2 100\.0% #+$/);
  assert.deepEqual(lines.slice(4), [
    `2016-10-25 20:17:52.769  cmd.exe (pid 2004)  CreatedFile  ${TEMP}dropper.exe`,
    `2016-10-25 20:17:54.368  cmd.exe (pid 2004)  LastWrote    ${TEMP}dropper.exe  ${DROPPER}`,
    `2016-10-25 20:20:44.044  cmd.exe (pid 876)  CreatedFile  ${TEMP}dropper.exe`,
    `2016-10-25 20:20:45.907  cmd.exe (pid 876)  LastWrote    ${TEMP}dropper.exe  ${DROPPER}`,
  ]);
  assert.ok(requestLines(emu).includes("GET /api/v1/sensor?hostname=WIN-IA9NQ1GN8OI"));
  assert.deepEqual(processQueries(emu), ["sensor_id:3 filemod:*.exe", "sensor_id:3 filemod:*.exe"]);

  const byId = await runExample(emu, "response/filemod_sensor_search.ts", [
    "-s",
    "2",
    "-f",
    "C:\\Users\\*\\DROPPER.exe",
    "--json",
  ]);
  assert.equal(byId.code, 0, byId.stderr);
  assert.ok(requestLines(emu).includes("GET /api/v1/sensor/2"));
  const matches = JSON.parse(byId.stdout);
  assert.deepEqual(matches.map((m: { type: string }) => m.type), ["CreatedFile", "LastWrote"]);
  assert.deepEqual(matches[1], {
    timestamp: "2016-10-19T22:23:31.070Z",
    sensor_id: 2,
    hostname: "WIN-2K8R2-DC",
    process_name: "cmd.exe",
    process_pid: 3884,
    process_id: CMD_DC,
    type: "LastWrote",
    path: `${TEMP}dropper.exe`,
    md5: DROPPER,
  });

  const none = await runExample(emu, "response/filemod_sensor_search.ts", [
    "-s",
    "6",
    "-f",
    "*.exe",
  ]);
  assert.equal(none.code, 0, none.stderr);
  assert.match(
    none.stdout,
    /^Sensor 6 \(.*\):\nprocess_name:\n\nNo file modifications match \*\.exe\n$/,
  );
  const missing = await runExample(emu, "response/filemod_sensor_search.ts", [
    "-s",
    "99",
    "-f",
    "x",
  ]);
  assert.equal(missing.code, 1);
  assert.match(missing.stdout, /^Could not find Sensor with ID of 99: /);
  const usage = await runExample(emu, "response/filemod_sensor_search.ts", ["-s", "3"]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /required: --filemod/);
});

Deno.test("examples/response/new_binaries_with_netconns.ts writes the processes of new non-Microsoft binaries that made connections", async () => {
  await using emu = await startEmulator();
  await using dir = await tempDir();
  const target = `${dir.path}/new.csv`;
  const run = await runExample(emu, "response/new_binaries_with_netconns.ts", [
    "-d",
    "2016-10-01",
    "-f",
    target,
  ], { allow: RW });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, `12 processes of 4 new binaries written to ${target}\n`);
  assert.equal(run.stderr, "", "no progress output when stderr is not a terminal");
  const lines = (await Deno.readTextFile(target)).split("\r\n").slice(0, -1);
  assert.equal(
    lines[0],
    "FileName,Hostname,Username,Network Connections,Process Link,Binary Link,Binary MD5," +
      "Signature Status,Company,Observed Date,Host Count,Binary TimeStamp",
  );
  assert.equal(lines.length, 13);
  const chrome = "c:\\program files\\google\\chrome\\application\\chrome.exe";
  for (const line of lines.slice(1)) {
    const f = line.split(",");
    assert.equal(f[0], chrome);
    assert.equal(f[1], "WIN-IA9NQ1GN8OI");
    assert.equal(f[3], "3");
    assert.match(f[4]!, new RegExp(`^${emu.url}/#analyze/00000003-[0-9a-f-]{27}/1$`));
    assert.deepEqual(f.slice(5), [
      `${emu.url}/#binary/${CHROME}`,
      CHROME,
      "Signed",
      "Google Inc.",
      "2016-10-25 14:10:02.137000",
      "1",
      // The emulator's images carry no PE header.
      "Sun Sep 25 14:10:02 2016", // the PE header's link time,
    ]);
  }
  const queries = processQueries(emu);
  assert.equal(queries.length, 4, "one process search per new binary");
  assert.ok(queries.includes(`process_md5:${CHROME} netconn_count:[1 TO *]`));
  const binaryQ = emu.requests.filter((r) => r.url.startsWith("/api/v1/binary?"))
    .map((r) => new URL(r.url, emu.url).searchParams.get("q"));
  assert.equal(
    binaryQ[0],
    "host_count:[1 TO 3] server_added_timestamp:[2016-10-01T00:00:00 TO *] " +
      "-observed_filename:*.dll -digsig_publisher:Microsoft* -alliance_score_srstrust:*",
  );
  // Only the binary that made connections is downloaded (for its link time).
  assert.deepEqual(
    requestLines(emu).filter((l) => /^GET \/api\/v1\/binary\/[0-9A-F]{32}$/.test(l)),
    [`GET /api/v1/binary/${CHROME}`],
  );

  const json = await runExample(emu, "response/new_binaries_with_netconns.ts", [
    "--date-to-query",
    "2017-01-01",
    "--json",
  ]);
  assert.equal(json.code, 0, json.stderr);
  assert.deepEqual(JSON.parse(json.stdout), [], "no binary was added after 2017-01-01");
  const noDate = await runExample(emu, "response/new_binaries_with_netconns.ts", []);
  assert.equal(noDate.code, 2);
  assert.match(noDate.stderr, /required: --date-to-query/);
  const badDate = await runExample(emu, "response/new_binaries_with_netconns.ts", [
    "-d",
    "10/1/16",
  ]);
  assert.equal(badDate.code, 2);
  assert.match(badDate.stderr, /expected YYYY-MM-DD, got '10\/1\/16'/);
});

Deno.test("examples/response/process_netconn_rate.ts alerts on processes above a connection rate, newest first", async () => {
  await using emu = await startEmulator();
  const run = await runExample(emu, "response/process_netconn_rate.ts", ["-g", "1", "-r", "0.1"]);
  assert.equal(run.code, 0, run.stderr);
  const [hist, alerts] = run.stdout.split("\n\n");
  assert.match(hist!, /^hostname:\n {2}WIN-IA9NQ1GN8OI +16 +72\.7% #+\n {2}WIN7-HYPERV-2 +5 /);
  assert.deepEqual(alerts!.trimEnd().split("\n"), [
    "WIN7-HYPERV-2|WIN7-HYPERV-2\\dragon|ping.exe|1.1682",
    "WIN7-HYPERV-2|WIN7-HYPERV-2\\dragon|ping.exe|0.1271",
    "WIN-IA9NQ1GN8OI|WIN-IA9NQ1GN8OI\\bit9rad|ping.exe|0.1330",
    "WIN-IA9NQ1GN8OI|WIN-IA9NQ1GN8OI\\bit9rad|ping.exe|0.3219",
  ]);
  const search = emu.requests.filter((r) => r.url.startsWith("/api/v1/process?")).at(-1)!;
  const params = new URL(search.url, emu.url).searchParams;
  assert.equal(params.get("q"), "netconn_count:[1 TO *]");
  assert.equal(params.get("sort"), "last_update desc");

  const json = await runExample(emu, "response/process_netconn_rate.ts", [
    "--gt-count",
    "3",
    "--rate",
    "0.001",
    "--json",
    "--skip-unknown",
  ]);
  assert.equal(json.code, 0, json.stderr);
  const rows = JSON.parse(json.stdout);
  // Six of the twelve chrome.exe (3 connections each) ran for less than 50 minutes.
  assert.equal(rows.length, 6);
  assert.ok(
    rows.every((r: { process_name: string; netconn_count: number; rate: number }) =>
      r.process_name === "chrome.exe" && r.netconn_count === 3 && r.rate > 0.001
    ),
  );

  const quiet = await runExample(emu, "response/process_netconn_rate.ts", []);
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.equal(quiet.stdout, "hostname:\n\n", "nothing has 100 connections");
  const bad = await runExample(emu, "response/process_netconn_rate.ts", ["-r", "fast"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^error: argument --rate: invalid float value: 'fast'/);
});
