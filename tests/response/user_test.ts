import assert from "node:assert/strict";
import { InvalidObjectError, ObjectNotFoundError } from "@cbapi/cbapi/core";
import { SensorGroup, Team, User } from "@cbapi/cbapi/response";
import { requestsSince, responseFixture } from "../_helpers.ts";

Deno.test("User list, select, create, update and delete; create sends team ids, updates {id, name} teams [spec 202]", async () => {
  await using f = await responseFixture();
  const names = (await f.cb.select(User).toArray()).map((u) => u.username);
  assert.deepEqual(names, ["admin", "bit9rad", "analyst"]);
  assert.equal((await f.cb.select(User).where("username:ANALYST").one()).first_name, "Ann");

  const user = f.cb.create(User);
  user.username = "jgarman";
  user.password = "cbisawesome";
  user.first_name = "Jason";
  user.last_name = "Garman";
  user.email = "jgarman@carbonblack.com";
  user.teams = [{ id: 2, name: "Responders" }, 0 as unknown as number];
  user.global_admin = false;
  const shown = String(user);
  assert.match(
    shown,
    /^User object, bound to https:\/\/127\.0\.0\.1:\d+\.\n Partially initialized/,
  );
  assert.match(shown, /\(\+\)\s+username: jgarman/);
  assert.match(shown, /\n\s+id: None/);
  assert.doesNotMatch(shown, /cbisawesome/);
  let n = f.emu.requests.length;
  await user.save();
  assert.deepEqual(requestsSince(f.emu, n), ["POST /api/user", "GET /api/user/jgarman"]);
  const post = JSON.parse(f.emu.requests[n]!.body);
  assert.deepEqual(post, {
    email: "jgarman@carbonblack.com",
    first_name: "Jason",
    global_admin: false,
    last_name: "Garman",
    password: "cbisawesome",
    teams: [2],
    username: "jgarman",
  });
  assert.equal(user.id, "jgarman");
  assert.deepEqual(user.teams, [{ id: 2, name: "Responders" }]);
  assert.equal(f.emu.state.users.get("jgarman")?.email, "jgarman@carbonblack.com");

  user.first_name = "J";
  assert.match(String(user), /\(\*\)\s+first_name: J/);
  user.reset();
  assert.equal(user.first_name, "Jason");
  user.email = "jason@example.com";
  user.teams = [...user.teams, 1];
  n = f.emu.requests.length;
  await user.save();
  const reqs = requestsSince(f.emu, n);
  assert.deepEqual(reqs, ["GET /api/team/1", "PUT /api/user/jgarman", "GET /api/user/jgarman"]);
  const put = JSON.parse(f.emu.requests[n + 1]!.body);
  assert.deepEqual(put.teams, [{ id: 2, name: "Responders" }, { id: 1, name: "Analysts" }]);
  assert.equal(put.id, "jgarman");
  assert.equal(put.username, "jgarman");
  assert.ok(!("auth_token" in put), "the API token is not sent back");
  assert.equal(f.emu.state.users.get("jgarman")?.email, "jason@example.com");
  assert.equal((f.emu.state.users.get("jgarman")?.teams as unknown[]).length, 2);

  const again = await f.cb.select(User, "jgarman");
  assert.equal(again.email, "jason@example.com", "a later read sees the update");
  await user.delete();
  assert.equal(f.emu.requests.at(-1)!.method, "DELETE");
  assert.equal(f.emu.requests.at(-1)!.path, "/api/user/jgarman");
  assert.ok(!f.emu.state.users.has("jgarman"));
  await assert.rejects(f.cb.select(User, "nobody"), ObjectNotFoundError);
});

Deno.test("User.save() refuses a user without the required fields and sends nothing [spec 202]", async () => {
  await using f = await responseFixture();
  const user = f.cb.create(User, { username: "half", first_name: "Half" });
  const n = f.emu.requests.length;
  await assert.rejects(
    user.save(),
    (e) =>
      e instanceof InvalidObjectError && e.fields.includes("email") && e.fields.includes("teams"),
  );
  assert.equal(f.emu.requests.length, n);
});

Deno.test("User.addTeam() and removeTeam() take a Team, a team id or a team name [spec 203]", async () => {
  await using f = await responseFixture();
  const user = await f.cb.select(User, "analyst");
  assert.deepEqual(user.teams, [{ id: 1, name: "Analysts" }]);
  const n = f.emu.requests.length;
  await user.addTeam("Responders");
  assert.deepEqual(requestsSince(f.emu, n), ["GET /api/teams"]);
  await user.addTeam(1);
  assert.deepEqual(user.teams, [{ id: 2, name: "Responders" }, { id: 1, name: "Analysts" }]);
  await user.save();
  assert.deepEqual(
    (f.emu.state.users.get("analyst")!.teams as { id: number }[]).map((t) => t.id).sort(),
    [1, 2],
  );
  const responders = await f.cb.select(Team, 2);
  await user.removeTeam(responders);
  await user.removeTeam("Analysts");
  assert.deepEqual(user.teams, []);
  await user.save();
  assert.deepEqual(f.emu.state.users.get("analyst")!.teams, []);
  await user.addTeam(2);
  await user.removeTeam(2);
  assert.equal(user.isDirty(), false, "adding then removing leaves no change");
  await assert.rejects(user.addTeam("No Such Team"), ObjectNotFoundError);
  await assert.rejects(user.addTeam(99), ObjectNotFoundError);
});

Deno.test("User never prints its API token: String(), Deno.inspect() and JSON redact auth_token", async () => {
  await using f = await responseFixture();
  const admin = await f.cb.select(User, "admin");
  assert.equal(admin.auth_token, f.emu.token, "readable on purpose");
  assert.ok(!String(admin).includes(f.emu.token));
  assert.match(String(admin), /auth_token: \[redacted\]/);
  assert.ok(!Deno.inspect(admin).includes(f.emu.token));
  assert.ok(!JSON.stringify(admin).includes(f.emu.token));
  assert.ok(!JSON.stringify(admin.originalDocument).includes(f.emu.token));
  admin.first_name = "Root";
  await admin.save();
  assert.ok(!f.emu.requests.at(-2)!.body.includes(f.emu.token), "PUT body");
  assert.ok(!f.logs.some((l) => l.includes(f.emu.token)), "debug log");
  assert.equal(f.emu.state.users.get("admin")?.auth_token, f.emu.token, "token kept by server");
});

Deno.test("Team list rows are partial and load on demand; create, update and delete [spec 204]", async () => {
  await using f = await responseFixture();
  const teams = await f.cb.select(Team).toArray();
  assert.deepEqual(teams.map((t) => t.name), ["Analysts", "Responders"]);
  assert.equal(teams[0]!.fullyInitialized, false);
  let n = f.emu.requests.length;
  await teams[0]!.load();
  assert.deepEqual(requestsSince(f.emu, n), ["GET /api/team/1"]);
  assert.equal(teams[0]!.fullyInitialized, true);

  const team = f.cb.create(Team, { name: "Hunters" });
  await assert.rejects(team.save(), InvalidObjectError);
  team.group_access = [];
  n = f.emu.requests.length;
  await team.save();
  assert.deepEqual(requestsSince(f.emu, n), ["POST /api/team"]);
  assert.deepEqual(JSON.parse(f.emu.requests[n]!.body), { group_access: [], name: "Hunters" });
  assert.equal(team.id, 3);
  assert.equal(f.emu.state.teams.get(3)?.name, "Hunters");

  team.name = "Threat Hunters";
  n = f.emu.requests.length;
  await team.save();
  assert.deepEqual(requestsSince(f.emu, n), ["PUT /api/team/3"]);
  assert.equal(JSON.parse(f.emu.requests[n]!.body).id, 3);
  assert.equal(f.emu.state.teams.get(3)?.name, "Threat Hunters");
  assert.equal((await f.cb.select(Team).where("name:threat hunters").one()).id, 3);
  await team.delete();
  assert.ok(!f.emu.state.teams.has(3));
});

Deno.test("Team.addViewerAccess() and addAdministratorAccess() replace or append group access [spec 205]", async () => {
  await using f = await responseFixture();
  const team = await f.cb.select(Team, 2);
  const servers = await f.cb.select(SensorGroup, 2);
  await team.addAdministratorAccess(servers);
  await team.addViewerAccess(1);
  assert.deepEqual(team.group_access, [
    { group_id: 1, access_category: "Viewer", group_name: "Default Group" },
    { group_id: 2, access_category: "Administrator", group_name: "Servers" },
  ]);
  const sg = f.cb.create(SensorGroup, { name: "Laptops", site_id: 1 });
  await sg.save();
  await team.addViewerAccess(sg);
  assert.equal(team.group_access.length, 3);
  const n = f.emu.requests.length;
  await team.save();
  const put = f.emu.requests[n]!;
  assert.equal(`${put.method} ${put.path}`, "PUT /api/team/2");
  assert.deepEqual(JSON.parse(put.body).group_access.at(-1), {
    access_category: "Viewer",
    group_id: sg.id,
    group_name: "Laptops",
  });
  assert.deepEqual(
    (f.emu.state.teams.get(2)!.group_access as { access_category: string }[]).map((g) =>
      g.access_category
    ),
    ["Viewer", "Administrator", "Viewer"],
  );
  await assert.rejects(team.addViewerAccess(42), ObjectNotFoundError);
});
