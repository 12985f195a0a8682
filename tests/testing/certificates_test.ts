// The emulator's certificate kinds: what each really holds (read back with node:crypto's X509
// parser), which `fetch` accepts when pinned, --cert-dir reuse across restarts.

import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { CbEmulator, type EmulatorCertificate } from "@cbapi/cbapi/testing";

/** Fetches /api/info with only `pin` trusted; returns "ok" or the refusal's text. */
async function fetchPinned(emu: CbEmulator, pin: string): Promise<string> {
  using client = Deno.createHttpClient({ caCerts: [pin] });
  try {
    const res = await fetch(`${emu.url}/api/info`, {
      client,
      headers: { "X-Auth-Token": emu.token },
    });
    await res.body?.cancel();
    return res.ok ? "ok" : `HTTP ${res.status}`;
  } catch (err) {
    return String(err instanceof Error ? `${err.message} ${err.cause ?? ""}` : err);
  }
}

function basicConstraints(pem: string): string {
  // X509Certificate.ca reads basicConstraints; `toString()` shows whether the extension exists.
  return new X509Certificate(pem).ca ? "CA:TRUE" : "CA:FALSE";
}

Deno.test("emulator certificate default: CA:FALSE, SANs 127.0.0.1 + localhost, fetch accepts the pin", async () => {
  await using emu = await CbEmulator.start({ tls: true });
  const x = new X509Certificate(emu.certPem!);
  assert.equal(x.subject, "CN=localhost");
  assert.equal(x.issuer, "CN=localhost");
  assert.equal(basicConstraints(emu.certPem!), "CA:FALSE");
  assert.equal(x.subjectAltName, "IP Address:127.0.0.1, DNS:localhost");
  assert.ok(x.validToDate.getTime() > Date.now() + 300 * 86400_000);
  assert.equal(emu.caFile, undefined);
  assert.equal(await fetchPinned(emu, emu.certPem!), "ok");
});

Deno.test("emulator certificate install-time: CN=localhost, CA:TRUE, no subjectAltName; fetch refuses it (CaUsedAsEndEntity)", async () => {
  await using emu = await CbEmulator.start({ certificate: "install-time" });
  assert.ok(emu.url.startsWith("https://"));
  const x = new X509Certificate(emu.certPem!);
  assert.equal(x.subject, "CN=localhost");
  assert.equal(x.issuer, "CN=localhost");
  assert.equal(basicConstraints(emu.certPem!), "CA:TRUE");
  assert.equal(x.subjectAltName, undefined);
  assert.ok(x.verify(x.publicKey), "self-signed");
  // Fact (Deno 2.9.6, DESIGN.md "Measured in 2026-12"): rustls refuses a CA certificate used as
  // the server's own certificate, even pinned.
  assert.match(await fetchPinned(emu, emu.certPem!), /CaUsedAsEndEntity/);
});

Deno.test("emulator certificate openssl-default: critical CA:TRUE with SAN IP:127.0.0.1", async () => {
  await using emu = await CbEmulator.start({ certificate: "openssl-default" });
  const x = new X509Certificate(emu.certPem!);
  assert.equal(x.subject, "CN=127.0.0.1");
  assert.equal(basicConstraints(emu.certPem!), "CA:TRUE");
  assert.equal(x.subjectAltName, "IP Address:127.0.0.1");
  assert.ok(x.checkIP("127.0.0.1"));
  assert.match(await fetchPinned(emu, emu.certPem!), /CaUsedAsEndEntity/);
});

Deno.test("emulator certificate expired: valid until yesterday, fetch refuses it as expired", async () => {
  await using emu = await CbEmulator.start({ certificate: "expired" });
  const x = new X509Certificate(emu.certPem!);
  assert.ok(x.validToDate.getTime() < Date.now());
  assert.ok(x.validFromDate.getTime() < x.validToDate.getTime());
  assert.equal(basicConstraints(emu.certPem!), "CA:FALSE");
  assert.match(await fetchPinned(emu, emu.certPem!), /Expired/i);
});

Deno.test("emulator certificate ca-signed: a leaf signed by a separate CA; trusting the CA file works, the profile pins it", async () => {
  let caFile: string;
  {
    await using emu = await CbEmulator.start({ certificate: "ca-signed" });
    caFile = emu.caFile!;
    assert.equal(await Deno.readTextFile(caFile), emu.caPem);
    const leaf = new X509Certificate(emu.certPem!);
    const ca = new X509Certificate(emu.caPem!);
    assert.equal(leaf.issuer, "CN=cbemu test CA");
    assert.equal(ca.subject, "CN=cbemu test CA");
    assert.equal(basicConstraints(emu.certPem!), "CA:FALSE");
    assert.equal(basicConstraints(emu.caPem!), "CA:TRUE");
    assert.ok(leaf.checkIssued(ca) && leaf.verify(ca.publicKey));
    assert.ok(!leaf.verify(leaf.publicKey), "not self-signed");
    assert.equal(await fetchPinned(emu, emu.caPem!), "ok");
    const ini = await Deno.readTextFile(await emu.credentialsFile());
    assert.match(ini, new RegExp(`ssl_cert_file=${caFile}\n`));
  }
  await assert.rejects(Deno.stat(caFile), Deno.errors.NotFound);
});

Deno.test("emulator differentCertFile: same kind and names, another key; a pin on it is refused", async () => {
  for (const kind of ["default", "ca-signed"] as const) {
    await using emu = await CbEmulator.start({ certificate: kind });
    const otherPem = await Deno.readTextFile(await emu.differentCertFile());
    const served = new X509Certificate(emu.caPem ?? emu.certPem!);
    const other = new X509Certificate(otherPem);
    assert.equal(other.subject, served.subject, kind);
    assert.notEqual(other.fingerprint256, served.fingerprint256, kind);
    assert.ok(!other.publicKey.equals(served.publicKey), kind);
    assert.doesNotMatch(await fetchPinned(emu, otherPem), /^ok$/, kind);
  }
  await using plain = await CbEmulator.start();
  await assert.rejects(plain.differentCertFile(), TypeError);
});

Deno.test("emulator certDir keeps the certificate and key across restarts and keeps the files on close", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cbemu-certdir-test-" });
  try {
    const certDir = `${dir}/nested/certs`;
    let first: string;
    {
      await using emu = await CbEmulator.start({ certDir, certificate: "install-time" });
      assert.equal(emu.certFile, `${certDir}/cert.pem`);
      first = emu.certPem!;
      assert.equal((await Deno.stat(`${certDir}/key.pem`)).mode! & 0o777, 0o600);
      assert.equal((await Deno.readTextFile(`${certDir}/kind`)).trim(), "install-time");
    }
    assert.equal(await Deno.readTextFile(`${certDir}/cert.pem`), first);
    {
      // No kind given: whatever is stored; the same key answers (fetch would refuse CA:TRUE, so
      // the handshake is checked through the certificate the server presents).
      await using emu = await CbEmulator.start({ certDir });
      assert.equal(emu.certPem, first);
      assert.equal(await fetchPinned(emu, first).then((r) => /CaUsedAsEndEntity/.test(r)), true);
      const other = await Deno.readTextFile(await emu.differentCertFile());
      assert.equal(basicConstraints(other), "CA:TRUE", "different certificate of the stored kind");
    }
    {
      await using emu = await CbEmulator.start({ certDir, certificate: "install-time" });
      assert.equal(emu.certPem, first);
    }
    await assert.rejects(
      CbEmulator.start({ certDir, certificate: "default" }),
      /holds a "install-time" certificate, not "default"/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("emulator certDir: a default certificate made there is served and pinned across restarts", async () => {
  const certDir = await Deno.makeTempDir({ prefix: "cbemu-certdir-test-" });
  try {
    let port: number;
    let ini: string;
    {
      await using emu = await CbEmulator.start({ certDir });
      port = Number(new URL(emu.url).port);
      ini = await Deno.readTextFile(await emu.credentialsFile());
      assert.match(ini, new RegExp(`ssl_cert_file=${certDir}/cert.pem\n`));
    }
    await using emu = await CbEmulator.start({ certDir, port });
    assert.equal(await fetchPinned(emu, await Deno.readTextFile(`${certDir}/cert.pem`)), "ok");
    assert.equal(await Deno.readTextFile(await emu.credentialsFile()), ini);
  } finally {
    await Deno.remove(certDir, { recursive: true });
  }
});

Deno.test("emulator certDir with only one of cert.pem and key.pem is refused", async () => {
  const certDir = await Deno.makeTempDir({ prefix: "cbemu-certdir-test-" });
  try {
    await Deno.writeTextFile(`${certDir}/cert.pem`, "x");
    await assert.rejects(CbEmulator.start({ certDir }), /only one of cert\.pem and key\.pem/);
  } finally {
    await Deno.remove(certDir, { recursive: true });
  }
});

Deno.test("emulator refuses an unknown certificate kind", async () => {
  await assert.rejects(
    CbEmulator.start({ certificate: "bogus" as EmulatorCertificate }),
    /Unknown emulator certificate "bogus": give one of default, install-time/,
  );
});
