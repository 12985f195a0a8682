import assert from "node:assert/strict";
import { InvalidObjectError, ObjectNotFoundError, ServerError } from "@cbapi/cbapi/core";
import {
  ApprovalRequest,
  Certificate,
  Computer,
  DriftReport,
  DriftReportContents,
  Event,
  FileCatalog,
  FileRule,
  GrantedUserPolicyPermission,
  MeteredExecution,
  Notifier,
  Policy,
  Publisher,
  PublisherCertificate,
  ScriptRule,
  ServerConfig,
  ServerPerformance,
  TrustedDirectory,
  TrustedUser,
  Updater,
  User,
  UserGroup,
} from "@cbapi/cbapi/protection";
import { coll, protectionFixture, since } from "./_helpers.ts";

Deno.test("ApprovalRequest select, query, update; joins and Resolution/Status constants [spec 221]", async () => {
  await using f = await protectionFixture();
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 6, 7],
    [
      ApprovalRequest.ResolutionNotResolved,
      ApprovalRequest.ResolutionRejected,
      ApprovalRequest.ResolutionApproved,
      ApprovalRequest.ResolutionRuleChange,
      ApprovalRequest.ResolutionInstaller,
      ApprovalRequest.ResolutionUpdater,
      ApprovalRequest.ResolutionPublisher,
      ApprovalRequest.ResolutionOther,
    ],
  );
  assert.deepEqual([
    ApprovalRequest.StatusSubmitted,
    ApprovalRequest.StatusOpen,
    ApprovalRequest.StatusClosed,
  ], [1, 2, 3]);
  const open = await f.cb.select(ApprovalRequest).where(`status:${ApprovalRequest.StatusOpen}`)
    .toArray();
  assert.deepEqual(open.map((r) => r.id), [1]);
  const req = open[0]!;
  assert.equal((await req.fileCatalog())?.fileName, "putty.exe");
  assert.equal((await req.installerFileCatalog())?.fileName, "installer.msi");
  assert.equal((await req.processFileCatalog())?.fileName, "notepad.exe");
  assert.ok((await req.computer()) instanceof Computer);
  req.resolution = ApprovalRequest.ResolutionApproved;
  req.status = ApprovalRequest.StatusClosed;
  const n = f.emu.requests.length;
  await req.save();
  assert.deepEqual(since(f.emu, n), [
    "GET /api/bit9platform/v1/approvalRequest/1",
    "PUT /api/bit9platform/v1/approvalRequest/1",
  ]);
  const doc = coll(f.emu, "approvalRequest").get(1)!;
  assert.equal(doc.status, 3);
  assert.equal(doc.resolution, 2);
  assert.match(String(req), /^ApprovalRequest:\n/);
});

Deno.test("Certificate joins parent, publisher, firstSeenComputer; State constants [spec 222]", async () => {
  await using f = await protectionFixture();
  assert.deepEqual(
    [
      Certificate.StateUnapproved,
      Certificate.StateApproved,
      Certificate.StateBanned,
      Certificate.StateMixed,
    ],
    [1, 2, 3, 4],
  );
  const cert = await f.cb.select(Certificate, 2);
  assert.equal((await cert.parent())?.id, 1);
  assert.equal((await cert.publisher())?.name, "Microsoft Corporation");
  assert.equal((await cert.firstSeenComputer())?.name, "DOMAIN\\MYHOSTNAME");
  const root = await cert.parent();
  assert.equal(await root!.parent(), undefined, "a root has no parent");
  cert.certificateState = Certificate.StateBanned;
  await cert.save();
  assert.equal(f.emu.requests.at(-1)!.method, "PUT");
  assert.equal(coll(f.emu, "certificate").get(2)!.certificateState, 3);
});

Deno.test("DriftReport is read-only and needs 8.0 [spec 230]", async () => {
  await using f = await protectionFixture();
  const r = await f.cb.select(DriftReport, 1);
  assert.equal(r.get("name"), "Baseline drift");
  assert.equal("save" in r, false);
  assert.equal(DriftReport.minimumServerVersion, "8.0");
});

Deno.test("DriftReportContents is read-only and queryable by report [spec 231]", async () => {
  await using f = await protectionFixture();
  const rows = await f.cb.select(DriftReportContents).where("reportId:1").sort("computerCount DESC")
    .toArray();
  assert.deepEqual(rows.map((r) => r.get("fileName")), [
    "putty.exe",
    "installer.msi",
    "setup_tool.exe",
  ]);
  assert.equal(DriftReportContents.minimumServerVersion, "8.0");
});

Deno.test("Event is read-only with a fileCatalog join [spec 232]", async () => {
  await using f = await protectionFixture();
  const blocks = await f.cb.select(Event).where("subtype:801").sort("timestamp DESC").toArray();
  assert.deepEqual(blocks.map((e) => e.id), [4, 1]);
  const fc = await blocks[0]!.fileCatalog();
  assert.ok(fc instanceof FileCatalog && fc.fileName === "evil.exe");
  const connected = await f.cb.select(Event, 3);
  assert.equal(await connected.fileCatalog(), undefined);
  assert.equal("set" in connected, false);
});

Deno.test("FileRule create, update, delete; joins; State/SourceType/Platform constants [spec 238]", async () => {
  await using f = await protectionFixture();
  assert.deepEqual([FileRule.StateUnapproved, FileRule.StateApproved, FileRule.StateBanned], [
    1,
    2,
    3,
  ]);
  assert.deepEqual(
    [
      FileRule.SourceTypeManual,
      FileRule.SourceTypeTrustedDirectory,
      FileRule.SourceTypeReputation,
      FileRule.SourceTypeImported,
      FileRule.SourceTypeExternal,
      FileRule.SourceTypeEventRule,
      FileRule.SourceTypeApplicationTemplate,
      FileRule.SourceTypeUnifiedManagement,
    ],
    [1, 2, 3, 4, 5, 6, 7, 8],
  );
  assert.deepEqual([FileRule.PlatformWindows, FileRule.PlatformMac, FileRule.PlatformLinux], [
    1,
    2,
    4,
  ]);
  const putty = await f.cb.select(FileCatalog, 4);
  const rule = f.cb.create(FileRule, {
    name: "Approve putty",
    hash: putty.sha256,
    fileState: FileRule.StateApproved,
  });
  await assert.rejects(f.cb.create(FileRule, { hash: "x" }).save(), InvalidObjectError);
  const n = f.emu.requests.length;
  await rule.save();
  assert.deepEqual(since(f.emu, n), ["POST /api/bit9platform/v1/fileRule"]);
  assert.deepEqual(JSON.parse(f.emu.requests[n]!.body), {
    fileState: 2,
    hash: putty.sha256,
    name: "Approve putty",
  });
  assert.equal(rule.fileCatalogId, 4);
  assert.equal((await rule.fileCatalog())?.id, 4);
  assert.equal((await rule.createdByUser())?.name, "admin");
  rule.reportOnly = true;
  await rule.save();
  assert.equal(f.emu.requests.at(-1)!.method, "PUT");
  assert.equal(coll(f.emu, "fileRule").get(rule.id!)!.reportOnly, true);
  await rule.delete();
  assert.equal(coll(f.emu, "fileRule").has(rule.id!), false);
  await assert.rejects(f.cb.select(FileRule, rule.id!), ObjectNotFoundError);
});

Deno.test("GrantedUserPolicyPermission is read-only and needs 8.0 [spec 240]", async () => {
  await using f = await protectionFixture();
  const rows = await f.cb.select(GrantedUserPolicyPermission).where("userId:2").toArray();
  assert.deepEqual(rows.map((r) => r.get("policyName")), ["Default Policy", "Quarantine"]);
});

Deno.test("MeteredExecution is read-only [spec 242]", async () => {
  await using f = await protectionFixture();
  const all = await f.cb.select(MeteredExecution).where("computerId:2").toArray();
  assert.deepEqual(all.map((r) => r.get("eventId")), [4]);
});

Deno.test("Notifier is read-only [spec 244]", async () => {
  await using f = await protectionFixture();
  const n = await f.cb.select(Notifier, 1);
  assert.equal(n.get("name"), "Banned file blocked");
  assert.equal("save" in n, false);
});

Deno.test("Policy create, update, delete [spec 246]", async () => {
  await using f = await protectionFixture();
  const p = f.cb.create(Policy, { name: "Lab", enforcementLevel: 40 });
  await p.save();
  assert.equal(coll(f.emu, "policy").get(p.id!)!.name, "Lab");
  assert.equal(p.totalComputers, 0);
  p.description = "lab machines";
  await p.save();
  assert.equal(f.emu.requests.at(-1)!.url, `/api/bit9platform/v1/policy/${p.id}`);
  assert.equal(coll(f.emu, "policy").get(p.id!)!.description, "lab machines");
  await p.delete();
  assert.equal(coll(f.emu, "policy").has(p.id!), false);
});

Deno.test("Publisher select, query and update [spec 247]", async () => {
  await using f = await protectionFixture();
  const pub = (await f.cb.select(Publisher).where("name:Oracle*").first())!;
  assert.equal(pub.id, 2);
  pub.set("publisherState", 2);
  await pub.save();
  assert.equal(coll(f.emu, "publisher").get(2)!.publisherState, 2);
});

Deno.test("PublisherCertificate is read-only [spec 248]", async () => {
  await using f = await protectionFixture();
  const rows = await f.cb.select(PublisherCertificate).where("publisherId:1").toArray();
  assert.deepEqual(rows.map((r) => r.get("certificateId")), [1, 2]);
});

Deno.test("ScriptRule select and update [spec 249]", async () => {
  await using f = await protectionFixture();
  const r = await f.cb.select(ScriptRule, 2);
  r.set("enabled", false);
  await r.save();
  assert.equal(coll(f.emu, "scriptRule").get(2)!.enabled, false);
});

Deno.test("ServerConfig rows and ServerPerformance samples are read-only [spec 250,251]", async () => {
  await using f = await protectionFixture();
  const v = await f.cb.select(ServerConfig).where("name:ParityServerVersion").one();
  assert.equal(v.get("value"), f.cb.serverVersion);
  assert.equal(await f.cb.select(ServerPerformance).count(), 2);
  assert.equal((await f.cb.select(ServerPerformance, 2)).get("connectedAgents"), 8);
});

Deno.test("TrustedDirectory select and update [spec 252]", async () => {
  await using f = await protectionFixture();
  const d = (await f.cb.select(TrustedDirectory).first())!;
  d.set("description", "software share");
  await d.save();
  assert.equal(coll(f.emu, "trustedDirectory").get(1)!.description, "software share");
});

Deno.test("TrustedUser create, update, delete; description is required [spec 253]", async () => {
  await using f = await protectionFixture();
  const missing = f.cb.create(TrustedUser, { name: "x", userSid: "S-1", platformId: 1 });
  await assert.rejects(missing.save(), /description/);
  const tu = f.cb.create(TrustedUser, {
    name: "CORP\\builder",
    userSid: "S-1-5-21-9",
    description: "build",
    platformId: 1,
  });
  await tu.save();
  assert.ok(coll(f.emu, "trustedUser").has(tu.id!));
  tu.description = "build agent";
  await tu.save();
  assert.equal(coll(f.emu, "trustedUser").get(tu.id!)!.description, "build agent");
  await tu.delete();
  assert.equal(coll(f.emu, "trustedUser").has(tu.id!), false);
});

Deno.test("Updater select and update [spec 254]", async () => {
  await using f = await protectionFixture();
  const u = await f.cb.select(Updater, 3);
  u.set("enabled", true);
  await u.save();
  assert.equal(coll(f.emu, "updater").get(3)!.enabled, true);
});

Deno.test("User create, update, delete; the API token is never printed [spec 255]", async () => {
  await using f = await protectionFixture();
  const admin = await f.cb.select(User, 1);
  const token = String(coll(f.emu, "user").get(1)!.apiToken);
  assert.ok(!String(admin).includes(token));
  assert.ok(!Deno.inspect(admin).includes(token));
  assert.match(String(admin), /apiToken: \[redacted\]/);
  const u = f.cb.create(User, { name: "jdoe", firstName: "Jane" });
  await u.save();
  assert.equal(coll(f.emu, "user").get(u.id!)!.firstName, "Jane");
  u.lastName = "Doe";
  await u.save();
  assert.equal(coll(f.emu, "user").get(u.id!)!.lastName, "Doe");
  await u.delete();
  assert.equal(coll(f.emu, "user").has(u.id!), false);
});

Deno.test("UserGroup create, update, delete [spec 256]", async () => {
  await using f = await protectionFixture();
  const g = f.cb.create(UserGroup, { name: "Auditors" });
  await g.save();
  assert.equal(g.enabled, true);
  g.permissions = "3";
  await g.save();
  assert.equal(coll(f.emu, "userGroup").get(g.id!)!.permissions, "3");
  await g.delete();
  assert.equal(coll(f.emu, "userGroup").has(g.id!), false);
  await assert.rejects(f.cb.create(UserGroup, { description: "x" }).save(), InvalidObjectError);
  // A read-only collection refuses writes on the server too.
  const res = await f.cb.connection.request("DELETE", "/api/bit9platform/v1/event/1").catch((e) =>
    e
  );
  assert.ok(res instanceof ServerError && res.status === 405);
});
