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
