// The certificate x profile matrix of issue 13: every server certificate a real on-prem server
// may present, under every TLS profile the Python documentation shows, gives the outcome Python
// requests gives (connect or refuse), and the token reaches the server exactly when it connects.
// The outcome is observed on the server side: a refused cell sees no request at all.
//
// Facts relied on: requests (OpenSSL) accepts a pinned self-signed CA:TRUE certificate, checks the
// host name against subjectAltName only (urllib3 2: no common-name fallback), still verifies the
// chain and dates with ssl_verify_hostname=False, and checks nothing with verify=False.

import assert from "node:assert/strict";
import { Connection, ConnectionError, CredentialError } from "@cbapi/cbapi/core";
import { type CertFiles, type CertSet, makeCertSet, recordingServer } from "../_certs.ts";

type Profile = "no TLS keys" | "ssl_verify=False" | "ssl_cert_file" | "ssl_cert_file+no hostname";
type Server =
  | "CA-signed leaf"
  | "openssl self-signed CA:TRUE"
  | "install-time CN=localhost"
  | "expired"
  | "different";

const PROFILES: readonly Profile[] = [
  "no TLS keys",
  "ssl_verify=False",
  "ssl_cert_file",
  "ssl_cert_file+no hostname",
];

/** connect, or refuse with what the message names. */
type Outcome = "connect" | RegExp;

const NOT_TRUSTED = /unknown issuer|CA used as server certificate/;
const EXPECTED: Record<Server, Record<Profile, Outcome>> = {
  "CA-signed leaf": {
    "no TLS keys": /unknown issuer/,
    "ssl_verify=False": "connect",
    "ssl_cert_file": "connect",
    "ssl_cert_file+no hostname": "connect",
  },
  "openssl self-signed CA:TRUE": {
    "no TLS keys": NOT_TRUSTED,
    "ssl_verify=False": "connect",
    "ssl_cert_file": "connect",
    "ssl_cert_file+no hostname": "connect",
  },
  "install-time CN=localhost": {
    "no TLS keys": NOT_TRUSTED,
    "ssl_verify=False": "connect",
    "ssl_cert_file": /name mismatch.*ssl_verify_hostname = False/,
    "ssl_cert_file+no hostname": "connect",
  },
  "expired": {
    "no TLS keys": /unknown issuer|CA used as server certificate|expired/,
    "ssl_verify=False": "connect",
    "ssl_cert_file": /ssl_cert_file.*expired on/,
    "ssl_cert_file+no hostname": /ssl_cert_file.*expired on/,
  },
  "different": {
    "no TLS keys": NOT_TRUSTED,
    "ssl_verify=False": "connect",
    "ssl_cert_file": /pin mismatch/,
    "ssl_cert_file+no hostname": /pin mismatch/,
  },
};

function serverCert(set: CertSet, server: Server): { presented: CertFiles; pin: string } {
  switch (server) {
    case "CA-signed leaf":
      return { presented: set.caSigned, pin: set.caSigned.pinFile };
    case "openssl self-signed CA:TRUE":
      return { presented: set.selfSigned, pin: set.selfSigned.pinFile };
    case "install-time CN=localhost":
      return { presented: set.installTime, pin: set.installTime.pinFile };
    case "expired":
      return { presented: set.expired, pin: set.expired.pinFile };
    case "different":
      return { presented: set.selfSigned, pin: set.other.pinFile };
  }
}

function profileText(url: string, token: string, profile: Profile, pin: string): string {
  const lines = ["[default]", `url = ${url}`, `token = ${token}`];
  if (profile === "ssl_verify=False") lines.push("ssl_verify = False");
  if (profile.startsWith("ssl_cert_file")) lines.push(`ssl_cert_file = ${pin}`);
  if (profile === "ssl_cert_file+no hostname") lines.push("ssl_verify_hostname = False");
  return lines.join("\n") + "\n";
}

async function runCell(set: CertSet, server: Server, profile: Profile): Promise<void> {
  const { presented, pin } = serverCert(set, server);
  await using srv = recordingServer(presented);
  const token = `tok${crypto.randomUUID().replaceAll("-", "")}`;
  const file = `${set.dir}/credentials.response`;
  await Deno.writeTextFile(file, profileText(srv.url, token, profile, pin), { mode: 0o600 });
  const warnings: string[] = [];
  const outcome = await (async () => {
    using conn = await Connection.open("response", {
      credentialFile: file,
      env: {},
      maxRetries: 0,
      logger: { debug() {}, warn: (m) => warnings.push(m) },
    });
    return await conn.getObject<{ version: string }>("/api/info");
  })().then(
    (info) => ({ ok: true as const, info }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  const expected = EXPECTED[server][profile];
  if (expected === "connect") {
    if (!outcome.ok) throw outcome.error;
    assert.equal(outcome.info?.version, "6.2.0");
    assert.deepEqual(srv.seen, [{ line: "GET /api/info", token }], "the token reached the server");
    if (profile === "ssl_verify=False") {
      assert.equal(warnings.length, 1, "one warning per API");
      assert.match(warnings[0]!, /ssl_verify is False for 127\.0\.0\.1:\d+/);
    }
  } else {
    assert.ok(!outcome.ok, "the connection was refused");
    const error = outcome.error;
    assert.ok(
      error instanceof ConnectionError || error instanceof CredentialError,
      `a typed error, got ${error}`,
    );
    assert.match((error as Error).message, expected);
    assert.ok(!Deno.inspect(error, { depth: 8 }).includes(token), "no token in the error");
    assert.deepEqual(srv.seen, [], "not a byte of the request crossed the refused handshake");
  }
}

Deno.test("TLS matrix: every server certificate under every TLS profile gives Python's outcome, token sent only on connect [spec 9]", async (t) => {
  await using set = await makeCertSet();
  for (const server of Object.keys(EXPECTED) as Server[]) {
    for (const profile of PROFILES) {
      const expected = EXPECTED[server][profile];
      await t.step(
        `${server} x ${profile}: ${expected === "connect" ? "connects" : "refused"}`,
        () => runCell(set, server, profile),
      );
    }
  }
});
