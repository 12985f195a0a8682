// The administration and process-tree examples of examples/response and the shared helper
// examples/_cli.ts, run against a fresh emulator.

import assert from "node:assert/strict";
import { startEmulator } from "../_helpers.ts";
import { requestLines, runExample, tempDir } from "./_run.ts";

Deno.test("examples/_cli.ts connects with --profile from the credential files when no --cburl/--apitoken is given [spec 318]", async () => {
  await using emu = await startEmulator();
  await using home = await tempDir();
  await Deno.mkdir(`${home.path}/.carbonblack`);
  await Deno.writeTextFile(
    `${home.path}/.carbonblack/credentials.response`,
    `[default]\nurl = https://unused.example\ntoken = x\n\n[lab]\nurl = ${emu.url}\ntoken = ${emu.token}\n` +
      `ssl_cert_file = ${emu.certFile}\n`,
    { mode: 0o600 },
  );
  const run = await runExample(emu, "response/server_info.ts", ["--profile", "lab"], {
    noConnect: true,
    cwd: home.path,
    env: { HOME: home.path },
  });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout.split("\n")[0], emu.url);
  assert.ok(emu.requests.every((r) => r.headers["x-auth-token"] !== undefined));

  // --verbose logs each request on stderr in the documented format; the token never appears.
  const verbose = await runExample(emu, "response/server_info.ts", ["--verbose"]);
  assert.match(verbose.stderr, /^HTTP GET \/api\/info took \d+\.\d{3}s \(response 200\)$/m);
  assert.ok(!verbose.stderr.includes(emu.token));
  const bad = await runExample(emu, "response/server_info.ts", ["--bogus"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^error: Unknown option '--bogus'/);
});

Deno.test("examples/response/sensor_group_operations.ts lists, adds, finds by name or id and deletes groups [spec 319]", async () => {
  await using emu = await startEmulator();
  const list = await runExample(emu, "response/sensor_group_operations.ts", ["list"]);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /Default Group/);
  assert.match(list.stdout, /Servers/);

  const add = await runExample(emu, "response/sensor_group_operations.ts", [
    "add",
    "-n",
    "Lab",
    "-s",
    "Default Site",
  ]);
  assert.equal(add.code, 0, add.stderr);
  const [, id] = add.stdout.match(/^Added sensor group\. New sensor group ID is (\d+)\n$/)!;
  const created = emu.state.groups.get(Number(id))!;
  assert.equal(created.name, "Lab");
  assert.equal(created.site_id, 1);
  const post = emu.requests.find((r) => r.method === "POST")!;
  assert.equal(post.url, "/api/group");
  assert.equal(JSON.parse(post.body).name, "Lab");

  await runExample(emu, "response/sensor_group_operations.ts", ["add", "-n", "Lab"]);
  const refused = await runExample(emu, "response/sensor_group_operations.ts", [
    "delete",
    "-n",
    "Lab",
  ]);
  assert.equal(refused.code, 1);
  assert.equal(
    refused.stdout,
    "2 sensor groups match name Lab and --force not specified. No action taken.\n",
  );
  const forced = await runExample(emu, "response/sensor_group_operations.ts", [
    "delete",
    "-n",
    "Lab",
    "--force",
  ]);
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(forced.stdout, new RegExp(`^Deleted sensor group id ${id} with name Lab$`, "m"));
  assert.ok(![...emu.state.groups.values()].some((g) => g.name === "Lab"));
  assert.equal(requestLines(emu).filter((l) => l.startsWith("DELETE /api/group/")).length, 2);

  const missing = await runExample(emu, "response/sensor_group_operations.ts", [
    "delete",
    "-n",
    "Nope",
  ]);
  assert.equal(missing.code, 1);
  assert.equal(
    missing.stdout,
    "Could not find SensorGroup with name Nope: No SensorGroups match\n",
  );
  const missingId = await runExample(emu, "response/sensor_group_operations.ts", [
    "delete",
    "-i",
    "99",
  ]);
  assert.match(missingId.stdout, /^Could not find SensorGroup with ID of 99: /);

  const sensors = await runExample(emu, "response/sensor_group_operations.ts", [
    "list-sensors",
    "-n",
    "Default Group",
  ]);
  assert.equal(sensors.code, 0, sensors.stderr);
  assert.match(sensors.stdout, /^Sensors in group Default Group \(id 1\):\n {2}Hostname/);
  assert.match(sensors.stdout, /^ {2}WIN-IA9NQ1GN8OI\s+\d+\.\d+\.\d+\.\d+\s+\d{4}-\d\d-\d\d /m);
  assert.equal(requestLines(emu).at(-1), "GET /api/v1/sensor?groupid=1");
});

Deno.test("examples/response/user_operations.ts lists users and teams, adds and deletes, gets an API key", async () => {
  await using emu = await startEmulator();
  const users = await runExample(emu, "response/user_operations.ts", ["list"]);
  assert.equal(users.code, 0, users.stderr);
  assert.match(users.stdout, /^Username {9}Name/);
  assert.match(
    users.stdout,
    /^bit9rad {10}Bit9 Rad\s+bit9rad@example\.com\s+Analysts, Responders$/m,
  );
  assert.ok(!users.stdout.includes(emu.token));
  const teams = await runExample(emu, "response/user_operations.ts", ["list-teams"]);
  assert.match(
    teams.stdout,
    /^Team Responders \(id 2\):\n {2}Administrator on Sensor Group "Default Group"$/m,
  );

  const add = await runExample(emu, "response/user_operations.ts", [
    "add",
    "-u",
    "jdoe",
    "-f",
    "Jane",
    "-l",
    "Doe",
    "-e",
    "jdoe@example.com",
    "-p",
    "s3cret",
    "-t",
    "Analysts",
  ]);
  assert.equal(add.code, 0, add.stderr);
  assert.equal(add.stdout, "Added user jdoe.\n");
  const body = JSON.parse(emu.requests.find((r) => r.method === "POST")!.body);
  assert.equal(body.username, "jdoe");
  assert.equal(body.password, "s3cret");
  assert.deepEqual(body.teams, [1]);
  assert.equal(emu.state.users.get("jdoe")!.email, "jdoe@example.com");

  const team = await runExample(emu, "response/user_operations.ts", [
    "add-team",
    "-N",
    "Hunters",
    "-A",
    "Servers",
    "-V",
    "1",
  ]);
  assert.equal(team.code, 0, team.stderr);
  const created = [...emu.state.teams.values()].find((t) => t.name === "Hunters")!;
  assert.deepEqual(
    (created.group_access as { group_id: number; access_category: string }[])
      .map((g) => `${g.group_id}:${g.access_category}`).sort(),
    ["1:Viewer", "2:Administrator"],
  );

  const del = await runExample(emu, "response/user_operations.ts", ["delete", "-u", "jdoe"]);
  assert.equal(del.stdout, "Deleted user jdoe\n");
  assert.equal(emu.state.users.has("jdoe"), false);
  assert.equal(requestLines(emu).at(-1), "DELETE /api/user/jdoe");

  const key = await runExample(emu, "response/user_operations.ts", [
    "get-api-key",
    "-u",
    "admin",
    "-p",
    "cbisawesome",
  ]);
  assert.equal(key.code, 0, key.stderr);
  assert.equal(key.stdout, `API token for user admin: ${emu.token}\n`);
  assert.equal(requestLines(emu).at(-1), "GET /api/auth");
});

Deno.test("examples/response/partition_operations.ts lists, unmounts, mounts and deletes partitions", async () => {
  await using emu = await startEmulator();
  const list = await runExample(emu, "response/partition_operations.ts", ["list"]);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^HOT Storage Partition "writer":$/m);
  assert.match(list.stdout, /^WARM Storage Partition "cbevents_2018_01_11_1404":$/m);
  const name = "cbevents_2018_01_11_1404";
  const un = await runExample(emu, "response/partition_operations.ts", ["unmount", "-N", name]);
  assert.equal(un.stdout, `Successfully unmounted partition ${name}\n`);
  assert.equal(requestLines(emu).at(-1), `POST /api/v1/storage/events/${name}/unmount`);
  const mount = await runExample(emu, "response/partition_operations.ts", ["mount", "-N", name]);
  assert.equal(mount.stdout, `Successfully mounted partition ${name}\n`);
  const del = await runExample(emu, "response/partition_operations.ts", ["delete", "-N", name]);
  assert.equal(del.stdout, `Successfully deleted partition ${name}\n`);
  assert.equal(emu.state.partitions.has(name), false);
  const hot = await runExample(emu, "response/partition_operations.ts", [
    "unmount",
    "-N",
    "writer",
  ]);
  assert.equal(hot.code, 1);
  assert.match(hot.stdout, /^Error unmounting partition writer: /);
  const create = await runExample(emu, "response/partition_operations.ts", ["create"]);
  assert.equal(create.stdout, "Successfully created new writer partition\n");
  assert.equal(requestLines(emu).at(-1), "POST /api/v1/storage/events/new_partition");
});

Deno.test("examples/response/partition_operations.ts refuses servers older than 6.1", async () => {
  await using emu = await startEmulator({ serverVersion: "6.0.2.170101.1200" });
  const run = await runExample(emu, "response/partition_operations.ts", ["list"]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /only work with server versions >= 6\.1\.0; .* is running 6\.0\.2/);
});

Deno.test("examples/response/walk_children.ts prints the process tree under matching processes", async () => {
  await using emu = await startEmulator();
  const run = await runExample(emu, "response/walk_children.ts", [
    "-q",
    "process_name:explorer.exe",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(
    run.stdout,
    /^Process c:\\windows\\explorer\.exe on WIN-IA9NQ1GN8OI executed by \S+ children:$/m,
  );
  assert.match(run.stdout, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d: "?c:\\windows\\system32\\cmd\.exe/im);
  assert.match(run.stdout, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d: "c:\\program files\\google\\chrome/m);
  const json = await runExample(emu, "response/walk_children.ts", [
    "-q",
    "process_name:explorer.exe",
    "--json",
  ]);
  const tree = JSON.parse(json.stdout);
  assert.ok(tree[0].children.some((c: { depth: number }) => c.depth === 0));
  const neither = await runExample(emu, "response/walk_children.ts", []);
  assert.equal(neither.code, 2);
  assert.match(neither.stderr, /Requires either a --process or --query argument/);
  const missing = await runExample(emu, "response/walk_children.ts", [
    "-p",
    "00000001-0000-0000-0000-000000000000",
  ]);
  assert.equal(missing.code, 1);
  assert.match(missing.stdout, /^Could not find process 00000001-/);
});

Deno.test("examples/response/user_hostname_pairs.ts counts explorer.exe runs per host and user", async () => {
  await using emu = await startEmulator();
  const run = await runExample(emu, "response/user_hostname_pairs.ts", []);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^username:\n/);
  assert.match(
    run.stdout,
    /^For host WIN-IA9NQ1GN8OI:\n {2}win-ia9nq1gn8oi\\bit9rad: logged in 1 times$/m,
  );
  assert.ok(requestLines(emu).some((l) => l.includes("q=process_name%3Aexplorer.exe")));
  const json = JSON.parse(
    (await runExample(emu, "response/user_hostname_pairs.ts", ["--json"])).stdout,
  );
  assert.ok(Object.values(json["WIN-IA9NQ1GN8OI"] as Record<string, number>).every((n) => n >= 1));
});
