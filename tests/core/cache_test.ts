// The object cache's defaults, pinned (SPEC §3.4, Python's lru_cache_function(max_size=1024,
// expiration=60 s)): changing the size, the lifetime or the eviction order fails a test here.

import assert from "node:assert/strict";
import { ObjectCache } from "@cbapi/cbapi/core";
import { Sensor } from "@cbapi/cbapi/response";
import { responseFixture } from "../_helpers.ts";
import { check, fc } from "../property/_fc.ts";

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

Deno.test("ObjectCache keeps exactly what a reference LRU keeps under random get/set/delete/expiry", async () => {
  // The reference: an array in recency order (least recent first), entries with their expiry.
  type Op = { kind: "get" | "set" | "delete" | "tick" | "where"; key: number };
  const op = fc.record({
    kind: fc.constantFrom<Op["kind"]>("get", "set", "set", "delete", "tick", "where"),
    key: fc.integer({ min: 0, max: 11 }),
  });
  await check(
    fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
      let now = 0;
      const cache = new ObjectCache({ maxEntries: 5, ttlMs: 40, now: () => now });
      let ref: { key: string; value: number; expires: number }[] = [];
      ops.forEach(({ kind, key }, i) => {
        const k = `k${key}`;
        const at = ref.findIndex((e) => e.key === k);
        if (kind === "tick") {
          now += key;
        } else if (kind === "set") {
          if (at >= 0) ref.splice(at, 1);
          else if (ref.length >= 5) ref.shift();
          ref.push({ key: k, value: i, expires: now + 40 });
          cache.set(k, i);
        } else if (kind === "get") {
          let want: number | undefined;
          if (at >= 0) {
            const [e] = ref.splice(at, 1);
            if (e!.expires > now) {
              ref.push(e!);
              want = e!.value;
            }
          }
          assert.equal(cache.get(k), want);
        } else if (kind === "delete") {
          if (at >= 0) ref.splice(at, 1);
          assert.equal(cache.delete(k), at >= 0);
        } else {
          const odd = (s: string) => Number(s.slice(1)) % 2 === 1;
          const n = ref.filter((e) => odd(e.key)).length;
          ref = ref.filter((e) => !odd(e.key));
          assert.equal(cache.deleteWhere(odd), n);
        }
        assert.equal(cache.size, ref.length);
      });
      // Every live entry of the reference is still there, with its value.
      for (const e of ref) if (e.expires > now) assert.equal(cache.get(e.key), e.value);
    }),
    200,
  );
});
