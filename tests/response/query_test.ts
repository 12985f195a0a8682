import assert from "node:assert/strict";
import { ApiError, MoreThanOneResultError, ObjectNotFoundError } from "@cbapi/cbapi/core";
import { Binary, CbResponseAPI, Process, SensorGroup } from "@cbapi/cbapi/response";
import { requestsSince, responseFixture } from "../_helpers.ts";

const SEVEN = "00000001-0000-0e48-01d2-c2a397f4cfe0";

Deno.test("queries are lazy and immutable: builders send nothing and return new queries [spec 52]", async () => {
  await using f = await responseFixture();
  const n = f.emu.requests.length;
  const base = f.cb.select(Process).where("process_name:cmd.exe");
  const composed = base.where("(filemod:*.exe or filemod:*.dll)");
  const sorted = composed.sort("last_update asc");
  assert.notEqual(base, composed);
  assert.notEqual(composed, sorted);
  assert.equal(base.queryString, "process_name:cmd.exe");
  assert.equal(composed.queryString, "process_name:cmd.exe (filemod:*.exe or filemod:*.dll)");
  assert.equal(f.emu.requests.length, n, "no request before use");
});

Deno.test("search defaults: cb.urlver, facet=false, q, sort last_update desc, start, rows=100 [spec 71,72,73]", async () => {
  await using f = await responseFixture();
  const n = f.emu.requests.length;
  await f.cb.select(Process).where("process_name:net.exe").and(String.raw`cmdline:\\test\blah`)
    .first();
  assert.deepEqual(requestsSince(f.emu, n), [
    "GET /api/v1/process?cb.urlver=1&facet=false&q=process_name%3Anet.exe+cmdline%3A%5C%5Ctest%5Cblah&rows=1&sort=last_update+desc&start=0",
  ]);
  const m = f.emu.requests.length;
  await f.cb.select(Process).where("process_name:net.exe").sort("").toArray();
  assert.equal(
    f.emu.requests[m]?.url,
    "/api/v1/process?cb.urlver=1&facet=false&q=process_name%3Anet.exe&rows=100&start=0",
  );
  const k = f.emu.requests.length;
  await f.cb.select(Binary).first();
  assert.equal(f.emu.requests[k]?.url, "/api/v1/binary?cb.urlver=1&facet=false&q=&rows=1&start=0");
});

Deno.test("count() asks rows=0 once and is cached on the query [spec 54,74]", async () => {
  await using f = await responseFixture();
  const q = f.cb.select(Process).where(`process_id:${SEVEN}`);
  const n = f.emu.requests.length;
  assert.equal(await q.count(), 7);
  assert.equal(await q.count(), 7);
  assert.deepEqual(requestsSince(f.emu, n), [
    "GET /api/v1/process?cb.urlver=1&facet=false&q=process_id%3A00000001-0000-0e48-01d2-c2a397f4cfe0&rows=0&start=0",
  ]);
});

Deno.test("iteration pages with batchSize, prefetches, and stops at the total [spec 53,60,75]", async () => {
  await using f = await responseFixture();
  const q = f.cb.select(Process).where(`process_id:${SEVEN}`).batchSize(3);
  const n = f.emu.requests.length;
  const seen: number[] = [];
  for await (const p of q) seen.push(p.segment_id!);
  assert.equal(seen.length, 7);
  assert.equal(new Set(seen).size, 7, "each segment once");
  const starts = f.emu.requests.slice(n).map((r) => new URLSearchParams(r.query).get("start"));
  assert.deepEqual(starts, ["0", "3", "6"]);
  assert.equal(await q.count(), 7, "count known from the pages, no request");
  assert.equal(f.emu.requests.length, n + 3);
});

Deno.test("breaking out of a loop aborts the prefetched page and leaves nothing pending [spec 53]", async () => {
  await using f = await responseFixture({}, {});
  f.emu.faults.add({ path: "/api/v1/process", delayMs: 100, skip: 1, times: 1 });
  const n = f.emu.requests.length;
  let rows = 0;
  for await (const _ of f.cb.select(Process).where(`process_id:${SEVEN}`).batchSize(2)) {
    rows++;
    // The next page is asked for before the first row is handed out; wait until the server has
    // seen it (over TLS the request could otherwise still be in the client when the loop breaks).
    const end = Date.now() + 5_000;
    while (f.emu.requests.length < n + 2 && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 5));
    }
    break;
  }
  await new Promise((r) => setTimeout(r, 150)); // the delayed page would have arrived by now
  const pages = f.emu.requests.slice(n);
  assert.equal(rows, 1);
  assert.equal(new URLSearchParams(pages[0]!.query).get("start"), "0");
  const prefetched = pages.filter((p) => p.fault !== undefined);
  assert.equal(prefetched.length, 1, "the delayed page was asked for in advance");
  assert.equal(pages.length, 2, "nothing asked after the break");
});

Deno.test("slice, at, first, one and toArray [spec 55,56,57,58,59]", async () => {
  await using f = await responseFixture();
  const q = f.cb.select(Process).where(`process_id:${SEVEN}`).sort("segment_id asc");
  const all = await q.toArray();
  assert.equal(all.length, 7);
  const ids = all.map((p) => p.segment_id);
  assert.deepEqual((await q.slice(0, 2)).map((p) => p.segment_id), ids.slice(0, 2));
  assert.deepEqual((await q.slice(5)).map((p) => p.segment_id), ids.slice(5));
  assert.deepEqual((await q.slice(-2)).map((p) => p.segment_id), ids.slice(-2));
  assert.deepEqual((await q.slice(1, -4)).map((p) => p.segment_id), ids.slice(1, -4));
  assert.deepEqual(await q.slice(3, 3), []);
  assert.equal((await q.at(-1))?.segment_id, ids[6]);
  assert.equal((await q.at(2))?.segment_id, ids[2]);
  assert.equal(await q.at(99), undefined);
  assert.equal((await q.first())?.segment_id, ids[0]);
  assert.equal(
    await f.cb.select(Process).where("process_name:no-such-thing.exe").first(),
    undefined,
  );
  await assert.rejects(
    q.one(),
    (e) => e instanceof MoreThanOneResultError && /7 results found/.test(e.message),
  );
  await assert.rejects(
    f.cb.select(Process).where("process_name:no-such-thing.exe").one(),
    (e) => e instanceof ObjectNotFoundError && /0 results for query/.test(e.message),
  );
  const one = await f.cb.select(Process).where(`process_id:${SEVEN}`).groupBy("id").one();
  assert.equal(one.id, SEVEN);
  await assert.rejects(q.slice(0.5 as number), TypeError);
});

Deno.test("groupBy('id') returns one row per process instead of one per segment [spec 79]", async () => {
  await using f = await responseFixture();
  const n = f.emu.requests.length;
  const grouped = await f.cb.select(Process).where(`process_id:${SEVEN}`).groupBy("id").toArray();
  assert.equal(grouped.length, 1);
  assert.match(f.emu.requests[n]!.url, /^\/api\/v1\/process\?cb\.group=id&cb\.urlver=1&/);
});

Deno.test("time filters send cb.min/max_last_update and server-update bounds in Solr form [spec 80,81,82,83,84]", async () => {
  await using f = await responseFixture();
  const n = f.emu.requests.length;
  const q = f.cb.select(Process).where("process_name:cmd.exe")
    .minLastUpdate(new Date(Date.UTC(2017, 4, 21, 18, 41, 58, 123)))
    .maxLastUpdate("2017-05-23T00:00:00Z")
    .minLastServerUpdate(new Date(Date.UTC(2017, 0, 1)))
    .maxLastServerUpdate("2018-01-01T00:00:00Z");
  const rows = await q.toArray();
  const params = new URLSearchParams(f.emu.requests[n]!.query);
  assert.equal(params.get("cb.min_last_update"), "2017-05-21T18:41:58Z");
  assert.equal(params.get("cb.max_last_update"), "2017-05-23T00:00:00Z");
  assert.equal(params.get("cb.min_last_server_update"), "2017-01-01T00:00:00Z");
  assert.equal(params.get("cb.max_last_server_update"), "2018-01-01T00:00:00Z");
  assert.ok(rows.length > 0);
  for (const p of rows) assert.ok(p.last_update! >= new Date("2017-05-21T18:41:58Z"));
  const none = await f.cb.select(Process).where("process_name:cmd.exe").minLastUpdate(
    "2030-01-01T00:00:00Z",
  ).count();
  assert.equal(none, 0);
});

Deno.test("on a 5.x server the 6.0 filters are no-ops and facet=false is still sent [spec 84]", async () => {
  await using f = await responseFixture({ serverVersion: "5.2.0.161004.1206" });
  const n = f.emu.requests.length;
  await f.cb.select(Process).where("process_name:cmd.exe").groupBy("id").minLastUpdate(
    "2017-01-01T00:00:00Z",
  ).first();
  const params = new URLSearchParams(f.emu.requests[n]!.query);
  assert.equal(params.get("cb.group"), null);
  assert.equal(params.get("cb.min_last_update"), null);
  assert.equal(params.get("facet"), "false");
});

Deno.test("useComprehensiveSearch sends comprehensive_search=true without a cb. prefix [spec 85]", async () => {
  await using f = await responseFixture();
  const n = f.emu.requests.length;
  await f.cb.select(Process).where("process_name:cmd.exe").useComprehensiveSearch().count();
  assert.match(f.emu.requests[n]!.query, /(^|&)comprehensive_search=true(&|$)/);
});

Deno.test("facets() asks facet=true&rows=0 with one facet.field per field [spec 76]", async () => {
  await using f = await responseFixture();
  const n = f.emu.requests.length;
  const facets = await f.cb.select(Process).where("hostname:WIN-IA9NQ1GN8OI").and(
    "username:bit9rad",
  )
    .facets("process_name", "username");
  assert.equal(
    f.emu.requests[n]!.url,
    "/api/v1/process?cb.urlver=1&facet=true&facet.field=process_name&facet.field=username&q=hostname%3AWIN-IA9NQ1GN8OI+username%3Abit9rad&rows=0&start=0",
  );
  const names = facets.process_name!;
  assert.ok(names.length > 1);
  const total = await f.cb.select(Process).where("hostname:WIN-IA9NQ1GN8OI").and("username:bit9rad")
    .count();
  assert.equal(names.reduce((s, e) => s + e.value, 0), total);
  assert.equal(names[0]!.percent, 100);
  assert.ok(names.every((e, i) => i === 0 || e.value <= names[i - 1]!.value));
  assert.ok(facets.username!.length >= 1);
});

Deno.test("list queries: one case-insensitive where, descending sort, no and() [spec 61]", async () => {
  await using f = await responseFixture();
  const groups = await f.cb.select(SensorGroup).toArray();
  assert.ok(groups.length >= 2);
  const def = await f.cb.select(SensorGroup).where("name:default group").one();
  assert.equal(def.id, 1);
  const sorted = await f.cb.select(SensorGroup).sort("id").toArray();
  assert.deepEqual(sorted.map((g) => g.id), [...groups.map((g) => g.id!)].sort((a, b) => b - a));
  assert.throws(() => f.cb.select(SensorGroup).where("name:a").where("name:b"), ApiError);
  assert.throws(() => f.cb.select(SensorGroup).and("name:a"), ApiError);
});

Deno.test("CbResponseAPI construction reads /api/info and the partitions; the alias works [spec 63,64,65]", async () => {
  await using f = await responseFixture();
  assert.deepEqual(requestsSince(f.emu, 0).slice(0, 2), [
    "GET /api/info",
    "GET /api/v1/storage/events/partition",
  ]);
  assert.equal(f.cb.serverVersion, "6.2.0.171114.1158");
  assert.equal(f.cb.legacyPartitions, false);
  assert.equal((await f.cb.info()).version, f.cb.serverVersion);
  const { CbEnterpriseResponseAPI } = await import("@cbapi/cbapi/response");
  assert.equal(CbEnterpriseResponseAPI, CbResponseAPI);
});

Deno.test("servers older than 5.0 are refused; 5.x servers skip the partition request [spec 63]", async () => {
  await using old = await responseFixture({ serverVersion: "5.2.0.161004.1206" });
  assert.deepEqual(requestsSince(old.emu, 0), ["GET /api/info"]);
  const { CbEmulator } = await import("@cbapi/cbapi/testing");
  await using ancient = await CbEmulator.start({ serverVersion: "4.2.1.150101.0000" });
  await assert.rejects(
    CbResponseAPI.connect({ url: ancient.url, token: ancient.token }),
    (e) => e instanceof ApiError && /only supports Cb servers version >= 5\.0\.0/.test(e.message),
  );
});

Deno.test("licenseRequest() and updateLicense() [spec 66,67]", async () => {
  await using f = await responseFixture();
  const block = await f.cb.licenseRequest();
  assert.ok(block.length > 0);
  await f.cb.updateLicense("LICENSE-BLOCK");
  const post = f.emu.requests.at(-1)!;
  assert.equal(post.method, "POST");
  assert.equal(post.body, '{"license": "LICENSE-BLOCK"}');
});

Deno.test("an empty page before total_results ends the loop and the count becomes the rows seen [spec 53,54]", async () => {
  await using f = await responseFixture();
  const q = f.cb.select(Process).where(`process_id:${SEVEN}`).batchSize(2);
  // The third page comes back empty although the server said 7 rows (index still catching up).
  f.emu.faults.add({
    path: "/api/v1/process",
    skip: 2,
    times: 1,
    status: 200,
    body: JSON.stringify({ results: [], total_results: 7, facets: {}, start: 4 }),
  });
  const n = f.emu.requests.length;
  let rows = 0;
  // One page at a time, so the third request is the third page (with pages in flight the pages
  // after the first reach the server in any order).
  for await (const _ of q.iterate({ pagesInFlight: 1 })) rows++;
  assert.equal(rows, 4, "the rows of the two full pages, then the loop stops");
  const starts = f.emu.requests.slice(n).map((r) => new URLSearchParams(r.query).get("start"));
  // Pages already in flight when the empty one came back may have been asked (pagesInFlight),
  // nothing beyond them.
  assert.deepEqual(starts.slice(0, 3), ["0", "2", "4"]);
  assert.ok(starts.every((s) => ["0", "2", "4", "6"].includes(s!)), starts.join());
  const sent = f.emu.requests.length;
  assert.equal(await q.count(), 4, "start offset of the empty page, not total_results");
  assert.equal(f.emu.requests.length, sent, "count() sends nothing");
});
