// Cancellation at every stage: each call and iterator takes an AbortSignal, rejects with the
// caller's own reason, and leaves no timer, socket or Live Response session behind (the
// sanitizers and the emulator's open-session count check that).

import assert from "node:assert/strict";
import { CbResponseAPI, Process, Sensor } from "@cbapi/cbapi/response";
import { Binary } from "@cbapi/cbapi/response";
import { CbDefenseAPI } from "@cbapi/cbapi/defense";
import { CbEmulator } from "@cbapi/cbapi/testing";
import { responseFixture } from "../_helpers.ts";

function abortSoon(ms = 15): { signal: AbortSignal; reason: Error } {
  const reason = new Error("operator cancelled");
  const controller = new AbortController();
  setTimeout(() => controller.abort(reason), ms);
  return { signal: controller.signal, reason };
}

/** Waits in 2 ms steps until `check` holds; fails the test after 5 s. */
async function waitFor(check: () => boolean): Promise<void> {
  const end = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > end) throw new Error("the emulator never saw the expected requests");
    await new Promise((r) => setTimeout(r, 2));
  }
}

async function settleServer(ms = 60): Promise<void> {
  // Let the emulator finish the delayed answer the client walked away from.
  await new Promise((r) => setTimeout(r, ms));
}

Deno.test("cancellation: connect() aborted while /api/info is slow", async () => {
  await using emu = await CbEmulator.start();
  emu.faults.add({ path: "/api/info", delayMs: 50 });
  const { signal, reason } = abortSoon();
  await assert.rejects(
    CbResponseAPI.connect({ url: emu.url, token: emu.token, signal }),
    (e) => e === reason,
  );
  await settleServer();
});

Deno.test("cancellation: a query stops between pages and its prefetch is aborted", async () => {
  await using f = await responseFixture();
  f.emu.faults.add({ path: "/api/v1/process", skip: 1, delayMs: 50 });
  const { signal, reason } = abortSoon();
  const seen: string[] = [];
  await assert.rejects(
    (async () => {
      for await (
        const p of f.cb.select(Process).where("process_name:cmd.exe").batchSize(2).iterate({
          signal,
        })
      ) {
        seen.push(p.id!);
      }
    })(),
    (e) => e === reason,
  );
  assert.ok(seen.length <= 2, "no row after the abort");
  await settleServer();
});

Deno.test("cancellation: count(), select() and facets() reject with the caller's reason", async () => {
  await using f = await responseFixture();
  f.emu.faults.add({ path: "/api/v1/process", delayMs: 50, times: 2 });
  f.emu.faults.add({ path: "/api/v1/sensor/1", delayMs: 50 });
  for (
    const call of [
      (signal: AbortSignal) => f.cb.select(Process).count({ signal }),
      (signal: AbortSignal) => f.cb.select(Process).facets("process_name", { signal }),
      (signal: AbortSignal) => f.cb.select(Sensor, 1, { signal }),
    ]
  ) {
    const { signal, reason } = abortSoon(5);
    await assert.rejects(call(signal), (e) => e === reason);
  }
  await settleServer();
});

Deno.test("cancellation: a retry back-off waiting on Retry-After stops at once", async () => {
  await using f = await responseFixture();
  f.emu.faults.add({ path: "/api/v1/sensor/3", status: 503, retryAfter: 30 });
  const { signal, reason } = abortSoon(20);
  const started = Date.now();
  await assert.rejects(f.cb.select(Sensor, 3, { signal }), (e) => e === reason);
  assert.ok(Date.now() - started < 25_000, "did not sit out the 30 s");
  assert.equal(f.emu.requests.filter((r) => r.path === "/api/v1/sensor/3").length, 1);
});

Deno.test("cancellation: isolate() stops polling a sensor that never confirms", async () => {
  await using f = await responseFixture({ isolationDelayMs: 60_000 });
  const sensor = await f.cb.select(Sensor, 3);
  const controller = new AbortController();
  const reason = new Error("operator cancelled");
  const isolating = sensor.isolate({ pollIntervalMs: 5, signal: controller.signal });
  // Abort once the isolation request has reached the server and a poll followed it (not after a
  // fixed time, which a loaded machine can outrun).
  const asked = () => f.emu.requests.filter((r) => r.path === "/api/v1/sensor/3").length;
  await waitFor(() => asked() >= 3);
  controller.abort(reason);
  await assert.rejects(isolating, (e) => e === reason);
  assert.equal(f.emu.state.sensors.get(3)?.network_isolation_enabled, true, "the request was made");
  const atAbort = asked();
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(asked(), atAbort, "no poll after the abort");
});

Deno.test("cancellation: a binary download stream errors with the reason and frees the body", async () => {
  await using f = await responseFixture();
  const bin = await f.cb.select(Binary, "7FB55F5A62E78AF9B58D08AAEEAEF848");
  const controller = new AbortController();
  const reason = new Error("stop the download");
  const stream = await bin.file({ signal: controller.signal });
  const reader = stream.getReader();
  controller.abort(reason);
  await assert.rejects(
    (async () => {
      for (;;) if ((await reader.read()).done) break;
    })(),
    (e) => e === reason || (e instanceof Error && /abort|stop the download/i.test(String(e))),
  );
  reader.releaseLock();
});

Deno.test("cancellation: opening a Live Response session leaves no session open", async () => {
  await using f = await responseFixture({ liveResponse: { activationDelayMs: 200 } });
  f.cb.liveResponse.configure({ sessionPollIntervalMs: 2, commandPollIntervalMs: 2 });
  const sensor = await f.cb.select(Sensor, 3);
  const { signal, reason } = abortSoon(20);
  await assert.rejects(sensor.lrSession({ signal }), (e) => e === reason);
  assert.equal(f.emu.state.liveResponse.openSessions, 0);
});

Deno.test("cancellation: a slow Live Response command stops; the session stays usable and closes", async () => {
  await using f = await responseFixture({ liveResponse: { commandDelayMs: 200 } });
  f.cb.liveResponse.configure({ sessionPollIntervalMs: 2, commandPollIntervalMs: 2 });
  const sensor = await f.cb.select(Sensor, 3);
  {
    await using session = await sensor.lrSession();
    const { signal, reason } = abortSoon(20);
    await assert.rejects(session.listProcesses({ signal }), (e) => e === reason);
    assert.equal(f.emu.state.liveResponse.openSessions, 1);
  }
  assert.equal(f.emu.state.liveResponse.openSessions, 0);
});

Deno.test("cancellation: aborting a Live Response job closes every session it opened", async () => {
  await using f = await responseFixture({ liveResponse: { commandDelayMs: 200 } });
  f.cb.liveResponse.configure({ sessionPollIntervalMs: 2, commandPollIntervalMs: 2 });
  const { signal, reason } = abortSoon(40);
  const run = f.cb.liveResponse.submitJob((s, ctx) => s.listProcesses({ signal: ctx.signal }), [
    1,
    2,
    3,
    4,
  ], { signal });
  await assert.rejects(
    (async () => {
      for await (const _ of run) { /* results as they complete */ }
    })(),
    (e) => e === reason,
  );
  await run[Symbol.asyncDispose]();
  assert.equal(f.emu.state.liveResponse.openSessions, 0);
});

Deno.test("cancellation: Defense notifications() ends on abort with no timer left", async () => {
  await using emu = await CbEmulator.start();
  await using cb = await CbDefenseAPI.connect({ url: emu.url, token: emu.defenseToken });
  const controller = new AbortController();
  let polls = 0;
  const iteration = (async () => {
    for await (const _ of cb.notifications({ intervalMs: 10_000, signal: controller.signal })) {
      polls++;
    }
  })();
  // Abort once the first poll has been answered (not after a fixed time, which a loaded machine
  // can outrun); the 10 s wait must then end at once with no second poll.
  const asked = () => emu.requests.filter((r) => r.path.endsWith("/notification")).length;
  await waitFor(() => asked() >= 1);
  controller.abort(new Error("done listening"));
  // The listener loop ends quietly on abort (or with the reason); either way it ends now.
  await iteration.catch((e) => assert.match(String(e), /done listening/));
  assert.equal(asked(), 1, "exactly one poll before the abort, none after");
  assert.equal(polls, 0, "the emulator has no notifications to yield");
});
