import assert from "node:assert/strict";
import { ApiError, InvalidObjectError, ServerError } from "@cbapi/cbapi/core";
import { Binary, Sensor, SensorGroup } from "@cbapi/cbapi/response";
import { requestsSince, responseFixture } from "../_helpers.ts";

Deno.test("create() builds a blank object with no request; non-creatable models are refused [spec 47]", async () => {
  await using f = await responseFixture();
  const n = f.emu.requests.length;
  const sg = f.cb.create(SensorGroup, { name: "Critical Endpoints", site_id: 1 });
  assert.equal(sg.uniqueId, undefined);
  assert.equal(sg.name, "Critical Endpoints");
  assert.equal(f.emu.requests.length, n);
  assert.throws(
    () => f.cb.create(Sensor),
    (e) => e instanceof ApiError && /Cannot create object of type Sensor/.test(e.message),
  );
  assert.throws(() => f.cb.create(Binary as never), ApiError);
});

Deno.test("save() of a new object POSTs without the id, and {id: N} forces a refresh [spec 41,43]", async () => {
  await using f = await responseFixture();
  const sg = f.cb.create(SensorGroup);
  sg.name = "Critical Endpoints";
  sg.site_id = 1;
  const n = f.emu.requests.length;
  await sg.save();
  const reqs = requestsSince(f.emu, n);
  assert.equal(reqs[0], "POST /api/group");
  assert.match(reqs[1]!, /^GET \/api\/group\/\d+$/);
  assert.equal(reqs.length, 2);
  assert.ok(typeof sg.id === "number");
  assert.equal(sg.name, "Critical Endpoints");
  assert.equal(sg.fullyInitialized, true);
  assert.equal(sg.isDirty(), false);
  assert.ok(f.emu.state.groups.has(sg.id!));
});

Deno.test("save() of a loaded object PUTs the whole document; nothing dirty sends nothing [spec 42,40]", async () => {
  await using f = await responseFixture();
  const sg = await f.cb.select(SensorGroup, 1);
  const n = f.emu.requests.length;
  await sg.save();
  assert.equal(f.emu.requests.length, n, "not dirty: no request");
  sg.name = "Renamed Group";
  assert.equal(sg.isDirty(), true);
  await sg.save();
  const put = f.emu.requests[n]!;
  assert.equal(`${put.method} ${put.path}`, "PUT /api/group/1");
  const body = JSON.parse(put.body);
  assert.equal(body.name, "Renamed Group");
  assert.equal(body.id, 1);
  assert.ok(Object.keys(body).length > 5, "the whole document");
  assert.equal(f.emu.state.groups.get(1)?.name, "Renamed Group");
});

Deno.test("change tracking prints (+) for added and (*) for changed fields; reset() undoes [spec 40,45,50,51]", async () => {
  await using f = await responseFixture();
  const sg = await f.cb.select(SensorGroup, 1);
  const originalName = sg.name;
  sg.name = "Changed";
  sg.set("brand_new_field", "x");
  const text = String(sg);
  const lines = text.split("\n");
  assert.equal(lines[0], `SensorGroup object, bound to ${f.cb.url}.`);
  assert.match(lines[1]!, /^ Last refreshed at \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$/);
  assert.equal(lines[2], "-".repeat(79));
  assert.ok(lines.includes("(*)                 name: Changed"), text);
  assert.ok(lines.includes("(+)      brand_new_field: x"), text);
  assert.ok(lines.includes("                      id: 1"), text);
  const keys = lines.slice(4).map((l) => l.slice(4).split(":")[0]!.trim());
  assert.deepEqual(keys, [...keys].sort(), "fields sorted");
  assert.match(Deno.inspect(sg), /^<SensorGroup: id 1> @ https:\/\/127\.0\.0\.1:\d+ \(\*\)$/);
  sg.reset();
  assert.equal(sg.isDirty(), false);
  assert.notEqual(sg.name, "Changed");
  assert.equal(sg.get("brand_new_field"), undefined);
  assert.match(Deno.inspect(sg), /^<SensorGroup: id 1> @ https:\/\/127\.0\.0\.1:\d+$/);
  sg.name = "x";
  sg.name = originalName;
  assert.equal(sg.isDirty(), false, "setting back to the original forgets the change");
});

Deno.test("long values are cut to 47 characters and '...' in the display [spec 50]", async () => {
  await using f = await responseFixture();
  const sg = f.cb.create(SensorGroup, { name: "N".repeat(60) });
  assert.ok(String(sg).includes(`(+)                 name: ${"N".repeat(47)}...`));
  assert.ok(String(sg).includes(" Partially initialized. Use .refresh() to load all attributes"));
});

Deno.test("validate() refuses to save without required fields and sends nothing [spec 44]", async () => {
  await using f = await responseFixture();
  class StrictGroup extends SensorGroup {
    static override required: readonly string[] = ["name", "site_id"];
  }
  const g = f.cb.create(StrictGroup as typeof SensorGroup, { name: "only a name" });
  const n = f.emu.requests.length;
  await assert.rejects(
    g.save(),
    (e) =>
      e instanceof InvalidObjectError && e.message.startsWith("Missing fields: [site_id]") &&
      e.fields[0] === "site_id",
  );
  assert.equal(f.emu.requests.length, n);
});

Deno.test("delete() sends DELETE and accepts 200/204; errors keep their status [spec 46]", async () => {
  await using f = await responseFixture();
  const sg = f.cb.create(SensorGroup, { name: "Temporary", site_id: 1 });
  await sg.delete();
  assert.equal(
    f.emu.requests.filter((r) => r.method === "DELETE").length,
    0,
    "never saved: nothing to delete",
  );
  await sg.save();
  const id = sg.id!;
  await sg.delete();
  assert.equal(f.emu.requests.at(-1)!.method, "DELETE");
  assert.equal(f.emu.requests.at(-1)!.path, `/api/group/${id}`);
  assert.equal(f.emu.state.groups.has(id), false);
  f.emu.faults.add({
    method: "DELETE",
    path: `/api/group/${id}`,
    status: 500,
    body: "cannot delete",
  });
  const err = await sg.delete().catch((e) => e);
  assert.ok(err instanceof ServerError && err.status === 500);
});

Deno.test("a refused save raises ServerError and keeps the changes for a retry [spec 43]", async () => {
  await using f = await responseFixture();
  const sg = await f.cb.select(SensorGroup, 1);
  sg.name = "Will fail";
  f.emu.faults.add({ method: "PUT", path: "/api/group/1", status: 400, body: "bad group" });
  await assert.rejects(
    sg.save(),
    (e) => e instanceof ServerError && e.status === 400 && /bad group/.test(e.message),
  );
  assert.equal(sg.isDirty(), true);
  await sg.save();
  assert.equal(f.emu.state.groups.get(1)?.name, "Will fail");
});

Deno.test("get(name, default) returns the default only for absent fields [spec 49]", async () => {
  await using f = await responseFixture();
  const s = await f.cb.select(Sensor, 1);
  assert.equal(s.get("computer_name"), "WIN7-HYPERV-2");
  assert.equal(s.get("nothing_here", "default"), "default");
  assert.equal(s.get<number>("id"), 1);
  assert.equal(s.get("clock_delta"), "106", "numbers as strings stay as the server sent them");
});

Deno.test("the object cache expires and evicts: a later select asks again [spec 36]", async () => {
  let now = 0;
  await using f = await responseFixture({}, {
    cache: { ttlMs: 1000, maxEntries: 2, now: () => now },
  });
  await f.cb.select(Sensor, 1);
  await f.cb.select(Sensor, 1);
  assert.equal(f.emu.requests.filter((r) => r.path === "/api/v1/sensor/1").length, 1);
  now = 1001;
  await f.cb.select(Sensor, 1);
  assert.equal(f.emu.requests.filter((r) => r.path === "/api/v1/sensor/1").length, 2);
  await f.cb.select(Sensor, 3);
  await f.cb.select(Sensor, 4);
  await f.cb.select(Sensor, 1);
  assert.equal(
    f.emu.requests.filter((r) => r.path === "/api/v1/sensor/1").length,
    3,
    "evicted beyond 2 entries",
  );
});
