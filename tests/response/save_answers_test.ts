// What save() does with each kind of answer (SPEC §3.9 with the Python quirks fixed), pinned by
// the requests that follow it. The answers are injected on a real update route.

import assert from "node:assert/strict";
import { ServerError } from "@cbapi/cbapi/core";
import { Binary, Process, SensorGroup } from "@cbapi/cbapi/response";
import { requestsSince, responseFixture } from "../_helpers.ts";

async function saveWith(status: number, body: string) {
  const f = await responseFixture();
  const sg = await f.cb.select(SensorGroup, 1);
  sg.name = "Renamed";
  f.emu.faults.add({ method: "PUT", path: "/api/group/1", status, body, times: 1 });
  const n = f.emu.requests.length;
  const outcome = await sg.save().then(() => undefined, (e: unknown) => e);
  return { f, sg, outcome, sent: requestsSince(f.emu, n) };
}

Deno.test('save() answered {"result": "<not success>"} raises ServerError and keeps the change [spec 43]', async () => {
  const { f, sg, outcome, sent } = await saveWith(200, JSON.stringify({ result: "failure" }));
  await using _f = f;
  assert.ok(outcome instanceof ServerError, String(outcome));
  assert.match(outcome.message, /failure/);
  assert.deepEqual(sent, ["PUT /api/group/1"], "no refresh after a refusal");
  assert.equal(sg.isDirty(), true);
  assert.equal(sg.name, "Renamed");
});

Deno.test('save() answered {"result": "success"} reloads the object with one GET [spec 43]', async () => {
  const { f, sg, outcome, sent } = await saveWith(200, JSON.stringify({ result: "success" }));
  await using _f = f;
  assert.equal(outcome, undefined);
  assert.deepEqual(sent, ["PUT /api/group/1", "GET /api/group/1"]);
  assert.equal(sg.isDirty(), false);
});

Deno.test("save() answered with a full object takes it as the document, no GET [spec 43]", async () => {
  const doc = { id: 1, name: "As the server says", site_id: 1, sensorbackend_server: "x" };
  const { f, sg, outcome, sent } = await saveWith(200, JSON.stringify(doc));
  await using _f = f;
  assert.equal(outcome, undefined);
  assert.deepEqual(sent, ["PUT /api/group/1"]);
  assert.equal(sg.name, "As the server says");
  assert.deepEqual(sg.toJSON(), doc);
  assert.equal(sg.isDirty(), false);
});

Deno.test("save() answered with an empty body (204, or 200 with nothing) reloads with one GET [spec 43]", async () => {
  for (const status of [204, 200]) {
    const { f, sg, outcome, sent } = await saveWith(status, "");
    await using _f = f;
    assert.equal(outcome, undefined, `status ${status}`);
    assert.deepEqual(sent, ["PUT /api/group/1", "GET /api/group/1"], `status ${status}`);
    assert.equal(sg.isDirty(), false);
  }
});

Deno.test("read-only models (Binary, Process) refuse a write to a field before anything is sent [spec 39]", async () => {
  await using f = await responseFixture();
  const bin = await f.cb.select(Binary, "7FB55F5A62E78AF9B58D08AAEEAEF848");
  const proc = (await f.cb.select(Process).where("process_name:net.exe").first())!;
  const n = f.emu.requests.length;
  for (const [obj, field] of [[bin, "original_filename"], [proc, "process_name"]] as const) {
    const before = obj.toJSON();
    assert.equal("save" in obj, false, `${obj.constructor.name} has no save()`);
    assert.throws(() => {
      (obj as unknown as Record<string, unknown>)[field] = "changed";
    }, TypeError);
    assert.deepEqual(obj.toJSON(), before);
  }
  assert.equal(f.emu.requests.length, n, "nothing sent");
});
