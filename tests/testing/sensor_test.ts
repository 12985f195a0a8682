import assert from "node:assert/strict";
import { startEmulator } from "../_helpers.ts";
import { call, emuClient, send } from "./_helpers.ts";

async function waitFor(check: () => Promise<boolean>, ms = 2000): Promise<number> {
  const t0 = performance.now();
  while (!(await check())) {
    if (performance.now() - t0 > ms) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 5));
  }
  return performance.now() - t0;
}

Deno.test("[spec 325] sensor isolation: is_isolating follows the PUT after the delay", async () => {
  // A delay that outlasts two HTTPS calls on a loaded machine (40 ms flaked under load).
  await using emu = await startEmulator({ isolationDelayMs: 1_000 });
  const before = (await call(emu, "/api/v1/sensor/4")).json;
  assert.equal(before.computer_name, "HOSTNAME");
  assert.equal(before.is_isolating, false);
  const put = await send(emu, "PUT", "/api/v1/sensor/4", {
    ...before,
    network_isolation_enabled: true,
  });
  assert.equal(put.status, 204);
  assert.equal(put.text, "");
  assert.equal(emu.state.sensors.get(4)!.network_isolation_enabled, true);
  const right = (await call(emu, "/api/v1/sensor/4")).json;
  assert.equal(right.network_isolation_enabled, true);
  assert.equal(right.is_isolating, false);
  const waited = await waitFor(async () => (await call(emu, "/api/v1/sensor/4")).json.is_isolating);
  assert.ok(waited >= 20, `waited ${waited}`);
  assert.equal(emu.state.sensors.get(4)!.is_isolating, true);
  const off = await send(emu, "PUT", "/api/v1/sensor/4", {
    ...right,
    network_isolation_enabled: false,
    is_isolating: true,
  });
  assert.equal(off.status, 204);
  assert.equal((await call(emu, "/api/v1/sensor/4")).json.is_isolating, true);
  await waitFor(async () => !(await call(emu, "/api/v1/sensor/4")).json.is_isolating);
});

Deno.test("[spec 325] an offline sensor never starts isolating", async () => {
  await using emu = await startEmulator({ isolationDelayMs: 1 });
  const s = (await call(emu, "/api/v1/sensor/5")).json;
  assert.equal(s.status, "Offline");
  await send(emu, "PUT", "/api/v1/sensor/5", { ...s, network_isolation_enabled: true });
  await new Promise((r) => setTimeout(r, 10));
  assert.equal((await call(emu, "/api/v1/sensor/5")).json.is_isolating, false);
});

Deno.test("[spec 325] sensor queries: ip prefix, hostname, groupid and the 6.1 500 quirk", async () => {
  {
    await using emu = await startEmulator();
    const all = (await call(emu, "/api/v1/sensor")).json;
    assert.equal(all.length, 6);
    assert.deepEqual(
      (await call(emu, "/api/v1/sensor?ip=192.168")).json.map((s: { id: number }) => s.id),
      [1, 2, 3, 4],
    );
    assert.deepEqual(
      (await call(emu, "/api/v1/sensor?hostname=win-ia9nq1gn8oi")).json.map((s: { id: number }) =>
        s.id
      ),
      [3],
    );
    assert.deepEqual(
      (await call(emu, "/api/v1/sensor?groupid=2")).json.map((s: { id: number }) => s.id),
      [5, 6],
    );
    const none = await call(emu, "/api/v1/sensor?hostname=nothing");
    assert.equal(none.status, 200);
    assert.deepEqual(none.json, []);
  }
  {
    await using emu = await startEmulator({ sensorQuery500OnEmpty: true });
    assert.equal((await call(emu, "/api/v1/sensor?hostname=nothing")).status, 500);
    assert.equal((await call(emu, "/api/v1/sensor?hostname=HOSTNAME")).status, 200);
    assert.equal((await call(emu, "/api/v1/sensor")).status, 200);
  }
});

Deno.test("[spec 321] sensor documents, PUT fields, sub-routes and DELETE", async () => {
  await using emu = await startEmulator();
  const s1 = (await call(emu, "/api/v1/sensor/1")).json;
  assert.equal(s1.computer_name, "WIN7-HYPERV-2");
  assert.equal(s1.network_adapters, "192.168.1.163,00155d019c08|");
  assert.equal(s1.clock_delta, "106");
  assert.equal(s1.group_id, 1);
  assert.equal(s1.supports_cblr, true);
  assert.equal(s1.os_type, 1);
  const s3 = (await call(emu, "/api/v1/sensor/3")).json;
  assert.equal(s3.network_adapters, "192.168.215.150,000c29d36e1f|");
  const s4 = (await call(emu, "/api/v1/sensor/4")).json;
  assert.deepEqual([s4.build_id, s4.build_version_string, s4.boot_id], [
    5,
    "005.002.000.61003",
    "0",
  ]);
  assert.equal((await call(emu, "/api/v1/sensor/6")).json.os_type, 3);
  for (const flush of ["Tue, 06 Feb 2018 12:44:40 GMT", "2018-02-06 12:44:40.123456", null]) {
    const put = await send(emu, "PUT", "/api/v1/sensor/3", {
      ...s3,
      event_log_flush_time: flush,
      restart_queued: true,
    });
    assert.equal(put.status, 204, String(flush));
    assert.equal(emu.state.sensors.get(3)!.event_log_flush_time, flush);
  }
  assert.equal(emu.state.sensors.get(3)!.restart_queued, true);
  assert.equal(
    (await send(emu, "PUT", "/api/v1/sensor/3", { event_log_flush_time: "soon" })).status,
    400,
  );
  assert.equal((await send(emu, "PUT", "/api/v1/sensor/3", { group_id: 99 })).status, 400);
  assert.equal((await send(emu, "PUT", "/api/v1/sensor/3", { group_id: 2 })).status, 204);
  assert.equal(emu.state.sensors.get(3)!.group_id, 2);
  for (const sub of ["queued", "activity", "resourcestatus"]) {
    const res = await call(emu, `/api/v1/sensor/1/${sub}`);
    assert.equal(res.status, 200);
    assert.ok(Array.isArray(res.json));
  }
  assert.equal((await call(emu, "/api/v1/sensor/77")).status, 404);
  assert.equal((await call(emu, "/api/v1/sensor/6", { method: "DELETE" })).status, 204);
  assert.equal((await call(emu, "/api/v1/sensor/6")).status, 404);
  assert.equal(emu.state.sensors.has(6), false);
});

Deno.test("[spec 321] sensor groups and sites: arrays of one, create, update, delete", async () => {
  await using emu = await startEmulator();
  using client = emuClient(emu);
  const groups = (await call(emu, "/api/group")).json;
  assert.deepEqual(groups.map((g: { name: string }) => g.name), ["Default Group", "Servers"]);
  const one = (await call(emu, "/api/group/1")).json;
  assert.equal(one.length, 1);
  assert.equal(one[0].site_id, 1);
  const created = await send(emu, "POST", "/api/group", {
    id: null,
    name: "Critical Endpoints",
    site_id: 1,
  });
  assert.deepEqual(created.json, { id: 3 });
  assert.equal((await call(emu, "/api/group/3")).json[0].name, "Critical Endpoints");
  assert.deepEqual((await send(emu, "PUT", "/api/group/3", { name: "Renamed", site_id: 1 })).json, {
    result: "success",
  });
  assert.equal(emu.state.groups.get(3)!.name, "Renamed");
  assert.equal((await call(emu, "/api/group/3", { method: "DELETE" })).status, 200);
  assert.equal((await call(emu, "/api/group/3")).status, 404);
  assert.equal((await send(emu, "POST", "/api/group", { site_id: 1 })).status, 400);
  const installer = await fetch(`${emu.url}/api/v1/group/1/installer/windows/exe`, {
    client,
    headers: { "X-Auth-Token": emu.token },
  });
  assert.equal(installer.status, 200);
  assert.equal(installer.headers.get("content-type"), "application/zip");
  assert.deepEqual([...new Uint8Array(await installer.arrayBuffer()).subarray(0, 2)], [0x50, 0x4b]);
  assert.equal((await call(emu, "/api/v1/group/1/installer/beos")).status, 404);
  const sharing = (await call(emu, "/api/v1/group/1/datasharing")).json;
  assert.ok(sharing.every((d: Record<string, unknown>) => "who" in d && "what" in d));
  assert.deepEqual((await call(emu, "/api/site/1")).json, [{
    id: 1,
    name: "Default Site",
    group_ids: [1, 2],
  }]);
  assert.deepEqual((await send(emu, "POST", "/api/site", { name: "Branch" })).json, { id: 2 });
  assert.equal((await call(emu, "/api/site")).json.length, 2);
  assert.equal((await call(emu, "/api/site/2", { method: "DELETE" })).status, 200);
  assert.equal((await call(emu, "/api/site/2")).status, 404);
  assert.equal((await call(emu, "/api/throttle")).json[0].site_id, 1);
});
