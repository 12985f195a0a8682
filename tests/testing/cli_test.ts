import assert from "node:assert/strict";
import { emulatorCli, startEmulatorCli } from "../_child.ts";

Deno.test("testing/main.ts prints one JSON line, serves HTTPS and exits 0 on SIGTERM", async () => {
  await using emu = await startEmulatorCli(["--tls", "--seed", "3"], { stderr: "piped" });
  const info = emu.info;
  assert.deepEqual(Object.keys(info), ["url", "token", "defenseToken", "certFile"]);
  assert.match(info.url!, /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.match(info.token!, /^[0-9a-f]{40}$/);
  const pem = await Deno.readTextFile(info.certFile!);
  {
    using client = Deno.createHttpClient({ caCerts: [pem] });
    const res = await fetch(`${info.url}/api/info`, {
      client,
      headers: { "X-Auth-Token": info.token! },
    });
    assert.equal((await res.json()).version, "6.2.0.171114.1158");
  }
  const { code, rest } = await emu.stop("SIGTERM");
  assert.equal(code, 0);
  assert.equal(rest, "", "nothing after the JSON line");
  await assert.rejects(Deno.stat(info.certFile!), Deno.errors.NotFound);
});

Deno.test("testing/main.ts gives the same token for the same seed", async () => {
  const tokens = [];
  for (let i = 0; i < 2; i++) {
    await using emu = await startEmulatorCli(["--seed", "9", "--scale", "5"]);
    assert.equal(emu.info.certFile, undefined);
    tokens.push(emu.info.token);
    assert.equal((await emu.stop("SIGINT")).code, 0);
  }
  assert.equal(tokens[0], tokens[1]);
});

Deno.test("testing/main.ts --help lists every flag and exits 0 without serving", async () => {
  const { OPTIONS } = await import("../../testing/main.ts");
  for (const flag of ["--help", "-h"]) {
    const out = await emulatorCli([flag]).output();
    assert.equal(out.code, 0, flag);
    const text = new TextDecoder().decode(out.stdout);
    assert.match(text, /^Usage: deno task emulator \[options\]/);
    for (const [name, spec] of Object.entries(OPTIONS)) {
      assert.match(text, new RegExp(`^ {2}(-\\w, )?--${name}\\b`, "m"), `--${name} in --help`);
      if ("short" in spec) assert.match(text, new RegExp(`^ {2}-${spec.short}, --${name}`, "m"));
    }
    for (const kind of ["default", "install-time", "openssl-default", "expired", "ca-signed"]) {
      assert.match(text, new RegExp(`^ +${kind} `, "m"), kind);
    }
  }
  const bad = await emulatorCli(["--bogus"]).output();
  assert.equal(bad.code, 1);
  const err = new TextDecoder().decode(bad.stderr);
  assert.match(err, /Unknown option '--bogus'/);
  assert.match(err, /Usage: deno task emulator/);
  const kind = await emulatorCli(["--certificate", "nope"]).output();
  assert.equal(kind.code, 1);
  assert.match(new TextDecoder().decode(kind.stderr), /--certificate must be one of default, /);
});

Deno.test("testing/main.ts --cert-dir serves the same certificate after a restart; --certificate ca-signed prints caFile", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cbemu-cli-certdir-" });
  try {
    const seen: Record<string, string>[] = [];
    for (const args of [["--certificate", "ca-signed"], []]) {
      await using emu = await startEmulatorCli(["--cert-dir", dir, ...args]);
      const info = emu.info;
      seen.push(info);
      assert.match(info.url!, /^https:/);
      using client = Deno.createHttpClient({ caCerts: [await Deno.readTextFile(info.caFile!)] });
      const res = await fetch(`${info.url}/api/info`, {
        client,
        headers: { "X-Auth-Token": info.token! },
      });
      assert.equal(res.status, 200);
      await res.body?.cancel();
      assert.equal((await emu.stop("SIGTERM")).code, 0);
    }
    assert.deepEqual(Object.keys(seen[0]!), ["url", "token", "defenseToken", "certFile", "caFile"]);
    assert.equal(seen[0]!.certFile, `${dir}/cert.pem`);
    assert.equal(seen[1]!.certFile, seen[0]!.certFile);
    assert.equal(seen[1]!.caFile, `${dir}/ca.pem`);
    assert.ok((await Deno.stat(`${dir}/cert.pem`)).isFile, "kept after the emulator stopped");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
