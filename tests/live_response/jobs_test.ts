import assert from "node:assert/strict";
import { TimeoutError } from "@cbapi/cbapi/core";
import type { JobResult } from "@cbapi/cbapi/live-response";
import { lrFixture, lrRequests } from "./_helpers.ts";

Deno.test("runJob() returns the job's value like the Python future [spec 309]", async () => {
  await using fx = await lrFixture();
  const { emu, cb } = fx;
  const key = String.raw`HKLM\SYSTEM\CurrentControlSet\services\ACPI\Start`;
  const value = await cb.liveResponse.runJob(async (s, ctx) => {
    assert.equal(ctx.sensorId, 3);
    return (await s.getRegistryValue(key, { signal: ctx.signal })).value_data;
  }, 3);
  assert.equal(value, 0);
  await assert.rejects(
    cb.liveResponse.runJob(() => Promise.reject(new RangeError("job failed")), 3),
    RangeError,
  );
  assert.equal(emu.state.liveResponse.openSessions, 0);
});

Deno.test("submitJob() yields results as they complete, one session per sensor, never more than the slots [spec 309,310]", async () => {
  await using fx = await lrFixture({ liveResponse: { sensorDelays: { 1: 3_000 } } });
  const { emu, cb } = fx;
  cb.liveResponse.configure({ maxSessions: 2 });
  let peak = 0;
  const from = emu.requests.length;
  await using run = cb.liveResponse.submitJob(async (s) => {
    peak = Math.max(peak, emu.state.liveResponse.openSessions);
    return (await s.listProcesses()).length;
  }, [1, 2, 3, 4, 3]);
  const results: JobResult<number>[] = [];
  for await (const r of run) {
    peak = Math.max(peak, emu.state.liveResponse.openSessions);
    results.push(r);
  }
  assert.equal(results.length, 5);
  assert.ok(results.every((r) => r.ok));
  assert.equal(
    results.at(-1)!.sensorId === 1 || results.at(-2)!.sensorId === 1,
    true,
    "slow sensor last",
  );
  assert.ok(peak <= 2, `peak ${peak}`);
  const creates = lrRequests(emu, from).filter((l) => l.startsWith("POST /api/v1/cblr/session "));
  assert.equal(creates.length, 4, "one session per sensor; sensor 3 ran twice on one session");
  assert.ok(emu.requests.slice(from).some((r) => r.url === "/api/v1/sensor"), "standings read");
  assert.equal(emu.state.liveResponse.openSessions, 0);
});

Deno.test("Online sensors go first by next check-in; an offline sensor times out into an error result [spec 310]", async () => {
  await using fx = await lrFixture();
  const { emu, cb } = fx;
  emu.state.sensors.get(2)!.next_checkin_time = "2018-02-06 12:40:00.000000-06:00";
  cb.liveResponse.configure({ maxSessions: 1 });
  const from = emu.requests.length;
  await using run = cb.liveResponse.submitJob((s) => s.sensorId, [5, 1, 2], { timeoutMs: 1_500 });
  const results = await Array.fromAsync(run);
  const creates = lrRequests(emu, from).filter((l) => l.startsWith("POST /api/v1/cblr/session "));
  assert.deepEqual(creates, [
    'POST /api/v1/cblr/session {"sensor_id": 2}',
    'POST /api/v1/cblr/session {"sensor_id": 1}',
  ]);
  assert.deepEqual(results.slice(0, 2).map((r) => r.ok && r.value), [2, 1]);
  const offline = results[2]!;
  assert.equal(offline.sensorId, 5);
  assert.ok(!offline.ok && offline.error instanceof TimeoutError);
  assert.ok(
    emu.requests.slice(from).some((r) => r.url === "/api/v1/sensor/5"),
    "offline sensor polled",
  );
  assert.equal(emu.state.liveResponse.openSessions, 0);
});

Deno.test("A full slot table waits for a free slot, bounded by the timeout [spec 310]", async () => {
  await using fx = await lrFixture({ liveResponse: { sensorDelays: { 1: 10_000 } } });
  const { emu, cb } = fx;
  cb.liveResponse.configure({ maxSessions: 1 });
  // 600 ms: long enough for the first session request to reach the emulator on a loaded machine,
  // far shorter than the 10 s the slow sensor takes.
  await using run = cb.liveResponse.submitJob((s) => s.listProcesses(), [1, 2], { timeoutMs: 600 });
  const results = await Array.fromAsync(run);
  assert.equal(results.length, 2);
  assert.ok(results.every((r) => !r.ok && r.error instanceof TimeoutError));
  const creates = emu.requests.filter((r) =>
    r.method === "POST" && r.path === "/api/v1/cblr/session"
  );
  assert.equal(creates.length, 1, "the second sensor never got a slot");
  assert.equal(emu.state.liveResponse.openSessions, 0);
});

Deno.test("jobTimeout frees the slot of a slow sensor without holding up the others [spec 310]", async () => {
  await using fx = await lrFixture({ liveResponse: { sensorDelays: { 1: 10_000 } } });
  const { emu, cb } = fx;
  cb.liveResponse.configure({ maxSessions: 1 });
  await using run = cb.liveResponse.submitJob((s, { signal }) => s.listProcesses({ signal }), [
    1,
    2,
  ], {
    // 1.5 s: enough for sensor 2's whole job on a loaded machine; sensor 1 takes 10 s.
    jobTimeoutMs: 1_500,
  });
  const results = await Array.fromAsync(run);
  const bySensor = new Map(results.map((r) => [r.sensorId, r]));
  assert.ok(!bySensor.get(1)!.ok);
  assert.ok(bySensor.get(2)!.ok);
  assert.equal(emu.state.liveResponse.openSessions, 0);
});

Deno.test("Aborting a run closes every session and rejects iteration with the reason [spec 310]", async () => {
  await using fx = await lrFixture({ liveResponse: { commandDelayMs: 10_000 } });
  const { emu, cb } = fx;
  const controller = new AbortController();
  const reason = new Error("stop the run");
  const run = cb.liveResponse.submitJob((s, { signal }) => s.listProcesses({ signal }), [
    1,
    2,
    3,
    4,
  ], {
    signal: controller.signal,
  });
  const iterate = (async () => {
    for await (const _ of run) { /* none arrive */ }
  })();
  while (emu.state.liveResponse.openSessions < 4) await new Promise((r) => setTimeout(r, 2));
  controller.abort(reason);
  await assert.rejects(iterate, (e) => e === reason);
  assert.equal(emu.state.liveResponse.openSessions, 0);
});

Deno.test("Leaving the loop early closes the run and its sessions [spec 310]", async () => {
  await using fx = await lrFixture({ liveResponse: { sensorDelays: { 2: 10_000, 3: 10_000 } } });
  const { emu, cb } = fx;
  const run = cb.liveResponse.submitJob((s, { signal }) => s.listProcesses({ signal }), [1, 2, 3]);
  for await (const r of run) {
    assert.equal(r.sensorId, 1);
    break;
  }
  assert.equal(run.pending, 2);
  assert.equal(emu.state.liveResponse.openSessions, 0);
  await run.close();
});
