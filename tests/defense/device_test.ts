import assert from "node:assert/strict";
import {
  ApiError,
  Device,
  Event,
  ObjectNotFoundError,
  Policy,
  ServerError,
} from "@cbapi/cbapi/defense";
import { defenseFixture, linesSince, since, V3 } from "./_helpers.ts";

Deno.test("Device select by id unwraps deviceInfo and lists come from results [spec 262]", async () => {
  await using f = await defenseFixture();
  const dev = await f.cb.select(Device, 12);
  assert.equal(dev.deviceId, 12);
  assert.equal(dev.name, "WIN-IA9NQ1GN8OI");
  assert.equal(dev.lastInternalIpAddress, "192.168.215.150");
  assert.equal(dev.deviceType, "WINDOWS");
  assert.equal(dev.policyName, "Standard");
  assert.equal(dev.fullyInitialized, true);
  assert.equal(dev.get("deviceInfo"), undefined, "the wrapper is not kept");
  assert.deepEqual(dev.toJSON(), f.emu.state.defense.devices.get(12));
  // Cached: the same object without a second request; "12" is the same id.
  assert.equal(await f.cb.select(Device, "12"), dev);
  assert.deepEqual(linesSince(f.emu, 0), [`GET ${V3}/device/12`]);
  const fromList = await f.cb.select(Device).where("hostNameExact:WIN-2K8R2-DC").first();
  assert.equal(fromList?.deviceId, 13);
  assert.equal(fromList?.fullyInitialized, false);
  assert.equal(fromList?.osVersion, "Windows Server 2008 R2 x64 SP: 1");
});

Deno.test("Device select of an unknown id is ObjectNotFoundError [spec 262]", async () => {
  await using f = await defenseFixture();
  const err = await f.cb.select(Device, 999999).catch((e) => e);
  assert.ok(err instanceof ObjectNotFoundError);
  assert.match(err.message, /Device 999999 not found/);
  assert.equal(err.uri, `${f.emu.url}${V3}/device/999999`);
});

Deno.test("Device epoch-millisecond fields read as Dates, nulls as undefined [spec 263]", async () => {
  await using f = await defenseFixture();
  const dev = await f.cb.select(Device, 16);
  const raw = f.emu.state.defense.devices.get(16)!;
  assert.ok(dev.lastContact instanceof Date);
  assert.equal(dev.lastContact.getTime(), raw.lastContact);
  assert.equal(
    dev.registeredTime?.toISOString(),
    new Date(raw.registeredTime as number).toISOString(),
  );
  assert.ok(dev.deregisteredTime instanceof Date);
  assert.ok(dev.activationCodeExpiryTime instanceof Date);
  assert.ok(dev.createTime instanceof Date);
  assert.equal(dev.uninstalledTime, undefined, "null reads as undefined, not an error");
  assert.equal(dev.lastVirusActivityTime, undefined);
  assert.equal(dev.get("lastShutdownTime", "never"), "never");
  assert.equal(dev.quarantined, false);
  assert.deepEqual(dev.avStatus, ["AV_ACTIVE", "ONDEMAND_SCAN_DISABLED"]);
  assert.deepEqual(dev.messages, []);
  assert.equal(dev.policyId, 9);
  assert.equal(dev.get("policyId"), 9);
  assert.equal(typeof dev.deviceSessionId, "number");
});

Deno.test("Device.save() PATCHes only the changed policyId, then reloads [spec 264]", async () => {
  await using f = await defenseFixture();
  const dev = await f.cb.select(Device, 12);
  dev.policyId = 7;
  assert.deepEqual(dev.dirtyFields, ["policyId"]);
  assert.match(String(dev), /\(\*\)\s+policyId: 7/);
  const from = f.emu.requests.length;
  await dev.save();
  const sent = since(f.emu, from);
  assert.deepEqual(sent.map((r) => `${r.method} ${r.url}`), [
    `PATCH ${V3}/device/12`,
    `GET ${V3}/device/12`,
  ]);
  assert.equal(sent[0]!.body, '{"policyId": 7}');
  assert.equal(sent[0]!.headers["content-type"], "application/json");
  assert.equal(dev.policyId, 7);
  assert.equal(dev.policyName, "Restrictive_Windows_Workstation", "reloaded from the server");
  assert.equal(dev.isDirty(), false);
  assert.equal(f.emu.state.defense.devices.get(12)!.policyName, "Restrictive_Windows_Workstation");
  // Nothing changed: no request.
  await dev.save();
  assert.equal(f.emu.requests.length, from + 2);
});

Deno.test("Device.save() moves a device by policyName from a query row [spec 264]", async () => {
  await using f = await defenseFixture();
  const dev = (await f.cb.select(Device).where("hostNameExact:WIN-IA9NQ1GN8OI").first())!;
  dev.policyName = "Monitored";
  const from = f.emu.requests.length;
  await dev.save();
  const sent = since(f.emu, from);
  assert.deepEqual(sent.map((r) => `${r.method} ${r.url}`), [
    `GET ${V3}/device/12`,
    `PATCH ${V3}/device/12`,
    `GET ${V3}/device/12`,
  ]);
  assert.equal(sent[1]!.body, '{"policyName": "Monitored"}');
  assert.equal(dev.policyId, 9);
  assert.equal(f.emu.state.defense.devices.get(12)!.policyId, 9);
  const policy = await dev.policy();
  assert.ok(policy instanceof Policy);
  assert.equal(policy.name, "Monitored");
});

Deno.test("Device.save() to an unknown policy fails with the server's message and changes nothing [spec 264]", async () => {
  await using f = await defenseFixture();
  const dev = await f.cb.select(Device, 12);
  dev.policyName = "No_Such_Policy";
  const err = await dev.save().catch((e) => e);
  assert.ok(err instanceof ServerError);
  assert.equal(err.status, 400);
  assert.match(err.message, /No_Such_Policy does not exist/);
  assert.equal(f.emu.state.defense.devices.get(12)!.policyName, "Standard");
  assert.equal(f.emu.requests.filter((r) => r.method === "PATCH").length, 1, "sent once");
  dev.reset();
  assert.equal(dev.policyName, "Standard");
});

Deno.test("Device.save() raises on success: false and does not retry the PATCH", async () => {
  await using f = await defenseFixture();
  const dev = await f.cb.select(Device, 13);
  f.emu.faults.add({
    path: `${V3}/device/13`,
    method: "PATCH",
    status: 200,
    body: '{"success": false, "message": "Device is locked"}',
    times: 1,
  });
  dev.policyId = 8;
  await assert.rejects(
    dev.save(),
    (e: unknown) => e instanceof ServerError && /Device is locked/.test(e.message),
  );
  f.emu.faults.add({ path: `${V3}/device/13`, method: "PATCH", status: 503, times: 1 });
  await assert.rejects(dev.save(), (e: unknown) => e instanceof ServerError && e.status === 503);
  assert.equal(f.emu.requests.filter((r) => r.method === "PATCH").length, 2);
  assert.equal(f.emu.state.defense.devices.get(13)!.policyId, 6525);
});

Deno.test("Event list and select unwrap eventInfo; times are Dates [spec 266]", async () => {
  await using f = await defenseFixture();
  const events = await f.cb.select(Event).where("hostNameExact:WIN-IA9NQ1GN8OI").toArray();
  assert.ok(events.length > 0);
  assert.ok(events.every((e) => e.deviceDetails.deviceName === "WIN-IA9NQ1GN8OI"));
  const id = events[0]!.eventId!;
  assert.match(id, /^[0-9a-f]{32}$/);
  const from = f.emu.requests.length;
  const fresh = await f.cb.select(Event, id);
  assert.equal(fresh, events[0], "the cached query row, loaded in full");
  assert.equal(fresh.fullyInitialized, true);
  assert.deepEqual(linesSince(f.emu, from), [`GET ${V3}/event/${id}`]);
  assert.deepEqual(fresh.toJSON(), f.emu.state.defense.events.get(id));
  assert.ok(fresh.eventTime instanceof Date);
  assert.equal(fresh.eventTime.getTime(), f.emu.state.defense.events.get(id)!.eventTime);
  assert.equal(typeof fresh.processDetails.commandLine, "string");
  assert.throws(() => {
    (fresh as unknown as { eventType: string }).eventType = "X";
  }, TypeError);
  const dev = await fresh.device();
  assert.equal(dev?.deviceId, 12);
  await assert.rejects(f.cb.select(Event, "nope"), ObjectNotFoundError);
});

Deno.test("A single answer without its wrapper is a clear ApiError", async () => {
  await using f = await defenseFixture();
  f.emu.faults.add({ path: `${V3}/device/12`, status: 200, body: '{"success": true}', times: 1 });
  await assert.rejects(
    f.cb.select(Device, 12),
    (e: unknown) => e instanceof ApiError && /no "deviceInfo" object/.test(e.message),
  );
});
