import assert from "node:assert/strict";
import { startEmulator } from "../_helpers.ts";
import { call, emuClient, unzip } from "./_helpers.ts";

Deno.test("[spec 324] binary summary: documentation binaries, case-insensitive md5, 404", async () => {
  await using emu = await startEmulator();
  const notepad = await call(emu, "/api/v1/binary/7fb55f5a62e78af9b58d08aaeeaef848/summary");
  assert.equal(notepad.status, 200);
  assert.equal(notepad.json.md5, "7FB55F5A62E78AF9B58D08AAEEAEF848");
  assert.equal(notepad.json.original_filename, "notepad.exe");
  assert.equal(notepad.json.digsig_result, "Signed");
  assert.equal(notepad.json.digsig_publisher, "Microsoft Corporation");
  const pnrp = await call(emu, "/api/v1/binary/CA4FAFFA957C71C006B59E29DFE3EB8B/summary");
  assert.equal(pnrp.json.file_desc, "PNRP Name Space Provider");
  const appid = (await call(emu, "/api/v1/binary/C7F5CAE0B450BE875EEE0E6DDFA771FE/summary")).json;
  for (
    const k of [
      "digsig_result_code",
      "file_version",
      "product_version",
      "company_name",
      "observed_filename",
      "endpoint",
      "host_count",
      "orig_mod_len",
      "is_64bit",
      "is_executable_image",
      "server_added_timestamp",
      "icon",
      "watchlists",
      "group",
    ]
  ) assert.ok(k in appid, k);
  const cmd = (await call(emu, "/api/v1/binary/BF93A2F9901E9B3DFCA8A7982F4A9868/summary")).json;
  assert.ok(cmd.endpoint.includes("WIN-IA9NQ1GN8OI|3"));
  assert.equal(cmd.host_count, cmd.endpoint.length);
  const dropper =
    (await call(emu, "/api/v1/binary?q=alliance_score_virustotal:[1%20TO%20*]&rows=5")).json;
  assert.equal(dropper.results[0].digsig_result, "Unsigned");
  assert.equal(dropper.results[0].alliance_score_virustotal, "42");
  const missing = await call(emu, "/api/v1/binary/00000000000000000000000000000000/summary");
  assert.equal(missing.status, 404);
  assert.equal((await call(emu, "/api/v1/binary/00000000000000000000000000000000")).status, 404);
});

Deno.test("[spec 324] binary download: a deflated ZIP with filedata (MZ) and metadata", async () => {
  await using emu = await startEmulator();
  using client = emuClient(emu);
  const res = await fetch(`${emu.url}/api/v1/binary/C7F5CAE0B450BE875EEE0E6DDFA771FE`, {
    client,
    headers: { "X-Auth-Token": emu.token },
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "application/zip");
  const zip = new Uint8Array(await res.arrayBuffer());
  assert.equal(Number(res.headers.get("content-length")), zip.length);
  const members = await unzip(zip);
  assert.deepEqual(members.map((m) => m.name), ["filedata", "metadata"]);
  assert.ok(members.every((m) => m.crcOk));
  const [filedata, metadata] = members;
  assert.equal(filedata!.data.length, 50688);
  assert.equal(new TextDecoder().decode(filedata!.data.subarray(0, 2)), "MZ");
  assert.equal(
    new TextDecoder().decode(metadata!.data),
    "Timestamp : 02/01/2017 04:05:44\r\nOrigFilename : \\Device\\HarddiskVolume2\\windows\\system32\\drivers\\appid.sys\r\n",
  );
  const again = await fetch(`${emu.url}/api/v1/binary/c7f5cae0b450be875eee0e6ddfa771fe`, {
    client,
    headers: { "X-Auth-Token": emu.token },
  });
  assert.deepEqual(new Uint8Array(await again.arrayBuffer()), zip);
});

Deno.test("[spec 324] large binaries stream as a chunked ZIP with data descriptors", async () => {
  await using emu = await startEmulator({ scale: 100 });
  using client = emuClient(emu);
  assert.equal(emu.state.binaries.size, 128);
  const big = [...emu.state.binaries.values()].find((b) => b.size > 1024 * 1024)!;
  assert.equal(big.size, 16 * 1024 * 1024);
  const res = await fetch(`${emu.url}/api/v1/binary/${big.md5}`, {
    client,
    headers: { "X-Auth-Token": emu.token },
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-length"), null);
  const members = await unzip(new Uint8Array(await res.arrayBuffer()));
  assert.equal(members[0]!.flags & 0x08, 0x08);
  assert.equal(members[0]!.data.length, big.size);
  assert.ok(members.every((m) => m.crcOk));
  assert.equal(new TextDecoder().decode(members[0]!.data.subarray(0, 2)), "MZ");
});

Deno.test("[spec 324] a large download cancelled midway leaves nothing running", async () => {
  await using emu = await startEmulator({ scale: 100 });
  using client = emuClient(emu);
  const big = [...emu.state.binaries.values()].find((b) => b.size > 1024 * 1024)!;
  const res = await fetch(`${emu.url}/api/v1/binary/${big.md5}`, {
    client,
    headers: { "X-Auth-Token": emu.token },
  });
  const reader = res.body!.getReader();
  await reader.read();
  await reader.cancel();
  assert.equal((await call(emu, "/api/info")).status, 200);
});
