import assert from "node:assert/strict";
import { ApiError, ObjectNotFoundError } from "@cbapi/cbapi/core";
import {
  Alert,
  Binary,
  Investigation,
  Process,
  SearchQuery,
  ThreatReport,
  Watchlist,
} from "@cbapi/cbapi/response";
import { requestsSince, responseFixture } from "../_helpers.ts";

const CMD = "00000003-0000-036c-01d2-2efd3af51186";

Deno.test("CbResponseAPI.fromUi() opens every kind of web UI link [spec 69]", async () => {
  await using f = await responseFixture();
  const { cb, emu } = f;
  const base = emu.url;

  let n = emu.requests.length;
  const proc = await cb.fromUi(`${base}/#/analyze/${CMD}/1`);
  assert.ok(proc instanceof Process && proc.process_name === "cmd.exe");
  assert.deepEqual(requestsSince(emu, n), [`GET /api/v1/process/${CMD}/1`]);

  const bin = await cb.fromUi(`${base}/#binary/7FB55F5A62E78AF9B58D08AAEEAEF848`);
  assert.ok(bin instanceof Binary && bin.original_filename !== undefined);

  const wl = await cb.fromUi(`${base}/#/watchlist/5`);
  assert.ok(wl instanceof Watchlist && wl.name === "Newly Executed Applications");

  n = emu.requests.length;
  const search = await cb.fromUi(
    `${base}/#/search/cb.urlver=1&q=process_name%3Anet.exe&rows=10&start=0`,
  );
  assert.ok(search instanceof SearchQuery);
  assert.deepEqual(requestsSince(emu, n), [], "queries are lazy");
  assert.equal(await (search as SearchQuery<Process>).count(), 2);
  assert.deepEqual(requestsSince(emu, n), [
    "GET /api/v1/process?cb.urlver=1&q=process_name%3Anet.exe&rows=0&start=0",
  ]);

  const bins = await cb.fromUi(`${base}/#/binaries/cb.urlver=1&q=digsig_result%3ASigned`);
  const binRows = await (bins as SearchQuery<Binary>).toArray();
  assert.ok(binRows.length > 0 && binRows.every((b) => b instanceof Binary && b.signed));

  const alerts = await cb.fromUi(`${base}/#/alerts/cb.urlver=1&q=status%3AUnresolved`);
  const alertRows = await (alerts as SearchQuery<Alert>).toArray();
  assert.equal(alertRows.length, 3);
  assert.ok(alertRows.every((a) => a instanceof Alert));

  const threats = await cb.fromUi(`${base}/#/threats/cb.urlver=1&q=title%3AFUZZYWOMBAT`);
  assert.equal(await (threats as SearchQuery<ThreatReport>).count(), 3);

  n = emu.requests.length;
  const report = await cb.fromUi(`${base}/#/threat-details/7/SOC-2018-0004`);
  assert.ok(report instanceof ThreatReport && report.uniqueId === "7:SOC-2018-0004");
  assert.deepEqual(requestsSince(emu, n), ["GET /api/v1/feed/7/report/SOC-2018-0004"]);

  // Quirk 17 fixed: a bare #login is the API itself.
  assert.equal(await cb.fromUi(`${base}/#login`), cb);
  assert.equal(await cb.fromUi(`${base}/#/login/expired`), cb);
});

Deno.test("CbResponseAPI.fromUi() rejects links of other servers, without ids, or unknown [spec 69]", async () => {
  await using f = await responseFixture();
  const { cb, emu } = f;
  const n = emu.requests.length;
  await assert.rejects(
    cb.fromUi(`https://other.example.com/#/binary/7FB55F5A62E78AF9B58D08AAEEAEF848`),
    (e) => e instanceof ApiError && /Invalid URL provided/.test(e.message),
  );
  await assert.rejects(cb.fromUi("not a url"), ApiError);
  await assert.rejects(
    cb.fromUi(`${emu.url}/#/binary`),
    (e) => e instanceof ApiError && /does not include a unique ID/.test(e.message),
  );
  await assert.rejects(cb.fromUi(`${emu.url}/`), ApiError);
  await assert.rejects(
    cb.fromUi(`${emu.url}/#/dashboard/1`),
    (e) => e instanceof ApiError && /Unknown URL endpoint/.test(e.message),
  );
  assert.deepEqual(requestsSince(emu, n), []);
  const inv = await cb.fromUi(`${emu.url}/#/investigation/1`);
  assert.ok(inv instanceof Investigation);
  assert.equal(inv.uniqueId, 1);
  assert.deepEqual(requestsSince(emu, n), ["GET /api/investigations"]);
  await assert.rejects(cb.fromUi(`${emu.url}/#/watchlist/999`), ObjectNotFoundError);
});

Deno.test("Raw queries are iterable, paged, keep their sort and refuse where() [spec 72,77]", async () => {
  await using f = await responseFixture();
  const { cb, emu } = f;
  const raw = cb.select(Process).withRawQuery(
    "?cb.urlver=1&q=process_name%3Acmd.exe&sort=start+asc&rows=10&start=30",
  );
  assert.ok(raw.isRaw);
  assert.throws(
    () => raw.where("process_name:net.exe"),
    (e) => e instanceof ApiError && e.message === "Cannot call .where() on a raw query",
  );
  const n = emu.requests.length;
  const rows = await raw.batchSize(2).toArray();
  assert.ok(rows.length > 2 && rows.every((p) => p.process_name === "cmd.exe"));
  const urls = requestsSince(emu, n);
  assert.equal(
    urls[0],
    "GET /api/v1/process?cb.urlver=1&q=process_name%3Acmd.exe&rows=2&sort=start+asc&start=0",
  );
  assert.equal(urls.length, Math.ceil(rows.length / 2));
  const starts = rows.map((p) => String(p.get("start")));
  assert.deepEqual(starts, [...starts].sort());
  // Without a sort of its own, a raw process query sorts like every process search.
  const m = emu.requests.length;
  await cb.select(Process).withRawQuery("q=process_name%3Anet.exe").first();
  assert.deepEqual(requestsSince(emu, m), [
    "GET /api/v1/process?q=process_name%3Anet.exe&rows=1&sort=last_update+desc&start=0",
  ]);
  const facets = await raw.facets("hostname");
  assert.ok(facets.hostname!.length > 0);
  assert.match(emu.requests.at(-1)!.url, /q=process_name%3Acmd.exe/);
});

Deno.test("SearchQuery.webuiLink lists the parameters in order under #/search [spec 78]", async () => {
  await using f = await responseFixture();
  const { cb, emu } = f;
  const q = cb.select(Process).where("process_name:net.exe").and(String.raw`cmdline:\\test\blah`);
  assert.equal(
    q.webuiLink,
    `${emu.url}/#/search?cb.urlver=1&facet=false&q=process_name%3Anet.exe+cmdline%3A%5C%5Ctest%5Cblah&sort=last_update+desc`,
  );
  assert.equal(
    cb.select(Binary).where("md5:7FB55F5A62E78AF9B58D08AAEEAEF848").webuiLink,
    `${emu.url}/#/search?cb.urlver=1&facet=false&q=md5%3A7FB55F5A62E78AF9B58D08AAEEAEF848`,
  );
  // The link opens the same search again.
  const back = await cb.fromUi(q.webuiLink) as SearchQuery<Process>;
  assert.equal(await back.count(), await q.count());
});
