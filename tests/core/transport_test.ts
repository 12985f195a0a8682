// Both transports of the one request path (fetch, and node:https where the profile needs it)
// against hostile and odd servers: an answer that never ends is cut at the configured bound, every
// product has a default timeout, a refused connection fails within the short retry budget, plain
// http to a TLS server says so at once, and bad ssl_cert_file values are typed errors naming the
// profile key.

import assert from "node:assert/strict";
import {
  Connection,
  ConnectionError,
  CredentialError,
  type Logger,
  RESPONSE_DEFAULT_TIMEOUT_MS,
  ServerError,
} from "@cbapi/cbapi/core";
import { CbProtectionAPI } from "@cbapi/cbapi/protection";
import { CbDefenseAPI } from "@cbapi/cbapi/defense";
import { CbEmulator } from "@cbapi/cbapi/testing";
import { makeCertSet } from "../_certs.ts";

function recorder(lines: string[]): Logger {
  return { debug: (m) => lines.push(m), warn: (m) => lines.push(`WARN ${m}`) };
}

/** A server whose JSON answer never ends; counts the bytes it managed to send. */
function endlessServer(tls?: { cert: string; key: string }) {
  const state = { sent: 0, cancelled: false };
  const chunk = new TextEncoder().encode(`[${'"x",'.repeat(16 * 1024)}`);
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen() {},
    ...(tls ? { cert: tls.cert, key: tls.key } : {}),
  }, () =>
    new Response(
      new ReadableStream<Uint8Array>({
        pull(c) {
          state.sent += chunk.byteLength;
          c.enqueue(chunk);
        },
        cancel() {
          state.cancelled = true;
        },
      }),
      { headers: { "content-type": "application/json" } },
    ));
  const scheme = tls ? "https" : "http";
  return { url: `${scheme}://127.0.0.1:${server.addr.port}`, state, server };
}

Deno.test("an answer that never ends is cut at maxBodyBytes with a ServerError naming the route and limit, over both transports", async (t) => {
  await using certs = await makeCertSet();
  for (const transport of ["fetch", "node"] as const) {
    await t.step(transport, async () => {
      const srv = endlessServer(transport === "node" ? certs.selfSigned : undefined);
      try {
        using conn = await Connection.open("response", {
          url: srv.url,
          token: "secret-token-1",
          maxBodyBytes: 1024 * 1024,
          ...(transport === "node" ? { sslCertFile: certs.selfSigned.certFile } : {}),
        });
        assert.equal(conn.transport, transport);
        const error = await conn.getObject("/api/v1/process").catch((e: unknown) => e);
        assert.ok(error instanceof ServerError, String(error));
        assert.match(
          error.message,
          /GET .*\/api\/v1\/process .*larger than the 1048576 bytes allowed \(maxBodyBytes\)/,
        );
        assert.ok(!error.message.includes("secret-token-1"));
        assert.ok(
          srv.state.sent < 64 * 1024 * 1024,
          `the client stopped reading (${srv.state.sent} bytes sent)`,
        );
      } finally {
        await srv.server.shutdown();
      }
      assert.ok(srv.state.cancelled, "the connection was closed");
    });
  }
});

Deno.test("every product has the 120 s default timeout and the 256 MiB body bound is documented as the default", async () => {
  await using emu = await CbEmulator.start();
  assert.equal(RESPONSE_DEFAULT_TIMEOUT_MS, 120_000);
  await using p = await CbProtectionAPI.connect({ url: emu.url, token: emu.token });
  assert.equal(p.connection.timeoutMs, 120_000);
  await using d = await CbDefenseAPI.connect({ url: emu.url, token: emu.defenseToken });
  assert.equal(d.connection.timeoutMs, 120_000);
  using r = await Connection.open("response", { url: emu.url, token: emu.token });
  assert.equal(r.timeoutMs, 120_000);
});

Deno.test("a refused connection fails within the connectRetryMs budget (2 s by default), a POST included, with advice [spec 18]", async (t) => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  await t.step("default budget: a few quick retries, then ConnectionError", async () => {
    const lines: string[] = [];
    using conn = await Connection.open("response", {
      url: `http://127.0.0.1:${port}`,
      token: "t0ken-refused",
      logger: recorder(lines),
    });
    const started = performance.now();
    const error = await conn.getObject("/api/info").catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    assert.ok(error instanceof ConnectionError, String(error));
    assert.match(error.message, /connectRetryMs, 2 s by default/);
    const retries = lines.filter((l) => l.startsWith("Retrying")).length;
    assert.ok(retries >= 1, "refused connections are retried");
    assert.ok(elapsed < 4_000, `gave up within the budget, not after 6 back-offs (${elapsed} ms)`);
  });
  await t.step("connectRetryMs: 0 tries once", async () => {
    const lines: string[] = [];
    using conn = await Connection.open("response", {
      url: `http://127.0.0.1:${port}`,
      token: "t",
      connectRetryMs: 0,
      logger: recorder(lines),
    });
    await assert.rejects(conn.requestJson("POST", "/api/v1/x", { json: {} }), ConnectionError);
    assert.equal(lines.filter((l) => l.startsWith("Retrying")).length, 0);
  });
});

Deno.test("plain http:// to a TLS server fails at once with 'the server speaks TLS: use https://', over both transports", async (t) => {
  await using emu = await CbEmulator.start({ tls: true });
  const http = emu.url.replace("https://", "http://");
  for (const [name, extra] of [["fetch", {}], ["node", { sslVerify: false }]] as const) {
    await t.step(name, async () => {
      const lines: string[] = [];
      using conn = await Connection.open("response", {
        url: http,
        token: emu.token,
        logger: recorder(lines),
        ...extra,
      });
      const error = await conn.getObject("/api/info").catch((e: unknown) => e);
      assert.ok(error instanceof ConnectionError, String(error));
      assert.match(
        error.message,
        /the server speaks TLS: use https:\/\/127\.0\.0\.1:\d+\/api\/info/,
      );
      assert.equal(lines.filter((l) => l.startsWith("Retrying")).length, 0, "not retried");
      assert.equal(emu.requests.length, 0);
    });
  }
});

Deno.test("bad ssl_cert_file values are CredentialErrors naming the key and the fix", async (t) => {
  await using certs = await makeCertSet();
  const open = (sslCertFile: string) =>
    Connection.open("response", { url: "https://127.0.0.1:1", token: "tok-secret", sslCertFile })
      .then((c) => c.close(), (e: unknown) => e);
  const cases: [string, string, RegExp][] = [
    ["missing", `${certs.dir}/nope.pem`, /the file does not exist/],
    ["a directory", certs.dir, /is a directory|cannot be read/],
    ["no certificate", `${certs.dir}/leaf.ext`, /holds no PEM certificate/],
    ["a private key", `${certs.dir}/self.key`, /holds a private key, not a certificate/],
    ["an expired certificate", certs.expired.certFile, /expired on \d{4}-/],
  ];
  for (const [name, file, message] of cases) {
    await t.step(name, async () => {
      const error = await open(file);
      assert.ok(error instanceof CredentialError, String(error));
      assert.match(error.message, /"ssl_cert_file" key of profile/);
      assert.match(error.message, message);
      assert.ok(!error.message.includes("tok-secret"));
      if (name === "a private key") {
        assert.ok(!error.message.includes("PRIVATE KEY-----\n"), "the key itself is not shown");
      }
    });
  }
});

Deno.test("ssl_verify=False warns once per API naming the host, and still sends the token as Python does", async () => {
  await using emu = await CbEmulator.start({ tls: true });
  const lines: string[] = [];
  using conn = await Connection.open("response", {
    url: emu.url,
    token: emu.token,
    sslVerify: false,
    logger: recorder(lines),
  });
  await conn.getObject("/api/info");
  await conn.getObject("/api/info");
  const warnings = lines.filter((l) => l.startsWith("WARN"));
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /ssl_verify is False for 127\.0\.0\.1:\d+/);
  assert.equal(conn.transport, "node");
  assert.ok(emu.requests.every((r) => r.status === 200));
});
