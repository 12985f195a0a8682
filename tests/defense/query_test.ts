import assert from "node:assert/strict";
import { ApiError, DefenseQuery, Device, Event, Policy } from "@cbapi/cbapi/defense";
import { defenseFixture, linesSince, since, V3 } from "./_helpers.ts";
import { assertRefinementsKeepOriginal } from "../_refine.ts";

Deno.test("DefenseQuery.where() sends each key:value clause as a query parameter, last wins [spec 259]", async () => {
  await using f = await defenseFixture();
  const base = f.cb.select(Device);
  const q = base.where("hostNameExact:WIN-IA9NQ1GN8OI").and("ipAddress:10.0.0.1")
    .and("ipAddress:192.168.215.150");
  assert.ok(q instanceof DefenseQuery);
  assert.notEqual(q, base);
  assert.deepEqual(base.filters, {});
  assert.deepEqual(q.filters, { hostNameExact: "WIN-IA9NQ1GN8OI", ipAddress: "192.168.215.150" });
  assert.equal(f.emu.requests.length, 0, "building a query sends nothing");
  const devices = await q.toArray();
  assert.deepEqual(devices.map((d) => d.deviceId), [12]);
  assert.equal(devices[0]!.name, "WIN-IA9NQ1GN8OI");
  assert.deepEqual(linesSince(f.emu, 0), [
    `GET ${V3}/device?hostNameExact=WIN-IA9NQ1GN8OI&ipAddress=192.168.215.150&rows=100`,
  ]);
});

Deno.test("DefenseQuery.where() splits at the first colon and rejects a clause without one [spec 259]", async () => {
  await using f = await defenseFixture();
  const q = f.cb.select(Event).where("searchWindow:1w").where("applicationName:chrome.exe");
  assert.deepEqual(q.filters, { searchWindow: "1w", applicationName: "chrome.exe" });
  const colon = f.cb.select(Device).where("hostName:a:b");
  assert.deepEqual(colon.filters, { hostName: "a:b" });
  assert.throws(() => f.cb.select(Device).where("WIN-IA9NQ1GN8OI"), SyntaxError);
  const events = await q.toArray();
  assert.ok(events.length > 0);
  assert.ok(events.every((e) => e.applicationName === "chrome.exe"));
  assert.equal(
    f.emu.requests[0]!.url,
    `${V3}/event?applicationName=chrome.exe&rows=100&searchWindow=1w`,
  );
});

Deno.test("DefenseQuery.count() asks limit=0 and reads totalResults [spec 260]", async () => {
  await using f = await defenseFixture();
  assert.equal(await f.cb.select(Device).count(), 120);
  const expected = [...f.emu.state.defense.devices.values()]
    .filter((d) => String(d.name).includes("WIN-WS")).length;
  assert.ok(expected > 0 && expected < 120);
  assert.equal(await f.cb.select(Device).where("hostName:WIN-WS").count(), expected);
  assert.equal(await f.cb.select(Policy).count(), 4);
  assert.deepEqual(linesSince(f.emu, 0), [
    `GET ${V3}/device?limit=0`,
    `GET ${V3}/device?hostName=WIN-WS&limit=0`,
    `GET ${V3}/policy?limit=0`,
  ]);
  assert.equal(f.emu.requests[0]!.status, 200);
});

Deno.test("DefenseQuery pages with rows=100 and the 1-based start of each later page [spec 261]", async () => {
  await using f = await defenseFixture();
  const all = await f.cb.select(Device).toArray();
  assert.equal(all.length, 120);
  assert.equal(new Set(all.map((d) => d.deviceId)).size, 120, "no row twice, none skipped");
  assert.deepEqual(all.map((d) => d.deviceId), [...f.emu.state.defense.devices.keys()]);
  assert.deepEqual(linesSince(f.emu, 0), [
    `GET ${V3}/device?rows=100`,
    `GET ${V3}/device?rows=100&start=101`,
  ]);
});

Deno.test("DefenseQuery.first() and slice() ask rows=100 and a 1-based start [spec 261]", async () => {
  await using f = await defenseFixture();
  const first = await f.cb.select(Device).first();
  assert.equal(first?.deviceId, 12);
  const from = since(f.emu, 0).length;
  const window = await f.cb.select(Device).slice(5, 8);
  const ids = [...f.emu.state.defense.devices.keys()];
  assert.deepEqual(window.map((d) => d.deviceId), ids.slice(5, 8));
  assert.deepEqual(linesSince(f.emu, from), [`GET ${V3}/device?rows=100&start=6`]);
  const last = await f.cb.select(Device).at(-1);
  assert.equal(last?.deviceId, ids.at(-1));
});

Deno.test("DefenseQuery.batchSize() changes rows; paging still uses 1-based starts [spec 261]", async () => {
  await using f = await defenseFixture();
  const policies = await f.cb.select(Policy).batchSize(3).toArray();
  assert.deepEqual(policies.map((p) => p.id), [6525, 7, 8, 9]);
  assert.deepEqual(linesSince(f.emu, 0), [
    `GET ${V3}/policy?rows=3`,
    `GET ${V3}/policy?rows=3&start=4`,
  ]);
  assert.throws(() => f.cb.select(Policy).batchSize(0), RangeError);
});

Deno.test("DefenseQuery.sort() is refused with a clear error", async () => {
  await using f = await defenseFixture();
  assert.throws(
    () => f.cb.select(Device).sort("name"),
    (e: unknown) => e instanceof ApiError && /does not sort/.test(e.message),
  );
  assert.equal(f.emu.requests.length, 0);
});

Deno.test("DefenseQuery.one() names the query when there is no result or several", async () => {
  await using f = await defenseFixture();
  await assert.rejects(
    f.cb.select(Device).where("hostNameExact:NO-SUCH-HOST").one(),
    (e: unknown) => e instanceof ApiError && /hostNameExact:NO-SUCH-HOST/.test(e.message),
  );
  await assert.rejects(
    f.cb.select(Device).where("hostName:WIN").one(),
    (e: unknown) => e instanceof ApiError && e.name === "MoreThanOneResultError",
  );
  const one = await f.cb.select(Device).where("hostNameExact:WIN-IA9NQ1GN8OI").one();
  assert.equal(one.deviceId, 12);
});

Deno.test("DefenseQuery stops on an unknown filter with the server's message", async () => {
  await using f = await defenseFixture();
  await assert.rejects(
    f.cb.select(Device).where("color:blue").toArray(),
    (e: unknown) => e instanceof ApiError && /Unknown search parameter/.test(e.message),
  );
  assert.equal(f.emu.requests[0]!.status, 400);
});

Deno.test("DefenseQuery refinements leave the original unchanged; a refused sort changes nothing [spec 52,259]", async () => {
  await using f = await defenseFixture();
  await assertRefinementsKeepOriginal(f.emu, () => f.cb.select(Device), {
    where: (q) => q.where("ipAddress:192.168.215.150"),
    sameKey: (q) => q.where("hostName:WIN").where("hostName:WIN-IA9NQ1GN8OI"),
    batchSize: (q) => q.batchSize(1),
  });
  const q = f.cb.select(Device).where("ipAddress:192.168.215.150");
  assert.throws(() => q.sort("name"), ApiError);
  assert.deepEqual(q.filters, { ipAddress: "192.168.215.150" });
});
