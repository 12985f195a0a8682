// The `proxy` and `ignore_system_proxy` keys through a real local HTTP proxy (tests/_proxy.ts):
// CONNECT for https targets, plain forwarding for http, Basic credentials (with `@` and `:` in
// the password), the environment's proxy variables with NO_PROXY as requests applies them, and
// typed errors that never show the password or the token.

import assert from "node:assert/strict";
import { Connection, ConnectionError, CredentialError } from "@cbapi/cbapi/core";
import { CbEmulator } from "@cbapi/cbapi/testing";
import { startProxy } from "../_proxy.ts";
import { bypassesProxy, parseProxyUrl, redactProxyUrl } from "../../core/_proxy.ts";

const PASSWORD = "p@ss:w0rd";

async function profileFile(lines: string[]): Promise<{ file: string } & AsyncDisposable> {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/credentials.response`;
  await Deno.writeTextFile(file, ["[default]", ...lines].join("\n") + "\n", { mode: 0o600 });
  return { file, [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }) };
}

function noSecret(error: unknown, ...secrets: string[]): void {
  const shown = Deno.inspect(error, { depth: 8 });
  for (const s of secrets) assert.ok(!shown.includes(s), `"${s}" is not in the error`);
}

Deno.test("proxy: an https target goes through CONNECT, the token stays inside TLS, credentials with @ and : reach the proxy", async () => {
  await using emu = await CbEmulator.start({ tls: true });
  await using proxy = startProxy({ credentials: `user:${PASSWORD}` });
  const proxyUrl = `http://user:${PASSWORD}@127.0.0.1:${proxy.port}`;
  using conn = await Connection.open("response", {
    url: emu.url,
    token: emu.token,
    sslCertFile: emu.certFile!,
    proxy: proxyUrl,
    env: {},
  });
  const info = await conn.getObject<{ version: string }>("/api/info");
  assert.ok(info?.version);
  await conn.getObject("/api/info");
  const port = new URL(emu.url).port;
  assert.ok(proxy.seen.length >= 1);
  for (const seen of proxy.seen) {
    assert.deepEqual(seen, {
      method: "CONNECT",
      target: `127.0.0.1:${port}`,
      credentials: `user:${PASSWORD}`,
      token: null,
    });
  }
  assert.equal(emu.requests.filter((r) => r.url.startsWith("/api/info")).length, 2);
});

Deno.test("proxy: an http target is forwarded in absolute form with the proxy credentials", async () => {
  await using emu = await CbEmulator.start();
  await using proxy = startProxy({ credentials: `user:${PASSWORD}` });
  using conn = await Connection.open("response", {
    url: emu.url,
    token: emu.token,
    proxy: `http://user:${encodeURIComponent(PASSWORD)}@127.0.0.1:${proxy.port}`,
    env: {},
  });
  await conn.getObject("/api/info");
  assert.equal(proxy.seen.length, 1);
  assert.equal(proxy.seen[0]!.method, "GET");
  assert.equal(proxy.seen[0]!.target, `${emu.url}/api/info`);
  assert.equal(proxy.seen[0]!.credentials, `user:${PASSWORD}`);
  assert.equal(emu.requests.length, 1);
});

Deno.test("proxy: wrong proxy credentials and a refused CONNECT are ConnectionErrors naming the proxy key, never the password", async (t) => {
  await t.step("407 on CONNECT (https, node transport)", async () => {
    await using emu = await CbEmulator.start({ tls: true });
    await using proxy = startProxy({ credentials: "user:right" });
    using conn = await Connection.open("response", {
      url: emu.url,
      token: emu.token,
      sslCertFile: emu.certFile!,
      proxy: `http://user:${PASSWORD}@127.0.0.1:${proxy.port}`,
      env: {},
      maxRetries: 3,
    });
    const error = await conn.getObject("/api/info").catch((e: unknown) => e);
    assert.ok(error instanceof ConnectionError, String(error));
    assert.match(error.message, /proxy http:\/\/127\.0\.0\.1:\d+ \(the "proxy" key of profile/);
    assert.match(error.message, /CONNECT\) with status 407.*user name and password/);
    noSecret(error, PASSWORD, "w0rd", emu.token);
    assert.equal(proxy.seen.length, 1, "a refused CONNECT is not retried");
    assert.equal(emu.requests.length, 0);
  });
  await t.step("407 on a forwarded request (http, fetch transport)", async () => {
    await using emu = await CbEmulator.start();
    await using proxy = startProxy({ credentials: "user:right" });
    using conn = await Connection.open("response", {
      url: emu.url,
      token: emu.token,
      proxy: `http://user:${encodeURIComponent(PASSWORD)}@127.0.0.1:${proxy.port}`,
      env: {},
    });
    const error = await conn.getObject("/api/info").catch((e: unknown) => e);
    assert.ok(error instanceof ConnectionError, String(error));
    assert.match(error.message, /asked for credentials \(407\)/);
    noSecret(error, PASSWORD, "w0rd", encodeURIComponent(PASSWORD), emu.token);
  });
  await t.step(
    "CONNECT refused with 403 and 407 under fetch (no TLS keys), not retried",
    async () => {
      await using emu = await CbEmulator.start({ tls: true });
      for (
        const [options, message] of [
          [{ refuseConnect: 403 }, /refused to open a tunnel \(CONNECT\) to .*allows CONNECT/],
          [{ credentials: "user:right" }, /CONNECT\) with status 407.*user name and password/],
        ] as const
      ) {
        await using proxy = startProxy(options);
        using conn = await Connection.open("response", {
          url: emu.url,
          token: emu.token,
          proxy: `http://user:${encodeURIComponent(PASSWORD)}@127.0.0.1:${proxy.port}`,
          env: {},
        });
        assert.equal(conn.transport, "fetch");
        const error = await conn.getObject("/api/info").catch((e: unknown) => e);
        assert.ok(error instanceof ConnectionError, String(error));
        assert.match(error.message, message);
        noSecret(error, PASSWORD, "w0rd", encodeURIComponent(PASSWORD), emu.token);
        assert.equal(proxy.seen.length, 1, "not retried");
      }
    },
  );
  await t.step("CONNECT refused with 403", async () => {
    await using emu = await CbEmulator.start({ tls: true });
    await using proxy = startProxy({ refuseConnect: 403 });
    using conn = await Connection.open("response", {
      url: emu.url,
      token: emu.token,
      sslCertFile: emu.certFile!,
      proxy: `http://127.0.0.1:${proxy.port}`,
      env: {},
    });
    const error = await conn.getObject("/api/info").catch((e: unknown) => e);
    assert.ok(error instanceof ConnectionError, String(error));
    assert.match(error.message, /refused to open a tunnel \(CONNECT\) with status 403/);
    assert.match(error.message, /allows CONNECT/);
  });
});

Deno.test("proxy: a proxy URL that does not parse is a CredentialError naming the key, password redacted", async () => {
  for (
    const bad of [
      "http://user:s3cret@[::1",
      "socks5://user:s3cret@127.0.0.1:1080",
      "https://user:s3cret@proxy:3128",
    ]
  ) {
    const error = await Connection.open("response", {
      url: "https://127.0.0.1:1",
      token: "t",
      proxy: bad,
      env: {},
    }).then((c) => c.close(), (e: unknown) => e);
    assert.ok(error instanceof CredentialError, `${bad}: ${error}`);
    assert.match(error.message, /proxy/);
    assert.match(error.message, /user:\[redacted\]@/);
    noSecret(error, "s3cret");
  }
});

Deno.test("proxy: HTTPS_PROXY and HTTP_PROXY from the environment are honoured, except for NO_PROXY hosts and with ignore_system_proxy", async (t) => {
  await using emu = await CbEmulator.start({ tls: true });
  await using plain = await CbEmulator.start();
  await using proxy = startProxy();
  const env = { HTTPS_PROXY: proxy.url, http_proxy: proxy.url };
  const open = (url: string, extra: Record<string, unknown>) =>
    Connection.open("response", {
      url,
      token: emu.token,
      ...(url.startsWith("https") ? { sslCertFile: emu.certFile! } : {}),
      ...extra,
    });
  await t.step("environment proxy used (https: CONNECT, http: forwarded)", async () => {
    proxy.seen.length = 0;
    using a = await open(emu.url, { env });
    await a.getObject("/api/info");
    using b = await open(plain.url, { env });
    await b.getObject("/api/info");
    assert.deepEqual(proxy.seen.map((s) => s.method), ["CONNECT", "GET"]);
  });
  await t.step("NO_PROXY sends the host directly", async () => {
    proxy.seen.length = 0;
    using a = await open(emu.url, { env: { ...env, NO_PROXY: "example.com, 127.0.0.1" } });
    await a.getObject("/api/info");
    using b = await open(plain.url, { env: { ...env, no_proxy: "127.0.0.0/8" } });
    await b.getObject("/api/info");
    assert.deepEqual(proxy.seen, []);
  });
  await t.step("ignore_system_proxy = True ignores them (fetch and node transports)", async () => {
    proxy.seen.length = 0;
    for (
      const [url, token, cert] of [[emu.url, emu.token, emu.certFile!], [
        plain.url,
        plain.token,
        "",
      ]]
    ) {
      await using profile = await profileFile([
        `url = ${url}`,
        `token = ${token}`,
        ...(cert ? [`ssl_cert_file = ${cert}`] : []),
        "ignore_system_proxy = True",
      ]);
      using conn = await Connection.open("response", { credentialFile: profile.file, env });
      await conn.getObject("/api/info");
    }
    assert.deepEqual(proxy.seen, [], "nothing went to the environment's proxy");
  });
  await t.step("the proxy key wins over the environment", async () => {
    proxy.seen.length = 0;
    await using other = startProxy();
    using conn = await open(plain.url, { env, proxy: other.url });
    await conn.getObject("/api/info");
    assert.equal(proxy.seen.length, 0);
    assert.equal(other.seen.length, 1);
  });
});

Deno.test("proxy rules: NO_PROXY entries and proxy URLs are read as requests reads them", () => {
  const target = new URL("https://cb.corp.example:8443/api/info");
  const cases: [string, boolean][] = [
    ["*", true],
    ["corp.example", true],
    [".corp.example", true],
    ["cb.corp.example:8443", true],
    ["cb.corp.example:443", false],
    ["other.example, corp.example", true],
    ["example.org", false],
    ["orp.example", false],
    ["", false],
  ];
  for (const [noProxy, bypass] of cases) {
    assert.equal(bypassesProxy(noProxy, target), bypass, `NO_PROXY="${noProxy}"`);
  }
  assert.ok(bypassesProxy("10.0.0.0/8", new URL("https://10.1.2.3/")));
  assert.ok(!bypassesProxy("10.0.0.0/8", new URL("https://11.1.2.3/")));
  const raw = parseProxyUrl("http://me:p@ss:w0rd@proxy.corp:3128", "the test");
  assert.equal(raw.password, "p@ss:w0rd");
  assert.equal(raw.origin, "http://proxy.corp:3128");
  const encoded = parseProxyUrl("http://me:p%40ss%3Aw0rd@proxy.corp:3128", "the test");
  assert.equal(encoded.authorization, raw.authorization);
  const bare = parseProxyUrl("proxy.corp:3128", "the test");
  assert.deepEqual([bare.host, bare.port, bare.authorization], ["proxy.corp", 3128, undefined]);
  assert.equal(redactProxyUrl("http://me:p@ss:w0rd@proxy:1"), "http://me:[redacted]@proxy:1");
});
