import assert from "node:assert/strict";
import { ObjectNotFoundError } from "@cbapi/cbapi/core";
import {
  Certificate,
  Computer,
  Connector,
  FileAnalysis,
  FileCatalog,
  FileInstance,
  FileInstanceDeleted,
  FileInstanceGroup,
  FileUpload,
  InternalEvent,
  Notification,
  PendingAnalysis,
  Publisher,
} from "@cbapi/cbapi/protection";
import { coll, protectionFixture, since } from "./_helpers.ts";

async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new TextDecoder().decode(new Uint8Array(await new Response(stream).arrayBuffer()));
}

Deno.test("FileCatalog joins computer, publisher and certificate; fileHash prefers md5 [spec 234]", async () => {
  await using f = await protectionFixture();
  const fc = await f.cb.select(FileCatalog, 1);
  const doc = coll(f.emu, "fileCatalog").get(1)!;
  assert.equal(fc.fileName, "notepad.exe");
  assert.equal(fc.fileHash, doc.md5);
  const computer = await fc.computer();
  assert.ok(computer instanceof Computer && computer.id === doc.computerId);
  const publisher = await fc.publisher();
  assert.ok(publisher instanceof Publisher && publisher.name === "Microsoft Corporation");
  const cert = await fc.certificate();
  assert.ok(cert instanceof Certificate && cert.id === 2);
  // No publisher: undefined without a request (the Python library returned an unfiltered query).
  const putty = await f.cb.select(FileCatalog, 4);
  const n = f.emu.requests.length;
  assert.equal(await putty.publisher(), undefined);
  assert.equal(f.emu.requests.length, n);
  delete doc.md5;
  const fresh = await (await f.cb.select(FileCatalog, 1)).refresh();
  assert.equal(fresh.fileHash, doc.sha1);
});

Deno.test("FileInstance joins computer and fileCatalog; localState = 2 saves with POST fileInstance/{id} [spec 235]", async () => {
  await using f = await protectionFixture();
  const fi = (await f.cb.select(FileInstance).where("localState:1").first())!;
  const computer = await fi.computer();
  assert.equal(computer?.id, fi.computerId);
  const catalog = await fi.fileCatalog();
  assert.equal(catalog?.id, fi.fileCatalogId);
  fi.localState = 2;
  const n = f.emu.requests.length;
  await fi.save();
  assert.deepEqual(since(f.emu, n), [
    `GET /api/bit9platform/v1/fileInstance/${fi.id}`,
    `POST /api/bit9platform/v1/fileInstance/${fi.id}`,
  ]);
  const body = JSON.parse(f.emu.requests.at(-1)!.body);
  assert.equal(body.localState, 2);
  assert.equal(body.id, fi.id);
  assert.equal(body.fileName, fi.fileName);
  assert.equal(coll(f.emu, "fileInstance").get(fi.id!)!.localState, 2);
  assert.equal(fi.localState, 2);
});

Deno.test("FileInstanceDeleted is read-only and listed from its own path [spec 236]", async () => {
  await using f = await protectionFixture();
  const n = f.emu.requests.length;
  const rows = await f.cb.select(FileInstanceDeleted).toArray();
  assert.equal(
    since(f.emu, n)[0],
    "GET /api/bit9platform/v1/fileInstanceDeleted?limit=1000&offset=0",
  );
  assert.deepEqual(rows.map((r) => r.get("fileName")), ["setup_tool.exe", "evil.exe"]);
  assert.equal("set" in rows[0]!, false);
  assert.match(String(rows[0]), /^FileInstanceDeleted:\ncomputerId +: 7/);
});

Deno.test("FileInstanceGroup is read-only and selectable by id [spec 237]", async () => {
  await using f = await protectionFixture();
  const g = await f.cb.select(FileInstanceGroup, 2);
  assert.equal(g.get("name"), "Downloads");
  assert.equal(f.emu.requests.at(-1)!.url, "/api/bit9platform/v1/fileInstanceGroup/2");
  assert.equal(g.get("missing", "<unknown>"), "<unknown>");
});

Deno.test("InternalEvent reads the fileInstance path as the Python library does [spec 241]", async () => {
  await using f = await protectionFixture();
  const n = f.emu.requests.length;
  const ev = await f.cb.select(InternalEvent).first();
  assert.equal(since(f.emu, n)[0], "GET /api/bit9platform/v1/fileInstance?limit=1&offset=0");
  assert.equal(ev?.get("id"), 1);
});

Deno.test("FileAnalysis selects, updates with PUT and joins nothing [spec 233]", async () => {
  await using f = await protectionFixture();
  const fa = await f.cb.select(FileAnalysis, 2);
  assert.equal(fa.get("analysisResult"), 3);
  fa.set("priority", 5);
  await fa.save();
  assert.equal(f.emu.requests.at(-1)!.method, "PUT");
  assert.equal(f.emu.requests.at(-1)!.url, "/api/bit9platform/v1/fileAnalysis/2");
  assert.equal(coll(f.emu, "fileAnalysis").get(2)!.priority, 5);
});

Deno.test("FileUpload.file() downloads ?downloadFile=true and streams the first ZIP member [spec 239]", async () => {
  await using f = await protectionFixture();
  const up = await f.cb.select(FileUpload, 1);
  const n = f.emu.requests.length;
  const content = await text(await up.file());
  assert.deepEqual(since(f.emu, n), ["GET /api/bit9platform/v1/fileUpload/1?downloadFile=true"]);
  assert.ok(content.startsWith("MZ"));
  assert.ok(content.includes("emulated content of notepad.exe"));
  // Cancelling mid-way leaves nothing open (sanitizers check it).
  const s = await up.file();
  await s.cancel();
  await assert.rejects((await f.cb.select(FileUpload, 2)).file({ signal: AbortSignal.abort() }));
  await assert.rejects(f.cb.select(FileUpload, 99), ObjectNotFoundError);
});

Deno.test("Connector create, update, delete and pendingAnalyses [spec 229]", async () => {
  await using f = await protectionFixture();
  const c = f.cb.create(Connector, {
    name: "EmptyAnalysis",
    analysisName: "EmptyAnalysis",
    connectorVersion: "1.0",
    canAnalyze: true,
    analysisEnabled: true,
    enabled: true,
  });
  const n = f.emu.requests.length;
  await c.save();
  assert.equal(since(f.emu, n)[0], "POST /api/bit9platform/v1/connector");
  const sent = JSON.parse(f.emu.requests[n]!.body);
  assert.equal("id" in sent, false);
  assert.equal(sent.canAnalyze, true);
  assert.ok(typeof c.id === "number");
  assert.ok(coll(f.emu, "connector").has(c.id!));
  const pending = await c.pendingAnalyses().toArray();
  assert.equal(
    f.emu.requests.at(-1)!.url,
    `/api/bit9platform/v1/pendingAnalysis?limit=1000&offset=0&q=connectorId%3A${c.id}`,
  );
  assert.equal(pending.length, 2);
  assert.ok(pending.every((p) => p.get("connectorId") === c.id));
  c.connectorVersion = "1.1";
  await c.save();
  assert.equal(f.emu.requests.at(-1)!.method, "PUT");
  assert.equal(coll(f.emu, "connector").get(c.id!)!.connectorVersion, "1.1");
  await c.delete();
  assert.equal(
    `${f.emu.requests.at(-1)!.method} ${f.emu.requests.at(-1)!.url}`,
    `DELETE /api/bit9platform/v1/connector/${c.id}`,
  );
  assert.equal(coll(f.emu, "connector").has(c.id!), false);
});

Deno.test("PendingAnalysis: file(), createNotification(), fileCatalog(), fileHash and constants [spec 245]", async () => {
  await using f = await protectionFixture();
  assert.deepEqual(
    [
      PendingAnalysis.StatusScheduled,
      PendingAnalysis.StatusSubmitted,
      PendingAnalysis.StatusProcessed,
      PendingAnalysis.StatusAnalyzed,
      PendingAnalysis.StatusError,
      PendingAnalysis.StatusCancelled,
    ],
    [0, 1, 2, 3, 4, 5],
  );
  assert.deepEqual(
    [
      PendingAnalysis.ResultNotAvailable,
      PendingAnalysis.ResultClean,
      PendingAnalysis.ResultPotentialThreat,
      PendingAnalysis.ResultMalicious,
    ],
    [0, 1, 2, 3],
  );
  const pa = await f.cb.select(PendingAnalysis, 1);
  assert.equal(pa.uploaded, true);
  assert.equal(pa.fileHash, coll(f.emu, "pendingAnalysis").get(1)!.md5);
  const fc = await pa.fileCatalog();
  assert.equal(fc?.id, pa.get("fileCatalogId"));
  const content = await text(await pa.file());
  assert.ok(content.startsWith("MZ") && content.includes("putty.exe"));
  assert.equal(
    f.emu.requests.at(-1)!.url,
    "/api/bit9platform/v1/pendingAnalysis/1?downloadFile=true",
  );
  const n = pa.createNotification({
    product: "EmptyAnalysis",
    malwareName: "TEST MALWARE",
    analysisResult: Notification.ResultMalicious,
    severity: "high",
    type: "whoa",
  });
  assert.equal(n.fileAnalysisId, 1);
  const before = f.emu.requests.length;
  await n.save();
  assert.deepEqual(since(f.emu, before), ["POST /api/bit9platform/v1/notification"]);
  const body = JSON.parse(f.emu.requests[before]!.body);
  assert.deepEqual(body, {
    analysisResult: 3,
    fileAnalysisId: 1,
    malwareName: "TEST MALWARE",
    product: "EmptyAnalysis",
    severity: "high",
    type: "whoa",
  });
  assert.ok(coll(f.emu, "notification").has(n.id!));
  // A file that is not uploaded yet: a typed 404.
  const waiting = await f.cb.select(PendingAnalysis, 3);
  assert.equal(waiting.uploaded, false);
  await assert.rejects(waiting.file(), ObjectNotFoundError);
});

Deno.test("Notification create checks required fields; Result constants [spec 243]", async () => {
  await using f = await protectionFixture();
  assert.equal(Notification.ResultNotAvailable, 0);
  assert.equal(Notification.ResultClean, 1);
  assert.equal(Notification.ResultPotentialThreat, 2);
  assert.equal(Notification.ResultMalicious, 3);
  const bad = f.cb.create(Notification, { analysisResult: 1 });
  const n = f.emu.requests.length;
  await assert.rejects(bad.save(), /Missing fields: \[fileAnalysisId\]/);
  assert.equal(f.emu.requests.length, n, "nothing sent");
  const ok = f.cb.create(Notification, { analysisResult: 1, fileAnalysisId: 2 });
  await ok.save();
  assert.equal(coll(f.emu, "notification").get(ok.id!)!.analysisResult, 1);
  assert.ok(ok.get("time") instanceof Date);
});
