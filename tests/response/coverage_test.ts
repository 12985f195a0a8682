import assert from "node:assert/strict";
import { ApiError } from "@cbapi/cbapi/core";
import {
  BannedHash,
  Binary,
  Feed,
  Process,
  Sensor,
  SensorGroup,
  Watchlist,
} from "@cbapi/cbapi/response";
import { requestsSince, responseFixture } from "../_helpers.ts";

Deno.test("objects built from rows make no request until load(); then exactly one [spec 34]", async () => {
  await using f = await responseFixture();
  const bin = await f.cb.select(Binary, "7FB55F5A62E78AF9B58D08AAEEAEF848");
  const n = f.emu.requests.length;
  const hosts = bin.endpoints();
  const host = hosts.find((s) => s.hostname === "WIN-IA9NQ1GN8OI")!;
  assert.equal(host.fullyInitialized, false);
  assert.equal(host.get("os_type"), undefined, "not in the row");
  assert.equal(f.emu.requests.length, n, "no request yet");
  await host.load();
  await host.load();
  assert.deepEqual(requestsSince(f.emu, n), ["GET /api/v1/sensor/3"]);
  assert.equal(host.os_type, 1);
});

Deno.test("originalDocument is the document as the server sent it [spec 38]", async () => {
  await using f = await responseFixture();
  const s = await f.cb.select(Sensor, 1);
  const doc = s.originalDocument;
  assert.equal(doc.clock_delta, "106");
  assert.equal(doc.registration_time, "2017-01-31 21:51:50.285876-06:00");
  doc.clock_delta = "changed";
  assert.equal(s.originalDocument.clock_delta, "106", "a copy, not the live document");
});

Deno.test("schema-typed fields: integer, boolean, date, array, object and base64 bytes [spec 39]", async () => {
  await using f = await responseFixture();
  const s = await f.cb.select(Sensor, 1);
  assert.equal(typeof s.id, "number");
  assert.equal(s.supports_cblr, true);
  assert.ok(s.registration_time instanceof Date);
  assert.equal(s.registration_time!.toISOString(), "2017-02-01T03:51:50.285Z");
  assert.equal(s.event_log_flush_time, undefined, "null date reads undefined");
  s.set("network_isolation_enabled", "false");
  assert.equal(s.network_isolation_enabled, false, 'the string "false" is false');
  s.reset();
  const sg = await f.cb.select(SensorGroup, 1);
  assert.ok(Array.isArray(sg.get("team_access")));
  const feed = (await f.cb.select(Feed).toArray()).find((x) => x.get("icon"))!;
  assert.ok(feed, "a feed with an icon");
  const icon = feed.get<Uint8Array>("icon")!;
  assert.ok(icon instanceof Uint8Array && icon.length > 0);
  assert.deepEqual([...icon.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], "PNG bytes");
  const wl = (await f.cb.select(Watchlist).toArray())[0]!;
  assert.equal(typeof wl.get("id"), "string");
});

Deno.test("per-parent list queries need where() on the parent field [spec 62]", async () => {
  await using f = await responseFixture();
  const { FeedAction } = await import("@cbapi/cbapi/response");
  await assert.rejects(
    f.cb.select(FeedAction).toArray(),
    (e) =>
      e instanceof ApiError &&
      /Must use a search parameter: \.where\('group_id:<id>'\)/.test(e.message),
  );
  assert.throws(() => f.cb.select(FeedAction).where("feed_id:1"), /Field name must be: group_id/);
  const feed = (await f.cb.select(Feed).toArray())[0]!;
  const actions = await f.cb.select(FeedAction).where(`group_id:${feed.uniqueId}`).toArray();
  assert.ok(actions.every((a) => String(a.get("group_id")) === String(feed.uniqueId)));
  assert.throws(() => f.cb.select(FeedAction).where("group_id:1").where("group_id:2"), ApiError);
});

Deno.test("the Live Response manager needs cblrEnabled; sensors without Live Response are refused [spec 70,167]", async () => {
  await using f = await responseFixture();
  assert.ok(f.cb.liveResponse);
  f.emu.state.sensors.get(6)!.supports_cblr = false; // an older Linux sensor
  const linux = await f.cb.select(Sensor, 6);
  const n = f.emu.requests.length;
  await assert.rejects(
    linux.lrSession(),
    (e) => e instanceof ApiError && /does not support Live Response/.test(e.message),
  );
  assert.equal(f.emu.requests.length, n, "refused before any request");
  const info = await f.cb.info();
  const { CbEmulator } = await import("@cbapi/cbapi/testing");
  await using emu = await CbEmulator.start();
  emu.faults.add({
    path: "/api/info",
    status: 200,
    body: JSON.stringify({ ...info, cblrEnabled: false }),
  });
  const { CbResponseAPI } = await import("@cbapi/cbapi/response");
  await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
  assert.throws(
    () => cb.liveResponse,
    (e) => e instanceof ApiError && /does not support Live Response/.test(e.message),
  );
});

Deno.test("legacy 5.x partitions make every process query send cb.legacy_5x_mode=True [spec 86]", async () => {
  const { CbEmulator } = await import("@cbapi/cbapi/testing");
  const { CbResponseAPI } = await import("@cbapi/cbapi/response");
  await using emu = await CbEmulator.start();
  emu.faults.add({
    path: "/api/v1/storage/events/partition",
    status: 200,
    body: JSON.stringify({
      cbevents_2016_01_01_0000: { name: "cbevents_2016_01_01_0000", info: { isLegacy: true } },
    }),
  });
  await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
  assert.equal(cb.legacyPartitions, true);
  await cb.select(Process).where("process_name:cmd.exe").count();
  assert.match(emu.requests.at(-1)!.query, /(^|&)cb\.legacy_5x_mode=True(&|$)/);
  await cb.select(Binary).first();
  assert.ok(!emu.requests.at(-1)!.query.includes("legacy"), "binary searches do not");
});

Deno.test("Binary.virustotal and Binary.icon [spec 148,149]", async () => {
  await using f = await responseFixture();
  const dropper = (await f.cb.select(Binary).where("original_filename:dropper.exe").first())!;
  assert.equal(dropper.virustotal.score, 42);
  assert.match(dropper.virustotal.link, /virustotal/);
  const notepad = await f.cb.select(Binary, "7FB55F5A62E78AF9B58D08AAEEAEF848");
  assert.deepEqual(notepad.virustotal, { score: 0, link: "" });
  assert.ok(notepad.icon.length > 0);
  assert.deepEqual([...notepad.icon.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
});

Deno.test("BannedHash.binary() joins the banned binary [spec 196]", async () => {
  await using f = await responseFixture();
  const bh = f.cb.create(BannedHash, {
    md5hash: "7FB55F5A62E78AF9B58D08AAEEAEF848",
    text: "x",
    enabled: true,
  });
  await bh.save();
  const bin = await bh.binary();
  assert.ok(bin instanceof Binary);
  assert.equal(bin.original_filename, "notepad.exe");
  assert.equal(await bh.binary(), bin, "cached");
});
