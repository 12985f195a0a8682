// Runs each Cb Defense example against a fresh emulator (Deno.Command) and checks its output and
// what the emulator received.

import assert from "node:assert/strict";
import type { CbEmulator } from "@cbapi/cbapi/testing";
import { startEmulator } from "../_helpers.ts";
import { exampleConnection } from "../examples/_run.ts";
import {
  denoRun,
  NO_SYS,
  READ_ONLY,
  readUntil,
  runScript,
  type ScriptRun,
  textReader,
} from "../_child.ts";

const V3 = "/integrationServices/v3";

function script(name: string): string {
  return new URL(`../../examples/defense/${name}`, import.meta.url).pathname;
}

async function runExample(
  emu: CbEmulator,
  name: string,
  args: string[],
  cwd?: string,
): Promise<ScriptRun> {
  await using connection = await exampleConnection(emu, "defense");
  return await runScript(script(name), [...connection.args, ...args], {
    allow: NO_SYS,
    env: connection.env,
    ...(cwd ? { cwd } : {}),
  });
}

Deno.test("examples/defense/list_devices.ts lists all devices, one by id, or by host name", async () => {
  await using emu = await startEmulator();
  const all = await runExample(emu, "list_devices.ts", []);
  assert.equal(all.code, 0, all.stderr);
  const lines = all.stdout.trimEnd().split("\n");
  assert.match(lines[0]!, /^ID\s+Hostname\s+IP Address\s+Last Checkin Time$/);
  assert.equal(lines.length, 121);
  assert.match(all.stdout, /^12\s+WIN-IA9NQ1GN8OI\s+192\.168\.215\.150\s+2018-02-14 11:50:00$/m);
  assert.deepEqual(emu.requests.map((r) => r.url), [
    `${V3}/device?rows=100`,
    `${V3}/device?rows=100&start=101`,
  ]);
  const byName = await runExample(emu, "list_devices.ts", ["--hostname", "WIN-2K8R2-DC"]);
  assert.equal(byName.code, 0, byName.stderr);
  assert.equal(byName.stdout.trimEnd().split("\n").length, 2);
  assert.match(byName.stdout, /^13\s+WIN-2K8R2-DC/m);
  const byId = await runExample(emu, "list_devices.ts", ["-i", "14"]);
  assert.match(byId.stdout, /^14\s+Jasons-MacBook-Pro/m);
  assert.equal(emu.requests.at(-1)!.url, `${V3}/device/14`);
  const missing = await runExample(emu, "list_devices.ts", ["-i", "9999"]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /ObjectNotFoundError/);
});

Deno.test("examples/defense/move_device.ts moves the docs' device by policy name and by id [spec 264]", async () => {
  await using emu = await startEmulator();
  const byName = await runExample(emu, "move_device.ts", [
    "--hostname",
    "WIN-IA9NQ1GN8OI",
    "--policyname",
    "Restrictive_Windows_Workstation",
  ]);
  assert.equal(byName.code, 0, byName.stderr);
  assert.equal(
    byName.stdout,
    "Moved device id 12 (hostname WIN-IA9NQ1GN8OI) into policy Restrictive_Windows_Workstation\n",
  );
  const patch = emu.requests.find((r) => r.method === "PATCH")!;
  assert.equal(patch.url, `${V3}/device/12`);
  assert.equal(patch.body, '{"policyName": "Restrictive_Windows_Workstation"}');
  assert.equal(emu.state.defense.devices.get(12)!.policyId, 7);
  const byId = await runExample(emu, "move_device.ts", ["-i", "13", "--policyid", "8"]);
  assert.equal(byId.code, 0, byId.stderr);
  assert.equal(byId.stdout, "Moved device id 13 (hostname WIN-2K8R2-DC) into policy 8\n");
  assert.equal(emu.state.defense.devices.get(13)!.policyName, "Standard");
  const usage = await runExample(emu, "move_device.ts", ["-i", "13"]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--policyid and --policyname/);
});

Deno.test("examples/defense/notifications.ts prints pending notifications and polls until SIGINT [spec 276]", async () => {
  await using emu = await startEmulator();
  emu.state.defense.notifications.push({ type: "THREAT", n: 1 }, { type: "POLICY_ACTION", n: 2 });
  const once = await runExample(emu, "notifications.ts", ["--once"]);
  assert.equal(once.code, 0, once.stderr);
  assert.deepEqual(once.stdout.trimEnd().split("\n").map((l) => JSON.parse(l).n), [1, 2]);
  emu.state.defense.notifications.push({ type: "THREAT", n: 3 });
  await using connection = await exampleConnection(emu, "defense");
  const child = denoRun(
    script("notifications.ts"),
    [...connection.args, "--interval", "0.005"],
    { allow: READ_ONLY, env: connection.env },
  ).spawn();
  const reader = textReader(child.stdout);
  let text = await readUntil(reader, /\n/);
  assert.equal(JSON.parse(text.split("\n")[0]!).n, 3);
  emu.state.defense.notifications.push({ type: "THREAT", n: 4 });
  text += await readUntil(reader, /"n":4/);
  child.kill("SIGINT");
  const status = await child.status;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    text += value;
  }
  await child.stderr.cancel();
  assert.equal(status.code, 0);
  assert.deepEqual(text.trimEnd().split("\n").map((l) => JSON.parse(l).n), [3, 4]);
  assert.ok(emu.requests.filter((r) => r.path === `${V3}/notification`).length >= 3);
});

Deno.test("examples/defense/policy_operations.ts lists, imports, exports, deletes and edits rules [spec 268,270,271,272,273,274]", async () => {
  await using emu = await startEmulator();
  const dir = await Deno.makeTempDir();
  try {
    const list = await runExample(emu, "policy_operations.ts", ["list"]);
    assert.equal(list.code, 0, list.stderr);
    assert.match(
      list.stdout,
      /^Policy id 7: Restrictive_Windows_Workstation \(Restrictive policy/m,
    );
    assert.match(list.stdout, /^ {2}3: IGNORE when NAME_PATH c:\\windows\\notepad\.exe is RUN$/m);
    assert.match(list.stdout, /^ {2}1: TERMINATE when REPUTATION KNOWN_MALWARE is INVOKE_SCRIPT$/m);

    const policyFile = `${dir}/policy.json`;
    await Deno.writeTextFile(policyFile, JSON.stringify({ rules: [], sensorSettings: [] }));
    const imported = await runExample(emu, "policy_operations.ts", [
      "import",
      "-N",
      "Imported",
      "-d",
      "From a file",
      "-f",
      policyFile,
    ]);
    assert.equal(imported.stdout, "Added policy. New policy ID is 6526\n", imported.stderr);
    const post = emu.requests.find((r) => r.method === "POST")!;
    assert.deepEqual(JSON.parse(post.body).policyInfo.priorityLevel, "LOW");

    const ruleFile = `${dir}/rule.json`;
    const rule = {
      action: "DENY",
      application: { type: "REPUTATION", value: "PUP" },
      operation: "RUN",
      required: false,
    };
    await Deno.writeTextFile(ruleFile, JSON.stringify(rule));
    const added = await runExample(emu, "policy_operations.ts", [
      "add-rule",
      "-N",
      "Imported",
      "--rulefile",
      ruleFile,
    ]);
    assert.equal(added.stdout, `Added rule from ${ruleFile} to policy Imported.\n`, added.stderr);
    const policy = () =>
      emu.state.defense.policies.get(6526)!.policy as { rules: Record<string, unknown>[] };
    assert.deepEqual(policy().rules, [{ ...rule, id: 1 }]);

    await Deno.writeTextFile(ruleFile, JSON.stringify({ ...rule, action: "TERMINATE" }));
    const replaced = await runExample(emu, "policy_operations.ts", [
      "replace-rule",
      "-i",
      "6526",
      "-r",
      "1",
      "--rulefile",
      ruleFile,
    ]);
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.match(replaced.stdout, /^Replaced rule id 1 from policy Imported with rule from file /);
    assert.equal(policy().rules[0]!.action, "TERMINATE");

    const badRule = await runExample(emu, "policy_operations.ts", [
      "del-rule",
      "-i",
      "6526",
      "-r",
      "42",
    ]);
    assert.equal(badRule.code, 1);
    assert.match(badRule.stderr, /ObjectNotFoundError: .*Rule id 42 does not exist in policy 6526/);
    const deleted = await runExample(emu, "policy_operations.ts", [
      "del-rule",
      "-i",
      "6526",
      "-r",
      "1",
    ]);
    assert.equal(deleted.stdout, "Removed rule id 1 from policy Imported.\n");
    assert.deepEqual(policy().rules, []);

    const exported = await runExample(emu, "policy_operations.ts", ["export", "-i", "7"], dir);
    assert.equal(
      exported.stdout,
      "Wrote policy 7 Restrictive_Windows_Workstation to file policy-7.json\n",
    );
    const written = JSON.parse(await Deno.readTextFile(`${dir}/policy-7.json`));
    assert.deepEqual(written, emu.state.defense.policies.get(7)!.policy);

    const removed = await runExample(emu, "policy_operations.ts", ["delete", "-N", "Imported"]);
    assert.equal(removed.stdout, "Deleted policy id 6526 with name Imported\n");
    assert.equal(emu.state.defense.policies.has(6526), false);
    const missing = await runExample(emu, "policy_operations.ts", ["delete", "-i", "6526"]);
    assert.match(missing.stdout, /^Could not find policy with ID of 6526: /);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
