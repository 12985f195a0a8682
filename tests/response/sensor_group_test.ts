import assert from "node:assert/strict";
import { ObjectNotFoundError } from "@cbapi/cbapi/core";
import { INSTALLER_KINDS, SensorGroup, Site } from "@cbapi/cbapi/response";
import { requestsSince, responseFixture } from "../_helpers.ts";

Deno.test("SensorGroup list, select, create, update and delete [spec 173]", async () => {
  await using f = await responseFixture();
  const groups = await f.cb.select(SensorGroup).toArray();
  assert.deepEqual(groups.map((g) => g.name), ["Default Group", "Servers"]);
  const sg = f.cb.create(SensorGroup);
  sg.name = "Critical Endpoints";
  sg.setSite(1);
  let n = f.emu.requests.length;
  await sg.save();
  assert.deepEqual(requestsSince(f.emu, n), ["POST /api/group", "GET /api/group/3"]);
  assert.equal(f.emu.requests[n]!.body, '{"name": "Critical Endpoints", "site_id": 1}');
  sg.banning_enabled = false;
  n = f.emu.requests.length;
  await sg.save();
  assert.deepEqual(requestsSince(f.emu, n), ["PUT /api/group/3", "GET /api/group/3"]);
  assert.equal(f.emu.state.groups.get(3)?.banning_enabled, false);
  await sg.delete();
  assert.ok(!f.emu.state.groups.has(3));
  await assert.rejects(f.cb.select(SensorGroup, 3), ObjectNotFoundError);
});

Deno.test("SensorGroup.sensors() queries the sensors of the group [spec 174]", async () => {
  await using f = await responseFixture();
  const sg = await f.cb.select(SensorGroup, 1);
  const n = f.emu.requests.length;
  const sensors = await sg.sensors().toArray();
  assert.ok(sensors.length > 0);
  assert.ok(sensors.every((s) => s.group_id === 1));
  assert.deepEqual(requestsSince(f.emu, n), ["GET /api/v1/sensor?groupid=1"]);
});

Deno.test("SensorGroup.site() joins on site_id and setSite() stores the site's id [spec 175]", async () => {
  await using f = await responseFixture();
  const sg = await f.cb.select(SensorGroup, 2);
  const site = await sg.site();
  assert.ok(site instanceof Site);
  assert.equal(site.name, "Default Site");
  const branch = f.cb.create(Site, { name: "Branch" });
  await branch.save();
  sg.setSite(branch);
  assert.equal(sg.site_id, branch.id);
  assert.match(String(sg), /\(\*\)\s+site_id: 2/);
  await sg.save();
  assert.equal(JSON.parse(f.emu.requests.at(-2)!.body).site_id, 2);
  assert.equal(f.emu.state.groups.get(2)?.site_id, 2);
  assert.equal((await sg.site())?.name, "Branch");
  assert.throws(() => sg.setSite(f.cb.create(Site, { name: "unsaved" })), TypeError);
});

Deno.test("SensorGroup.installer() streams the ZIP for each installer kind; unknown kinds are refused [spec 176]", async () => {
  await using f = await responseFixture();
  const sg = await f.cb.select(SensorGroup, 1);
  for (const kind of INSTALLER_KINDS) {
    const n = f.emu.requests.length;
    const bytes = new Uint8Array(await new Response(await sg.installer(kind)).arrayBuffer());
    assert.deepEqual([...bytes.subarray(0, 2)], [0x50, 0x4b]);
    assert.deepEqual(requestsSince(f.emu, n), [`GET /api/v1/group/1/installer/${kind}`]);
  }
  const n = f.emu.requests.length;
  const def = await sg.installer();
  await def.cancel();
  assert.equal(f.emu.requests[n]!.path, "/api/v1/group/1/installer/windows/exe");
  await assert.rejects(sg.installer("solaris" as never), RangeError);
  const gone = f.cb.create(SensorGroup, { name: "x", site_id: 1 });
  await gone.save();
  await gone.delete();
  await assert.rejects(gone.installer("linux"), ObjectNotFoundError);
});

Deno.test("SensorGroup.dataSharing() reads GET /api/v1/group/{id}/datasharing", async () => {
  await using f = await responseFixture();
  const sg = await f.cb.select(SensorGroup, 1);
  const n = f.emu.requests.length;
  const shares = await sg.dataSharing();
  assert.deepEqual(requestsSince(f.emu, n), ["GET /api/v1/group/1/datasharing"]);
  assert.deepEqual(shares.map((s) => `${s.who}:${s.what}`), ["BIT9:BIN", "BIT9:MODINFO"]);
});
