// `cbapi check-tls <url|--profile>` and configure's pinning offer, against the emulator serving
// each certificate kind. The expected verdicts are what Python 3.11 + requests 2.34 (OpenSSL 3)
// gives for the same settings, checked on these certificate kinds; check-tls finds them by real
// TLS handshakes, so these tests fail if a handshake's outcome changes.

import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { CbEmulator, type EmulatorCertificate } from "@cbapi/cbapi/testing";
import { inspectTls, type TlsReport } from "../../cli/check_tls.ts";
import { configure, PIN_PROMPT, SSL_PROMPT } from "../../cli/configure.ts";
import type { Io } from "../../cli/_io.ts";
import { CONFIG, NO_SYS, runScript, type ScriptRun } from "../_child.ts";

const MAIN = new URL("../../cli/main.ts", import.meta.url);

function verdicts(report: TlsReport): string[] {
  return report.outcomes.map((o) => `${o.setting}: ${o.connects ? "connects" : o.reason}`);
}

const NO_KEYS = "no TLS keys";
const OFF = "ssl_verify=False: connects";
const PIN = "ssl_cert_file=<saved>";
const PIN_NO_NAME = "ssl_cert_file=<saved> + ssl_verify_hostname=False";

const EXPECTED: Record<EmulatorCertificate, (r: TlsReport) => string[]> = {
  "default": () => [
    `${NO_KEYS}: the certificate is self-signed: no trust store knows it`,
    OFF,
    `${PIN}: connects`,
    `${PIN_NO_NAME}: connects`,
  ],
  "install-time": () => [
    `${NO_KEYS}: the certificate is self-signed: no trust store knows it`,
    OFF,
    `${PIN}: the certificate does not name 127.0.0.1 (it has no subjectAltName, subject CN=localhost)`,
    `${PIN_NO_NAME}: connects`,
  ],
  "openssl-default": () => [
    `${NO_KEYS}: the certificate is self-signed: no trust store knows it`,
    OFF,
    `${PIN}: connects`,
    `${PIN_NO_NAME}: connects`,
  ],
  "expired": (r) => [
    `${NO_KEYS}: the certificate expired on ${r.certificate.validTo}`,
    OFF,
    `${PIN}: the certificate expired on ${r.certificate.validTo}`,
    `${PIN_NO_NAME}: the certificate expired on ${r.certificate.validTo}`,
  ],
  "ca-signed": () => [
    `${NO_KEYS}: no trusted CA issued it (issuer: CN=cbemu test CA)`,
    OFF,
    `${PIN}: the certificate is not self-signed: trust the CA that issued it (CN=cbemu test CA) ` +
    "with ssl_cert_file instead",
    `${PIN_NO_NAME}: the certificate is not self-signed: trust the CA that issued it ` +
    "(CN=cbemu test CA) with ssl_cert_file instead",
  ],
};

for (const kind of Object.keys(EXPECTED) as EmulatorCertificate[]) {
  Deno.test(`check-tls inspects the emulator's ${kind} certificate and tries each profile setting`, async () => {
    await using emu = await CbEmulator.start({ certificate: kind });
    const report = await inspectTls(emu.url);
    const x = new X509Certificate(emu.certPem!);
    assert.match(report.protocol, /^TLSv1\.[23]$/);
    assert.equal(report.host, "127.0.0.1");
    assert.equal(report.certificate.subject, x.subject);
    assert.equal(report.certificate.issuer, x.issuer);
    assert.equal(report.certificate.fingerprint256, x.fingerprint256);
    assert.equal(report.certificate.pem, emu.certPem);
    assert.equal(report.certificate.ca, kind === "install-time" || kind === "openssl-default");
    assert.equal(report.certificate.selfSigned, kind !== "ca-signed");
    assert.equal(report.expired, kind === "expired");
    assert.equal(report.nameMatches, kind !== "install-time");
    assert.deepEqual(
      report.certificate.subjectAltNames,
      kind === "install-time"
        ? []
        : kind === "openssl-default"
        ? ["IP Address:127.0.0.1"]
        : ["IP Address:127.0.0.1", "DNS:localhost"],
    );
    assert.deepEqual(verdicts(report), EXPECTED[kind](report));
    // Handshakes only: no HTTP request, so no token, reached the server.
    assert.equal(emu.requests.length, 0);
  });
}

Deno.test("check-tls tries a profile's own TLS keys as written", async () => {
  await using emu = await CbEmulator.start({ certificate: "install-time" });
  const base = { profile: "lab", sslVerify: true, sslForceTls12: true };
  const as = async (extra: { sslVerifyHostname: boolean; sslCertFile: string | undefined }) => {
    const r = await inspectTls(emu.url, { profile: { ...base, ...extra } });
    return verdicts(r).at(-1);
  };
  assert.equal(
    await as({ sslVerifyHostname: false, sslCertFile: emu.certFile }),
    "profile [lab] as written: connects",
  );
  assert.match(
    (await as({ sslVerifyHostname: true, sslCertFile: emu.certFile }))!,
    /^profile \[lab\] as written: the certificate does not name 127\.0\.0\.1/,
  );
  const other = await emu.differentCertFile();
  const otherPrint = new X509Certificate(await Deno.readTextFile(other)).fingerprint256;
  assert.equal(
    await as({ sslVerifyHostname: false, sslCertFile: other }),
    "profile [lab] as written: ssl_cert_file holds another certificate (CN=localhost, SHA-256 " +
      `${otherPrint}), neither this server's nor its issuer's`,
  );
  assert.equal(
    await as({ sslVerifyHostname: false, sslCertFile: `${other}.missing` }),
    `profile [lab] as written: ssl_cert_file ${other}.missing cannot be read (NotFound)`,
  );
  assert.equal(
    await as({ sslVerifyHostname: false, sslCertFile: CONFIG }),
    `profile [lab] as written: ssl_cert_file ${CONFIG} holds no PEM certificate`,
  );
});

Deno.test("check-tls: a profile pinning the CA of a CA-signed certificate connects", async () => {
  await using emu = await CbEmulator.start({ certificate: "ca-signed" });
  const r = await inspectTls(emu.url, {
    profile: {
      profile: "ca",
      sslVerify: true,
      sslVerifyHostname: true,
      sslCertFile: emu.caFile,
      sslForceTls12: false,
    },
  });
  assert.equal(verdicts(r).at(-1), "profile [ca] as written: connects");
});

Deno.test("check-tls refuses a non-https URL and reports an unreachable server", async () => {
  await assert.rejects(inspectTls("http://127.0.0.1:1"), /is not an https:\/\/ URL/);
  await assert.rejects(inspectTls("not a url"), /is not a URL/);
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  await assert.rejects(
    inspectTls(`https://127.0.0.1:${port}`),
    new RegExp(`No TLS handshake with 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`),
  );
  // A plain HTTP server on the port: the handshake fails, it does not hang.
  await using plain = await CbEmulator.start();
  await assert.rejects(
    inspectTls(plain.url.replace("http:", "https:"), { timeoutMs: 5_000 }),
    /No TLS handshake with 127\.0\.0\.1:\d+: /,
  );
});

function cbapi(args: string[], home: string): Promise<ScriptRun> {
  return runScript(MAIN, args, { allow: NO_SYS, env: { HOME: home, NO_COLOR: "1" } });
}

Deno.test("cbapi check-tls URL --save FILE against an install-time certificate: fingerprint, verdicts, the lines to write", async () => {
  await using emu = await CbEmulator.start({ certificate: "install-time" });
  const home = await Deno.makeTempDir({ prefix: "cbapi-home-" });
  try {
    const saved = `${home}/pinned.pem`;
    const run = await cbapi(["check-tls", emu.url, "--save", saved], home);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(await Deno.readTextFile(saved), emu.certPem);
    const print = new X509Certificate(emu.certPem!).fingerprint256;
    assert.match(run.stdout, /^TLS version: +TLSv1\.[23] /m);
    assert.match(run.stdout, /^Subject: +CN=localhost$/m);
    assert.match(run.stdout, /^Issuer: +CN=localhost \(self-signed\)$/m);
    assert.match(run.stdout, /^SANs: +\(none\) \(127\.0\.0\.1 is not named\)$/m);
    assert.match(run.stdout, /^CA:TRUE: +yes/m);
    assert.ok(run.stdout.includes(`SHA-256:       ${print}\n`));
    assert.match(run.stdout, /^ {2}ssl_cert_file=<saved> \+ ssl_verify_hostname=False +connects$/m);
    assert.ok(run.stdout.includes(`Saved the certificate to ${saved}.\n`));
    assert.ok(
      run.stdout.endsWith(
        `Then write in the profile:\n  ssl_cert_file = ${saved}\n  ssl_verify_hostname = False\n`,
      ),
      run.stdout,
    );
    assert.equal(emu.requests.length, 0);

    // The lines it printed, in a profile: --profile tries them as written (and --json).
    await Deno.mkdir(`${home}/.carbonblack`, { mode: 0o700 });
    await Deno.writeTextFile(
      `${home}/.carbonblack/credentials.response`,
      `[lab]\nurl = ${emu.url}\ntoken = ${emu.token}\nssl_cert_file = ${saved}\n` +
        "ssl_verify_hostname = False\n",
      { mode: 0o600 },
    );
    const json = await cbapi(["check-tls", "--profile", "lab", "--json"], home);
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout);
    assert.equal(report.url, emu.url);
    assert.equal(report.certificate.fingerprint256, print);
    assert.deepEqual(report.outcomes.at(-1), {
      setting: "profile [lab] as written",
      connects: true,
    });
    assert.ok(!json.stdout.includes(emu.token), "the token is never printed");
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("cbapi check-tls without a server prints the platform line; bad usage exits 2", async () => {
  const home = await Deno.makeTempDir({ prefix: "cbapi-home-" });
  try {
    const save = await cbapi(["check-tls", "--save", `${home}/x.pem`], home);
    assert.equal(save.code, 2);
    assert.match(save.stderr, /--save needs a server/);
    const two = await cbapi(["check-tls", "https://a", "https://b"], home);
    assert.equal(two.code, 2);
    const refused = await cbapi(["check-tls", "http://127.0.0.1:1"], home);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /is not an https:\/\/ URL/);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

/** An Io answering from a list and recording what was printed. */
function scripted(answers: string[]): Io & { text: () => string } {
  const lines: string[] = [];
  return {
    ask(question) {
      lines.push(question);
      return Promise.resolve(answers.shift());
    },
    out(line) {
      lines.push(`${line}\n`);
    },
    err(line) {
      lines.push(`ERR ${line}\n`);
    },
    text: () => lines.join(""),
  };
}

Deno.test("configure offers to pin an install-time certificate and writes ssl_cert_file + ssl_verify_hostname = False", async () => {
  await using emu = await CbEmulator.start({ certificate: "install-time" });
  const home = await Deno.makeTempDir({ prefix: "cbapi-home-" });
  try {
    const io = scripted([emu.url, "maybe", "y", emu.token]);
    assert.equal(await configure("response", io, { home }), 0);
    const pem = `${home}/.carbonblack/127.0.0.1-${new URL(emu.url).port}.pem`;
    assert.equal(await Deno.readTextFile(pem), emu.certPem);
    const text = io.text();
    assert.ok(text.includes(`  SHA-256: ${new X509Certificate(emu.certPem!).fingerprint256}\n`));
    assert.ok(text.includes("It does not name 127.0.0.1: ssl_verify_hostname = False too."));
    assert.ok(text.includes(PIN_PROMPT + PIN_PROMPT), "asks again until Y or N");
    assert.ok(!text.includes(SSL_PROMPT), "no validation question once pinned");
    assert.equal(
      await Deno.readTextFile(`${home}/.carbonblack/credentials.response`),
      `[default]\nurl = ${emu.url}\ntoken = ${emu.token}\nssl_verify = True\n` +
        `ssl_cert_file = ${pem}\nssl_verify_hostname = False\n\n`,
    );
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("configure pins a self-signed certificate that names the host, then looks the token up through the pin", async () => {
  await using emu = await CbEmulator.start({ certificate: "default" });
  const home = await Deno.makeTempDir({ prefix: "cbapi-home-" });
  try {
    const io = scripted([emu.url, "Y", "", "admin", "cbisawesome"]);
    assert.equal(await configure("response", io, { home }), 0, io.text());
    const pem = `${home}/.carbonblack/127.0.0.1-${new URL(emu.url).port}.pem`;
    assert.equal(
      await Deno.readTextFile(`${home}/.carbonblack/credentials.response`),
      `[default]\nurl = ${emu.url}\ntoken = ${emu.token}\nssl_verify = True\n` +
        `ssl_cert_file = ${pem}\n\n`,
    );
    assert.deepEqual(emu.requests.map((r) => r.path), ["/api/auth", "/api/auth"]);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("configure: declining the pin, or an expired certificate, falls back to the validation question", async () => {
  const home = await Deno.makeTempDir({ prefix: "cbapi-home-" });
  try {
    {
      await using emu = await CbEmulator.start({ certificate: "openssl-default" });
      const io = scripted([emu.url, "N", "N", "tok"]);
      assert.equal(await configure("protection", io, { home }), 0);
      assert.ok(io.text().includes(PIN_PROMPT + SSL_PROMPT));
      assert.equal(
        await Deno.readTextFile(`${home}/.carbonblack/credentials.protection`),
        `[default]\nurl = ${emu.url}\ntoken = tok\nssl_verify = False\n\n`,
      );
    }
    {
      await using emu = await CbEmulator.start({ certificate: "expired" });
      const io = scripted([emu.url, "N", "tok"]);
      assert.equal(await configure("response", io, { home }), 0);
      const text = io.text();
      assert.match(text, /Pinning it would not work either \(the certificate expired on /);
      assert.ok(!text.includes(PIN_PROMPT));
      assert.ok(text.includes(SSL_PROMPT));
    }
    {
      // End of input at the pin question: nothing written, "Exiting."
      await using emu = await CbEmulator.start({ certificate: "install-time" });
      await Deno.remove(`${home}/.carbonblack`, { recursive: true });
      const io = scripted([emu.url]);
      assert.equal(await configure("response", io, { home }), 1);
      assert.ok(io.text().endsWith(`${PIN_PROMPT}\nExiting.\n`));
      await assert.rejects(
        Deno.stat(`${home}/.carbonblack/credentials.response`),
        Deno.errors.NotFound,
      );
    }
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
