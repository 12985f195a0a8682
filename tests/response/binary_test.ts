import assert from "node:assert/strict";
import { InvalidHashError, ObjectNotFoundError } from "@cbapi/cbapi/core";
import { BannedHash, Binary, Sensor } from "@cbapi/cbapi/response";
import { requestsSince, responseFixture } from "../_helpers.ts";

const NOTEPAD = "7FB55F5A62E78AF9B58D08AAEEAEF848";

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

Deno.test("select(Binary, md5) upper-cases the hash, validates it and loads the summary [spec 140,141]", async () => {
  await using f = await responseFixture();
  const n = f.emu.requests.length;
  const bin = await f.cb.select(Binary, NOTEPAD.toLowerCase());
  assert.deepEqual(requestsSince(f.emu, n), [`GET /api/v1/binary/${NOTEPAD}/summary`]);
  assert.equal(bin.md5sum, NOTEPAD);
  assert.equal(bin.original_filename, "notepad.exe");
  await assert.rejects(f.cb.select(Binary, "xyz"), InvalidHashError);
  await assert.rejects(
    f.cb.select(Binary, "00000000000000000000000000000000"),
    ObjectNotFoundError,
  );
});

Deno.test("file() streams the unzipped binary out of the server's ZIP [spec 142]", async () => {
  await using f = await responseFixture();
  const bin = await f.cb.select(Binary, NOTEPAD);
  const bytes = await readAll(await bin.file());
  assert.equal(new TextDecoder().decode(bytes.subarray(0, 2)), "MZ");
  assert.equal(bytes.length, bin.size);
  const reader = (await bin.file()).getReader();
  const first = await reader.read();
  assert.ok(first.value && first.value.length > 0);
  await reader.cancel();
  const gone = await f.cb.select(Binary, "C7F5CAE0B450BE875EEE0E6DDFA771FE");
  assert.equal((await readAll(await gone.file())).subarray(0, 2).join(), "77,90");
});

Deno.test("binary metadata: signed, signing data, version info, size, flags, link [spec 144,145,146,147,152,153,154,155]", async () => {
  await using f = await responseFixture();
  const bin = await f.cb.select(Binary, "C7F5CAE0B450BE875EEE0E6DDFA771FE");
  assert.equal(bin.signed, true);
  assert.equal(bin.digsig_publisher, "Microsoft Corporation");
  assert.equal(bin.signing_data.result, "Signed");
  assert.ok(bin.signing_data.sign_time instanceof Date);
  assert.equal(bin.digsig_prog_name, "Microsoft\u00ae Windows\u00ae Operating System");
  assert.equal(bin.signing_data.program_name, bin.digsig_prog_name);
  assert.equal(bin.version_info.original_filename, "appid.sys");
  assert.equal(bin.version_info.file_desc, "AppID Driver");
  assert.equal(bin.size, 50688);
  assert.equal(bin.copied_size, 0);
  assert.equal(bin.is_64bit, false);
  assert.equal(bin.is_executable_image, true);
  assert.deepEqual(bin.observed_filenames, ["c:\\windows\\system32\\drivers\\appid.sys"]);
  assert.equal(bin.webui_link, `${f.cb.url}/#binary/C7F5CAE0B450BE875EEE0E6DDFA771FE`);
  assert.equal(bin.get("no_such_field"), undefined, "unknown fields read as undefined [spec 156]");
  assert.equal(bin.get("product_version", "<unknown>"), "6.1.7601.23418");
  assert.equal(bin.get("no_such_field", "<unknown>"), "<unknown>");
  const unsigned = await f.cb.select(Binary).where("digsig_result:Unsigned").first();
  assert.ok(unsigned);
  assert.equal(unsigned.signed, false);
});

Deno.test("frequency() asks the host count route once [spec 143]", async () => {
  await using f = await responseFixture();
  const bin = await f.cb.select(Binary, NOTEPAD);
  const n = f.emu.requests.length;
  const freq = await bin.frequency();
  await bin.frequency();
  assert.deepEqual(requestsSince(f.emu, n), [
    `GET /api/v1/process/host/count?cb.freqver=1&md5=${NOTEPAD}&name=md5`,
  ]);
  assert.ok(freq.computer_count >= 1);
  assert.ok(freq.module_frequency >= 0 && freq.module_frequency <= 1);
});

Deno.test("endpoints() gives the hosts as sensors [spec 151]", async () => {
  await using f = await responseFixture();
  const bin = await f.cb.select(Binary, NOTEPAD);
  const hosts = bin.endpoints();
  assert.ok(hosts.length >= 1);
  assert.ok(hosts.every((s) => s instanceof Sensor));
  const win = hosts.find((s) => s.hostname === "WIN-IA9NQ1GN8OI");
  assert.equal(win?.uniqueId, 3);
});

Deno.test("banned() is false until a BannedHash is saved, then the ban document [spec 150,195,194]", async () => {
  await using f = await responseFixture();
  const bin = await f.cb.select(Binary, "CA4FAFFA957C71C006B59E29DFE3EB8B");
  assert.equal(await bin.banned(), false);
  const bh = f.cb.create(BannedHash);
  bh.md5hash = bin.md5sum;
  bh.text = "Banned from API";
  bh.enabled = true;
  const n = f.emu.requests.length;
  await bh.save();
  assert.deepEqual(requestsSince(f.emu, n), [
    "POST /api/v1/banning/blacklist",
    "GET /api/v1/banning/blacklist/CA4FAFFA957C71C006B59E29DFE3EB8B",
  ]);
  assert.equal(
    f.emu.requests[n]!.body,
    '{"enabled": true, "md5hash": "CA4FAFFA957C71C006B59E29DFE3EB8B", "text": "Banned from API"}',
  );
  const ban = await bin.banned();
  assert.ok(ban && ban.text === "Banned from API");
  const m = f.emu.requests.length;
  const all = await f.cb.select(BannedHash).toArray();
  assert.ok(all.some((b) => b.md5hash?.toUpperCase() === bin.md5sum));
  assert.equal(f.emu.requests[m]!.url, "/api/v1/banning/blacklist?count=10000");
});
