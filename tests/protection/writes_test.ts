// Protection writes pinned on the wire (SPEC §6.2 table, checklist 246-256): the method, the path
// and the body of every create, update and delete, and read-only models refusing a write before
// anything is sent.

import assert from "node:assert/strict";
import {
  Policy,
  Publisher,
  PublisherCertificate,
  ScriptRule,
  ServerConfig,
  ServerPerformance,
  TrustedDirectory,
  TrustedUser,
  Updater,
  User,
  UserGroup,
} from "@cbapi/cbapi/protection";
import type { CbEmulator } from "@cbapi/cbapi/testing";
import { coll, protectionFixture } from "./_helpers.ts";

const BASE = "/api/bit9platform/v1";

interface Writable {
  uniqueId: unknown;
  set(name: string, value: unknown): unknown;
  save(): Promise<unknown>;
  delete(): Promise<void>;
  toJSON(): Record<string, unknown>;
}

function sent(emu: CbEmulator, from: number) {
  return emu.requests.slice(from).map((r) => ({ line: `${r.method} ${r.url}`, body: r.body }));
}

/** A create: one POST to the collection, without the id, then the object carries the new id. */
async function checkCreate(emu: CbEmulator, obj: Writable, path: string, fields: object) {
  const n = emu.requests.length;
  await obj.save();
  const [post, ...rest] = sent(emu, n);
  assert.equal(post!.line, `POST ${BASE}/${path}`);
  const body = JSON.parse(post!.body);
  assert.equal("id" in body, false, "a create does not send the primary key");
  for (const [k, v] of Object.entries(fields)) assert.deepEqual(body[k], v, k);
  assert.ok(typeof obj.uniqueId === "number", "the new id is taken from the answer");
  for (const r of rest) assert.equal(r.line, `GET ${BASE}/${path}/${obj.uniqueId}`);
}

/** An update: one PUT of the whole document to the object's path. */
async function checkUpdate(
  emu: CbEmulator,
  obj: Writable,
  path: string,
  field: string,
  value: unknown,
) {
  const before = obj.toJSON();
  obj.set(field, value);
  const n = emu.requests.length;
  await obj.save();
  const [put, ...rest] = sent(emu, n);
  assert.equal(put!.line, `PUT ${BASE}/${path}/${obj.uniqueId}`);
  const body = JSON.parse(put!.body);
  assert.deepEqual(body[field], value);
  assert.deepEqual(
    Object.keys(body).sort(),
    [...new Set([...Object.keys(before), field])].sort(),
    "the whole document",
  );
  for (const r of rest) assert.equal(r.line, `GET ${BASE}/${path}/${obj.uniqueId}`);
  assert.deepEqual(coll(emu, path).get(obj.uniqueId as number)![field], value);
}

/** A delete: one DELETE of the object's path. */
async function checkDelete(emu: CbEmulator, obj: Writable, path: string) {
  const n = emu.requests.length;
  await obj.delete();
  assert.deepEqual(sent(emu, n).map((r) => r.line), [`DELETE ${BASE}/${path}/${obj.uniqueId}`]);
  assert.equal(coll(emu, path).has(obj.uniqueId as number), false);
}

Deno.test("Policy create POST, update PUT, delete DELETE on the wire [spec 246]", async () => {
  await using f = await protectionFixture();
  const p = f.cb.create(Policy, { name: "Lab", enforcementLevel: 40 });
  await checkCreate(f.emu, p, "policy", { name: "Lab", enforcementLevel: 40 });
  await checkUpdate(f.emu, p, "policy", "description", "lab machines");
  await checkDelete(f.emu, p, "policy");
});

Deno.test("Publisher update is a PUT of the whole document [spec 247]", async () => {
  await using f = await protectionFixture();
  await checkUpdate(f.emu, await f.cb.select(Publisher, 2), "publisher", "publisherState", 2);
});

Deno.test("ScriptRule update is a PUT of the whole document [spec 249]", async () => {
  await using f = await protectionFixture();
  await checkUpdate(f.emu, await f.cb.select(ScriptRule, 2), "scriptRule", "enabled", false);
});

Deno.test("TrustedDirectory update is a PUT of the whole document [spec 252]", async () => {
  await using f = await protectionFixture();
  const d = await f.cb.select(TrustedDirectory, 1);
  await checkUpdate(f.emu, d, "trustedDirectory", "description", "software share");
});

Deno.test("TrustedUser create POST, update PUT, delete DELETE on the wire [spec 253]", async () => {
  await using f = await protectionFixture();
  const fields = { name: "CORP\\builder", userSid: "S-1-5-21-9", description: "b", platformId: 1 };
  const tu = f.cb.create(TrustedUser, fields);
  await checkCreate(f.emu, tu, "trustedUser", fields);
  await checkUpdate(f.emu, tu, "trustedUser", "description", "build agent");
  await checkDelete(f.emu, tu, "trustedUser");
});

Deno.test("Updater update is a PUT of the whole document [spec 254]", async () => {
  await using f = await protectionFixture();
  await checkUpdate(f.emu, await f.cb.select(Updater, 3), "updater", "enabled", true);
});

Deno.test("User create POST, update PUT, delete DELETE on the wire [spec 255]", async () => {
  await using f = await protectionFixture();
  const u = f.cb.create(User, { name: "jdoe", firstName: "Jane" });
  await checkCreate(f.emu, u, "user", { name: "jdoe", firstName: "Jane" });
  await checkUpdate(f.emu, u, "user", "lastName", "Doe");
  await checkDelete(f.emu, u, "user");
});

Deno.test("UserGroup create POST, update PUT, delete DELETE on the wire [spec 256]", async () => {
  await using f = await protectionFixture();
  const g = f.cb.create(UserGroup, { name: "Auditors" });
  await checkCreate(f.emu, g, "userGroup", { name: "Auditors" });
  await checkUpdate(f.emu, g, "userGroup", "permissions", "3");
  await checkDelete(f.emu, g, "userGroup");
});

/** The accessor a model defines for a field (on its prototype chain), if any. */
function accessorOf(obj: object, name: string): PropertyDescriptor | undefined {
  for (let p = Object.getPrototypeOf(obj); p; p = Object.getPrototypeOf(p)) {
    const d = Object.getOwnPropertyDescriptor(p, name);
    if (d?.get) return d;
  }
  return undefined;
}

Deno.test("read-only models refuse a write before anything is sent [spec 248,250,251]", async () => {
  await using f = await protectionFixture();
  const objects = [
    (await f.cb.select(PublisherCertificate).where("publisherId:1").first())!,
    await f.cb.select(ServerConfig).where("name:ParityServerVersion").one(),
    await f.cb.select(ServerPerformance, 2),
  ];
  const n = f.emu.requests.length;
  for (const obj of objects) {
    const name = obj.constructor.name;
    assert.equal("save" in obj, false, `${name} has no save()`);
    assert.equal("delete" in obj, false, `${name} has no delete()`);
    assert.equal("set" in obj, false, `${name} has no set()`);
    const doc = obj.toJSON();
    for (const field of Object.keys(doc)) {
      // A typed field has a getter only and refuses the assignment; any other name at most
      // becomes a local property: the document (what a save would send) never changes.
      const write = () => {
        (obj as unknown as Record<string, unknown>)[field] = "changed";
      };
      if (accessorOf(obj, field)) assert.throws(write, TypeError, `${name}.${field}`);
      else write();
      assert.deepEqual(obj.toJSON(), doc, `${name}.${field} left the document alone`);
    }
  }
  assert.equal(f.emu.requests.length, n, "nothing sent");
});
