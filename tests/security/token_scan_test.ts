// The API token never shows: not in errors or their cause chains, not in log lines at any level
// (a recording logger and CBAPI_DEBUG on stderr), not in String(model), not in Deno.inspect of the
// API objects, connections, credentials and models, and not in the emulator's request log.

import assert from "node:assert/strict";
import {
  ApiError,
  Connection,
  ConnectionError,
  CredentialError,
  loadCredentials,
  type Logger,
} from "@cbapi/cbapi/core";
import { BannedHash, CbResponseAPI, Sensor, SensorGroup, User } from "@cbapi/cbapi/response";
import { CbProtectionAPI, Computer } from "@cbapi/cbapi/protection";
import { CbDefenseAPI, Device } from "@cbapi/cbapi/defense";
import { CbEmulator } from "@cbapi/cbapi/testing";

function recordingLogger(lines: string[]): Logger {
  return { debug: (m) => lines.push(`DEBUG ${m}`), warn: (m) => lines.push(`WARN ${m}`) };
}

/** Every secret form of the emulator's tokens (the Defense key and connector id separately). */
function secretsOf(emu: CbEmulator): string[] {
  const [key, connector] = emu.defenseToken.split("/");
  return [emu.token, emu.defenseToken, key!, connector!];
}

function assertClean(what: string, text: string, secrets: string[]): void {
  for (const s of secrets) {
    assert.ok(!text.includes(s), `${what} shows a token: ${text.slice(0, 400)}`);
  }
}

/** The message, fields and `cause` chain of an error, and its full inspection. */
function errorText(error: unknown): string {
  const parts: string[] = [Deno.inspect(error, { depth: 10, showHidden: true })];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth++) {
    parts.push(String(current));
    if (typeof current === "object") parts.push(JSON.stringify(current) ?? "");
    if (current instanceof Error) {
      parts.push(current.stack ?? "");
      current = current.cause;
    } else break;
  }
  return parts.join("\n");
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return await promise.then(() => assert.fail("expected a failure"), (e: unknown) => e);
}

Deno.test("no error, cause chain or log line shows the token [spec 26,27,28]", async () => {
  await using emu = await CbEmulator.start();
  await using tls = await CbEmulator.start({ tls: true });
  const secrets = [...secretsOf(emu), ...secretsOf(tls)];
  const logs: string[] = [];
  const base = {
    url: emu.url,
    token: emu.token,
    retryBaseDelayMs: 1,
    maxRetryDelayMs: 2,
    logger: recordingLogger(logs),
  };
  await using cb = await CbResponseAPI.connect(base);
  const errors: unknown[] = [];
  // 404, 500 with a body, retries exhausted, dropped connection, non-JSON, truncated, timeout.
  errors.push(await failure(cb.select(Sensor, 424242)));
  emu.faults.add({ path: "/api/v1/sensor/1", status: 500, body: '{"reason": "boom"}' });
  errors.push(await failure(cb.select(Sensor, 1)));
  emu.faults.add({ path: "/api/v1/sensor/2", status: 503, times: Infinity });
  errors.push(await failure(cb.select(Sensor, 2, { maxRetries: 1 })));
  emu.faults.clear();
  emu.faults.add({ method: "POST", path: "/api/v1/banning/blacklist", drop: "after" });
  const bh = cb.create(BannedHash);
  bh.md5hash = "00112233445566778899AABBCCDDEEFF";
  errors.push(await failure(bh.save()));
  emu.faults.add({ path: "/api/info", nonJson: true });
  errors.push(await failure(cb.connection.getObject("/api/info")));
  emu.faults.add({ path: "/api/info", truncate: true });
  errors.push(await failure(cb.connection.getObject("/api/info", undefined, { maxRetries: 0 })));
  emu.faults.add({ path: "/api/info", delayMs: 500 });
  errors.push(
    await failure(
      cb.connection.getObject("/api/info", undefined, { timeoutMs: 20, maxRetries: 0 }),
    ),
  );
  emu.faults.add({ path: "/api/info", redirect: "http://127.0.0.2:9/api/info" });
  errors.push(await failure(cb.connection.getObject("/api/info")));
  // A wrong token, a refused port, a refused certificate, a non-loopback http URL.
  errors.push(await failure(CbResponseAPI.connect({ ...base, token: `${emu.token}x` })));
  {
    await using cbd = await CbDefenseAPI.connect({ ...base, token: `${emu.defenseToken}9` });
    errors.push(await failure(cbd.select(Device).first()));
  }
  errors.push(await failure(CbDefenseAPI.connect({ ...base, token: emu.token })));
  errors.push(await failure(CbProtectionAPI.connect({ ...base, token: emu.defenseToken })));
  const closed = await CbEmulator.start();
  const closedUrl = closed.url;
  await closed.close();
  errors.push(await failure(CbResponseAPI.connect({ ...base, url: closedUrl, maxRetries: 0 })));
  errors.push(
    await failure(CbResponseAPI.connect({ ...base, url: tls.url, token: tls.token })),
  );
  errors.push(
    await failure(
      CbResponseAPI.connect({ ...base, url: "http://cb.example.com", token: emu.token }),
    ),
  );
  // A credential file whose malformed line holds the token.
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/credentials.response`;
    await Deno.writeTextFile(file, `[default]\nurl = ${emu.url}\n${emu.token}\n`, { mode: 0o600 });
    errors.push(await failure(loadCredentials("response", { credentialFile: file, env: {} })));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  assert.equal(errors.length, 16);
  for (const error of errors) {
    assert.ok(
      error instanceof ApiError || error instanceof CredentialError,
      `typed: ${String(error)}`,
    );
    assertClean(`${(error as Error).name}`, errorText(error), secrets);
  }
  assertClean("the emulator's request log", JSON.stringify(emu.requests), secrets);
  assertClean("the emulator's request log", Deno.inspect(emu.requests, { depth: 10 }), secrets);
  // A request body that carries secrets is logged redacted; every line was scanned.
  await cb.connection.requestJson("POST", "/api/v1/banning/blacklist", {
    json: { md5hash: "bad", token: emu.token, password: "hunter2" },
  }).catch(() => {});
  assert.ok(logs.some((l) => l.startsWith("DEBUG HTTP GET /api/v1/sensor/424242 took")));
  assert.ok(logs.some((l) => l.includes("Retrying HTTP GET /api/v1/sensor/2")));
  assert.ok(logs.some((l) => l.includes('"token": "[redacted]"')));
  assertClean("the log", logs.join("\n"), [...secrets, "hunter2"]);
});

Deno.test("with CBAPI_DEBUG=1 the debug lines on stderr never show the token [spec 28]", async () => {
  await using emu = await CbEmulator.start();
  emu.faults.add({ path: "/api/v1/sensor/3", status: 503 });
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net=127.0.0.1",
      "--allow-env",
      "--allow-read",
      new URL("./_debug_run.ts", import.meta.url).pathname,
    ],
    env: { CBAPI_DEBUG: "1", CBAPI_URL: emu.url, CBAPI_TOKEN: emu.token, NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
  const out = await child.output();
  const stderr = new TextDecoder().decode(out.stderr);
  const stdout = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, stderr);
  assert.match(
    stderr,
    /DEBUG:cbapi:HTTP GET \/api\/v1\/sensor\/3 took \d+\.\d{3}s \(response 503\)/,
  );
  assert.match(stderr, /DEBUG:cbapi:Retrying HTTP GET \/api\/v1\/sensor\/3/);
  assert.match(stderr, /DEBUG:cbapi:Sending HTTP PUT \/api\/user\/admin with /);
  assert.match(stderr, /DEBUG:cbapi:Received response: /);
  assertClean("stderr with CBAPI_DEBUG=1", stderr + stdout, [...secretsOf(emu), "hunter2"]);
  // The admin user's document holds the token as auth_token: the save answer is logged without it.
  assert.ok(emu.requests.some((r) => r.method === "PUT" && r.path === "/api/user/admin"));
});

Deno.test("String(model), Deno.inspect and JSON of APIs, connections, credentials and models hide the token", async () => {
  await using emu = await CbEmulator.start();
  const secrets = secretsOf(emu);
  const logs: string[] = [];
  const fast = { retryBaseDelayMs: 1, maxRetryDelayMs: 2, logger: recordingLogger(logs) };
  await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token, ...fast });
  await using cbp = await CbProtectionAPI.connect({ url: emu.url, token: emu.token, ...fast });
  await using cbd = await CbDefenseAPI.connect({ url: emu.url, token: emu.defenseToken, ...fast });
  using conn = await Connection.open("response", { url: emu.url, token: emu.token });
  const credentials = await loadCredentials("response", { url: emu.url, token: emu.token });
  const user = await cb.select(User, "admin");
  assert.equal(user.auth_token, emu.token, "the admin user's document holds the token");
  user.first_name = "Changed";
  const models: object[] = [
    await cb.select(Sensor, 3),
    await cb.select(SensorGroup, 1),
    user,
    (await cb.select(BannedHash).first())!,
    await cbp.select(Computer, 1),
    (await cbd.select(Device).first())!,
  ];
  const shown: [string, string][] = [];
  for (const o of [cb, cbp, cbd, conn, credentials, cb.connection, ...models]) {
    const name = o.constructor?.name ?? "object";
    shown.push([`Deno.inspect(${name})`, Deno.inspect(o, { depth: 10 })]);
    shown.push([
      `Deno.inspect(${name}, showHidden)`,
      Deno.inspect(o, { depth: 10, showHidden: true }),
    ]);
    shown.push([`String(${name})`, String(o)]);
  }
  for (const o of [cb, cbp, cbd, conn, credentials]) {
    shown.push([`JSON.stringify(${o.constructor?.name})`, JSON.stringify(o) ?? ""]);
  }
  for (const [what, text] of shown) assertClean(what, text, secrets);
  assert.match(String(user), /first_name/);
  assert.ok(!String(user).includes("auth_token") || /auth_token.*\[redacted\]/.test(String(user)));
  assertClean("the log", logs.join("\n"), secrets);
});

Deno.test("a credential file readable by others gives a warning that names it", async () => {
  await using emu = await CbEmulator.start();
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/credentials.response`;
    await Deno.writeTextFile(file, `[default]\nurl = ${emu.url}\ntoken = ${emu.token}\n`);
    await Deno.chmod(file, 0o644);
    const logs: string[] = [];
    await using cb = await CbResponseAPI.connect({
      credentialFile: file,
      env: {},
      logger: recordingLogger(logs),
    });
    assert.equal(cb.url, emu.url);
    const warnings = logs.filter((l) => l.startsWith("WARN "));
    assert.equal(warnings.length, 1, logs.join("\n"));
    assert.match(warnings[0]!, /Credential file .*credentials\.response has permissions 0644/);
    assertClean("the warning", warnings[0]!, secretsOf(emu));
    // 0600 gives none.
    await Deno.chmod(file, 0o600);
    const quiet: string[] = [];
    await using cb2 = await CbResponseAPI.connect({
      credentialFile: file,
      env: {},
      logger: recordingLogger(quiet),
    });
    assert.equal(cb2.url, emu.url);
    assert.deepEqual(quiet.filter((l) => l.startsWith("WARN ")), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ssl_cert_file pins the certificate: another server's certificate is refused [spec 9]", async () => {
  await using emu = await CbEmulator.start({ tls: true });
  await using other = await CbEmulator.start({ tls: true });
  // The right pin works, from a credential profile.
  const good = await emu.credentialsFile("response");
  await using cb = await CbResponseAPI.connect({ credentialFile: good, env: {} });
  assert.equal((await cb.select(Sensor, 3)).computer_name, "WIN-IA9NQ1GN8OI");
  // The same profile pinned to the other emulator's certificate is refused before any request.
  const before = emu.requests.length;
  const bad = await emu.credentialsFile("response", {
    profile: "pinned",
    extra: { ssl_cert_file: other.certFile! },
  });
  const error = await failure(
    CbResponseAPI.connect({ credentialFile: bad, profile: "pinned", env: {} }),
  );
  assert.ok(error instanceof ConnectionError, String(error));
  assert.match(error.message, /certificate was refused \(pin mismatch: .* ssl_cert_file = /);
  assert.match(error.message, new RegExp(`GET ${emu.url.replaceAll(".", "\\.")}/api/info`));
  assertClean("the TLS error", errorText(error), secretsOf(emu));
  assert.equal(emu.requests.length, before, "nothing crossed the refused handshake");
  // Without a pin the emulator's self-signed certificate is refused too.
  const logs: string[] = [];
  const unpinned = await failure(
    CbResponseAPI.connect({ url: emu.url, token: emu.token, logger: recordingLogger(logs) }),
  );
  assert.ok(unpinned instanceof ConnectionError);
  assert.match(
    unpinned.message,
    /certificate was refused \(unknown issuer.*ssl_cert_file = server.pem/,
  );
  // A refused certificate is refused again on every attempt: it is not retried.
  assert.ok(!/after \d+ attempts/.test(unpinned.message), unpinned.message);
  assert.deepEqual(logs.filter((l) => l.includes("Retrying")), []);
});

Deno.test("plain http is refused except on loopback, for every product [spec 20]", async () => {
  await using emu = await CbEmulator.start();
  for (const url of ["http://cb.example.com", "http://10.0.0.1:8080", "HTTP://cb.example.com/"]) {
    for (
      const connect of [
        () => CbResponseAPI.connect({ url, token: emu.token }),
        () => CbProtectionAPI.connect({ url, token: emu.token }),
        () => CbDefenseAPI.connect({ url, token: emu.defenseToken }),
      ]
    ) {
      const error = await failure(connect());
      assert.ok(error instanceof ConnectionError, String(error));
      assert.match(
        error.message,
        /must start with https:\/\/ \(plain http is only allowed for loopback/,
      );
      assertClean("the URL error", errorText(error), secretsOf(emu));
    }
  }
  assert.equal(emu.requests.length, 0);
  // Loopback may use http (the tests may only reach 127.0.0.1, so "localhost" is not tried here).
  await using cb = await CbResponseAPI.connect({ url: `${emu.url}/`, token: emu.token });
  assert.equal(cb.url, emu.url);
  assert.equal(emu.requests[0]?.path, "/api/info");
});
