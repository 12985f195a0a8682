import assert from "node:assert/strict";
import { ApiError } from "@cbapi/cbapi/core";
import { CbResponseAPI, Feed, ThreatReport, ThreatReportQuery } from "@cbapi/cbapi/response";
import { CbEmulator } from "@cbapi/cbapi/testing";
import { requestsSince, responseFixture } from "../_helpers.ts";

Deno.test("ThreatReport search, select by feed_id:report_id, refresh [spec 200]", async () => {
  await using f = await responseFixture();
  const { cb, emu } = f;
  const q = cb.select(ThreatReport).where("score:[80 TO *]");
  assert.ok(q instanceof ThreatReportQuery);
  const rows = await q.toArray();
  assert.deepEqual(rows.map((r) => r.uniqueId).sort(), [
    "3:SRS-20180201-1",
    "7:SOC-2018-0001",
    "7:SOC-2018-0002",
    "7:SOC-2018-0005",
  ]);
  assert.ok(rows.every((r) => typeof r.id === "string" && typeof r.is_ignored === "boolean"));
  const n = emu.requests.length;
  const r = await cb.select(ThreatReport, "7:SOC-2018-0001");
  assert.deepEqual(requestsSince(emu, n), ["GET /api/v1/feed/7/report/SOC-2018-0001"]);
  assert.equal(r.title, "FUZZYWOMBAT dropper seen on finance hosts");
  assert.equal(r.feed_id, 7);
  assert.deepEqual(Object.keys(r.iocs), ["md5"]);
  emu.state.feedReports.get(7)!.get("SOC-2018-0001")!.title = "changed";
  await r.refresh();
  assert.equal(r.title, "changed");
  await assert.rejects(cb.select(ThreatReport, "SOC-2018-0001"), ApiError);
});

Deno.test("ThreatReport save sends ids/updates; enable(), disable(), feed join [spec 201]", async () => {
  await using f = await responseFixture();
  const { cb, emu } = f;
  const r = await cb.select(ThreatReport, "7:SOC-2018-0002");
  let n = emu.requests.length;
  await r.disable();
  assert.deepEqual(requestsSince(emu, n), [
    "POST /api/v1/threat_report",
    "GET /api/v1/feed/7/report/SOC-2018-0002",
  ]);
  assert.equal(
    emu.requests[n]!.body,
    '{"ids": {"7": ["SOC-2018-0002"]}, "updates": {"is_ignored": true}}',
  );
  assert.equal(emu.state.feedReports.get(7)!.get("SOC-2018-0002")!.is_ignored, true);
  assert.equal(r.is_ignored, true);
  n = emu.requests.length;
  await r.disable();
  assert.deepEqual(requestsSince(emu, n), [], "no change, nothing sent");
  await r.enable();
  assert.equal(emu.state.feedReports.get(7)!.get("SOC-2018-0002")!.is_ignored, false);
  const feed = await r.feed();
  assert.ok(feed instanceof Feed && feed.name === "SOC");

  // A search row is loaded first, then posted (as the Python client does).
  const row = await cb.select(ThreatReport).where("id:ZEUS-42").one();
  n = emu.requests.length;
  await row.disable();
  assert.deepEqual(requestsSince(emu, n), [
    "GET /api/v1/feed/9/report/ZEUS-42",
    "POST /api/v1/threat_report",
    "GET /api/v1/feed/9/report/ZEUS-42",
  ]);
  assert.equal(emu.state.feedReports.get(9)!.get("ZEUS-42")!.is_ignored, true);
});

Deno.test("ThreatReportQuery.setIgnored() posts the path-quoted query [spec 93]", async () => {
  await using f = await responseFixture();
  const { cb, emu } = f;
  const feed = await cb.select(Feed).where("name:SOC").one();
  const n = emu.requests.length;
  await feed.reports().where("title:FUZZYWOMBAT").setIgnored();
  assert.deepEqual(requestsSince(emu, n), ["POST /api/v1/threat_report"]);
  assert.deepEqual(JSON.parse(emu.requests[n]!.body), {
    query: "cb.urlver=1&q=feed_id%3A7%20title%3AFUZZYWOMBAT",
    updates: { is_ignored: true },
  });
  const reports = [...emu.state.feedReports.get(7)!.values()];
  assert.deepEqual(
    reports.filter((r) => r.is_ignored).map((r) => r.id).sort(),
    ["SOC-2018-0001", "SOC-2018-0002", "SOC-2018-0003", "SOC-2018-0005"],
  );
  await feed.reports().where("title:FUZZYWOMBAT").setIgnored(false);
  assert.equal(reports.filter((r) => r.is_ignored).length, 1);
  await assert.rejects(cb.select(ThreatReport).setIgnored(), ApiError);
});

Deno.test("ThreatReportQuery.setIgnored() refuses servers older than 5.1.0 [spec 93]", async () => {
  await using emu = await CbEmulator.start({ serverVersion: "5.0.0.150000.0000" });
  await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
  const n = emu.requests.length;
  await assert.rejects(
    cb.select(ThreatReport).where("feed_id:7").setIgnored(),
    (e) => e instanceof ApiError && /5\.1\.0/.test(e.message),
  );
  assert.equal(emu.requests.length, n);
});
