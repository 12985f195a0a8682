import assert from "node:assert/strict";
import { ObjectNotFoundError, TimeoutError } from "@cbapi/cbapi/core";
import { Sensor, SensorGroup } from "@cbapi/cbapi/response";
import { requestsSince, responseFixture } from "../_helpers.ts";

Deno.test("select(Sensor, id) loads once; a missing sensor is ObjectNotFoundError [spec 157,35,36]", async () => {
  await using f = await responseFixture();
  const n = f.emu.requests.length;
  const s = await f.cb.select(Sensor, 1);
  assert.equal(s.id, 1);
  assert.equal(s.hostname, "WIN7-HYPERV-2");
  assert.equal(s.supports_cblr, true);
  assert.ok(s.registration_time instanceof Date);
  assert.equal(await f.cb.select(Sensor, "1"), s, 'same cached object for 1 and "1"');
  assert.deepEqual(requestsSince(f.emu, n), ["GET /api/v1/sensor/1"]);
  await assert.rejects(f.cb.select(Sensor, 4242), ObjectNotFoundError);
  await s.refresh();
  assert.deepEqual(requestsSince(f.emu, n).length, 3, "refresh() asks again [spec 37]");
});

Deno.test("sensor host fields and network interfaces [spec 161,162,163]", async () => {
  await using f = await responseFixture();
  const s = await f.cb.select(Sensor, 1);
  assert.equal(s.dns_name, "WIN7-HYPERV-2");
  assert.equal(s.os, "Windows 7 Professional Service Pack 1, 32-bit");
  assert.equal(s.sid, "S-1-5-21-850238481-2932160288-1760307558");
  assert.deepEqual(s.network_interfaces, [{
    ipaddr: "192.168.1.163",
    macaddr: "00:15:5d:01:9c:08",
  }]);
  assert.equal(s.webui_link, `${f.cb.url}/#/host/1`);
});

Deno.test("sensor queries filter by ip, hostname and groupid and refuse other fields [spec 158]", async () => {
  await using f = await responseFixture();
  const n = f.emu.requests.length;
  const byHost = await f.cb.select(Sensor).where("hostname:WIN-IA9NQ1GN8OI").toArray();
  assert.deepEqual(byHost.map((s) => s.id), [3]);
  const byIp = await f.cb.select(Sensor).where("ip:192.168").toArray();
  assert.ok(byIp.length >= 2);
  const both = await f.cb.select(Sensor).where("groupid:1").and("hostname:WIN7-HYPERV-2").toArray();
  assert.deepEqual(both.map((s) => s.id), [1]);
  assert.deepEqual(requestsSince(f.emu, n), [
    "GET /api/v1/sensor?hostname=WIN-IA9NQ1GN8OI",
    "GET /api/v1/sensor?ip=192.168",
    "GET /api/v1/sensor?groupid=1&hostname=WIN7-HYPERV-2",
  ]);
  assert.throws(() => f.cb.select(Sensor).where("os:windows"), RangeError);
  const last = await f.cb.select(Sensor).where("hostname:nope").where("hostname:WIN-IA9NQ1GN8OI")
    .toArray();
  assert.deepEqual(last.map((s) => s.id), [3], "the same field twice: the last wins");
});

Deno.test("a 6.1 server's 500 for an empty sensor search is an empty result [spec 159]", async () => {
  await using f = await responseFixture({ sensorQuery500OnEmpty: true });
  assert.deepEqual(await f.cb.select(Sensor).where("hostname:NO-SUCH-HOST").toArray(), []);
  assert.equal(f.emu.requests.at(-1)!.status, 500);
  assert.equal(await f.cb.select(Sensor).where("hostname:NO-SUCH-HOST").first(), undefined);
});

Deno.test("isolate() saves and polls until the sensor confirms; unisolate() reverses it [spec 168,169,172]", async () => {
  await using f = await responseFixture({ isolationDelayMs: 40 });
  const sensor = (await f.cb.select(Sensor).where("hostname:HOSTNAME").first())!;
  assert.equal(sensor.id, 4);
  const n = f.emu.requests.length;
  assert.equal(await sensor.isolate({ timeoutMs: 5_000, pollIntervalMs: 10 }), true);
  const put = f.emu.requests[n]!;
  assert.equal(`${put.method} ${put.path}`, "PUT /api/v1/sensor/4");
  const body = JSON.parse(put.body);
  assert.equal(body.network_isolation_enabled, true);
  assert.equal(body.event_log_flush_time, null);
  assert.equal(body.build_version_string, "005.002.000.61003");
  assert.ok(requestsSince(f.emu, n).slice(1).every((r) => r === "GET /api/v1/sensor/4"));
  assert.equal(sensor.is_isolating, true);
  assert.equal(f.emu.state.sensors.get(4)?.is_isolating, true);
  assert.equal(await sensor.unisolate({ timeoutMs: 5_000, pollIntervalMs: 10 }), true);
  assert.equal(sensor.is_isolating, false);
});

Deno.test("isolate() with a timeout on a sensor that never confirms raises TimeoutError [spec 168]", async () => {
  await using f = await responseFixture({ isolationDelayMs: 60_000 });
  const sensor = await f.cb.select(Sensor, 3);
  await assert.rejects(
    sensor.isolate({ timeoutMs: 60, pollIntervalMs: 10 }),
    (e) =>
      e instanceof TimeoutError &&
      /timed out waiting for isolation to become active/.test(e.message),
  );
});

Deno.test("flushEvents() sends an RFC 822 flush time; restartSensor() queues a restart [spec 170,171]", async () => {
  await using f = await responseFixture();
  const sensor = await f.cb.select(Sensor, 3);
  const n = f.emu.requests.length;
  await sensor.flushEvents();
  const body = JSON.parse(f.emu.requests[n]!.body);
  assert.match(
    body.event_log_flush_time,
    /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/,
  );
  assert.ok(new Date(body.event_log_flush_time).getTime() > Date.now() + 360 * 86_400_000);
  await sensor.restartSensor();
  const restart = JSON.parse(f.emu.requests.filter((r) => r.method === "PUT").at(-1)!.body);
  assert.equal(restart.restart_queued, true);
  assert.equal(restart.event_log_flush_time, null, "not dirty any more: sent as null");
});

Deno.test("sensor statistics routes [spec 164,165,166]", async () => {
  await using f = await responseFixture();
  const sensor = await f.cb.select(Sensor, 1);
  assert.ok(Array.isArray(await sensor.queuedStats()));
  assert.ok(Array.isArray(await sensor.activityStats()));
  assert.ok(Array.isArray(await sensor.resourceStatus()));
  assert.deepEqual(requestsSince(f.emu, f.emu.requests.length - 3), [
    "GET /api/v1/sensor/1/queued",
    "GET /api/v1/sensor/1/activity",
    "GET /api/v1/sensor/1/resourcestatus",
  ]);
});

Deno.test("sensor group join and moving a sensor to another group [spec 160]", async () => {
  await using f = await responseFixture();
  const sensor = await f.cb.select(Sensor, 3);
  const group = (await sensor.group())!;
  assert.ok(group instanceof SensorGroup);
  assert.equal(group.name, "Default Group");
  const other = (await f.cb.select(SensorGroup).toArray()).find((g) => g.id !== group.id)!;
  sensor.setGroup(other);
  assert.deepEqual(sensor.dirtyFields, ["group_id"]);
  await sensor.save();
  assert.equal(f.emu.state.sensors.get(3)?.group_id, other.id);
  assert.equal((await sensor.group())?.id, other.id);
});
