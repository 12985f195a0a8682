// What a first run downloads (issue 19 item 2). Measured with a fresh DENO_DIR (npm reachable):
// `deno run` of the demo with deno.lock fetched 16 npm packages (the whole lock: fast-check,
// amqplib, protobufjs included), with deno.runtime.lock 11 (selfsigned and its dependencies).
// `deno task` installs every npm: entry of deno.json's imports (and of a workspace member's)
// before running any task (denoland/deno#30887, still so in Deno 2.9.6): 28 tarballs for
// `deno task demo` while fast-check, amqplib and protobufjs were npm: entries. deno.json now maps
// those three to one-line modules of ours that name the npm package (events/_npm_amqplib.ts,
// events/_npm_protobufjs.ts, tests/_npm_fast_check.ts), so they are fetched when a module that
// imports them runs, not before every task: `deno task demo` fetched 23 tarballs (selfsigned and
// its dependencies). These tests need no network: a local registry on 127.0.0.1 stands in for npm.

import assert from "node:assert/strict";
import { CbEmulator } from "@cbapi/cbapi/testing";

const ROOT = new URL("../..", import.meta.url).pathname;
const OPTIONAL = ["fast-check", "amqplib", "protobufjs"];

/** Package names in npm registry paths: `/selfsigned`, `/@peculiar/x509/-/x509-1.14.3.tgz`. */
function packageOf(path: string): string {
  const parts = decodeURIComponent(path).split("/").filter(Boolean);
  return parts[0]!.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

Deno.test("deno task demo on an empty DENO_DIR asks npm for the emulator's packages only, never fast-check, amqplib or protobufjs", async () => {
  // A registry on 127.0.0.1 that logs what is asked and has nothing: Deno stops at the first
  // package it cannot get, which is enough to see what `deno task demo` fetches first (the
  // task's install of deno.json's npm: entries, then the demo's own imports).
  const asked = new Set<string>();
  await using registry = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    asked.add(packageOf(new URL(req.url).pathname));
    return new Response("not found", { status: 404 });
  });
  const dir = await Deno.makeTempDir({ prefix: "cbapi_fresh_" });
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["task", "demo"],
      cwd: ROOT,
      env: {
        NO_COLOR: "1",
        DENO_DIR: `${dir}/deno_dir`,
        HOME: dir,
        NPM_CONFIG_REGISTRY: `http://127.0.0.1:${registry.addr.port}/`,
      },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.notEqual(out.code, 0, "the empty registry stops it");
    assert.ok(asked.size > 0, `the registry was asked: ${stderr}`);
    const lock = JSON.parse(await Deno.readTextFile(`${ROOT}deno.runtime.lock`));
    const runtime = new Set(Object.keys(lock.npm).map((p) => p.slice(0, p.lastIndexOf("@"))));
    for (const name of asked) assert.ok(runtime.has(name), `${name} is not a runtime package`);
    for (const name of OPTIONAL) assert.ok(!asked.has(name), `${name} was fetched`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno.json names no npm package as an npm: import except the emulator's; the test-only and optional ones go through one module each", async () => {
  const config = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));
  const npm = Object.entries(config.imports as Record<string, string>)
    .filter(([, target]) => target.startsWith("npm:"));
  assert.deepEqual(npm, [["selfsigned", "npm:selfsigned@^5.5.0"]]);
  assert.equal(config.scopes, undefined);
  assert.equal(config.workspace, undefined);
  for (const name of OPTIONAL) {
    const shim = config.imports[name] as string;
    assert.match(shim, /^\.\/(events|tests)\/_npm_[a-z_]+\.ts$/, name);
    const text = await Deno.readTextFile(`${ROOT}${shim.slice(2)}`);
    assert.match(text, new RegExp(`from "npm:${name}@`), `${shim} names ${name}`);
  }
});

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
