import assert from "node:assert/strict";
import { ObjectNotFoundError } from "@cbapi/cbapi/core";
import { Site, ThrottleRule } from "@cbapi/cbapi/response";
import { requestsSince, responseFixture } from "../_helpers.ts";

Deno.test("Site list, select, create, update, delete and throttleRules() [spec 177]", async () => {
  await using f = await responseFixture();
  const sites = await f.cb.select(Site).toArray();
  assert.deepEqual(sites.map((s) => [s.id, s.name]), [[1, "Default Site"]]);
  assert.equal(sites[0]!.fullyInitialized, true, "rows are whole documents");
  const site = f.cb.create(Site, { name: "Branch office" });
  let n = f.emu.requests.length;
  await site.save();
  assert.deepEqual(requestsSince(f.emu, n), ["POST /api/site", "GET /api/site/2"]);
  assert.deepEqual(JSON.parse(f.emu.requests[n]!.body), { name: "Branch office" });
  assert.equal(site.id, 2);
  site.name = "Branch office (EU)";
  n = f.emu.requests.length;
  await site.save();
  assert.deepEqual(requestsSince(f.emu, n), ["PUT /api/site/2", "GET /api/site/2"]);
  assert.equal(JSON.parse(f.emu.requests[n]!.body).name, "Branch office (EU)");
  assert.equal(f.emu.state.sites.get(2)?.name, "Branch office (EU)");
  assert.equal(await site.throttleRules().count(), 0);
  await site.delete();
  assert.ok(!f.emu.state.sites.has(2));
  await assert.rejects(f.cb.select(Site, 2), ObjectNotFoundError);

  const main = await f.cb.select(Site, 1);
  n = f.emu.requests.length;
  const rules = await main.throttleRules().toArray();
  assert.deepEqual(requestsSince(f.emu, n), ["GET /api/throttle"]);
  assert.deepEqual(rules.map((r) => r.name), ["Business hours", "Weekend backups"]);
});

Deno.test("Site refresh refuses an answer that is not an array of one site [spec 177]", async () => {
  await using f = await responseFixture();
  f.emu.faults.add({ path: "/api/site/1", status: 200, body: "[]" });
  f.emu.faults.add({ path: "/api/site/1", status: 200, body: "[{}, {}]" });
  await assert.rejects(
    f.cb.select(Site, 1),
    (e) => e instanceof ObjectNotFoundError && /Cannot find site "1"/.test(e.message),
  );
  await assert.rejects(
    f.cb.select(Site, 1),
    (e) => e instanceof ObjectNotFoundError && /Cannot find site "1"/.test(e.message),
  );
});

Deno.test("ThrottleRule list, select and the site() join; rules are read-only [spec 178]", async () => {
  await using f = await responseFixture();
  const rules = await f.cb.select(ThrottleRule).toArray();
  assert.equal(rules.length, 2);
  const rule = await f.cb.select(ThrottleRule, 2);
  assert.equal(rule.from, "00:00");
  assert.equal(rule.to, "06:00");
  assert.equal(rule.day_of_week, "0,6");
  assert.equal(rule.bytes_per_second, 262144);
  const n = f.emu.requests.length;
  const site = await rule.site();
  assert.equal(site?.name, "Default Site");
  assert.deepEqual(requestsSince(f.emu, n), ["GET /api/site/1"]);
  await rule.site();
  assert.equal(f.emu.requests.length, n + 1, "the join is cached");
  assert.throws(() => (rule as unknown as { name: string }).name = "x", TypeError);
  await assert.rejects(f.cb.select(ThrottleRule, 9), ObjectNotFoundError);
});
