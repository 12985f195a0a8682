// The README's "Use it from a script" cases, run as a new user would: a script in a temporary
// directory outside the repository, `deno run` with exactly the README's permission flags, against
// the emulator (its URL and token given as CBAPI_URL / CBAPI_TOKEN, HOME an empty folder).
// JSR itself cannot be reached here: the project and jsr: cases resolve `jsr:@cbapi/cbapi` to this
// clone through deno.json "links", which is what Deno does with a published version too.

import assert from "node:assert/strict";
import { CbEmulator } from "@cbapi/cbapi/testing";

const CLONE = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
const FLAGS = ["--allow-net=127.0.0.1", "--allow-read", "--allow-env"];

const HUNT = `import { CbResponseAPI, Process } from "@cbapi/cbapi/response";
import { LiveResponseError } from "@cbapi/cbapi/live-response";
await using cb = await CbResponseAPI.connect();
console.log(await cb.select(Process).where("process_name:net.exe").count(), typeof LiveResponseError);
`;

async function inTempDir(
  files: Record<string, string>,
  args: string[],
  emu: CbEmulator,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const dir = await Deno.makeTempDir({ prefix: "cbapi_user_" });
  try {
    assert.ok(!dir.startsWith(CLONE), "the script runs outside the repository");
    await Deno.mkdir(`${dir}/home`);
    for (const [name, text] of Object.entries(files)) {
      await Deno.writeTextFile(`${dir}/${name}`, text);
    }
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--cached-only", ...args],
      cwd: dir,
      env: { NO_COLOR: "1", HOME: `${dir}/home`, CBAPI_URL: emu.url, CBAPI_TOKEN: emu.token },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const dec = new TextDecoder();
    return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("README case 1: a project made with deno add runs hunt.ts with --allow-net --allow-read --allow-env", async () => {
  await using emu = await CbEmulator.start();
  const config = {
    imports: { "@cbapi/cbapi": "jsr:@cbapi/cbapi@^0.1.0" }, // what `deno add jsr:@cbapi/cbapi` writes
    links: [CLONE],
  };
  const run = await inTempDir(
    { "deno.json": JSON.stringify(config), "hunt.ts": HUNT },
    [...FLAGS, "hunt.ts"],
    emu,
  );
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, "2 function\n");
});

Deno.test("README case 2: a single file importing from a clone runs with --config <clone>/deno.json", async () => {
  await using emu = await CbEmulator.start();
  const run = await inTempDir(
    { "hunt.ts": HUNT },
    ["--config", `${CLONE}/deno.json`, ...FLAGS, "hunt.ts"],
    emu,
  );
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, "2 function\n");
  // One flag fewer fails with a message naming the flag to add.
  const noRead = await inTempDir(
    { "hunt.ts": HUNT },
    ["--config", `${CLONE}/deno.json`, "--allow-net=127.0.0.1", "--allow-env", "hunt.ts"],
    emu,
  );
  assert.notEqual(noRead.code, 0);
  assert.match(noRead.stderr, /--allow-read/);
  // Without --config the bare import is not found.
  const noConfig = await inTempDir({ "hunt.ts": HUNT }, [...FLAGS, "hunt.ts"], emu);
  assert.notEqual(noConfig.code, 0);
  assert.match(noConfig.stderr, /Import "@cbapi\/cbapi\/[a-z-]+" not a dependency/);
});

Deno.test("README case 3: jsr: specifiers resolve to the same exports (JSR itself is not reachable offline)", async () => {
  await using emu = await CbEmulator.start();
  const run = await inTempDir(
    {
      "deno.json": JSON.stringify({ links: [CLONE] }),
      "hunt.ts": HUNT.replaceAll('"@cbapi/cbapi/', '"jsr:@cbapi/cbapi/'),
    },
    [...FLAGS, "hunt.ts"],
    emu,
  );
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, "2 function\n");
});
