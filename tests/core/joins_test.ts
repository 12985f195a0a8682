// Joins are declared once (`static joins`) and installed read-only: a Python habit such as
// `sensor.group = sg` fails `deno check` (see the @ts-expect-error lines) and, in plain
// JavaScript, throws a TypeError saying what to do instead, sending and changing nothing
// (issue 19 item 4). Ids are made canonical by the model's id kind (issue 16 item 2).

import assert from "node:assert/strict";
import { canonicalId, InvalidHashError, Model } from "@cbapi/cbapi/core";
import * as response from "@cbapi/cbapi/response";
import * as protection from "@cbapi/cbapi/protection";
import * as defense from "@cbapi/cbapi/defense";
import { requestsSince, responseFixture } from "../_helpers.ts";
import { protectionFixture, since as protectionSince } from "../protection/_helpers.ts";
import { defenseFixture, linesSince } from "../defense/_helpers.ts";

/** Assigns a property as an unchecked script would. */
function assign(target: object, name: string, value: unknown): void {
  (target as Record<string, unknown>)[name] = value;
}

Deno.test("Response: sensor.group = group throws a TypeError naming setGroup(); nothing is sent or changed", async () => {
  await using f = await responseFixture();
  const sensor = await f.cb.select(response.Sensor, 3);
  const group = (await sensor.group())!;
  const n = f.emu.requests.length;
  assert.throws(
    () => assign(sensor, "group", group),
    (e: unknown) =>
      e instanceof TypeError &&
      e.message.includes("sensor.group is a join") &&
      e.message.includes("call sensor.setGroup(sensorGroup) (or set sensor.group_id) and save()"),
  );
  assert.equal(typeof sensor.group, "function", "the join is still there");
  assert.ok(!sensor.isDirty());
  assert.deepEqual(requestsSince(f.emu, n), []);
  // The join still loads through the cache: no request the second time.
  assert.equal(await sensor.group(), group);
  assert.deepEqual(requestsSince(f.emu, n), []);
  // Other joins name the key field to set.
  const proc = (await f.cb.select(response.Process).where("process_name:net.exe").first())!;
  assert.throws(
    () => assign(proc, "sensor", undefined),
    TypeError,
    "Process objects are read-only",
  );
  const bh = f.cb.create(response.BannedHash);
  assert.throws(
    () => assign(bh, "binary", undefined),
    TypeError,
    "set bannedHash.md5hash = binary.uniqueId and save()",
  );
});

Deno.test("Protection: computer.policy = p throws a TypeError naming policyId; the join still works", async () => {
  await using f = await protectionFixture();
  const c = await f.cb.select(protection.Computer, 1);
  const p = await c.policy();
  const n = f.emu.requests.length;
  assert.throws(
    () => assign(c, "policy", p),
    TypeError,
    "computer.policy is a join: call await computer.policy() to read the Policy; assigning it " +
      "would replace the method and save nothing. To point it at another Policy, call " +
      "computer.setPolicy(policy) (or set computer.policyId) and save()",
  );
  assert.ok(!c.isDirty());
  assert.deepEqual(protectionSince(f.emu, n), []);
  assert.equal(await c.policy(), p);
  const ev = (await f.cb.select(protection.Event).first())!;
  assert.throws(() => assign(ev, "fileCatalog", null), TypeError, "Event objects are read-only");
});

Deno.test("Defense: device.policy = p and event.device = d throw TypeErrors", async () => {
  await using f = await defenseFixture();
  const dev = await f.cb.select(defense.Device, 12);
  const n = f.emu.requests.length;
  assert.throws(() => assign(dev, "policy", 6), TypeError, "set device.policyId = policy.uniqueId");
  const ev = (await f.cb.select(defense.Event).first())!;
  assert.throws(() => assign(ev, "device", dev), TypeError, "Event objects are read-only");
  assert.deepEqual(linesSince(f.emu, n).filter((l) => !l.startsWith("GET")), []);
  assert.equal(typeof ev.device, "function");
});

Deno.test("every join of every product model is installed read-only (36 joins)", () => {
  const seen: string[] = [];
  for (const mod of [response, protection, defense]) {
    for (const value of Object.values(mod)) {
      if (typeof value !== "function" || !(value.prototype instanceof Model)) continue;
      if (!Object.hasOwn(value, "joins")) continue;
      const joins = (value as unknown as { joins: Record<string, unknown> }).joins;
      for (const name of Object.keys(joins)) {
        const d = Object.getOwnPropertyDescriptor(value.prototype, name);
        assert.ok(d?.get && d.set && !("value" in d), `${value.name}.${name} is an accessor`);
        const model = Object.create(value.prototype) as object;
        assert.throws(() => assign(model, name, 1), TypeError, `.${name} is a join`);
        assert.equal(typeof (model as Record<string, unknown>)[name], "function");
        seen.push(`${value.name}.${name}`);
      }
    }
  }
  // Response 16 (Alert 5, Process 2, TaggedEvent 2, seven models with one), Protection 18,
  // Defense 2. A join written as a plain method again would be missing here.
  assert.equal(new Set(seen).size, 36, seen.join(", "));
});

Deno.test("the join methods' types are read-only (checked by deno check)", () => {
  // Never run: the assignments exist for the type checker. If a join became assignable again,
  // the @ts-expect-error lines would be unused and `deno check` would fail.
  const typeOnly = (
    s: response.Sensor,
    c: protection.Computer,
    d: defense.Device,
    e: defense.Event,
    g: response.SensorGroup,
  ) => {
    // @ts-expect-error a join is read-only: call s.setGroup(g) and save() instead
    s.group = g;
    // @ts-expect-error even a function of the right shape cannot replace it
    s.group = () => Promise.resolve(g);
    // @ts-expect-error Protection joins too
    c.policy = () => Promise.resolve(undefined);
    // @ts-expect-error Defense joins too
    d.policy = () => Promise.resolve(undefined);
    // @ts-expect-error and on read-only models
    e.device = () => Promise.resolve(undefined);
    // The key field stays writable: this is how a sensor moves.
    s.group_id = g.id;
  };
  assert.equal(typeof typeOnly, "function");
});

Deno.test("ids are made canonical by the model's id kind, before any request", async () => {
  assert.equal(canonicalId("integer", " 42 ", "SensorGroup"), 42);
  assert.throws(() => canonicalId("integer", "4x", "SensorGroup"), TypeError, "SensorGroup id");
  assert.equal(canonicalId("text", 7, "Watchlist"), "7");
  assert.equal(canonicalId("any", "x", "Model"), "x");
  assert.throws(() => canonicalId("md5", "abc", "BannedHash"), InvalidHashError);
  assert.equal(response.Sensor.normaliseId("3"), 3);
  assert.equal(response.Watchlist.normaliseId(7), "7");
  assert.equal(
    response.BannedHash.normaliseId("7fb55f5a62e78af9b58d08aaeeaef848"),
    "7FB55F5A62E78AF9B58D08AAEEAEF848",
  );
  assert.equal(response.ThreatReport.normaliseId("07:abc"), "7:abc");
  assert.equal(protection.Computer.normaliseId("2"), 2);
  assert.equal(defense.Device.normaliseId("12"), 12);
  await using f = await responseFixture();
  const n = f.emu.requests.length;
  await assert.rejects(
    f.cb.select(response.Sensor, "three"),
    TypeError,
    "Sensor id must be an integer",
  );
  await assert.rejects(f.cb.select(response.Binary, "xyz"), InvalidHashError);
  assert.deepEqual(requestsSince(f.emu, n), [], "nothing sent for a malformed id");
  // No model keeps its own normaliseId: the id kind is the one rule.
  for (const mod of [response, protection, defense]) {
    for (const value of Object.values(mod)) {
      if (typeof value !== "function" || !(value.prototype instanceof Model)) continue;
      assert.ok(!Object.hasOwn(value, "normaliseId"), `${value.name} overrides normaliseId`);
    }
  }
});
