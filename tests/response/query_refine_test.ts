// A refined query leaves the original unchanged, for each Cb Response query class: the search
// queries (Binary, Process, Alert, ThreatReport), the list queries (SimpleQuery, ArrayQuery,
// SensorQuery, StoragePartitionQuery).

import assert from "node:assert/strict";
import { ApiError } from "@cbapi/cbapi/core";
import {
  Alert,
  Binary,
  Feed,
  Process,
  Sensor,
  StoragePartition,
  ThreatReport,
  WatchlistAction,
} from "@cbapi/cbapi/response";
import { responseFixture } from "../_helpers.ts";
import { assertRefinementsKeepOriginal } from "../_refine.ts";

Deno.test("SearchQuery refinements leave the original unchanged (wire, rows, cached count) [spec 52]", async () => {
  await using f = await responseFixture();
  await assertRefinementsKeepOriginal(
    f.emu,
    () => f.cb.select(Binary).where("digsig_result:Signed"),
    {
      where: (q) => q.where("is_executable_image:true"),
      and: (q) => q.and("is_64bit:true"),
      sort: (q) => q.sort("server_added_timestamp asc"),
      batchSize: (q) => q.batchSize(1),
      withRawQuery: (q) => q.withRawQuery("cb.urlver=1&q=digsig_result%3AUnsigned"),
    },
  );
  // The count cached on the original is not the refined query's.
  const q = f.cb.select(Binary).where("digsig_result:Signed");
  const all = await q.count();
  const n = f.emu.requests.length;
  const fewer = await q.where("is_64bit:true").count();
  assert.equal(f.emu.requests.length, n + 1, "the refined query asks its own count");
  assert.ok(fewer < all);
  assert.equal(await q.count(), all);
  assert.equal(f.emu.requests.length, n + 1, "the original's count stays cached");
});

Deno.test("ProcessQuery refinements (filters, groupBy, time filters) leave the original unchanged [spec 52]", async () => {
  await using f = await responseFixture();
  await assertRefinementsKeepOriginal(
    f.emu,
    () => f.cb.select(Process).where("process_name:cmd.exe"),
    {
      where: (q) => q.where("hostname:WIN-IA9NQ1GN8OI"),
      sort: (q) => q.sort("start asc"),
      batchSize: (q) => q.batchSize(2),
      groupBy: (q) => q.groupBy("id"),
      minLastUpdate: (q) => q.minLastUpdate("2017-01-01T00:00:00Z"),
      comprehensive: (q) => q.useComprehensiveSearch(),
    },
  );
});

Deno.test("AlertQuery and ThreatReportQuery refinements leave the original unchanged [spec 52]", async () => {
  await using f = await responseFixture();
  await assertRefinementsKeepOriginal(f.emu, () => f.cb.select(Alert), {
    where: (q) => q.where("status:Unresolved"),
    sort: (q) => q.sort("created_time asc"),
  });
  await assertRefinementsKeepOriginal(f.emu, () => f.cb.select(ThreatReport), {
    where: (q) => q.where("feed_name:SOC"),
    batchSize: (q) => q.batchSize(3),
  });
});

Deno.test("SimpleQuery refinements leave the original unchanged, also after it was evaluated [spec 52]", async () => {
  await using f = await responseFixture();
  await assertRefinementsKeepOriginal(f.emu, () => f.cb.select(Feed), {
    where: (q) => q.where("name:SOC"),
    sort: (q) => q.sort("id"),
  });
  const one = f.cb.select(Feed).where("name:SOC");
  assert.throws(() => one.where("name:sans"), ApiError);
  assert.throws(() => one.and("name:sans"), ApiError);
  assert.deepEqual(
    (await one.toArray()).map((x) => x.name),
    ["SOC"],
    "a refused clause changes nothing",
  );
});

Deno.test("ArrayQuery refinements leave the original unchanged; a second clause or and() is refused [spec 52]", async () => {
  await using f = await responseFixture();
  await assertRefinementsKeepOriginal(
    f.emu,
    () => f.cb.select(WatchlistAction).where("watchlist_id:6"),
    { sort: (q) => q.sort("id") },
  );
  const q = f.cb.select(WatchlistAction).where("watchlist_id:6");
  assert.throws(() => q.where("watchlist_id:1"), ApiError);
  assert.throws(() => f.cb.select(WatchlistAction).and("watchlist_id:1"), ApiError);
  assert.deepEqual((await q.toArray()).map((a) => a.id), [1, 2]);
});

Deno.test("SensorQuery refinements leave the original unchanged (same field again: last wins) [spec 52]", async () => {
  await using f = await responseFixture();
  await assertRefinementsKeepOriginal(f.emu, () => f.cb.select(Sensor).where("groupid:1"), {
    where: (q) => q.where("hostname:WIN-IA9NQ1GN8OI"),
    sameField: (q) => q.where("groupid:2"),
    sort: (q) => q.sort("id"),
  });
});

Deno.test("StoragePartitionQuery refinements leave the original unchanged [spec 52]", async () => {
  await using f = await responseFixture();
  await assertRefinementsKeepOriginal(f.emu, () => f.cb.select(StoragePartition), {
    where: (q) => q.where("status:warm"),
    sort: (q) => q.sort("status"),
  });
});
