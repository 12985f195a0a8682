import assert from "node:assert/strict";
import { ObjectNotFoundError } from "@cbapi/cbapi/core";
import { Computer, EnforcementLevel, FileInstance, Policy } from "@cbapi/cbapi/protection";
import { coll, protectionFixture, since } from "./_helpers.ts";

Deno.test("Computer select by id, query and update with a PUT of the whole document [spec 223]", async () => {
  await using f = await protectionFixture();
  const n = f.emu.requests.length;
  const c = await f.cb.select(Computer, 2);
  assert.equal(c.name, "CORP\\WKS-0042");
  assert.equal(await f.cb.select(Computer, "2"), c, "cached, id normalised");
  c.description = "front desk";
  c.set("computerTag", "lobby");
  await c.save();
  const reqs = since(f.emu, n);
  assert.deepEqual(reqs, [
    "GET /api/bit9platform/v1/computer/2",
    "PUT /api/bit9platform/v1/computer/2",
  ]);
  const body = JSON.parse(f.emu.requests.at(-1)!.body);
  assert.equal(body.id, 2);
  assert.equal(body.description, "front desk");
  assert.equal(body.computerTag, "lobby");
  assert.ok(Object.keys(body).length > 20, "the whole document");
  assert.equal(coll(f.emu, "computer").get(2)!.computerTag, "lobby");
  assert.equal(c.isDirty(), false);
  await assert.rejects(f.cb.select(Computer, 999), ObjectNotFoundError);
});

Deno.test("Computer update of a query row loads it first and keeps the change [spec 223]", async () => {
  await using f = await protectionFixture();
  const c = (await f.cb.select(Computer).where("name:CORP\\SRV-DB01").first())!;
  assert.equal(c.fullyInitialized, false);
  c.description = "database";
  const n = f.emu.requests.length;
  await c.save();
  assert.deepEqual(since(f.emu, n), [
    "GET /api/bit9platform/v1/computer/5",
    "PUT /api/bit9platform/v1/computer/5",
  ]);
  assert.equal(coll(f.emu, "computer").get(5)!.description, "database");
});

Deno.test("Computer PUT carries changeDiagnostics, changeTemplate and newTamperProtectionActive flags [spec 224]", async () => {
  await using f = await protectionFixture();
  const c = await f.cb.select(Computer, 1);
  c.debugLevel = 6;
  c.debugDuration = 30;
  c.template = true;
  c.tamperProtectionActive = false;
  assert.deepEqual(c.updateFlags(), [
    "changeDiagnostics=true",
    "changeTemplate=true",
    "newTamperProtectionActive=false",
  ]);
  const n = f.emu.requests.length;
  await c.save();
  assert.deepEqual(since(f.emu, n), [
    "PUT /api/bit9platform/v1/computer/1?changeDiagnostics=true&changeTemplate=true&newTamperProtectionActive=false",
  ]);
  const doc = coll(f.emu, "computer").get(1)!;
  assert.equal(doc.debugLevel, 6);
  assert.equal(doc.template, true);
  assert.equal(doc.tamperProtectionActive, false);
  assert.equal(c.tamperProtectionActive, false);
  c.tamperProtectionActive = true;
  const m = f.emu.requests.length;
  await c.save();
  assert.deepEqual(since(f.emu, m), [
    "PUT /api/bit9platform/v1/computer/1?newTamperProtectionActive=true",
  ]);
  assert.equal(doc.tamperProtectionActive, true);
  // Without the flag the server ignores diagnostic fields; the client always sends it.
  const k = f.emu.requests.length;
  c.ccLevel = 2;
  await c.save();
  assert.equal(since(f.emu, k)[0], "PUT /api/bit9platform/v1/computer/1?changeDiagnostics=true");
  assert.equal(doc.ccLevel, 2);
  // refresh() and delete() never carry flags.
  await c.refresh();
  assert.equal(f.emu.requests.at(-1)!.url, "/api/bit9platform/v1/computer/1");
});

Deno.test("Computer.resetCLIPassword() PUTs ?resetCLIPassword=true with {}, reloads and returns the password [spec 225]", async () => {
  await using f = await protectionFixture();
  const c = await f.cb.select(Computer, 3);
  const n = f.emu.requests.length;
  const pw = await c.resetCLIPassword();
  assert.deepEqual(since(f.emu, n), [
    "PUT /api/bit9platform/v1/computer/3?resetCLIPassword=true",
    "GET /api/bit9platform/v1/computer/3",
  ]);
  assert.equal(f.emu.requests[n]!.body, "{}");
  assert.equal(pw, coll(f.emu, "computer").get(3)!.CLIPassword);
  assert.match(pw!, /^cli-3-/);
  assert.ok(!String(c).includes(pw!), "the password is not printed");
});

Deno.test("Computer.policy() joins policyId; setPolicy() and policyId changes move the computer [spec 226]", async () => {
  await using f = await protectionFixture();
  const c = await f.cb.select(Computer, 1);
  const p1 = await c.policy();
  assert.ok(p1 instanceof Policy);
  assert.equal(p1.id, 1);
  assert.equal(await c.policy(), p1, "cached join");
  const high = await f.cb.select(Policy, 3);
  c.setPolicy(high);
  assert.equal(c.policyId, 3);
  await c.save();
  const body = JSON.parse(f.emu.requests.find((r) => r.method === "PUT")!.body);
  assert.equal(body.policyId, 3);
  assert.equal(c.policyName, "High Enforcement");
  assert.equal(c.previousPolicyId, 1);
  assert.equal(c.get("enforcementLevel"), EnforcementLevel.LevelHigh);
  c.setPolicy(5);
  await c.save();
  assert.equal(coll(f.emu, "computer").get(1)!.policyId, 5);
  assert.equal((await c.policy())?.name, "Quarantine");
});

Deno.test("Computer.fileInstances() is a FileInstance query on computerId [spec 227]", async () => {
  await using f = await protectionFixture();
  const c = await f.cb.select(Computer, 2);
  const n = f.emu.requests.length;
  const files = await c.fileInstances().where("localState:1").toArray();
  assert.deepEqual(since(f.emu, n), [
    "GET /api/bit9platform/v1/fileInstance?limit=1000&offset=0&q=computerId%3A2&q=localState%3A1",
  ]);
  const expected = [...coll(f.emu, "fileInstance").values()].filter((d) =>
    d.computerId === 2 && d.localState === 1
  );
  assert.equal(files.length, expected.length);
  assert.ok(files.length > 0);
  assert.ok(files.every((fi) => fi instanceof FileInstance && fi.computerId === 2));
});

Deno.test("Computer.templateComputer() joins templateComputerId; 0 means none [spec 228]", async () => {
  await using f = await protectionFixture();
  const clone = await f.cb.select(Computer, 9);
  const tmpl = await clone.templateComputer();
  assert.equal(tmpl?.id, 8);
  assert.equal(tmpl?.name, "CORP\\GOLD-IMAGE");
  const n = f.emu.requests.length;
  assert.equal(await tmpl!.templateComputer(), undefined);
  assert.equal(f.emu.requests.length, n, "no request for a null join");
});

Deno.test("EnforcementLevel holds the documented levels [spec 257]", async () => {
  assert.equal(EnforcementLevel.LevelHigh, 20);
  assert.equal(EnforcementLevel.LevelMedium, 30);
  assert.equal(EnforcementLevel.LevelLow, 40);
  assert.equal(EnforcementLevel.LevelNone, 80);
  assert.equal(EnforcementLevel.LevelVisibility, 60);
  await using f = await protectionFixture();
  const high = await f.cb.select(Policy).where(`enforcementLevel:${EnforcementLevel.LevelHigh}`)
    .toArray();
  assert.deepEqual(high.map((p) => p.name), ["High Enforcement", "Quarantine"]);
});
