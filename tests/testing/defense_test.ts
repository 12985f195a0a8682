import assert from "node:assert/strict";
import type { CbEmulator } from "@cbapi/cbapi/testing";
import { startEmulator } from "../_helpers.ts";
import { call } from "./_helpers.ts";

const V3 = "/integrationServices/v3";

function defense(emu: CbEmulator, path: string, init: RequestInit = {}) {
  return call(emu, `${V3}${path}`, { ...init, token: emu.defenseToken });
}

function write(emu: CbEmulator, method: string, path: string, body: unknown) {
  return defense(emu, path, {
    method,
    body: JSON.stringify(body),
    headers: { "Content-Type": "application/json" },
  });
}

Deno.test("Emulator Defense routes require the Defense token [spec 328]", async () => {
  await using emu = await startEmulator();
  assert.equal((await call(emu, `${V3}/device`)).status, 401, "the Response token is refused");
  assert.equal((await call(emu, `${V3}/device`, { token: null })).status, 401);
  const ok = await defense(emu, "/device?rows=1");
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get("content-type"), "application/json");
  assert.equal(emu.requests.at(-1)!.headers["x-auth-token"], "[redacted]");
  assert.equal((await defense(emu, "/nothing")).status, 404);
});

Deno.test("Emulator Defense lists: filters, rows, 1-based start, limit=0 count [spec 328]", async () => {
  await using emu = await startEmulator();
  const doc = await defense(emu, "/device?hostNameExact=WIN-IA9NQ1GN8OI&ipAddress=192.168.215.150");
  assert.equal(doc.json.success, true);
  assert.equal(doc.json.totalResults, 1);
  assert.equal(doc.json.results[0].deviceId, 12);
  assert.equal(doc.json.results[0].lastInternalIpAddress, "192.168.215.150");
  const first = await defense(emu, "/device?rows=2");
  const second = await defense(emu, "/device?rows=2&start=3");
  const ids = [...emu.state.defense.devices.keys()];
  assert.deepEqual(
    first.json.results.map((d: { deviceId: number }) => d.deviceId),
    ids.slice(0, 2),
  );
  assert.deepEqual(
    second.json.results.map((d: { deviceId: number }) => d.deviceId),
    ids.slice(2, 4),
  );
  assert.equal(first.json.totalResults, 120);
  const count = await defense(emu, "/device?limit=0&hostName=win-ws");
  assert.deepEqual(count.json.results, []);
  assert.ok(count.json.totalResults > 50);
  const events = await defense(emu, "/event?eventType=NETWORK&rows=100");
  assert.ok(events.json.results.every((e: { eventType: string }) => e.eventType === "NETWORK"));
  assert.ok(
    events.json.results.every((e: { eventId: string }) => /^[0-9a-f]{32}$/.test(e.eventId)),
  );
  const policies = await defense(emu, "/policy");
  assert.ok(policies.json.results.every((p: { id: number }) => typeof p.id === "number"));
  const bad = await defense(emu, "/device?color=blue");
  assert.equal(bad.status, 400);
  assert.equal(bad.json.success, false);
  assert.match(bad.json.message, /Unknown search parameter "color"/);
  assert.equal((await defense(emu, "/event?searchWindow=2y")).status, 400);
});

Deno.test("Emulator Defense single GETs are wrapped; unknown ids answer 404 [spec 328]", async () => {
  await using emu = await startEmulator();
  const dev = await defense(emu, "/device/12");
  assert.deepEqual(Object.keys(dev.json).sort(), ["deviceInfo", "message", "success"]);
  assert.equal(dev.json.deviceInfo.name, "WIN-IA9NQ1GN8OI");
  const id = [...emu.state.defense.events.keys()][0]!;
  assert.equal((await defense(emu, `/event/${id}`)).json.eventInfo.eventId, id);
  const policy = await defense(emu, "/policy/7");
  assert.equal(policy.json.policyInfo.policy.rules.length, 16);
  for (const path of ["/device/999", "/event/nope", "/policy/999", "/device/abc"]) {
    const res = await defense(emu, path);
    assert.equal(res.status, 404, path);
    assert.equal(res.json.success, false);
  }
});

Deno.test("Emulator Defense PATCH device changes fields and keeps policy id and name together [spec 328]", async () => {
  await using emu = await startEmulator();
  const res = await write(emu, "PATCH", "/device/12", {
    policyName: "Restrictive_Windows_Workstation",
  });
  assert.deepEqual(res.json, { success: true, message: "Success" });
  assert.equal(emu.state.defense.devices.get(12)!.policyId, 7);
  await write(emu, "PATCH", "/device/12", { policyId: 9 });
  assert.equal(emu.state.defense.devices.get(12)!.policyName, "Monitored");
  assert.equal((await write(emu, "PATCH", "/device/12", { policyId: 12345 })).status, 400);
  assert.equal((await write(emu, "PATCH", "/device/12", { deviceId: 1 })).status, 400);
  assert.equal((await write(emu, "PATCH", "/device/12", "not json")).status, 400);
  const del = await defense(emu, "/device/16", { method: "DELETE" });
  assert.equal(del.status, 200);
  assert.equal(emu.state.defense.devices.has(16), false);
});

Deno.test("Emulator Defense policy writes and rules [spec 328]", async () => {
  await using emu = await startEmulator();
  const info = {
    name: "New",
    description: "d",
    priorityLevel: "LOW",
    version: 2,
    policy: { rules: [] },
  };
  const created = await write(emu, "POST", "/policy", { policyInfo: info });
  assert.deepEqual(created.json, { success: true, message: "Success", policyId: 6526 });
  assert.equal((await write(emu, "POST", "/policy", info)).status, 400, "must be wrapped");
  assert.equal(
    (await write(emu, "POST", "/policy", {
      policyInfo: { ...info, name: "x", priorityLevel: "URGENT" },
    }))
      .status,
    400,
  );
  const put = await write(emu, "PUT", "/policy/6526", {
    policyInfo: { ...info, description: "e" },
  });
  assert.deepEqual(put.json, { success: true, message: "Success" });
  assert.equal(emu.state.defense.policies.get(6526)!.description, "e");
  const rule = {
    action: "DENY",
    operation: "RUN",
    required: true,
    application: { type: "REPUTATION", value: "PUP" },
  };
  const added = await write(emu, "POST", "/policy/6526/rule", { ruleInfo: rule });
  assert.equal(added.json.ruleId, 1);
  const replaced = await write(emu, "PUT", "/policy/6526/rule/1", {
    ruleInfo: { ...rule, action: "IGNORE" },
  });
  assert.equal(replaced.status, 200);
  const rules = (emu.state.defense.policies.get(6526)!.policy as { rules: unknown[] }).rules;
  assert.deepEqual(rules, [{ ...rule, action: "IGNORE", id: 1 }]);
  const missing = await write(emu, "PUT", "/policy/6526/rule/7", { ruleInfo: rule });
  assert.equal(missing.status, 404);
  assert.equal(missing.json.message, "Rule id 7 does not exist in policy 6526");
  assert.equal((await defense(emu, "/policy/6526/rule/1", { method: "DELETE" })).status, 200);
  assert.deepEqual(rules, []);
  assert.equal((await defense(emu, "/policy/6526", { method: "DELETE" })).status, 200);
  assert.equal(
    (await defense(emu, "/policy/6525", { method: "DELETE" })).status,
    400,
    "system policy",
  );
});

Deno.test("Emulator Defense notifications drain the queue [spec 328]", async () => {
  await using emu = await startEmulator();
  emu.state.defense.notifications.push({ type: "THREAT" });
  const first = await defense(emu, "/notification");
  assert.deepEqual(first.json, {
    success: true,
    message: "Success",
    notifications: [{ type: "THREAT" }],
  });
  assert.deepEqual((await defense(emu, "/notification")).json.notifications, []);
});

Deno.test("Emulator Defense rate limit answers 429 with Retry-After per key", async () => {
  // A window long enough for three HTTPS calls (each opens a TLS connection) on a loaded machine.
  await using emu = await startEmulator({ defense: { rateLimit: { calls: 2, windowMs: 5_000 } } });
  assert.equal((await defense(emu, "/policy?rows=1")).status, 200);
  assert.equal((await defense(emu, "/policy?rows=1")).status, 200);
  const limited = await defense(emu, "/policy?rows=1");
  assert.equal(limited.status, 429);
  assert.equal(limited.json.success, false);
  const wait = Number(limited.headers.get("retry-after"));
  assert.ok(wait > 0 && wait <= 5, String(wait));
  // Response routes are not limited.
  assert.equal((await call(emu, "/api/info")).status, 200);
});

Deno.test("Emulator Defense rate limit is off by default and checks its options", async () => {
  await using emu = await startEmulator();
  for (let i = 0; i < 30; i++) assert.equal((await defense(emu, "/policy?rows=1")).status, 200);
  await assert.rejects(
    startEmulator({ defense: { rateLimit: { calls: 0, windowMs: 10 } } }),
    RangeError,
  );
});

Deno.test("Emulator Defense data set is deterministic per seed", async () => {
  await using a = await startEmulator({ seed: 5 });
  await using b = await startEmulator({ seed: 5 });
  assert.deepEqual([...a.state.defense.devices.values()], [...b.state.defense.devices.values()]);
  assert.deepEqual([...a.state.defense.events.keys()], [...b.state.defense.events.keys()]);
  assert.equal(a.state.defense.collections.get("device"), a.state.defense.devices);
});
