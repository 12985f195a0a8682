import assert from "node:assert/strict";
import { Connection, TimeoutError } from "@cbapi/cbapi/core";
import { liveResponseFor } from "@cbapi/cbapi/live-response";
import { CbEmulator } from "@cbapi/cbapi/testing";
import { FAST, lrRequests, utf8 } from "./_helpers.ts";

async function defense(options: Parameters<typeof CbEmulator.start>[0] = {}) {
  const emu = await CbEmulator.start(options);
  const conn = await Connection.open("defense", { url: emu.url, token: emu.defenseToken });
  const lr = liveResponseFor(conn, "defense", FAST);
  return {
    emu,
    lr,
    async [Symbol.asyncDispose]() {
      await lr.close();
      conn.close();
      await emu.close();
    },
  };
}

Deno.test("Defense session: POST session/{device}, poll until ACTIVE, close with PUT CLOSE [spec 265,278,280,328]", async () => {
  await using fx = await defense();
  const { emu, lr } = fx;
  {
    await using s = await lr.requestSession({ deviceId: 12 });
    assert.equal(s.osType, 1, "from deviceInfo.deviceType");
    assert.equal(s.sessionData.status, "ACTIVE");
    assert.equal(utf8(await s.getFile(String.raw`c:\test.txt`)), "this is a test\r\n");
    assert.equal(emu.state.liveResponse.openSessions, 1);
  }
  const sent = emu.requests.map((r) => `${r.method} ${r.url}${r.body ? ` ${r.body}` : ""}`);
  assert.ok(sent.includes("GET /integrationServices/v3/device/12"));
  assert.ok(sent.includes('POST /integrationServices/v3/cblr/session/12 {"sensor_id": 12}'));
  assert.ok(
    !sent.includes("GET /integrationServices/v3/cblr/session"),
    "Defense never lists sessions",
  );
  assert.ok(sent.some((l) => /^GET \/integrationServices\/v3\/cblr\/session\/1$/.test(l)));
  assert.ok(
    sent.some((l) =>
      /^POST \/integrationServices\/v3\/cblr\/session\/1\/command .*"get file"/.test(l)
    ),
  );
  assert.equal(
    sent.at(-1),
    'PUT /integrationServices/v3/cblr/session {"session_id": 1, "status": "CLOSE"}',
  );
  assert.ok(emu.requests.every((r) => r.authenticated));
  assert.equal(emu.state.liveResponse.openSessions, 0);
});

Deno.test("Defense: an unreachable device gives TimeoutError and no open session [spec 278,279,328]", async () => {
  await using fx = await defense();
  const { emu, lr } = fx;
  await assert.rejects(lr.requestSession(16, { timeoutMs: 30 }), TimeoutError);
  assert.ok(lrRequests(emu).some((l) => l.startsWith("PUT /integrationServices/v3/cblr/session ")));
  assert.equal(emu.state.liveResponse.openSessions, 0);
});

Deno.test("Defense: a Mac device joins paths with / and its vanished session is rebuilt [spec 285,307,328]", async () => {
  await using fx = await defense();
  const { emu, lr } = fx;
  {
    await using s = await lr.requestSession(14);
    assert.equal(s.osType, 4);
    assert.match(s.temporaryFileName(), /^\/tmp\/cblr\.[A-Za-z0-9]{12}\.tmp$/);
    emu.state.liveResponse.expireSession(s.sessionId);
    assert.deepEqual((await s.listProcesses()).map((p) => p.pid), [1, 812]);
    assert.ok(s.sessionId > 1);
  }
  assert.equal(emu.state.liveResponse.openSessions, 0);
});

Deno.test("Defense job scheduler runs over devices, one session per device [spec 311]", async () => {
  await using fx = await defense();
  const { emu, lr } = fx;
  let peak = 0;
  const from = emu.requests.length;
  const sessionIds = new Map<number, Set<number>>();
  await using run = lr.submitJob(
    async (s, ctx) => {
      peak = Math.max(peak, emu.state.liveResponse.openSessions);
      sessionIds.set(ctx.sensorId, (sessionIds.get(ctx.sensorId) ?? new Set()).add(s.sessionId));
      return (await s.listDirectory(s.osType === 1 ? "C:\\" : "/")).length;
    },
    [12, 13, 14, 15, 12, 13, 12],
    { maxSessions: 2 },
  );
  const results = await Array.fromAsync(run);
  assert.equal(results.length, 7);
  const created = emu.requests.slice(from).filter((r) =>
    r.method === "POST" && /\/cblr\/session\/\d+$/.test(r.path)
  ).map((r) => Number(r.path.split("/").at(-1)));
  assert.deepEqual(created.sort(), [12, 13, 14, 15], "one session created per device");
  for (const [device, ids] of sessionIds) assert.equal(ids.size, 1, `device ${device}`);
  assert.ok(results.every((r) => r.ok));
  assert.ok(peak <= 2);
  assert.ok(!emu.requests.some((r) => r.path === "/api/v1/sensor"), "no Cb Response sensor list");
  assert.equal(emu.state.liveResponse.openSessions, 0);
});
