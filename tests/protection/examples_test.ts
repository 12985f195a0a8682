// The ported Python examples, run as scripts against a fresh emulator.

import assert from "node:assert/strict";
import type { CbEmulator } from "@cbapi/cbapi/testing";
import { startEmulator } from "../_helpers.ts";
import { exampleConnection } from "../examples/_run.ts";
import { coll } from "./_helpers.ts";
import { NO_SYS, runScript, type ScriptRun } from "../_child.ts";

async function runExample(emu: CbEmulator, name: string, args: string[]): Promise<ScriptRun> {
  await using connection = await exampleConnection(emu, "protection");
  return await runScript(
    new URL(`../../examples/protection/${name}`, import.meta.url),
    [...connection.args, ...args],
    { allow: NO_SYS, env: connection.env },
  );
}

Deno.test("examples/protection/approve_files.ts approves prevalent unapproved files of a policy", async () => {
  await using emu = await startEmulator();
  const r = await runExample(emu, "approve_files.ts", ["--policy", "Default Policy"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Locally approved \d+ files on computer DOMAIN\\MYHOSTNAME$/m);
  const posts = emu.requests.filter((q) => q.method === "POST");
  assert.ok(posts.length > 0);
  assert.ok(posts.every((p) => /^\/api\/bit9platform\/v1\/fileInstance\/\d+$/.test(p.path)));
  const catalog = coll(emu, "fileCatalog");
  for (const p of posts) {
    const doc = coll(emu, "fileInstance").get(Number(p.path.split("/").pop()))!;
    assert.equal(doc.localState, 2);
    assert.ok(Number(catalog.get(doc.fileCatalogId as number)!.prevalence) >= 10);
  }
  const r2 = await runExample(emu, "approve_files.ts", []);
  assert.equal(r2.code, 2);
  assert.match(r2.stderr, /--policy/);
});

Deno.test("examples/protection/policy_return.ts moves computers back to their previous policy", async () => {
  await using emu = await startEmulator();
  const r = await runExample(emu, "policy_return.ts", []);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /CORP\\SRV-DB01 was in Quarantine\nCORP\\SRV-DB01 is now in High Enforcement/,
  );
  assert.match(
    r.stdout,
    /CORP\\LAPTOP-17 was in Quarantine\nCORP\\LAPTOP-17 is now in Default Policy/,
  );
  assert.equal(coll(emu, "computer").get(5)!.policyId, 3);
  assert.equal(coll(emu, "computer").get(6)!.policyId, 1);
  const puts = emu.requests.filter((q) => q.method === "PUT").map((q) => q.url);
  assert.deepEqual(puts, ["/api/bit9platform/v1/computer/5", "/api/bit9platform/v1/computer/6"]);
});

Deno.test("examples/protection/remove_duplicates.ts deletes all but the freshest duplicate", async () => {
  await using emu = await startEmulator();
  const dry = await runExample(emu, "remove_duplicates.ts", ["--dry-run"]);
  assert.equal(dry.code, 0, dry.stderr);
  assert.equal(
    dry.stdout.trim(),
    "deleting computer id 4 (offline 41 days, hostname CORP\\WKS-DUP)",
  );
  assert.ok(coll(emu, "computer").has(4));
  const real = await runExample(emu, "remove_duplicates.ts", []);
  assert.match(real.stdout, /deleting from server\.\.\./);
  assert.equal(coll(emu, "computer").has(4), false);
  assert.ok(coll(emu, "computer").has(3));
  assert.equal(
    emu.requests.filter((q) => q.method === "DELETE").map((q) => q.url).join(),
    "/api/bit9platform/v1/computer/4",
  );
});

Deno.test("examples/protection/empty_analysis_connector.ts registers, downloads and reports", async () => {
  await using emu = await startEmulator();
  const dir = await Deno.makeTempDir();
  try {
    const r = await runExample(emu, "empty_analysis_connector.ts", ["--once", "--out", dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Connector: 3 EmptyAnalysis$/m);
    assert.match(r.stdout, /I have a binary! let's download it/);
    assert.match(r.stdout, /Waiting until hash [0-9A-F]{32} is uploaded/);
    const files = [];
    for await (const e of Deno.readDir(dir)) files.push(e.name);
    assert.equal(files.length, 1);
    const bytes = await Deno.readFile(`${dir}/${files[0]}`);
    assert.equal(String.fromCharCode(bytes[0]!, bytes[1]!), "MZ");
    const notes = [...coll(emu, "notification").values()];
    assert.equal(notes.length, 1);
    assert.equal(notes[0]!.analysisResult, 3);
    assert.equal(notes[0]!.malwareName, "TEST MALWARE");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
