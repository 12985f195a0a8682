// What a first run downloads (issue 19 item 2). Measured with a fresh DENO_DIR (npm reachable):
// `deno run` of the demo with deno.lock fetched 16 npm packages (the whole lock: fast-check,
// amqplib, protobufjs included), with deno.runtime.lock 11 (selfsigned and its dependencies).
// Deno's `deno task` also installs every npm package named in deno.json before running any task
// (denoland/deno#30887, still so in Deno 2.9.6), which `deno task --node-modules-dir=manual demo`
// skips. These tests need no network: they run offline against the cache.

import assert from "node:assert/strict";
import { CbEmulator } from "@cbapi/cbapi/testing";

const ROOT = new URL("../..", import.meta.url).pathname;
const OPTIONAL = ["fast-check", "amqplib", "protobufjs"];

Deno.test("deno.runtime.lock holds what the demo and the emulator need, and no test-only or optional package", async () => {
  const config = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));
  for (const task of ["demo", "emulator"]) {
    assert.match(config.tasks[task], /^deno run --lock=deno\.runtime\.lock /, task);
  }
  const lock = JSON.parse(await Deno.readTextFile(`${ROOT}deno.runtime.lock`));
  assert.deepEqual(Object.keys(lock.specifiers), ["npm:selfsigned@^5.5.0"]);
  const packages = Object.keys(lock.npm);
  for (const name of OPTIONAL) {
    assert.ok(!packages.some((p) => p.startsWith(`${name}@`)), `${name} in deno.runtime.lock`);
  }
  // The lock is complete and current: the demo runs with it frozen.
  const args = config.tasks.demo.split(" ").slice(2);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--frozen", "--cached-only", ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
});

Deno.test("A plain Response script from a clone needs no npm package (runs from an empty DENO_DIR, cached-only)", async () => {
  await using emu = await CbEmulator.start();
  const dir = await Deno.makeTempDir({ prefix: "cbapi_fresh_" });
  try {
    await Deno.writeTextFile(
      `${dir}/sensors.ts`,
      `import { CbResponseAPI, Sensor } from "@cbapi/cbapi/response";
await using cb = await CbResponseAPI.connect({ url: Deno.args[0]!, token: Deno.args[1]! });
console.log(await cb.select(Sensor).count());
`,
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--cached-only",
        "--config",
        `${ROOT}deno.json`,
        "--allow-net=127.0.0.1",
        "--allow-read",
        "--allow-env",
        `${dir}/sensors.ts`,
        emu.url,
        emu.token,
      ],
      cwd: dir,
      env: { NO_COLOR: "1", DENO_DIR: `${dir}/deno_dir`, HOME: dir },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    assert.match(new TextDecoder().decode(out.stdout), /^\d+\n$/);
    const npm = await Deno.stat(`${dir}/deno_dir/npm/registry.npmjs.org`).then(
      () => true,
      () => false,
    );
    assert.equal(npm, false, "no npm package was fetched");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
