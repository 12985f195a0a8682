// The object cache follows the Python library's rule (issue 14 item 2, SPEC §3.4): Python keys
// its cache on the whole initial document, so a search or list row whose document changed
// gives a fresh object; here a row that differs from the cached object's document replaces it.
// Saves and refreshes put the object back as the freshest; deletes and bulk changes made
// through this API evict what they changed. Joins and select(Model, id) keep "at most one GET
// per object".

import assert from "node:assert/strict";
import { ObjectNotFoundError } from "@cbapi/cbapi/core";
import { Alert, CbResponseAPI, Sensor, Watchlist } from "@cbapi/cbapi/response";
import { CbEmulator } from "@cbapi/cbapi/testing";
import { FAST_RETRIES } from "../_helpers.ts";

const HOST = "WIN-IA9NQ1GN8OI";

function connect(emu: CbEmulator): Promise<CbResponseAPI> {
  return CbResponseAPI.connect({ url: emu.url, token: emu.token, ...FAST_RETRIES });
}

function gets(emu: CbEmulator, path: string, from = 0): number {
  return emu.requests.slice(from).filter((r) => r.method === "GET" && r.path === path).length;
}

Deno.test("[spec 36] another connection isolates a sensor and resolves its alerts: new queries read fresh at once", async () => {
  await using emu = await CbEmulator.start({ isolationDelayMs: 5 });
  await using mine = await connect(emu);
  await using other = await connect(emu);

  const before = await mine.select(Sensor).where(`hostname:${HOST}`).one();
  assert.equal(before.network_isolation_enabled, false);
  const byId = await mine.select(Sensor, 3);
  assert.equal(byId, before, "select by id is served by the object the list row cached");
  const unresolved = await mine.select(Alert).where(`hostname:${HOST} status:Unresolved`)
    .toArray();
  assert.equal(unresolved.length, 3);

  // The other connection changes the server: the objects this one holds cannot know.
  const theirs = await other.select(Sensor, 3);
  assert.equal(await theirs.isolate({ timeoutMs: 5_000, pollIntervalMs: 5 }), true);
  await other.select(Alert).where(`hostname:${HOST} status:Unresolved`).changeStatus("Resolved");

  // Well within the cache's 60 s: a new query reads what the server says now.
  const after = await mine.select(Sensor).where(`hostname:${HOST}`).one();
  assert.equal(after.network_isolation_enabled, true);
  assert.equal(after.is_isolating, true);
  assert.notEqual(after, before, "a changed row gives a fresh object");
  assert.equal(before.network_isolation_enabled, false, "an object already handed out is kept");
  const n = emu.requests.length;
  assert.equal(await mine.select(Sensor, 3), after, "the fresh row replaced the cache entry");
  assert.equal(emu.requests.length, n, "and select by id asks nothing more");

  const alerts = await mine.select(Alert).where(`hostname:${HOST}`).toArray();
  const statuses = new Map(alerts.map((a) => [a.unique_id, a.status]));
  for (const a of unresolved) assert.equal(statuses.get(a.unique_id), "Resolved");
  assert.equal(await mine.select(Alert).where(`hostname:${HOST} status:Unresolved`).count(), 0);
});

Deno.test("[spec 36] this connection's own changeStatus and isolate read fresh at once", async () => {
  await using emu = await CbEmulator.start({ isolationDelayMs: 5 });
  await using cb = await connect(emu);
  const q = cb.select(Alert).where(`hostname:${HOST} status:Unresolved`);
  const held = await q.toArray();
  assert.equal(held.length, 3);
  await q.changeStatus("In Progress");
  assert.deepEqual(
    held.map((a) => cb.evict(Alert, a.unique_id!)),
    [0, 0, 0],
    "the bulk change already evicted the alerts it changed",
  );
  const again = await cb.select(Alert).where(`hostname:${HOST}`).toArray();
  const statuses = new Map(again.map((a) => [a.unique_id, a.status]));
  for (const a of held) assert.equal(statuses.get(a.unique_id), "In Progress");

  const sensor = await cb.select(Sensor).where(`hostname:${HOST}`).one();
  assert.equal(await sensor.isolate({ timeoutMs: 5_000, pollIntervalMs: 5 }), true);
  const n = emu.requests.length;
  assert.equal(await cb.select(Sensor, 3), sensor, "the saved object is the cached one");
  assert.equal(emu.requests.length, n);
  const listed = await cb.select(Sensor).where(`hostname:${HOST}`).one();
  assert.equal(listed, sensor, "an unchanged row keeps the cached (saved) object");
  assert.equal(listed.network_isolation_enabled, true);
});

Deno.test("[spec 36] identical rows keep their object; joins and select by id ask once", async () => {
  await using emu = await CbEmulator.start();
  await using cb = await connect(emu);
  const first = await cb.select(Sensor).toArray();
  const second = await cb.select(Sensor).toArray();
  assert.equal(first.length, second.length);
  first.forEach((s, i) => assert.equal(second[i], s, "same document, same object"));
  const n = emu.requests.length;
  await cb.select(Sensor, 1);
  await cb.select(Sensor, 1);
  assert.equal(gets(emu, "/api/v1/sensor/1", n), 0, "list rows are whole sensors: no GET");
  const alert = (await cb.select(Alert).where(`hostname:${HOST}`).first())!;
  const m = emu.requests.length;
  const s1 = await alert.sensor();
  const s2 = await alert.sensor();
  assert.equal(s1, s2);
  assert.equal(emu.requests.length, m, "the join is served by the cached sensor");
});

Deno.test("[spec 36] delete() evicts: select by id asks the server and finds nothing", async () => {
  await using emu = await CbEmulator.start();
  await using cb = await connect(emu);
  const wl = (await cb.select(Watchlist).toArray())[0]!;
  const id = wl.uniqueId!;
  assert.equal(await cb.select(Watchlist, id), wl);
  await wl.delete();
  await assert.rejects(cb.select(Watchlist, id), ObjectNotFoundError);
});

Deno.test("[spec 36] a row that changed on the server replaces a cached object loaded by id", async () => {
  await using emu = await CbEmulator.start();
  await using cb = await connect(emu);
  const loaded = await cb.select(Sensor, 4);
  emu.state.sensors.get(4)!.notes = "changed elsewhere";
  const row = (await cb.select(Sensor).toArray()).find((s) => s.id === 4)!;
  assert.notEqual(row, loaded);
  assert.equal(row.get("notes"), "changed elsewhere");
  assert.equal(await cb.select(Sensor, 4), row);
});

Deno.test("[spec 36] a row is matched against the row an object was built from, then its document", async () => {
  await using emu = await CbEmulator.start();
  await using cb = await connect(emu);
  const row = () => ({ id: 9, notes: "first", computer_name: "HOST-9" });
  const sent = row();
  const o = cb.fromRow(Sensor, 9, sent, true);
  assert.equal(cb.fromRow(Sensor, 9, row(), true), o, "same document, same object");
  o.set("notes", "changed here");
  assert.deepEqual(sent, row(), "the row is not copied per object, and a local change copies it");
  assert.equal(cb.fromRow(Sensor, 9, row(), true), o, "the row it was built from: kept");
  assert.equal(
    cb.fromRow(Sensor, 9, { ...row(), notes: "changed here" }, true),
    o,
    "a row that agrees with what it holds now: kept",
  );
  const fresh = cb.fromRow(Sensor, 9, { ...row(), notes: "changed elsewhere" }, true);
  assert.notEqual(fresh, o);
  assert.equal(fresh.get("notes"), "changed elsewhere");
  assert.equal(o.get("notes"), "changed here", "the object handed out keeps its change");
});
