// Issue 13's first table, end to end against the emulator presenting a certificate like the one a
// Cb Response server generates at install time (self-signed, CN=localhost, CA:TRUE, no
// subjectAltName): every product, and Live Response, with the profiles the Python documentation
// shows. Python cbapi 1.3.6 connects with ssl_verify=False and with ssl_cert_file +
// ssl_verify_hostname=False, and refuses with ssl_cert_file alone or no TLS keys.

import assert from "node:assert/strict";
import { type BaseAPI, ConnectionError } from "@cbapi/cbapi/core";
import { CbResponseAPI, Sensor } from "@cbapi/cbapi/response";
import { CbProtectionAPI, Computer } from "@cbapi/cbapi/protection";
import { CbDefenseAPI, Device } from "@cbapi/cbapi/defense";
import { CbEmulator } from "@cbapi/cbapi/testing";

type Product = "response" | "protection" | "defense";

async function connect(product: Product, file: string): Promise<BaseAPI> {
  const options = { credentialFile: file, env: {}, logger: { debug() {}, warn() {} } };
  if (product === "response") return await CbResponseAPI.connect(options);
  if (product === "protection") return await CbProtectionAPI.connect(options);
  return await CbDefenseAPI.connect(options);
}

async function use(product: Product, cb: BaseAPI): Promise<void> {
  if (product === "response") {
    const api = cb as CbResponseAPI;
    const sensor = await api.select(Sensor, 3);
    await using session = await sensor.lrSession();
    assert.ok(Array.isArray(await session.listDirectory("C:\\")));
  } else if (product === "protection") {
    assert.ok((await (cb as CbProtectionAPI).select(Computer).first()) !== undefined);
  } else {
    const device = (await (cb as CbDefenseAPI).select(Device).first())!;
    await using session = await device.lrSession();
    assert.ok(Array.isArray(await session.listDirectory("C:\\")));
  }
}

const PROFILES: [string, Record<string, string> | "no keys", boolean][] = [
  ["ssl_verify=False", { ssl_verify: "False" }, true],
  ["ssl_cert_file + ssl_verify_hostname=False", { ssl_verify_hostname: "False" }, true],
  ["ssl_cert_file alone", {}, false],
  ["no TLS keys", "no keys", false],
];

Deno.test("install-time certificate: every product and Live Response connect with the documented profiles and are refused without them [spec 9]", async (t) => {
  await using emu = await CbEmulator.start({ certificate: "install-time" });
  for (const product of ["response", "protection", "defense"] as const) {
    for (const [name, extra, connects] of PROFILES) {
      await t.step(`${product}: ${name} ${connects ? "connects" : "is refused"}`, async () => {
        const file = await emu.credentialsFile(product, {
          extra: extra === "no keys" ? { ssl_cert_file: "" } : extra,
        });
        const before = emu.requests.length;
        const outcome = await connect(product, file).then(async (cb) => {
          try {
            await use(product, cb);
          } finally {
            await cb.close();
          }
        }).then(() => undefined, (e: unknown) => e);
        if (connects) {
          if (outcome) throw outcome;
          assert.ok(emu.requests.length > before, "requests reached the server");
        } else {
          assert.ok(outcome instanceof ConnectionError, String(outcome));
          assert.match(
            outcome.message,
            extra === "no keys"
              ? /certificate was refused \((unknown issuer|CA used as server certificate)/
              : /certificate was refused \(name mismatch.*"ssl_verify_hostname = False"/,
          );
          assert.equal(emu.requests.length, before, "nothing crossed the refused handshake");
        }
      });
    }
  }
  assert.equal(emu.state.liveResponse.openSessions, 0);
});
