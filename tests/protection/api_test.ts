import assert from "node:assert/strict";
import { ApiError, type Model, UnauthorizedError } from "@cbapi/cbapi/core";
import {
  CbEnterpriseProtectionAPI,
  CbProtectionAPI,
  Computer,
  DriftReport,
  DriftReportContents,
  GrantedUserPolicyPermission,
  type ProtectionModelClass,
  PublisherCertificate,
  ScriptRule,
  TrustedDirectory,
  TrustedUser,
  User,
  UserGroup,
} from "@cbapi/cbapi/protection";
import { CbEmulator } from "@cbapi/cbapi/testing";
import { recordingLogger } from "../_helpers.ts";
import { protectionFixture, since } from "./_helpers.ts";

Deno.test("CbProtectionAPI.connect() GETs serverConfig once and reads ParityServerVersion [spec 213]", async () => {
  await using f = await protectionFixture();
  const reqs = f.emu.requests.map((r) => `${r.method} ${r.url}`);
  assert.deepEqual(reqs, ["GET /api/bit9platform/v1/serverConfig"]);
  assert.equal(f.emu.requests[0]!.headers["x-auth-token"], "[redacted]");
  assert.ok(f.emu.requests[0]!.authenticated);
  assert.equal(f.cb.serverVersion, "8.0.0.2562");
  assert.ok(f.cb.versionAtLeast("8.0"));
  assert.ok(f.logs.includes(`Connected to Cb server version 8.0.0.2562 at ${f.emu.url}`));
  assert.equal(f.cb.connection.timeoutMs, 120_000, "the 120 s default timeout of every product");
  assert.ok(!Deno.inspect(f.cb).includes(f.emu.token));
});

Deno.test("CbProtectionAPI.connect() reads a credential profile of product protection [spec 213]", async () => {
  await using emu = await CbEmulator.start();
  const file = await emu.credentialsFile("protection", { profile: "lab" });
  await using cb = await CbProtectionAPI.connect({ credentialFile: file, profile: "lab" });
  assert.equal(cb.url, emu.url);
  assert.equal(cb.serverVersion, "8.0.0.2562");
});

Deno.test("CbProtectionAPI.connect() with a wrong token raises UnauthorizedError without the token [spec 213]", async () => {
  await using emu = await CbEmulator.start();
  const secret = "WRONG-TOKEN-1234";
  await assert.rejects(
    CbProtectionAPI.connect({ url: emu.url, token: secret, logger: recordingLogger([]) }),
    (e) =>
      e instanceof UnauthorizedError &&
      e.message.includes(`Invalid API token for server ${emu.url}`) &&
      !e.message.includes(secret),
  );
  assert.equal(emu.requests.at(-1)!.status, 401);
});

Deno.test("CbEnterpriseProtectionAPI is the same class as CbProtectionAPI [spec 214]", async () => {
  assert.equal(CbEnterpriseProtectionAPI, CbProtectionAPI);
  await using emu = await CbEmulator.start();
  await using cb = await CbEnterpriseProtectionAPI.connect({ url: emu.url, token: emu.token });
  assert.ok(cb instanceof CbProtectionAPI);
});

Deno.test("CbProtectionAPI.info is the serverConfig dictionary name → value [spec 215]", async () => {
  await using f = await protectionFixture({ protection: { serverVersion: "8.1.0.123" } });
  assert.equal(f.cb.info.ParityServerVersion, "8.1.0.123");
  assert.equal(f.cb.info.ServerName, "cbprotection.emulator.local");
  assert.equal(
    Object.keys(f.cb.info).length,
    f.emu.state.protection.collections.get("serverConfig")!.size,
  );
  assert.equal(f.cb.serverVersion, "8.1.0.123");
});

Deno.test("8.0 models are refused on a 7.2 server, for queries, ids and creates, with no request [spec 216]", async () => {
  await using f = await protectionFixture({ protection: { serverVersion: "7.2.3.3106" } });
  const n = f.emu.requests.length;
  const classes: ProtectionModelClass<Model>[] = [
    DriftReport,
    DriftReportContents,
    GrantedUserPolicyPermission,
    PublisherCertificate,
    ScriptRule,
    TrustedDirectory,
    TrustedUser,
    User,
    UserGroup,
  ];
  for (const cls of classes) {
    assert.throws(
      () => f.cb.select(cls),
      (e) =>
        e instanceof ApiError &&
        e.message.startsWith(`${cls.name} API requires at least server version 8.0`),
    );
    await assert.rejects(f.cb.select(cls, 1), ApiError);
  }
  assert.throws(() => f.cb.create(User), /User API requires at least server version 8.0/);
  assert.equal(f.emu.requests.length, n);
  // Older models still work.
  assert.ok((await f.cb.select(Computer).count()) > 0);
  assert.deepEqual(since(f.emu, n), ["GET /api/bit9platform/v1/computer?limit=-1"]);
});

Deno.test("8.0 models are served on an 8.0 server [spec 216]", async () => {
  await using f = await protectionFixture({ protection: { serverVersion: "8.0" } });
  assert.ok((await f.cb.select(DriftReport).count()) > 0);
  const u = await f.cb.select(User, 1);
  assert.equal(u.name, "admin");
});
