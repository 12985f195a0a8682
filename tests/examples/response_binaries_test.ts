// The binary and server examples of examples/response, run against a fresh emulator.

import assert from "node:assert/strict";
import { startEmulator } from "../_helpers.ts";
import { requestLines, runExample, tempDir } from "./_run.ts";

const NOTEPAD = "7FB55F5A62E78AF9B58D08AAEEAEF848";
const RW = ["--allow-read", "--allow-write"];

Deno.test("examples/response/binary_download.ts streams the docs' notepad.exe to a file", async () => {
  await using emu = await startEmulator();
  await using dir = await tempDir();
  const target = `${dir.path}/notepad.exe`;
  const run = await runExample(emu, "response/binary_download.ts", [
    "--md5",
    NOTEPAD,
    "--filename",
    target,
  ], { allow: RW });
  assert.equal(run.code, 0, run.stderr);
  const data = await Deno.readFile(target);
  assert.equal(run.stdout, `-> Downloaded binary ${NOTEPAD} [${data.length} bytes]\n`);
  assert.equal(new TextDecoder().decode(data.subarray(0, 2)), "MZ");
  assert.equal(run.stderr, "", "no progress output when stderr is not a terminal");
  assert.deepEqual(requestLines(emu).slice(-2), [
    `GET /api/v1/binary/${NOTEPAD}/summary`,
    `GET /api/v1/binary/${NOTEPAD}`,
  ]);
  const missing = await runExample(emu, "response/binary_download.ts", ["--md5", NOTEPAD]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /required: --filename\n\nUsage: binary_download\.ts/);
});

Deno.test("examples/response/binary_export.ts writes every binary's MD5, paging the search", async () => {
  await using emu = await startEmulator();
  await using dir = await tempDir();
  const target = `${dir.path}/md5s.txt`;
  const run = await runExample(emu, "response/binary_export.ts", ["--filename", target], {
    allow: RW,
  });
  assert.equal(run.code, 0, run.stderr);
  const lines = (await Deno.readTextFile(target)).trimEnd().split("\n");
  assert.equal(lines.length, emu.state.binaries.size);
  assert.ok(lines.includes(NOTEPAD));
  assert.ok(lines.every((l) => /^[0-9A-F]{32}$/.test(l)));
  assert.ok(
    requestLines(emu).some((l) => l.startsWith("GET /api/v1/binary?") && l.includes("rows=0")),
  );
});

Deno.test("examples/response/binary_search.ts prints a facet histogram and each binary's details", async () => {
  await using emu = await startEmulator();
  const run = await runExample(emu, "response/binary_search.ts", ["--query", "notepad.exe"]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^company_name:\n {2}Microsoft Corporation\s+\d+\s+[\d.]+% #+$/m);
  assert.match(run.stdout, new RegExp(`^${NOTEPAD}\n-{80}\nSize \\(bytes\\) {9}: 9216$`, "m"));
  assert.match(run.stdout, /^On-Disk Filename {5}: notepad\.exe$/m);
  const urls = requestLines(emu);
  assert.ok(urls.some((u) => u.includes("facet.field=company_name")));
  assert.ok(urls.some((u) => u.startsWith("GET /api/v1/binary?") && u.includes("q=notepad.exe")));
  const json = await runExample(emu, "response/binary_search.ts", [
    "--query",
    "notepad.exe",
    "--json",
  ]);
  const docs = JSON.parse(json.stdout);
  assert.ok(docs.some((d: { md5: string }) => d.md5 === NOTEPAD));
});

Deno.test("examples/response/ban_hash.ts bans a hash and reports the server's refusal of a second ban", async () => {
  await using emu = await startEmulator();
  const run = await runExample(emu, "response/ban_hash.ts", ["-H", NOTEPAD, "-d", "evil"]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, `Hash ${NOTEPAD} successfully banned\n`);
  const post = emu.requests.find((r) => r.method === "POST")!;
  assert.equal(post.url, "/api/v1/banning/blacklist");
  assert.deepEqual(JSON.parse(post.body), { enabled: true, md5hash: NOTEPAD, text: "evil" });
  const doc = emu.state.bannedHashes.get(NOTEPAD.toLowerCase())!;
  assert.equal(doc.enabled, true);
  assert.equal(doc.text, "evil");
  const again = await runExample(emu, "response/ban_hash.ts", ["--hash", NOTEPAD]);
  assert.equal(again.code, 1);
  assert.match(again.stdout, new RegExp(`^Error banning hash ${NOTEPAD}: .*409`));
});

Deno.test("examples/response/server_info.ts prints /api/info sorted by key", async () => {
  await using emu = await startEmulator({ serverVersion: "6.1.2.171114.1158" });
  const run = await runExample(emu, "response/server_info.ts", []);
  assert.equal(run.code, 0, run.stderr);
  const lines = run.stdout.trimEnd().split("\n");
  assert.equal(lines[0], emu.url);
  assert.equal(lines[1], "-".repeat(80));
  assert.ok(lines.includes(`${"version".padEnd(30)} : 6.1.2.171114.1158`));
  assert.ok(lines.includes(`${"cblrEnabled".padEnd(30)} : True`));
  const keys = lines.slice(2).map((l) => l.split(" : ")[0]!.trim());
  assert.deepEqual(keys, [...keys].sort());
  const json = await runExample(emu, "response/server_info.ts", ["--json"]);
  assert.equal(JSON.parse(json.stdout).version, "6.1.2.171114.1158");
});

Deno.test("examples/response/check_datasharing.ts reads every group's data sharing settings", async () => {
  await using emu = await startEmulator();
  const run = await runExample(emu, "response/check_datasharing.ts", []);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(
    run.stdout,
    "No sensor groups are configured to send unknown binaries to VirusTotal\n",
  );
  const urls = requestLines(emu);
  for (const id of emu.state.groups.keys()) {
    assert.ok(urls.includes(`GET /api/v1/group/${id}/datasharing`));
  }
});

Deno.test("examples/response/download_sensor_installer.ts saves a group's installer by id or name", async () => {
  await using emu = await startEmulator();
  await using dir = await tempDir();
  const target = `${dir.path}/installer.zip`;
  const byName = await runExample(emu, "response/download_sensor_installer.ts", [
    "-f",
    target,
    "-g",
    "Servers",
    "-t",
    "windows/msi",
  ], { allow: RW });
  assert.equal(byName.code, 0, byName.stderr);
  assert.equal(
    byName.stdout,
    `-> Downloading windows/msi installer for group Servers to file ${target}...\n` +
      "-> Download complete\n",
  );
  assert.equal(requestLines(emu).at(-1), "GET /api/v1/group/2/installer/windows/msi");
  const zip = await Deno.readFile(target);
  assert.equal(new TextDecoder().decode(zip.subarray(0, 2)), "PK");
  const byId = await runExample(emu, "response/download_sensor_installer.ts", ["-f", target], {
    allow: RW,
  });
  assert.equal(byId.code, 0, byId.stderr);
  assert.equal(requestLines(emu).at(-1), "GET /api/v1/group/1/installer/windows/exe");
  const none = await runExample(emu, "response/download_sensor_installer.ts", [
    "-f",
    target,
    "-g",
    "Nope",
  ], { allow: RW });
  assert.equal(none.code, 1);
  assert.equal(none.stdout, "Could not find sensor group via id or name (Nope)\n");
});

Deno.test("examples/response/dump_all_binaries.ts mirrors binaries and documents into an MD5 tree", async () => {
  await using emu = await startEmulator();
  await using dir = await tempDir();
  const run = await runExample(emu, "response/dump_all_binaries.ts", [
    "-d",
    dir.path,
    "--query",
    "observed_filename:notepad.exe",
  ], { allow: RW });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, new RegExp(`^Grabbed ${NOTEPAD} binary & process document$`, "m"));
  const path = `${dir.path}/7FB/55F/${NOTEPAD}`;
  assert.equal(new TextDecoder().decode((await Deno.readFile(path)).subarray(0, 2)), "MZ");
  assert.equal(JSON.parse(await Deno.readTextFile(`${path}.json`)).md5, NOTEPAD);
  const again = await runExample(emu, "response/dump_all_binaries.ts", [
    "-d",
    dir.path,
    "--query",
    "observed_filename:notepad.exe",
  ], { allow: RW });
  assert.match(again.stdout, new RegExp(`^already have ${NOTEPAD}$`, "m"));
});
