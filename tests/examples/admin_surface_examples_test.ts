// Examples rehearsed with data added from the shell through the emulator's admin surface
// (`deno task emulator:admin`), as a new user would: no test code touches the emulator's state.

import assert from "node:assert/strict";
import { CbEmulator } from "@cbapi/cbapi/testing";
import { runExample } from "./_run.ts";
import { admin } from "../testing/_admin_cli.ts";

Deno.test("examples/response/alert_bulk_resolve.ts resolves alerts added with emulator:admin", async () => {
  await using emu = await CbEmulator.start();
  const ids: string[] = [];
  for (const sensor of ["3", "2"]) {
    const made = await admin(emu, ["alert", "--sensor", sensor, "--watchlist", "Rehearsal"]);
    assert.equal(made.code, 0, made.stderr);
    ids.push(JSON.parse(made.stdout).unique_id);
  }
  const run = await runExample(emu, "response/alert_bulk_resolve.ts", [
    "--query",
    "watchlist_name:Rehearsal",
    "--bulk",
    "--wait",
    "0",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /Complete\. Resolved 2 alerts\.\n$/);
  for (const id of ids) assert.equal(emu.state.alerts.get(id)?.status, "Resolved");
});

Deno.test("examples/defense/notifications.ts prints notifications added with emulator:admin", async () => {
  await using emu = await CbEmulator.start();
  const made = await admin(emu, ["notify", "--device", "12", "--summary", "Keylogger found"]);
  assert.equal(made.code, 0, made.stderr);
  const policy = await admin(emu, ["notify", "--type", "POLICY_ACTION"]);
  assert.equal(policy.code, 0, policy.stderr);
  const run = await runExample(
    emu,
    "defense/notifications.ts",
    ["--cburl", emu.url, "--apitoken", emu.defenseToken, "--once"],
    { noConnect: true },
  );
  assert.equal(run.code, 0, run.stderr);
  const lines = run.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((n) => n.type), ["THREAT", "POLICY_ACTION"]);
  assert.equal(lines[0].deviceInfo.deviceId, 12);
});

Deno.test("examples/protection/remove_duplicates.ts deletes a duplicate added with emulator:admin", async () => {
  await using emu = await CbEmulator.start();
  const made = await admin(emu, [
    "protection",
    "--collection",
    "computer",
    "--json",
    JSON.stringify({ name: "CORP\\REHEARSAL", daysOffline: 90 }),
  ]);
  assert.equal(made.code, 0, made.stderr);
  const stale = JSON.parse(made.stdout).id as number;
  const fresh = await admin(emu, [
    "protection",
    "--collection",
    "computer",
    "--json",
    JSON.stringify({ name: "CORP\\REHEARSAL", daysOffline: 0 }),
  ]);
  assert.equal(fresh.code, 0, fresh.stderr);
  const run = await runExample(emu, "protection/remove_duplicates.ts", ["--dry-run"]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(
    run.stdout,
    new RegExp(`deleting computer id ${stale} \\(offline 90 days, hostname CORP\\\\REHEARSAL\\)`),
  );
  const unknown = await admin(emu, ["protection", "--collection", "nope", "--json", "{}"]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /No Protection collection "nope"; known: .*computer/);
});
