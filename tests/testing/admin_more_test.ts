import assert from "node:assert/strict";
import { startEmulator } from "../_helpers.ts";
import { call, send } from "./_helpers.ts";

Deno.test("[spec 321] users: list, admin holds the API token, create with team ids, update, delete", async () => {
  await using emu = await startEmulator();
  const list = (await call(emu, "/api/users")).json;
  assert.deepEqual(list.map((u: { username: string }) => u.username), [
    "admin",
    "bit9rad",
    "analyst",
  ]);
  const admin = (await call(emu, "/api/user/admin")).json;
  assert.equal(admin.auth_token, emu.token);
  assert.equal(admin.id, "admin");
  assert.equal(admin.global_admin, true);
  assert.equal((await call(emu, "/api/user/admin", { token: "wrong" })).status, 401);
  const body = {
    username: "jgarman",
    first_name: "Jason",
    last_name: "Garman",
    email: "jgarman@carbonblack.com",
    global_admin: false,
    password: "cbisawesome",
    teams: [1],
  };
  assert.deepEqual((await send(emu, "POST", "/api/user", body)).json, { result: "success" });
  assert.equal((await send(emu, "POST", "/api/user", body)).status, 409);
  assert.equal((await send(emu, "POST", "/api/user", { username: "x" })).status, 400);
  const created = (await call(emu, "/api/user/jgarman")).json;
  assert.deepEqual(created.teams, [{ id: 1, name: "Analysts" }]);
  assert.match(created.auth_token, /^[0-9a-f]{40}$/);
  assert.ok(!("password" in created));
  const put = await send(emu, "PUT", "/api/user/jgarman", {
    ...created,
    first_name: "J",
    teams: [{ id: 2, name: "Responders" }],
    auth_token: "forged",
  });
  assert.deepEqual(put.json, { result: "success" });
  const after = emu.state.users.get("jgarman")!;
  assert.equal(after.first_name, "J");
  assert.deepEqual(after.teams, [{ id: 2, name: "Responders" }]);
  assert.equal(after.auth_token, created.auth_token, "the token cannot be overwritten");
  assert.equal((await call(emu, "/api/user/jgarman", { method: "DELETE" })).status, 200);
  assert.equal((await call(emu, "/api/user/jgarman")).status, 404);
});

Deno.test("[spec 321] teams: list, create answers the team, update renames users' entries, delete", async () => {
  await using emu = await startEmulator();
  assert.equal((await call(emu, "/api/teams")).json.length, 2);
  const made = await send(emu, "POST", "/api/team", {
    name: "Hunters",
    group_access: [{ group_id: 2, access_category: "Viewer", group_name: "ignored" }],
  });
  assert.deepEqual(made.json, {
    id: 3,
    name: "Hunters",
    group_access: [{ group_id: 2, access_category: "Viewer", group_name: "Servers" }],
  });
  assert.equal(
    (await send(emu, "POST", "/api/team", { name: "x", group_access: [{ group_id: 9 }] })).status,
    400,
  );
  assert.equal((await send(emu, "PUT", "/api/team/1", { name: "Analysts 2" })).status, 200);
  assert.deepEqual(
    (emu.state.users.get("analyst")!.teams as unknown[])[0],
    { id: 1, name: "Analysts 2" },
  );
  assert.equal((await call(emu, "/api/team/1", { method: "DELETE" })).status, 200);
  assert.deepEqual(emu.state.users.get("analyst")!.teams, []);
  assert.equal((await call(emu, "/api/team/1")).status, 404);
});

Deno.test("[spec 321] investigations and tagged events: lists, POST, PUT, DELETE", async () => {
  await using emu = await startEmulator();
  const invs = (await call(emu, "/api/investigations")).json;
  assert.deepEqual(invs.map((i: { id: number }) => i.id), [1, 2]);
  assert.equal((await call(emu, "/api/investigations/1")).status, 405, "no GET by id");
  const evs = (await call(emu, "/api/tagged_event/2")).json;
  assert.equal(evs.length, 2);
  for (const k of ["unique_id", "segment_id", "event_type", "event_data", "date_tagged"]) {
    assert.ok(k in evs[0], k);
  }
  assert.ok(emu.state.processes.has(evs[0].unique_id), "tags a seeded process");
  const made = await send(emu, "POST", "/api/tagged_event", {
    investigation_id: 1,
    unique_id: evs[0].unique_id,
    segment_id: 1,
    notes: "n",
  });
  assert.equal(made.json.id, 4);
  assert.equal(made.json.investigation_id, 1);
  assert.equal(
    (await send(emu, "POST", "/api/tagged_event", { investigation_id: 77 })).status,
    400,
  );
  assert.equal((await send(emu, "PUT", "/api/tagged_event/4", { notes: "m" })).status, 200);
  assert.equal(emu.state.taggedEvents.get(4)?.notes, "m");
  assert.equal((await send(emu, "PUT", "/api/investigations/1", { name: "Renamed" })).status, 200);
  assert.equal(emu.state.investigations.get(1)?.name, "Renamed");
  assert.equal((await call(emu, "/api/tagged_event/4", { method: "DELETE" })).status, 200);
  assert.equal((await call(emu, "/api/investigations/2", { method: "DELETE" })).status, 200);
  assert.ok(![...emu.state.taggedEvents.values()].some((e) => e.investigation_id === 2));
  assert.equal((await call(emu, "/api/tagged_event/2")).status, 404);
});

Deno.test("[spec 321] ingress whitelist: POST takes an array and answers an array of ids", async () => {
  await using emu = await startEmulator();
  assert.equal((await call(emu, "/api/v1/ingress_whitelist")).json.length, 2);
  const made = await send(emu, "POST", "/api/v1/ingress_whitelist", [
    { id: null, name: "A", description: "a" },
    { id: "given-id", name: "B", description: "b" },
  ]);
  assert.equal(made.json.length, 2);
  assert.equal(made.json[1], "given-id");
  const a = (await call(emu, `/api/v1/ingress_whitelist/${made.json[0]}`)).json;
  assert.equal(a.name, "A");
  assert.equal(a.os_mask, 7);
  assert.deepEqual(a.md5_filters, []);
  assert.equal((await send(emu, "POST", "/api/v1/ingress_whitelist", { name: "x" })).status, 400);
  assert.equal(
    (await send(emu, "PUT", "/api/v1/ingress_whitelist/given-id", { enabled: false }))
      .status,
    200,
  );
  assert.equal(emu.state.ingressFilters.get("given-id")?.version, 2);
  assert.equal(
    (await call(emu, "/api/v1/ingress_whitelist/given-id", { method: "DELETE" })).status,
    200,
  );
  assert.equal((await call(emu, "/api/v1/ingress_whitelist/given-id")).status, 404);
});

Deno.test("[spec 321] partitions: new_partition, mount, unmount and delete change the listing", async () => {
  await using emu = await startEmulator();
  assert.equal(
    (await send(emu, "POST", "/api/v1/storage/events/new_partition", "null")).status,
    200,
  );
  const parts = (await call(emu, "/api/v1/storage/events/partition")).json;
  assert.equal(Object.keys(parts).length, 5);
  assert.equal(parts.writer.status, "hot");
  const rolled = Object.keys(parts).find((k) => k !== "writer" && parts[k].info.endDate > "2020");
  assert.ok(rolled, "the old writer became a warm partition");
  const p = "cbevents_2018_01_04_0912";
  assert.equal(
    (await send(emu, "POST", `/api/v1/storage/events/${p}/unmount`, "null")).status,
    200,
  );
  assert.equal(emu.state.partitions.get(p)?.status, "cold");
  assert.equal((await send(emu, "POST", `/api/v1/storage/events/${p}/mount`, "{}")).status, 400);
  assert.equal((await send(emu, "POST", `/api/v1/storage/events/${p}/mount`, "null")).status, 200);
  assert.equal(emu.state.partitions.get(p)?.status, "warm");
  assert.equal(
    (await call(emu, "/api/v1/storage/events/writer", { method: "DELETE" })).status,
    400,
  );
  assert.equal((await call(emu, `/api/v1/storage/events/${p}`, { method: "DELETE" })).status, 200);
  assert.equal((await call(emu, `/api/v1/storage/events/${p}`, { method: "DELETE" })).status, 404);
});

Deno.test("[spec 321] sites and throttle rules: site CRUD with array-of-one GET, throttle read-only", async () => {
  await using emu = await startEmulator();
  assert.deepEqual((await send(emu, "POST", "/api/site", { name: "Branch" })).json, { id: 2 });
  assert.deepEqual((await call(emu, "/api/site/2")).json, [{
    group_ids: [],
    id: 2,
    name: "Branch",
  }]);
  assert.equal((await send(emu, "PUT", "/api/site/2", { name: "Branch 2" })).status, 200);
  assert.equal(emu.state.sites.get(2)?.name, "Branch 2");
  assert.equal((await call(emu, "/api/site/2", { method: "DELETE" })).status, 200);
  const rules = (await call(emu, "/api/throttle")).json;
  assert.deepEqual(rules.map((r: { id: number }) => r.id), [1, 2]);
  assert.equal((await call(emu, "/api/throttle/2")).json.day_of_week, "0,6");
  assert.equal((await call(emu, "/api/throttle/9")).status, 404);
  assert.equal((await send(emu, "POST", "/api/throttle", {})).status, 405);
});
