// `ssl_force_tls_1_2` against servers that speak one TLS version only, and an unknown host name.
//
// Facts relied on: Python cbapi's `ssl_force_tls_1_2` builds an OpenSSL context with the cipher
// string `TLSv1.2:!aNULL:!eNULL:!MD5` and OP_NO_SSLv2/SSLv3/TLSv1/TLSv1_1 (SPEC §2.4: versions
// below 1.2 are disabled), which leaves TLS 1.3 on: a TLS 1.2-only and a TLS 1.3-only server both
// connect, a TLS 1.1-only server is refused. The servers are `openssl s_server -www`, whose status
// page names the negotiated protocol. A `.invalid` name never resolves (RFC 6761).

import assert from "node:assert/strict";
import { Connection, ConnectionError } from "@cbapi/cbapi/core";
import { makeCertSet } from "../_certs.ts";

/** `openssl s_server -www` speaking one TLS version, on a free loopback port. */
async function versionServer(certFile: string, keyFile: string, version: string) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const args = ["s_server", "-accept", `127.0.0.1:${port}`, "-cert", certFile, "-key", keyFile];
  args.push("-www", "-quiet", `-${version}`);
  if (version === "tls1_1") args.push("-cipher", "ALL:@SECLEVEL=0");
  const child = new Deno.Command("openssl", { args, stdout: "null", stderr: "null", stdin: "null" })
    .spawn();
  for (let i = 0;; i++) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      break;
    } catch (error) {
      if (i > 100) {
        child.kill();
        await child.status;
        throw error;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    url: `https://127.0.0.1:${port}`,
    async [Symbol.asyncDispose]() {
      child.kill();
      await child.status;
    },
  };
}

Deno.test("ssl_force_tls_1_2 disables only what is below TLS 1.2, as Python cbapi does: TLS 1.2-only and TLS 1.3-only servers connect, a TLS 1.1-only server is refused naming the TLS version [spec 10]", async (t) => {
  await using certs = await makeCertSet();
  const { certFile } = certs.selfSigned;
  const keyFile = certFile.replace(/\.pem$/, ".key");
  const file = `${certs.dir}/credentials.response`;
  for (
    const [version, expected] of [
      ["tls1_2", "TLSv1.2"],
      ["tls1_3", "TLSv1.3"],
      ["tls1_1", undefined],
    ] as const
  ) {
    await t.step(`${version}-only server: ${expected ? "connects" : "refused"}`, async () => {
      await using srv = await versionServer(certFile, keyFile, version);
      const profile = [
        "[default]",
        `url = ${srv.url}`,
        "token = t0ken-tls-version",
        `ssl_cert_file = ${certFile}`,
        "ssl_force_tls_1_2 = True",
      ];
      await Deno.writeTextFile(file, profile.join("\n") + "\n", { mode: 0o600 });
      using conn = await Connection.open("response", {
        credentialFile: file,
        env: {},
        maxRetries: 0,
      });
      assert.equal(conn.transport, "node");
      if (expected) {
        const res = await conn.request("GET", "/");
        const page = await res.text();
        assert.equal(res.status, 200);
        // s_server's status page: "Protocol  : TLSv1.2".
        assert.match(page, new RegExp(`Protocol\\s*:\\s*${expected.replace(".", "\\.")}`));
      } else {
        const error = await conn.request("GET", "/").catch((e: unknown) => e);
        assert.ok(error instanceof ConnectionError, String(error));
        assert.match(error.message, /protocol version/i);
        assert.match(error.message, /never offers .*Enable TLS 1\.2 or 1\.3 on the server/);
        assert.ok(!error.message.includes("t0ken-tls-version"));
      }
    });
  }
});

Deno.test("an unknown host name fails within the connectRetryMs budget with a ConnectionError naming the host and what to check, over both transports [spec 18]", async () => {
  // The test runner may only reach 127.0.0.1, so the look-up runs in a child allowed the name.
  const host = "cb-server.invalid";
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      `--config=${new URL("../../deno.json", import.meta.url).pathname}`,
      `--allow-net=${host}`,
      "--allow-read",
      "--allow-env",
      new URL("./_unknown_host.ts", import.meta.url).pathname,
      `https://${host}`,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const result = JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!);
  for (const transport of ["fetch", "node"]) {
    const r = result[transport] as { ok: boolean; name: string; message: string; ms: number };
    assert.equal(r.ok, false, transport);
    assert.equal(r.name, "ConnectionError", `${transport}: ${r.message}`);
    assert.match(r.message, /cb-server\.invalid/, transport);
    assert.match(r.message, /dns error/i, transport);
    assert.match(r.message, /Check the host name and port in the profile's url/, transport);
    assert.ok(!r.message.includes("t0ken-unknown-host"), transport);
    assert.ok(r.ms < 6_000, `${transport}: gave up after ${Math.round(r.ms)} ms`);
  }
});
