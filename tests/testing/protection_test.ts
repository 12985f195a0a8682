// The emulator's Cb Protection routes, talked to with plain fetch (no client code involved).

import assert from "node:assert/strict";
import { CbEmulator } from "@cbapi/cbapi/testing";
import { call, qs, send, unzip } from "./_helpers.ts";

const B = "/api/bit9platform/v1";

Deno.test("Emulator Protection: serverConfig lists ParityServerVersion; a bad token is 401 [spec 327]", async () => {
  await using emu = await CbEmulator.start({ protection: { serverVersion: "8.1.2.3" } });
  const cfg = await call(emu, `${B}/serverConfig`);
  assert.equal(cfg.status, 200);
  assert.ok(cfg.headers.get("content-type")?.includes("application/json"));
  // The App Control API reference's serverConfig fields.
  assert.deepEqual(cfg.json.find((r: { name: string }) => r.name === "ParityServerVersion"), {
    id: 1,
    name: "ParityServerVersion",
    value: "8.1.2.3",
    dateModified: "2017-02-21T12:00:00Z",
    modifiedBy: "System",
  });
  assert.equal((await call(emu, `${B}/computer`, { token: "nope" })).status, 401);
  assert.equal((await call(emu, `${B}/computer`, { token: null })).status, 401);
  assert.equal((await call(emu, `${B}/noSuchThing`)).status, 404);
  assert.equal((await call(emu, `${B}/computer/999`)).status, 404);
});

Deno.test("Emulator Protection: limit/offset paging, limit=-1 count, limit=0 all [spec 327]", async () => {
  await using emu = await CbEmulator.start();
  const all = (await call(emu, `${B}/fileInstance?limit=0`)).json as Array<{ id: number }>;
  const total = emu.state.protection.collections.get("fileInstance")!.size;
  assert.equal(all.length, total);
  assert.deepEqual((await call(emu, `${B}/fileInstance?limit=-1`)).json, { count: total });
  const page = (await call(emu, `${B}/fileInstance?${qs({ limit: 5, offset: 3 })}`)).json;
  assert.deepEqual(page.map((r: { id: number }) => r.id), all.slice(3, 8).map((r) => r.id));
  const dflt = (await call(emu, `${B}/fileInstance`)).json;
  assert.equal(dflt.length, Math.min(1000, total));
  assert.equal((await call(emu, `${B}/fileInstance?limit=abc`)).status, 400);
});

Deno.test("Emulator Protection: q conditions with wildcards, !, <, >, | and several q ANDed [spec 327]", async () => {
  await using emu = await CbEmulator.start();
  const ids = async (params: Record<string, string | number | string[]>) =>
    ((await call(emu, `${B}/computer?${qs(params)}`)).json as Array<{ id: number }>).map((r) =>
      r.id
    );
  assert.deepEqual(await ids({ q: "ipAddress:10.201.2.*" }), [1, 2, 3, 8, 9]);
  assert.deepEqual(await ids({ q: ["ipAddress:10.201.2.*", "template:true"] }), [8]);
  assert.deepEqual(await ids({ q: "name:corp\\wks-dup" }), [3, 4], "case-insensitive");
  assert.deepEqual(await ids({ q: "deleted:true" }), [7]);
  assert.deepEqual(await ids({ q: "policyId:5|2" }), [5, 6, 8, 9]);
  assert.deepEqual(await ids({ q: "policyId!1" }), [5, 6, 8, 9]);
  assert.deepEqual(await ids({ q: "daysOffline>10" }), [4, 7]);
  assert.deepEqual(await ids({ q: "processorSpeed<2" }), [6, 7]);
  assert.deepEqual(await ids({ q: "lastPollDate<2017-05-01" }), [4, 7]);
  assert.deepEqual(
    (await call(emu, `${B}/computer?${qs({ limit: -1, q: "deleted:false" })}`)).json,
    {
      count: 8,
    },
  );
  assert.equal((await call(emu, `${B}/computer?${qs({ q: "garbage" })}`)).status, 400);
});

Deno.test("Emulator Protection: sort by field ASC/DESC; a bad sort is 400 [spec 327]", async () => {
  await using emu = await CbEmulator.start();
  const rows = (await call(emu, `${B}/computer?${qs({ sort: "processorSpeed DESC" })}`)).json;
  const speeds = rows.map((r: { processorSpeed: number }) => r.processorSpeed);
  assert.deepEqual(speeds, [...speeds].sort((a: number, b: number) => b - a));
  const asc = (await call(emu, `${B}/computer?${qs({ sort: "name" })}`)).json;
  assert.equal(asc[0].name, "CORP\\GOLD-IMAGE");
  assert.equal((await call(emu, `${B}/computer?${qs({ sort: "name sideways" })}`)).status, 400);
});

Deno.test("Emulator Protection: create, PUT, POST fileInstance/{id}, DELETE change the state [spec 327]", async () => {
  await using emu = await CbEmulator.start();
  const state = emu.state.protection.collections;
  const made = await send(emu, "POST", `${B}/policy`, { name: "New Policy", enforcementLevel: 20 });
  assert.equal(made.status, 201);
  assert.equal(state.get("policy")!.get(made.json.id)!.name, "New Policy");
  assert.equal((await send(emu, "POST", `${B}/policy`, { description: "no name" })).status, 400);
  assert.equal((await send(emu, "POST", `${B}/event`, { description: "x" })).status, 405);
  const put = await send(emu, "PUT", `${B}/policy/${made.json.id}`, {
    ...made.json,
    description: "d",
  });
  assert.equal(put.json.description, "d");
  const fi = await send(emu, "POST", `${B}/fileInstance/1`, { localState: 2 });
  assert.equal(fi.status, 200);
  assert.equal(state.get("fileInstance")!.get(1)!.localState, 2);
  const del = await call(emu, `${B}/policy/${made.json.id}`, { method: "DELETE" });
  assert.equal(del.status, 204);
  assert.equal(state.get("policy")!.has(made.json.id), false);
  assert.equal((await call(emu, `${B}/event/1`, { method: "DELETE" })).status, 405);
  assert.equal((await send(emu, "PUT", `${B}/computer/1`, "{oops")).status, 400);
});

Deno.test("Emulator Protection: computer PUT honours the update flags and resetCLIPassword [spec 327]", async () => {
  await using emu = await CbEmulator.start();
  const doc = emu.state.protection.collections.get("computer")!.get(1)!;
  await send(emu, "PUT", `${B}/computer/1`, {
    ...doc,
    debugLevel: 5,
    template: true,
    name: "renamed",
  });
  assert.equal(doc.debugLevel, 0, "ignored without changeDiagnostics");
  assert.equal(doc.template, false, "ignored without changeTemplate");
  assert.equal(doc.name, "renamed");
  await send(emu, "PUT", `${B}/computer/1?changeDiagnostics=true&changeTemplate=true`, {
    ...doc,
    debugLevel: 5,
    template: true,
  });
  assert.equal(doc.debugLevel, 5);
  assert.equal(doc.template, true);
  await send(emu, "PUT", `${B}/computer/1?newTamperProtectionActive=false`, { ...doc });
  assert.equal(doc.tamperProtectionActive, false);
  const reset = await send(emu, "PUT", `${B}/computer/1?resetCLIPassword=true`, {});
  assert.match(reset.json.CLIPassword, /^cli-1-/);
  assert.equal((await send(emu, "PUT", `${B}/computer/1`, { ...doc, policyId: 77 })).status, 400);
  await send(emu, "PUT", `${B}/computer/1`, { ...doc, policyId: 3 });
  assert.equal(doc.previousPolicyId, 1);
  assert.equal(doc.policyName, "High Enforcement");
});

Deno.test("Emulator Protection: ?downloadFile=true answers a ZIP; a new connector gets pending analyses [spec 327]", async () => {
  await using emu = await CbEmulator.start();
  const res = await fetch(`${emu.url}${B}/fileUpload/2?downloadFile=true`, {
    headers: { "X-Auth-Token": emu.token },
  });
  assert.equal(res.headers.get("content-type"), "application/zip");
  const members = await unzip(new Uint8Array(await res.arrayBuffer()));
  assert.equal(members.length, 1);
  assert.equal(members[0]!.name, "evil.exe");
  assert.ok(members[0]!.crcOk);
  assert.equal(String.fromCharCode(...members[0]!.data.subarray(0, 2)), "MZ");
  assert.equal((await call(emu, `${B}/pendingAnalysis/3?downloadFile=true`)).status, 404);
  assert.equal((await call(emu, `${B}/computer/1?downloadFile=true`)).status, 400);
  const c = await send(emu, "POST", `${B}/connector`, {
    name: "X",
    analysisName: "X",
    connectorVersion: "1",
    canAnalyze: true,
    analysisEnabled: true,
    enabled: true,
  });
  const pending =
    (await call(emu, `${B}/pendingAnalysis?${qs({ q: `connectorId:${c.json.id}` })}`)).json;
  assert.equal(pending.length, 2);
  assert.deepEqual(pending.map((p: { uploaded: boolean }) => p.uploaded), [true, false]);
});
