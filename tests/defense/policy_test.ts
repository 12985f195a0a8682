import assert from "node:assert/strict";
import {
  ApiError,
  InvalidObjectError,
  ObjectNotFoundError,
  Policy,
  type PolicyRule,
  ServerError,
} from "@cbapi/cbapi/defense";
import { defenseFixture, linesSince, since, V3 } from "./_helpers.ts";

const FIXTURES = new URL("../fixtures/cb-defense/policy_rules/", import.meta.url);

async function fixtureRules(): Promise<Map<number, PolicyRule>> {
  const out = new Map<number, PolicyRule>();
  for await (const entry of Deno.readDir(FIXTURES)) {
    const rule = JSON.parse(await Deno.readTextFile(new URL(entry.name, FIXTURES))) as PolicyRule;
    out.set(rule.id!, rule);
  }
  return out;
}

const DENY_PUP: PolicyRule = {
  required: false,
  action: "DENY",
  operation: "RUN",
  application: { type: "REPUTATION", value: "PUP" },
};

Deno.test("Policy list and select unwrap policyInfo [spec 267]", async () => {
  await using f = await defenseFixture();
  const all = await f.cb.select(Policy).toArray();
  assert.deepEqual(all.map((p) => p.name), [
    "default",
    "Restrictive_Windows_Workstation",
    "Standard",
    "Monitored",
  ]);
  const from = f.emu.requests.length;
  const p = await f.cb.select(Policy, 7);
  assert.equal(p, all[1], "the cached row, now loaded");
  assert.deepEqual(linesSince(f.emu, from), [`GET ${V3}/policy/7`]);
  assert.equal(p.priorityLevel, "HIGH");
  assert.equal(p.version, 2);
  assert.equal(p.systemPolicy, false);
  assert.ok(p.latestRevision instanceof Date);
  assert.equal(p.get("policyInfo"), undefined);
  assert.deepEqual(p.toJSON(), f.emu.state.defense.policies.get(7));
  await assert.rejects(f.cb.select(Policy, 4242), ObjectNotFoundError);
});

Deno.test("Policy.rules maps rule ids to the recorded rule objects [spec 271]", async () => {
  await using f = await defenseFixture();
  const recorded = await fixtureRules();
  const p = await f.cb.select(Policy, 7);
  const rules = p.rules;
  assert.ok(rules instanceof Map);
  assert.deepEqual(
    [...rules.keys()].sort((a, b) => a - b),
    [...recorded.keys()].sort((a, b) => a - b),
  );
  for (const [id, rule] of recorded) assert.deepEqual(rules.get(id), rule);
  assert.equal(rules.get(3)?.application.value, "c:\\windows\\notepad.exe");
  assert.equal((await f.cb.select(Policy, 9)).rules.size, 0);
});

Deno.test("Policy create POSTs policyInfo without id, then loads policyId [spec 268]", async () => {
  await using f = await defenseFixture();
  const p = f.cb.create(Policy);
  p.name = "Imported";
  p.description = "From the API";
  p.priorityLevel = "LOW";
  p.version = 2;
  p.policy = { rules: [DENY_PUP], sensorSettings: [] };
  await p.save();
  const sent = since(f.emu, 0);
  assert.deepEqual(sent.map((r) => `${r.method} ${r.url}`), [
    `POST ${V3}/policy`,
    `GET ${V3}/policy/6526`,
  ]);
  assert.deepEqual(JSON.parse(sent[0]!.body), {
    policyInfo: {
      description: "From the API",
      name: "Imported",
      policy: { rules: [DENY_PUP], sensorSettings: [] },
      priorityLevel: "LOW",
      version: 2,
    },
  });
  assert.ok(sent[0]!.body.startsWith('{"policyInfo": {"description": '), "sorted keys");
  assert.equal(p.id, 6526);
  assert.equal(p.isDirty(), false);
  assert.deepEqual(p.rules.get(1), { ...DENY_PUP, id: 1 });
  assert.equal(f.emu.state.defense.policies.get(6526)!.name, "Imported");
  assert.ok(f.cb.connection.logger !== undefined);
  assert.ok(f.logs.includes("Only received an ID back from the server, forcing a refresh"));
});

Deno.test("Policy create without the required fields sends nothing [spec 268]", async () => {
  await using f = await defenseFixture();
  const p = f.cb.create(Policy, { name: "Half" });
  const err = await p.save().catch((e) => e);
  assert.ok(err instanceof InvalidObjectError);
  assert.deepEqual([...err.fields], ["description", "policy", "priorityLevel", "version"]);
  assert.equal(f.emu.requests.length, 0);
});

Deno.test("Policy create refused by the server is a ServerError with its message [spec 268]", async () => {
  await using f = await defenseFixture();
  const p = f.cb.create(Policy, {
    name: "Standard",
    description: "duplicate",
    priorityLevel: "LOW",
    version: 2,
    policy: { rules: [] },
  });
  await assert.rejects(
    p.save(),
    (e: unknown) =>
      e instanceof ServerError && e.status === 400 && /already exists/.test(e.message),
  );
  assert.equal(f.emu.requests.length, 1, "a POST is never retried");
  assert.equal(f.emu.state.defense.policies.size, 4);
});

Deno.test("Policy update PUTs the whole policyInfo, then reloads [spec 269]", async () => {
  await using f = await defenseFixture();
  const p = await f.cb.select(Policy, 8);
  p.description = "Changed from the API";
  const from = f.emu.requests.length;
  await p.save();
  const sent = since(f.emu, from);
  assert.deepEqual(sent.map((r) => `${r.method} ${r.url}`), [
    `PUT ${V3}/policy/8`,
    `GET ${V3}/policy/8`,
  ]);
  const body = JSON.parse(sent[0]!.body);
  assert.deepEqual(Object.keys(body), ["policyInfo"]);
  assert.equal(body.policyInfo.id, 8);
  assert.equal(body.policyInfo.description, "Changed from the API");
  assert.equal(body.policyInfo.policy.rules.length, 4, "the whole document");
  assert.equal(f.emu.state.defense.policies.get(8)!.description, "Changed from the API");
  assert.equal(p.description, "Changed from the API");
  assert.equal(p.isDirty(), false);
});

Deno.test("Policy delete sends DELETE policy/{id}; a policy in use is refused [spec 270]", async () => {
  await using f = await defenseFixture();
  const unused = f.cb.create(Policy, {
    name: "Temp",
    description: "to delete",
    priorityLevel: "MEDIUM",
    version: 2,
    policy: { rules: [] },
  });
  await unused.save();
  const from = f.emu.requests.length;
  await unused.delete();
  assert.deepEqual(linesSince(f.emu, from), [`DELETE ${V3}/policy/6526`]);
  assert.equal(f.emu.state.defense.policies.has(6526), false);
  const used = await f.cb.select(Policy, 8);
  await assert.rejects(used.delete(), (e: unknown) => e instanceof ServerError && e.status === 409);
  assert.ok(f.emu.state.defense.policies.has(8));
});

Deno.test("Policy.addRule() POSTs ruleInfo and reloads [spec 272]", async () => {
  await using f = await defenseFixture();
  const p = await f.cb.select(Policy, 8);
  const from = f.emu.requests.length;
  const back = await p.addRule(DENY_PUP);
  assert.equal(back, p);
  const sent = since(f.emu, from);
  assert.deepEqual(sent.map((r) => `${r.method} ${r.url}`), [
    `POST ${V3}/policy/8/rule`,
    `GET ${V3}/policy/8`,
  ]);
  assert.deepEqual(JSON.parse(sent[0]!.body), { ruleInfo: DENY_PUP });
  assert.equal(p.rules.size, 5);
  assert.deepEqual(p.rules.get(18), { ...DENY_PUP, id: 18 });
  await assert.rejects(p.addRule(null as unknown as PolicyRule), TypeError);
  await assert.rejects(
    p.addRule({ ...DENY_PUP, action: "EXPLODE" }),
    (e: unknown) => e instanceof ServerError && /Invalid rule action EXPLODE/.test(e.message),
  );
  await assert.rejects(f.cb.create(Policy).addRule(DENY_PUP), ApiError);
});

Deno.test("Policy.deleteRule() sends DELETE policy/{id}/rule/{ruleId} and reloads [spec 273]", async () => {
  await using f = await defenseFixture();
  const p = await f.cb.select(Policy, 7);
  const from = f.emu.requests.length;
  await p.deleteRule(10);
  assert.deepEqual(linesSince(f.emu, from), [
    `DELETE ${V3}/policy/7/rule/10`,
    `GET ${V3}/policy/7`,
  ]);
  assert.equal(p.rules.has(10), false);
  assert.equal(p.rules.size, 15);
  const err = await p.deleteRule(99).catch((e) => e);
  assert.ok(err instanceof ObjectNotFoundError);
  assert.match(err.message, /Rule id 99 does not exist in policy 7/);
  assert.match(err.message, /delete rule 99 of policy 7/);
  assert.equal(p.rules.size, 15);
});

Deno.test("Policy.replaceRule() PUTs ruleInfo for the rule id and reloads [spec 274]", async () => {
  await using f = await defenseFixture();
  const p = await f.cb.select(Policy, 7);
  const replacement: PolicyRule = { ...DENY_PUP, action: "TERMINATE" };
  const from = f.emu.requests.length;
  await p.replaceRule(3, replacement);
  const sent = since(f.emu, from);
  assert.deepEqual(sent.map((r) => `${r.method} ${r.url}`), [
    `PUT ${V3}/policy/7/rule/3`,
    `GET ${V3}/policy/7`,
  ]);
  assert.deepEqual(JSON.parse(sent[0]!.body), { ruleInfo: replacement });
  assert.deepEqual(p.rules.get(3), { ...replacement, id: 3 });
  const err = await p.replaceRule(4, replacement).catch((e) => e);
  assert.ok(err instanceof ObjectNotFoundError);
  assert.match(err.message, /the server says "Rule id 4 does not exist in policy 7"/);
  assert.equal(err.status, 404);
});
