// Protection pages in flight: the pages carry no total, so after a full first page the query
// asks the count (limit=-1) once, alongside the second page, then keeps at most N pages in
// flight; rows arrive in order, each window is asked once, offsets skip no row.

import assert from "node:assert/strict";
import { Event } from "@cbapi/cbapi/protection";
import { coll, protectionFixture } from "./_helpers.ts";

Deno.test("ProtectionQuery keeps at most N pages in flight after one count, rows in order", async () => {
  await using f = await protectionFixture({ searchLatencyMs: 20 });
  const events = coll(f.emu, "event");
  for (let id = 100; id < 100 + 950; id++) {
    events.set(id, { id, description: `bulk ${id}`, subtype: 1 });
  }
  const q = f.cb.select(Event).where("subtype:1").batchSize(50);
  const expected = (await q.toArray({ pagesInFlight: 1 })).map((e) => e.id);
  assert.equal(expected.length, 950);
  for (const n of [2, 3]) {
    f.emu.clearRequests();
    const rows = await q.toArray({ pagesInFlight: n });
    assert.deepEqual(rows.map((e) => e.id), expected, `same rows in order with ${n} in flight`);
    assert.equal(f.emu.maxInFlight, n);
    const params = f.emu.requests.map((r) => new URLSearchParams(r.query));
    assert.equal(params.filter((p) => p.get("limit") === "-1").length, 1, "one count request");
    const offsets = params.filter((p) => p.get("limit") !== "-1").map((p) =>
      Number(p.get("offset"))
    )
      .sort((a, b) => a - b);
    assert.deepEqual(
      offsets,
      Array.from({ length: 20 }, (_, i) => i * 50),
      "each window once, up to the empty one that ends the results (the count only plans)",
    );
  }
});

Deno.test("ProtectionQuery with one page: no count request", async () => {
  await using f = await protectionFixture();
  f.emu.clearRequests();
  const rows = await f.cb.select(Event).toArray();
  assert.ok(rows.length < 1000);
  assert.deepEqual(
    f.emu.requests.map((r) => new URLSearchParams(r.query).get("limit")),
    ["1000"],
  );
});
