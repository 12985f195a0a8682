// The endpoint's OS type is looked up through the API's object cache when a session opens (as the
// Python library's `select(Sensor, id).os_type` does): no GET for a sensor already loaded, one GET
// for several sessions on the same sensor.

import assert from "node:assert/strict";
import { Sensor } from "@cbapi/cbapi/response";
import { FAST, lrFixture } from "./_helpers.ts";
import { CbDefenseAPI, Device } from "@cbapi/cbapi/defense";
import { apiFixture } from "../_helpers.ts";

function sensorGets(requests: { method: string; path: string }[], id: number): number {
  return requests.filter((r) => r.method === "GET" && r.path === `/api/v1/sensor/${id}`).length;
}

Deno.test("a Live Response job reads the sensor's OS through the object cache", async () => {
  await using fx = await lrFixture();
  const { emu, cb } = fx;
  const sensor = await cb.select(Sensor, 3);
  const from = emu.requests.length;
  const os = await cb.liveResponse.runJob(async (s) => {
    await s.listProcesses();
    return s.osType;
  }, 3);
  assert.equal(os, sensor.os_type);
  assert.equal(
    sensorGets(emu.requests.slice(from), 3),
    0,
    "the selected sensor is not fetched again",
  );
  const n = emu.requests.length;
  await cb.liveResponse.runJob((s) => s.listProcesses(), 2);
  await cb.liveResponse.runJob((s) => s.listProcesses(), 2);
  assert.equal(sensorGets(emu.requests.slice(n), 2), 1, "one GET for two sessions on sensor 2");
});

Deno.test("a Cb Defense session reads the device type through the object cache", async () => {
  await using fx = await apiFixture(
    {},
    (emu, logger) =>
      CbDefenseAPI.connect({
        url: emu.url,
        token: emu.defenseToken,
        sslCertFile: emu.certFile!,
        logger,
      }),
  );
  const { emu, cb } = fx;
  cb.liveResponse.configure(FAST);
  await cb.select(Device, 12);
  const from = emu.requests.length;
  {
    await using session = await cb.liveResponse.requestSession(12);
    assert.equal(session.osType, 1);
  }
  const gets = emu.requests.slice(from).filter((r) =>
    r.method === "GET" && r.path === "/integrationServices/v3/device/12"
  );
  assert.equal(gets.length, 0);
});
