import assert from "node:assert/strict";

const MAIN = new URL("../../testing/main.ts", import.meta.url).pathname;
const CONFIG = new URL("../../deno.json", import.meta.url).pathname;

async function firstLine(
  stream: ReadableStream<Uint8Array>,
): Promise<[string, ReadableStreamDefaultReader<string>]> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { done, value } = await reader.read();
    if (done) break;
    text += value;
  }
  return [text.split("\n")[0]!, reader];
}

Deno.test("testing/main.ts prints one JSON line, serves HTTPS and exits 0 on SIGTERM", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--config",
      CONFIG,
      "--allow-net=127.0.0.1",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-sys",
      MAIN,
      "--tls",
      "--seed",
      "3",
    ],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const [line, reader] = await firstLine(child.stdout);
  const info = JSON.parse(line);
  assert.deepEqual(Object.keys(info), ["url", "token", "defenseToken", "certFile"]);
  assert.match(info.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.match(info.token, /^[0-9a-f]{40}$/);
  const pem = await Deno.readTextFile(info.certFile);
  {
    using client = Deno.createHttpClient({ caCerts: [pem] });
    const res = await fetch(`${info.url}/api/info`, {
      client,
      headers: { "X-Auth-Token": info.token },
    });
    assert.equal((await res.json()).version, "6.2.0.171114.1158");
  }
  child.kill("SIGTERM");
  const status = await child.status;
  assert.equal(status.code, 0);
  const rest = await reader.read();
  assert.ok(rest.done || rest.value === "");
  reader.releaseLock();
  await child.stderr.cancel();
  await assert.rejects(Deno.stat(info.certFile), Deno.errors.NotFound);
});

Deno.test("testing/main.ts gives the same token for the same seed", async () => {
  const tokens = [];
  for (let i = 0; i < 2; i++) {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--config",
        CONFIG,
        "--allow-net=127.0.0.1",
        "--allow-read",
        "--allow-write",
        "--allow-env",
        "--allow-sys",
        MAIN,
        "--seed",
        "9",
        "--scale",
        "5",
      ],
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const [line, reader] = await firstLine(child.stdout);
    const info = JSON.parse(line);
    assert.equal(info.certFile, undefined);
    tokens.push(info.token);
    child.kill("SIGINT");
    assert.equal((await child.status).code, 0);
    await reader.cancel();
  }
  assert.equal(tokens[0], tokens[1]);
});

function emulatorCommand(args: string[]): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--config",
      CONFIG,
      "--allow-net=127.0.0.1",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-sys",
      MAIN,
      ...args,
    ],
    stdout: "piped",
    stderr: "piped",
  });
}

Deno.test("testing/main.ts --help lists every flag and exits 0 without serving", async () => {
  const { OPTIONS } = await import("../../testing/main.ts");
  for (const flag of ["--help", "-h"]) {
    const out = await emulatorCommand([flag]).output();
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
  const bad = await emulatorCommand(["--bogus"]).output();
  assert.equal(bad.code, 1);
  const err = new TextDecoder().decode(bad.stderr);
  assert.match(err, /Unknown option '--bogus'/);
  assert.match(err, /Usage: deno task emulator/);
  const kind = await emulatorCommand(["--certificate", "nope"]).output();
  assert.equal(kind.code, 1);
  assert.match(new TextDecoder().decode(kind.stderr), /--certificate must be one of default, /);
});

Deno.test("testing/main.ts --cert-dir serves the same certificate after a restart; --certificate ca-signed prints caFile", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cbemu-cli-certdir-" });
  try {
    const seen: Record<string, string>[] = [];
    for (const args of [["--certificate", "ca-signed"], []]) {
      const child = emulatorCommand(["--cert-dir", dir, ...args]).spawn();
      const [line, reader] = await firstLine(child.stdout);
      const info = JSON.parse(line);
      seen.push(info);
      assert.match(info.url, /^https:/);
      using client = Deno.createHttpClient({ caCerts: [await Deno.readTextFile(info.caFile)] });
      const res = await fetch(`${info.url}/api/info`, {
        client,
        headers: { "X-Auth-Token": info.token },
      });
      assert.equal(res.status, 200);
      await res.body?.cancel();
      child.kill("SIGTERM");
      assert.equal((await child.status).code, 0);
      await reader.cancel();
      await child.stderr.cancel();
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
