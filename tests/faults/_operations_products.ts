// The Cb Defense and Cb Protection rows of the fault matrix (and Defense Live Response): what
// each one sends, which request a fault hits, how it runs and how the emulator's state shows
// whether (and how often) it acted.

import assert from "node:assert/strict";
import { type CbDefenseAPI, Device, Policy, type PolicyRule } from "@cbapi/cbapi/defense";
import { type CbProtectionAPI, Computer, FileInstance, FileRule } from "@cbapi/cbapi/protection";
import type { CbEmulator } from "@cbapi/cbapi/testing";
import { directoriesMade, DIRECTORY, type Operation } from "./_operations.ts";

const DEFENSE = "/integrationServices/v3";
const PROTECTION = "/api/bit9platform/v1";
/** The documentation's Defense device. */
const DEVICE_ID = 12;
/** The seeded Defense policy without rules. */
const EMPTY_POLICY_ID = 9;
/** The name of everything the write rows create. */
const MATRIX_NAME = "fault matrix";
const RULE: PolicyRule = {
  required: false,
  action: "DENY",
  operation: "RUN",
  application: { type: "REPUTATION", value: "KNOWN_MALWARE" },
};
/** A SHA-256 no seeded file rule names. */
const RULE_HASH = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const UPDATED = "updated by the fault matrix";

/** The URL of the `n`-th (0-based) GET of `path` since the log was cleared. */
function nthGet(emu: CbEmulator, path: string, n: number): string {
  const pages = emu.requests.filter((r) => r.method === "GET" && r.path === path);
  return pages[n]!.url;
}

/** How many documents of a Protection collection carry the matrix's name. */
function protectionNamed(emu: CbEmulator, collection: string): number {
  const docs = emu.state.protection.collections.get(collection)?.values() ?? [];
  return [...docs].filter((d) => d.name === MATRIX_NAME).length;
}

/** The Defense rows: GET by id, paging, Device PATCH, Policy create, rule add, LR command. */
export const DEFENSE_OPERATIONS: readonly Operation<CbDefenseAPI>[] = [
  {
    name: "Defense GET device by id",
    product: "defense",
    kind: "read",
    target: { method: "GET", path: `${DEFENSE}/device/${DEVICE_ID}` },
    location: () => `${DEFENSE}/device/${DEVICE_ID}`,
    async run(cb) {
      return (await cb.select(Device, DEVICE_ID)).name;
    },
    check(result) {
      assert.equal(result, "WIN-IA9NQ1GN8OI");
    },
    applied: () => 0,
  },
  {
    name: "Defense paging devices",
    product: "defense",
    kind: "read",
    // The second of three pages (`rows=50&start=51`), so that a retry must neither lose nor
    // repeat rows of the first.
    target: { method: "GET", path: `${DEFENSE}/device`, skip: 1 },
    location: (emu) => nthGet(emu, `${DEFENSE}/device`, 1),
    async prepare(cb) {
      return (await cb.select(Device).batchSize(50).toArray()).map((d) => d.deviceId);
    },
    async run(cb) {
      return (await cb.select(Device).batchSize(50).toArray()).map((d) => d.deviceId);
    },
    check(result, baseline) {
      assert.equal((baseline as number[]).length, 120, "the query spans three pages");
      assert.equal(new Set(baseline as number[]).size, 120, "no device twice");
      assert.deepEqual(result, baseline);
    },
    applied: () => 0,
  },
  {
    name: "Defense Device save (PATCH)",
    product: "defense",
    kind: "patch",
    target: { method: "PATCH", path: `${DEFENSE}/device/${DEVICE_ID}` },
    location: () => `${DEFENSE}/device/${DEVICE_ID}`,
    lateApplied: 1,
    async run(cb) {
      const device = await cb.select(Device, DEVICE_ID);
      device.policyName = "Restrictive_Windows_Workstation";
      await device.save();
      return [device.policyId, device.policyName];
    },
    check(result) {
      assert.deepEqual(result, [7, "Restrictive_Windows_Workstation"]);
    },
    applied(emu) {
      const doc = emu.state.defense.devices.get(DEVICE_ID);
      return doc?.policyId === 7 && doc.policyName === "Restrictive_Windows_Workstation" ? 1 : 0;
    },
  },
  {
    name: "Defense Policy create (POST policyInfo)",
    product: "defense",
    kind: "post",
    target: { method: "POST", path: `${DEFENSE}/policy` },
    location: () => `${DEFENSE}/policy`,
    lateApplied: 1,
    async run(cb) {
      const policy = cb.create(Policy);
      policy.name = MATRIX_NAME;
      policy.description = "made by the fault matrix";
      policy.priorityLevel = "LOW";
      policy.version = 2;
      policy.policy = { rules: [RULE] };
      await policy.save();
      return [policy.id, policy.name, policy.rules.size];
    },
    check(result) {
      const [id, name, rules] = result as [number, string, number];
      assert.ok(Number.isInteger(id) && id > 0, `a server-assigned id, got ${id}`);
      assert.deepEqual([name, rules], [MATRIX_NAME, 1]);
    },
    // Every policy of that name counts: a repeated create would show as 2.
    applied: (emu) =>
      [...emu.state.defense.policies.values()].filter((p) => p.name === MATRIX_NAME).length,
  },
  {
    name: "Defense policy rule add (POST)",
    product: "defense",
    kind: "post",
    target: { method: "POST", path: `${DEFENSE}/policy/${EMPTY_POLICY_ID}/rule` },
    location: () => `${DEFENSE}/policy/${EMPTY_POLICY_ID}/rule`,
    lateApplied: 1,
    async run(cb) {
      const policy = await cb.select(Policy, EMPTY_POLICY_ID);
      assert.equal(policy.rules.size, 0, "the seeded policy has no rules");
      await policy.addRule(RULE);
      return [...policy.rules.values()].map((r) => [r.action, r.application.value]);
    },
    check(result) {
      assert.deepEqual(result, [["DENY", "KNOWN_MALWARE"]]);
    },
    // Every rule of the policy counts: a repeated add would show as 2.
    applied(emu) {
      const doc = emu.state.defense.policies.get(EMPTY_POLICY_ID);
      const rules = (doc?.policy as { rules?: unknown[] } | undefined)?.rules ?? [];
      return rules.length;
    },
  },
  {
    name: "Defense Live Response command",
    product: "defense",
    kind: "post",
    target: { method: "POST", path: /^\/integrationServices\/v3\/cblr\/session\/\d+\/command$/ },
    location: () => `${DEFENSE}/cblr/session/1/command`,
    lateApplied: 0,
    async run(cb) {
      const device = await cb.select(Device, DEVICE_ID);
      await using session = await device.lrSession();
      await session.createDirectory(DIRECTORY);
      return (await session.listDirectory("c:\\")).map((e) => e.filename);
    },
    check(result) {
      assert.ok((result as string[]).includes("fault_matrix"));
    },
    applied: (emu) => directoriesMade(emu, [DEVICE_ID], "defense"),
  },
];

/** The Protection rows: GET by id, paging, FileRule create, Computer update. */
export const PROTECTION_OPERATIONS: readonly Operation<CbProtectionAPI>[] = [
  {
    name: "Protection GET computer by id",
    product: "protection",
    kind: "read",
    target: { method: "GET", path: `${PROTECTION}/computer/1` },
    location: () => `${PROTECTION}/computer/1`,
    async run(cb) {
      return (await cb.select(Computer, 1)).name;
    },
    check(result) {
      assert.equal(result, String.raw`DOMAIN\MYHOSTNAME`);
    },
    applied: () => 0,
  },
  {
    name: "Protection paging file instances",
    product: "protection",
    kind: "read",
    // The second of six pages (`limit=10&offset=10`).
    target: { method: "GET", path: `${PROTECTION}/fileInstance`, skip: 1 },
    location: (emu) => nthGet(emu, `${PROTECTION}/fileInstance`, 1),
    // One page in flight: the fault hits the second page, not the count that pages in flight
    // ask beside it (a failed count only plans less ahead; it fails nothing).
    async prepare(cb) {
      return (await cb.select(FileInstance).batchSize(10).toArray({ pagesInFlight: 1 })).map((f) =>
        f.id
      );
    },
    async run(cb) {
      return (await cb.select(FileInstance).batchSize(10).toArray({ pagesInFlight: 1 })).map((f) =>
        f.id
      );
    },
    check(result, baseline) {
      const ids = baseline as number[];
      assert.ok(ids.length > 20, "the query spans at least three pages");
      assert.equal(new Set(ids).size, ids.length, "no file instance twice");
      assert.deepEqual(result, baseline);
    },
    applied: () => 0,
  },
  {
    name: "Protection FileRule create (POST)",
    product: "protection",
    kind: "post",
    target: { method: "POST", path: `${PROTECTION}/fileRule` },
    location: () => `${PROTECTION}/fileRule`,
    lateApplied: 1,
    async run(cb) {
      const rule = cb.create(FileRule);
      rule.name = MATRIX_NAME;
      rule.hash = RULE_HASH;
      rule.fileState = FileRule.StateBanned;
      await rule.save();
      return [rule.id, rule.name, rule.fileState];
    },
    check(result) {
      const [id, name, state] = result as [number, string, number];
      assert.ok(Number.isInteger(id) && id > 0, `a server-assigned id, got ${id}`);
      assert.deepEqual([name, state], [MATRIX_NAME, FileRule.StateBanned]);
    },
    // Every rule of that name counts: a repeated create would show as 2.
    applied: (emu) => protectionNamed(emu, "fileRule"),
  },
  {
    name: "Protection Computer update (PUT)",
    product: "protection",
    kind: "put",
    target: { method: "PUT", path: `${PROTECTION}/computer/1` },
    location: () => `${PROTECTION}/computer/1`,
    async run(cb) {
      const computer = await cb.select(Computer, 1);
      computer.description = UPDATED;
      await computer.save();
      return computer.description;
    },
    check(result) {
      assert.equal(result, UPDATED);
    },
    applied(emu) {
      const doc = emu.state.protection.collections.get("computer")?.get(1);
      return doc?.description === UPDATED ? 1 : 0;
    },
  },
];
