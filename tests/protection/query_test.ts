import assert from "node:assert/strict";
import { MoreThanOneResultError, ObjectNotFoundError, ServerError } from "@cbapi/cbapi/core";
import { Computer, Event, FileInstance, PROTECTION_PAGE_SIZE } from "@cbapi/cbapi/protection";
import { coll, protectionFixture, since } from "./_helpers.ts";
import { assertRefinementsKeepOriginal } from "../_refine.ts";

Deno.test("ProtectionQuery.where()/and() send one q per clause, sorted on the wire, ANDed by the server [spec 217]", async () => {
  await using f = await protectionFixture();
  const base = f.cb.select(Computer);
  const q = base.where("ipAddress:10.201.2.*").and("deleted:false");
  assert.notEqual(q, base);
  assert.deepEqual(base.clauses, []);
  const n = f.emu.requests.length;
  const rows = await q.toArray();
  assert.deepEqual(since(f.emu, n), [
    "GET /api/bit9platform/v1/computer?limit=1000&offset=0&q=deleted%3Afalse&q=ipAddress%3A10.201.2.%2A",
  ]);
  const expected = [...coll(f.emu, "computer").values()].filter((c) =>
    String(c.ipAddress).startsWith("10.201.2.") && c.deleted === false
  ).map((c) => c.id);
  assert.deepEqual(rows.map((c) => c.id), expected);
  assert.ok(rows.length >= 3);
});

Deno.test("ProtectionQuery.sort() sends sort= and the server orders by it; an empty sort clears [spec 218]", async () => {
  await using f = await protectionFixture();
  const n = f.emu.requests.length;
  const sorted = await f.cb.select(Computer).sort("processorSpeed DESC").toArray();
  assert.equal(
    since(f.emu, n)[0],
    "GET /api/bit9platform/v1/computer?limit=1000&offset=0&sort=processorSpeed+DESC",
  );
  const speeds = sorted.map((c) => c.processorSpeed!);
  assert.deepEqual(speeds, [...speeds].sort((a, b) => b - a));
  const m = f.emu.requests.length;
  await f.cb.select(Computer).sort("processorSpeed DESC").sort("").first();
  assert.equal(since(f.emu, m)[0], "GET /api/bit9platform/v1/computer?limit=1&offset=0");
});

Deno.test("ProtectionQuery.count() sends limit=-1 and reads {count}; it is asked again every time [spec 219]", async () => {
  await using f = await protectionFixture();
  const q = f.cb.select(FileInstance).where("localState:1");
  const n = f.emu.requests.length;
  const count = await q.count();
  const expected =
    [...coll(f.emu, "fileInstance").values()].filter((d) => d.localState === 1).length;
  assert.equal(count, expected);
  await q.toArray();
  assert.equal(await q.count(), expected);
  assert.deepEqual(since(f.emu, n), [
    "GET /api/bit9platform/v1/fileInstance?limit=-1&q=localState%3A1",
    "GET /api/bit9platform/v1/fileInstance?limit=1000&offset=0&q=localState%3A1",
    "GET /api/bit9platform/v1/fileInstance?limit=-1&q=localState%3A1",
  ]);
});

Deno.test("ProtectionQuery pages 1000 rows at a time with limit/offset and skips no row [spec 220]", async () => {
  await using f = await protectionFixture();
  const events = coll(f.emu, "event");
  for (let id = 100; id < 100 + 2100; id++) {
    events.set(id, { id, description: `bulk ${id}`, subtype: 1 });
  }
  assert.equal(PROTECTION_PAGE_SIZE, 1000);
  const n = f.emu.requests.length;
  // One page in flight: the wire of a sequential client (the Python library's, offsets fixed).
  const rows = await f.cb.select(Event).where("subtype:1").toArray({ pagesInFlight: 1 });
  assert.equal(rows.length, 2100);
  assert.equal(new Set(rows.map((r) => r.id)).size, 2100, "no row skipped or repeated");
  assert.deepEqual(since(f.emu, n), [
    "GET /api/bit9platform/v1/event?limit=1000&offset=0&q=subtype%3A1",
    "GET /api/bit9platform/v1/event?limit=1000&offset=1000&q=subtype%3A1",
    "GET /api/bit9platform/v1/event?limit=1000&offset=2000&q=subtype%3A1",
  ]);
});

Deno.test("ProtectionQuery.batchSize(), slice() and at() ask only for the rows needed [spec 220]", async () => {
  await using f = await protectionFixture();
  const all = await f.cb.select(Computer).toArray();
  const n = f.emu.requests.length;
  const page = await f.cb.select(Computer).batchSize(4).toArray({ pagesInFlight: 1 });
  assert.deepEqual(page.map((c) => c.id), all.map((c) => c.id));
  assert.deepEqual(since(f.emu, n), [
    "GET /api/bit9platform/v1/computer?limit=4&offset=0",
    "GET /api/bit9platform/v1/computer?limit=4&offset=4",
    "GET /api/bit9platform/v1/computer?limit=4&offset=8",
  ]);
  const m = f.emu.requests.length;
  const mid = await f.cb.select(Computer).slice(2, 5);
  assert.deepEqual(mid.map((c) => c.id), all.slice(2, 5).map((c) => c.id));
  const last = await f.cb.select(Computer).at(-1);
  assert.equal(last?.id, all.at(-1)?.id);
  assert.deepEqual(since(f.emu, m), [
    "GET /api/bit9platform/v1/computer?limit=3&offset=2",
    "GET /api/bit9platform/v1/computer?limit=-1",
    // a negative index is resolved against the count, which also ends the window (issue 15)
    `GET /api/bit9platform/v1/computer?limit=1&offset=${all.length - 1}`,
  ]);
  assert.throws(() => f.cb.select(Computer).batchSize(0), RangeError);
});

Deno.test("ProtectionQuery.first() sends limit=1&offset=0 as the docs show; one() names the query [spec 220]", async () => {
  await using f = await protectionFixture();
  const n = f.emu.requests.length;
  const fi = await f.cb.select(FileInstance).first();
  assert.equal(since(f.emu, n)[0], "GET /api/bit9platform/v1/fileInstance?limit=1&offset=0");
  assert.equal(fi?.id, 1);
  const one = await f.cb.select(Computer).where("name:DOMAIN\\MYHOSTNAME").one();
  assert.equal(one.id, 1);
  await assert.rejects(
    f.cb.select(Computer).where("name:nothing-like-this").one(),
    (e) => e instanceof ObjectNotFoundError && e.message.includes("nothing-like-this"),
  );
  await assert.rejects(
    f.cb.select(Computer).where("name:CORP\\WKS-DUP").one(),
    (e) => e instanceof MoreThanOneResultError && e.message.startsWith("2 results"),
  );
});

Deno.test("ProtectionQuery rows go through the object cache and a malformed condition is a ServerError [spec 217]", async () => {
  await using f = await protectionFixture();
  const a = await f.cb.select(Computer).where("id:1").first();
  const b = await f.cb.select(Computer, 1);
  assert.equal(a, b);
  await assert.rejects(
    f.cb.select(Computer).where("not a condition").toArray(),
    (e) => e instanceof ServerError && e.status === 400,
  );
});

Deno.test("ProtectionQuery refinements leave the original unchanged (wire, rows) [spec 52,217]", async () => {
  await using f = await protectionFixture();
  await assertRefinementsKeepOriginal(f.emu, () => f.cb.select(Computer).where("deleted:false"), {
    where: (q) => q.where("ipAddress:10.201.2.*"),
    and: (q) => q.and("osShortName:*Windows 7*"),
    sort: (q) => q.sort("processorSpeed DESC"),
    batchSize: (q) => q.batchSize(2),
  });
});
