import assert from "node:assert/strict";
import { ApiError, ServerError, TimeoutError } from "@cbapi/cbapi/core";
import { Sensor } from "@cbapi/cbapi/response";
import { LiveResponseSession } from "@cbapi/cbapi/live-response";
import { lrFixture, lrRequests, until } from "./_helpers.ts";

Deno.test("Sensor.lrSession() creates a session and polls it until active [spec 277,281]", async () => {
  await using fx = await lrFixture({ liveResponse: { activationDelayMs: 15 } });
  const { emu, cb } = fx;
  const sensor = await cb.select(Sensor, 3);
  const from = emu.requests.length;
  {
    await using session = await sensor.lrSession();
    assert.equal(session.sensorId, 3);
    assert.equal(session.osType, 1);
    assert.equal(session.sessionData.status, "active");
    assert.ok(session.supportedCommands.includes("get file"));
    assert.equal(emu.state.liveResponse.openSessions, 1);
    assert.equal(emu.state.liveResponse.sessionStatus(session.sessionId), "active");
  }
  const sent = lrRequests(emu, from);
  assert.equal(sent[0], "GET /api/v1/cblr/session");
  assert.equal(sent[1], 'POST /api/v1/cblr/session {"sensor_id": 3}');
  assert.ok(sent.filter((l) => l === "GET /api/v1/cblr/session/1").length >= 2, "polled");
  assert.equal(emu.state.liveResponse.openSessions, 0);
  assert.equal(emu.state.liveResponse.sessionStatus(1), "close");
});

Deno.test("requestSession() reuses the sensor's pending or active server session [spec 277]", async () => {
  await using fx = await lrFixture();
  const { emu, cb } = fx;
  using client = Deno.createHttpClient({ caCerts: [emu.certPem!] });
  const made = await fetch(`${emu.url}/api/v1/cblr/session`, {
    client,
    method: "POST",
    headers: { "X-Auth-Token": emu.token, "Content-Type": "application/json" },
    body: JSON.stringify({ sensor_id: 2 }),
  });
  const { id } = await made.json();
  const from = emu.requests.length;
  {
    await using session = await cb.liveResponse.requestSession(2);
    assert.equal(session.sessionId, id);
    assert.ok(!lrRequests(emu, from).some((l) => l.startsWith("POST /api/v1/cblr/session ")));
    // a second handle of the same manager shares the session
    await using again = await cb.liveResponse.requestSession("2");
    assert.equal(again.sessionId, id);
    assert.equal(emu.state.liveResponse.openSessions, 1);
  }
  assert.equal(emu.state.liveResponse.openSessions, 0);
});

Deno.test("Session close sends GET then PUT with status close; close() is idempotent [spec 280,281]", async () => {
  await using fx = await lrFixture();
  const { emu, cb } = fx;
  const session = await cb.liveResponse.requestSession(1);
  const from = emu.requests.length;
  await session.close();
  await session.close();
  await session[Symbol.asyncDispose]();
  const sent = lrRequests(emu, from);
  assert.equal(sent.length, 2);
  assert.equal(sent[0], `GET /api/v1/cblr/session/${session.sessionId}`);
  assert.match(sent[1]!, /^PUT \/api\/v1\/cblr\/session\/1 \{.*"status": "close".*\}$/);
  assert.match(sent[1]!, /"supported_commands": \[/);
  assert.ok(session.closed);
  await assert.rejects(session.listProcesses(), ApiError);
  assert.equal(emu.state.liveResponse.openSessions, 0);
});

Deno.test("await using closes the session when the block throws [spec 281]", async () => {
  await using fx = await lrFixture();
  const { emu, cb } = fx;
  await assert.rejects(async () => {
    await using session = await cb.liveResponse.requestSession(3);
    await session.getFile(String.raw`c:\missing.txt`);
  }, (err: unknown) => err instanceof Error && err.name === "LiveResponseError");
  assert.equal(emu.state.liveResponse.openSessions, 0);
});

Deno.test("An offline sensor: the session is closed and TimeoutError raised [spec 279]", async () => {
  await using fx = await lrFixture();
  const { emu, cb } = fx;
  const from = emu.requests.length;
  const err = await cb.liveResponse.requestSession(5, { timeoutMs: 40 }).then(
    () => undefined,
    (e) => e,
  );
  assert.ok(err instanceof TimeoutError);
  assert.match(err.message, /Could not establish session with sensor 5/);
  assert.equal(err.status, 404);
  const sent = lrRequests(emu, from);
  assert.ok(sent.some((l) => /^PUT \/api\/v1\/cblr\/session\/\d+ .*"status": "close"/.test(l)));
  assert.equal(emu.state.liveResponse.openSessions, 0);
});

Deno.test("A session that times out on the server while pending fails fast [spec 279]", async () => {
  await using fx = await lrFixture({ liveResponse: { sensorWaitTimeoutMs: 10 } });
  const { emu, cb } = fx;
  const err = await cb.liveResponse.requestSession(5).then(() => undefined, (e) => e);
  assert.ok(err instanceof TimeoutError);
  // The server gave up (its sensor_wait_timeout, 120 s on a real server), long before our 360 s:
  // the message gives the real wait and the next step, never "within 360 s".
  assert.doesNotMatch(err.message, /within 360/);
  assert.match(
    err.message,
    /^Could not establish session with sensor 5 on \S+: the session went to status "timeout" after \d+(\.\d)? s: the server stopped waiting for the sensor to check in \(its sensor_wait_timeout is 120 s\), so the sensor is probably offline\. Check that the sensor is online/,
  );
  assert.equal(emu.state.liveResponse.openSessions, 0);
});

Deno.test("A session still pending at our own timeout names that timeout and the next step", async () => {
  await using fx = await lrFixture();
  const err = await fx.cb.liveResponse.requestSession(5, { timeoutMs: 40 }).then(
    () => undefined,
    (e) => e,
  );
  assert.ok(err instanceof TimeoutError);
  assert.match(
    err.message,
    /within 0\.04 s: the session was still "pending"\. The sensor may be offline .*or pass a longer timeoutMs$/,
  );
});

Deno.test("Aborting while the session opens closes it and rethrows the reason [spec 279,281]", async () => {
  await using fx = await lrFixture();
  const { emu, cb } = fx;
  const controller = new AbortController();
  const reason = new Error("stop");
  const pending = cb.liveResponse.requestSession(5, { signal: controller.signal });
  await until(() => emu.state.liveResponse.openSessions === 1);
  controller.abort(reason);
  await assert.rejects(pending, (e) => e === reason);
  assert.equal(emu.state.liveResponse.openSessions, 0);
});

Deno.test("The 11th session is refused by the server and nothing leaks [spec 326]", async () => {
  await using fx = await lrFixture({ liveResponse: { maxSessions: 2 } });
  const { emu, cb } = fx;
  {
    await using a = await cb.liveResponse.requestSession(1);
    await using b = await cb.liveResponse.requestSession(2);
    assert.notEqual(a.sessionId, b.sessionId);
    await assert.rejects(
      cb.liveResponse.requestSession(3),
      (e) => e instanceof ServerError && e.status === 500,
    );
    assert.equal(emu.state.liveResponse.openSessions, 2);
  }
  assert.equal(emu.state.liveResponse.openSessions, 0);
});

Deno.test("Keepalive mode shares sessions by reference count and keeps them alive [spec 282]", async () => {
  await using fx = await lrFixture({ liveResponse: { sessionTimeoutMs: 600 } });
  const { emu, cb } = fx;
  cb.liveResponse.configure({ keepaliveSessions: true, keepaliveIntervalMs: 60 });
  const a = await cb.liveResponse.requestSession(3);
  const b = await cb.liveResponse.requestSession(3);
  assert.equal(a.sessionId, b.sessionId);
  await a.close();
  assert.equal(emu.state.liveResponse.openSessions, 1, "still used by b");
  const keepalives = () => emu.requests.filter((r) => r.path.endsWith("/keepalive")).length;
  const t0 = performance.now();
  // keepalives every 60 ms for longer than the server's 600 ms idle timeout (wide margins: each
  // keepalive is a request over TLS, and a loaded machine stretches them)
  assert.ok(await until(() => keepalives() >= 3 && performance.now() - t0 > 900));
  assert.equal(emu.state.liveResponse.sessionStatus(b.sessionId), "active", "kept alive");
  await b.close();
  assert.equal(emu.state.liveResponse.openSessions, 1, "closed by the keepalive task later");
  assert.ok(await until(() => emu.state.liveResponse.openSessions === 0));
});

Deno.test("Without keepalive an idle session times out on the server [spec 326]", async () => {
  await using fx = await lrFixture({ liveResponse: { sessionTimeoutMs: 300 } });
  const { emu, cb } = fx;
  {
    await using session = await cb.liveResponse.requestSession(3);
    assert.ok(
      await until(() => emu.state.liveResponse.sessionStatus(session.sessionId) === "timeout"),
    );
    // the next command finds the session gone and re-establishes it
    assert.ok((await session.listProcesses()).length > 0);
    assert.notEqual(session.sessionId, 1);
  }
  assert.equal(emu.state.liveResponse.openSessions, 0);
});

Deno.test("Sessions cannot be built directly", () => {
  assert.throws(() => new LiveResponseSession({}), TypeError);
});

Deno.test("CbResponseAPI.close() closes open Live Response sessions", async () => {
  await using fx = await lrFixture();
  const { emu, cb } = fx;
  await cb.liveResponse.requestSession(1);
  await cb.liveResponse.requestSession(2);
  assert.equal(emu.state.liveResponse.openSessions, 2);
  await cb.close();
  assert.equal(emu.state.liveResponse.openSessions, 0);
});

Deno.test("lrSession() on a sensor without Live Response support raises ApiError", async () => {
  await using fx = await lrFixture();
  fx.emu.state.sensors.get(3)!.supports_cblr = false;
  const sensor = await fx.cb.select(Sensor, 3);
  await assert.rejects(sensor.lrSession(), ApiError);
  assert.equal(fx.emu.state.liveResponse.openSessions, 0);
});
