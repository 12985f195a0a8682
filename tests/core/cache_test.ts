// The object cache's defaults, pinned (SPEC §3.4, Python's lru_cache_function(max_size=1024,
// expiration=60 s)): changing the size, the lifetime or the eviction order fails a test here.

import assert from "node:assert/strict";
import { ObjectCache } from "@cbapi/cbapi/core";
import { Sensor } from "@cbapi/cbapi/response";
import { responseFixture } from "../_helpers.ts";

Deno.test("ObjectCache holds 1024 entries by default [spec 36]", () => {
  const cache = new ObjectCache();
  for (let i = 0; i < 1024; i++) cache.set(`k${i}`, i);
  assert.equal(cache.size, 1024);
  assert.equal(cache.get("k0"), 0, "the 1024th entry did not evict the first");
  cache.set("k1024", 1024);
  assert.equal(cache.size, 1024, "the 1025th entry evicts one");
});

Deno.test("ObjectCache evicts the least recently used entry, not the oldest inserted [spec 36]", () => {
  const cache = new ObjectCache();
  for (let i = 0; i < 1024; i++) cache.set(`k${i}`, i);
  assert.equal(cache.get("k0"), 0); // k0 becomes the most recently used
  cache.set("new", -1);
  assert.equal(cache.get("k0"), 0, "LRU keeps the entry just read (FIFO would drop it)");
  assert.equal(cache.get("k1"), undefined, "the least recently used one is gone");
});

Deno.test("ObjectCache entries live 60 s from insertion by default [spec 36]", () => {
  let now = 1_000_000;
  const cache = new ObjectCache({ now: () => now });
  cache.set("a", 1);
  now += 59_999;
  assert.equal(cache.get("a"), 1, "still there just before 60 s");
  now += 1;
  assert.equal(cache.get("a"), undefined, "gone at 60 s");
  cache.set("b", 2);
  now += 30_000;
  assert.equal(cache.get("b"), 2);
  now += 30_000;
  assert.equal(cache.get("b"), undefined, "reading does not extend the lifetime");
});

Deno.test("An API's object cache uses the defaults: select() within 60 s sends nothing, after it a GET [spec 36]", async () => {
  let now = 1_000_000;
  await using f = await responseFixture({}, { cache: { now: () => now } });
  await f.cb.select(Sensor, 3);
  const n = f.emu.requests.length;
  now += 59_000;
  await f.cb.select(Sensor, 3);
  assert.equal(f.emu.requests.length, n, "served from the cache");
  now += 1_000;
  await f.cb.select(Sensor, 3);
  assert.deepEqual(f.emu.requests.slice(n).map((r) => `${r.method} ${r.url}`), [
    "GET /api/v1/sensor/3",
  ]);
  for (let i = 0; i < 1024; i++) f.cb.cache.set(`filler${i}`, i);
  const m = f.emu.requests.length;
  await f.cb.select(Sensor, 3);
  assert.equal(f.emu.requests.length, m + 1, "1024 newer entries pushed the sensor out");
});
