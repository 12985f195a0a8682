import assert from "node:assert/strict";
import { ApiError, ObjectNotFoundError, ServerError } from "@cbapi/cbapi/core";
import { StoragePartition } from "@cbapi/cbapi/response";
import { requestsSince, responseFixture } from "../_helpers.ts";

Deno.test("StoragePartition list from the name-keyed object, with where/sort on the client [spec 209]", async () => {
  await using f = await responseFixture();
  const n = f.emu.requests.length;
  const all = await f.cb.select(StoragePartition).toArray();
  assert.deepEqual(requestsSince(f.emu, n), ["GET /api/v1/storage/events/partition"]);
  assert.deepEqual(all.map((p) => p.name), [
    "writer",
    "cbevents_2018_01_18_2030",
    "cbevents_2018_01_11_1404",
    "cbevents_2018_01_04_0912",
  ]);
  const hot = await f.cb.select(StoragePartition).where("status:HOT").one();
  assert.equal(hot.name, "writer");
  assert.equal(hot.partitionInfo.endDate, null);
  assert.equal(hot.partitionInfo.isLegacy, false);
  assert.equal((hot.get("info") as { schema: string }).schema, "cbevents_v1");
  assert.equal(await f.cb.select(StoragePartition).where("status:warm").count(), 3);
  const sorted = await f.cb.select(StoragePartition).sort("name").toArray();
  assert.equal(sorted[0]!.name, "writer");
  assert.throws(() => f.cb.select(StoragePartition).where("a:b").where("c:d"), ApiError);
  assert.throws(() => (hot as unknown as { status: string }).status = "cold", TypeError);
  const byName = await f.cb.select(StoragePartition, "cbevents_2018_01_04_0912");
  assert.equal(byName.name, "cbevents_2018_01_04_0912");
  assert.equal(f.emu.requests.length, n + 4, "select by name sends nothing (no GET route)");
});

Deno.test("StoragePartition.unmount() and mount() POST null; later lists show the change [spec 211,212]", async () => {
  await using f = await responseFixture();
  const p = await f.cb.select(StoragePartition).where("name:cbevents_2018_01_11_1404").one();
  let n = f.emu.requests.length;
  await p.unmount();
  assert.deepEqual(requestsSince(f.emu, n), [
    "POST /api/v1/storage/events/cbevents_2018_01_11_1404/unmount",
  ]);
  assert.equal(f.emu.requests[n]!.body, "null");
  assert.equal(f.emu.requests[n]!.headers["content-type"], "application/json");
  assert.equal(f.emu.state.partitions.get("cbevents_2018_01_11_1404")?.status, "cold");
  assert.equal(
    (await f.cb.select(StoragePartition).where("name:cbevents_2018_01_11_1404").one()).status,
    "cold",
  );
  n = f.emu.requests.length;
  await p.mount();
  assert.deepEqual(requestsSince(f.emu, n), [
    "POST /api/v1/storage/events/cbevents_2018_01_11_1404/mount",
  ]);
  assert.equal(f.emu.requests[n]!.body, "null");
  const again = await f.cb.select(StoragePartition).where("name:cbevents_2018_01_11_1404").one();
  assert.equal(again.status, "warm");
  assert.equal(again.partitionInfo.userMounted, true);
  const writer = await f.cb.select(StoragePartition, "writer");
  await assert.rejects(writer.unmount(), (e) => e instanceof ServerError && e.status === 400);
});

Deno.test("StoragePartition.delete() sends DELETE /api/v1/storage/events/{name} [spec 210]", async () => {
  await using f = await responseFixture();
  const p = await f.cb.select(StoragePartition, "cbevents_2018_01_04_0912");
  const n = f.emu.requests.length;
  await p.delete();
  assert.deepEqual(requestsSince(f.emu, n), [
    "DELETE /api/v1/storage/events/cbevents_2018_01_04_0912",
  ]);
  assert.ok(!f.emu.state.partitions.has("cbevents_2018_01_04_0912"));
  assert.equal(await f.cb.select(StoragePartition).count(), 3);
  await assert.rejects(p.delete(), (e) => e instanceof ObjectNotFoundError && e.status === 404);
});

Deno.test("cb.createNewPartition() POSTs null; the writer rolls over into a warm partition [spec 68]", async () => {
  await using f = await responseFixture();
  const n = f.emu.requests.length;
  await f.cb.createNewPartition();
  assert.deepEqual(requestsSince(f.emu, n), ["POST /api/v1/storage/events/new_partition"]);
  assert.equal(f.emu.requests[n]!.body, "null");
  const all = await f.cb.select(StoragePartition).toArray();
  assert.equal(all.length, 5);
  assert.equal(all.filter((p) => p.status === "hot").length, 1);
  const writer = all.find((p) => p.name === "writer")!;
  assert.equal(writer.partitionInfo.numDocs, 0);
  assert.ok(
    all.some((p) => /^cbevents_\d{4}_\d\d_\d\d_\d{4}$/.test(p.name!) && p.status === "warm"),
  );
});
