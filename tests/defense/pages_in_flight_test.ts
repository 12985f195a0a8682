// Defense pages in flight: the first page reports totalResults, then at most N pages are in
// flight, each asked once with its 1-based start, rows in order.

import assert from "node:assert/strict";
import { Device } from "@cbapi/cbapi/defense";
import { defenseFixture } from "./_helpers.ts";

Deno.test("DefenseQuery keeps at most N pages in flight once the total is known, rows in order", async () => {
  await using f = await defenseFixture({ searchLatencyMs: 20 });
  const ids = [...f.emu.state.defense.devices.keys()];
  assert.equal(ids.length, 120);
  for (const n of [1, 3]) {
    f.emu.clearRequests();
    const rows = await f.cb.select(Device).batchSize(10).toArray({ pagesInFlight: n });
    assert.deepEqual(rows.map((d) => d.deviceId), ids);
    assert.equal(f.emu.maxInFlight, n);
    const starts = f.emu.requests.map((r) => Number(new URLSearchParams(r.query).get("start") ?? 1))
      .sort((a, b) => a - b);
    assert.deepEqual(starts, Array.from({ length: 12 }, (_, i) => i * 10 + 1), "each page once");
  }
});
