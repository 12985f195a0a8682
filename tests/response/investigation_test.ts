import assert from "node:assert/strict";
import { ApiError, ObjectNotFoundError } from "@cbapi/cbapi/core";
import { Investigation, Process, TaggedEvent } from "@cbapi/cbapi/response";
import { requestsSince, responseFixture } from "../_helpers.ts";

Deno.test("Investigation list, select by id from the list, update and delete; events() [spec 206]", async () => {
  await using f = await responseFixture();
  let n = f.emu.requests.length;
  const all = await f.cb.select(Investigation).toArray();
  assert.deepEqual(requestsSince(f.emu, n), ["GET /api/investigations"]);
  assert.deepEqual(all.map((i) => i.id), [1, 2]);
  assert.equal(all[0]!.name, "Default Investigation");
  assert.ok(all[1]!.date_started instanceof Date);

  const inv = await f.cb.select(Investigation, "2");
  assert.equal(inv.name, "Lateral movement on WIN-IA9NQ1GN8OI");
  n = f.emu.requests.length;
  const events = await inv.events().toArray();
  assert.deepEqual(requestsSince(f.emu, n), ["GET /api/tagged_event/2"]);
  assert.deepEqual(events.map((e) => e.id), [1, 2]);
  assert.ok(events.every((e) => e.investigation_id === 2));

  n = f.emu.requests.length;
  await inv.refresh();
  assert.equal(f.emu.requests.length, n, "no GET route: refresh sends nothing");
  inv.notes = "escalated";
  inv.name = "Incident 42";
  await inv.save();
  assert.deepEqual(requestsSince(f.emu, n), ["PUT /api/investigations/2"]);
  const body = JSON.parse(f.emu.requests[n]!.body);
  assert.equal(body.notes, "escalated");
  assert.equal(body.name, "Incident 42", "every change is sent, not only the last one");
  assert.equal(inv.isDirty(), false);
  assert.equal(f.emu.state.investigations.get(2)?.name, "Incident 42");

  await inv.delete();
  assert.equal(f.emu.requests.at(-1)!.path, "/api/investigations/2");
  assert.ok(!f.emu.state.investigations.has(2));
  await assert.rejects(f.cb.select(Investigation, 2), ObjectNotFoundError);
  assert.throws(() => f.cb.create(Investigation as never), ApiError);
});

Deno.test("TaggedEvent list by investigation, create, process() and investigation() joins [spec 207]", async () => {
  await using f = await responseFixture();
  assert.throws(() => f.cb.select(TaggedEvent).where("id:1"), RangeError);
  await assert.rejects(
    f.cb.select(TaggedEvent).toArray(),
    (e) =>
      e instanceof ApiError &&
      /Must use a search parameter: \.where\('investigation_id:<id>'\)/.test(e.message),
  );
  const first = (await f.cb.select(TaggedEvent).where("investigation_id:2").toArray())[0]!;
  assert.equal(first.event_type, "process");
  assert.equal(first.notes, "cmd.exe that ran net.exe");
  let n = f.emu.requests.length;
  const proc = await first.process();
  assert.ok(proc instanceof Process);
  assert.equal(proc.process_name, "cmd.exe");
  assert.equal(proc.id, first.unique_id);
  assert.deepEqual(requestsSince(f.emu, n), [`GET /api/v1/process/${first.unique_id}/1`]);
  const inv = await first.investigation();
  assert.equal(inv?.id, 2, "quirk 16 fixed: the investigation join works");

  const net = (await f.cb.select(Process).where("process_name:net.exe").first())!;
  const ev = f.cb.create(TaggedEvent, {
    investigation_id: 1,
    unique_id: net.id,
    segment_id: net.segment_id,
    event_type: "process",
    event_data: { process_name: "net.exe" },
    notes: "mounts a share",
  });
  n = f.emu.requests.length;
  await ev.save();
  assert.deepEqual(requestsSince(f.emu, n), ["POST /api/tagged_event"]);
  const body = JSON.parse(f.emu.requests[n]!.body);
  assert.equal(body.investigation_id, 1);
  assert.equal(body.unique_id, net.id);
  assert.ok(!("id" in body));
  assert.equal(typeof ev.id, "number");
  assert.ok(ev.date_tagged instanceof Date);
  assert.equal(f.emu.state.taggedEvents.get(ev.id!)?.notes, "mounts a share");
  const listed = await f.cb.select(TaggedEvent).where(`investigation_id:1`).toArray();
  assert.ok(listed.some((e) => e.id === ev.id), "a later list shows the new event");
  assert.equal((await ev.process())?.id, net.id);

  ev.notes = "confirmed";
  await ev.save();
  assert.equal(f.emu.requests.at(-1)!.method, "PUT");
  assert.equal(f.emu.requests.at(-1)!.path, `/api/tagged_event/${ev.id}`);
  assert.equal(f.emu.state.taggedEvents.get(ev.id!)?.notes, "confirmed");
  await ev.delete();
  assert.ok(!f.emu.state.taggedEvents.has(ev.id!));
});
