import assert from "node:assert/strict";
import { ObjectNotFoundError, ServerError } from "@cbapi/cbapi/core";
import { IngressFilter } from "@cbapi/cbapi/response";
import { requestsSince, responseFixture } from "../_helpers.ts";

Deno.test("IngressFilter list, select, create (array body, array of ids), update and delete [spec 208]", async () => {
  await using f = await responseFixture();
  const all = await f.cb.select(IngressFilter).toArray();
  assert.deepEqual(all.map((x) => x.name), ["Backup agent", "Monitoring probe"]);
  assert.deepEqual(
    (await f.cb.select(IngressFilter).where("enabled:false").toArray()).map((x) => x.name),
    ["Monitoring probe"],
  );
  const backup = await f.cb.select(IngressFilter, all[0]!.id!);
  assert.equal(backup.descendant_filtering_level, -1);
  assert.ok(backup.create_timestamp instanceof Date);

  const filter = f.cb.create(IngressFilter, {
    name: "Updater",
    description: "Ignore the updater",
    path_filters: ["c:\\program files\\updater\\update.exe"],
    os_mask: 1,
  });
  let n = f.emu.requests.length;
  await filter.save();
  const reqs = requestsSince(f.emu, n);
  assert.equal(reqs[0], "POST /api/v1/ingress_whitelist");
  const body = JSON.parse(f.emu.requests[n]!.body);
  assert.ok(Array.isArray(body) && body.length === 1);
  assert.equal(body[0].id, null);
  assert.equal(body[0].name, "Updater");
  const id = filter.id!;
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-/);
  assert.equal(reqs[1], `GET /api/v1/ingress_whitelist/${id}`);
  assert.equal(filter.enabled, true, "loaded with the server's defaults");
  assert.deepEqual(f.emu.state.ingressFilters.get(id)?.path_filters, [
    "c:\\program files\\updater\\update.exe",
  ]);

  const chosen = f.cb.create(IngressFilter, { name: "Chosen", description: "client id" });
  chosen.set("id", "11111111-2222-4333-8444-555555555555");
  await chosen.save();
  assert.equal(chosen.id, "11111111-2222-4333-8444-555555555555");
  assert.ok(f.emu.state.ingressFilters.has(chosen.id!));

  filter.enabled = false;
  filter.cmdline_filters = ["*--silent*"];
  n = f.emu.requests.length;
  await filter.save();
  assert.deepEqual(requestsSince(f.emu, n), [
    `PUT /api/v1/ingress_whitelist/${id}`,
    `GET /api/v1/ingress_whitelist/${id}`,
  ]);
  assert.equal(JSON.parse(f.emu.requests[n]!.body).enabled, false);
  assert.equal(f.emu.state.ingressFilters.get(id)?.enabled, false);
  assert.equal(filter.version, 2);

  await filter.delete();
  assert.ok(!f.emu.state.ingressFilters.has(id));
  await assert.rejects(f.cb.select(IngressFilter, id), ObjectNotFoundError);
});

Deno.test("IngressFilter create: a duplicate id is refused and the filter stays new [spec 208]", async () => {
  await using f = await responseFixture();
  const dup = f.cb.create(IngressFilter, { name: "Dup", description: "taken id" });
  dup.set("id", "5e1b2f8e-9a1c-4d6a-8f1e-2b3c4d5e6f70");
  await assert.rejects(dup.save(), (e) => e instanceof ServerError && e.status === 409);
  assert.equal(dup.isDirty(), true);
  assert.equal(
    f.emu.state.ingressFilters.get("5e1b2f8e-9a1c-4d6a-8f1e-2b3c4d5e6f70")?.name,
    "Backup agent",
  );
});
