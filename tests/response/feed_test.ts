import assert from "node:assert/strict";
import { ApiError, InvalidObjectError, ServerError } from "@cbapi/cbapi/core";
import { Feed, FeedAction, ThreatReportQuery } from "@cbapi/cbapi/response";
import { requestsSince, responseFixture } from "../_helpers.ts";

Deno.test("Feed list, select, create, update and delete [spec 179]", async () => {
  await using f = await responseFixture();
  const { cb, emu } = f;
  const feeds = await cb.select(Feed).toArray();
  assert.deepEqual(feeds.map((x) => x.name), ["SOC", "virustotal", "srsthreat", "abusech", "sans"]);
  const soc = await cb.select(Feed).where("name:soc").one();
  assert.equal(soc.id, 7);
  assert.equal(soc.enabled, true);
  assert.equal(soc.use_proxy, undefined);
  assert.ok(soc.icon instanceof Uint8Array && soc.icon[1] === 0x50); // PNG
  const one = await cb.select(Feed, 2);
  assert.equal(one.display_name, "VirusTotal");
  assert.equal(one.provider_rating, 3);

  const n = emu.requests.length;
  const created = cb.create(Feed);
  created.name = "partner";
  await assert.rejects(created.save(), InvalidObjectError);
  assert.equal(emu.requests.length, n);
  created.feed_url = "https://intel.example.org/feed.json";
  await created.save();
  assert.equal(created.id, 12);
  assert.deepEqual(requestsSince(emu, n), ["POST /api/v1/feed"]);
  assert.deepEqual(JSON.parse(emu.requests.at(-1)!.body), {
    feed_url: "https://intel.example.org/feed.json",
    name: "partner",
  });
  assert.equal(emu.state.feeds.get(12)?.name, "partner");

  created.enabled = false;
  await created.save();
  assert.deepEqual(requestsSince(emu, n).slice(1), ["PUT /api/v1/feed/12", "GET /api/v1/feed/12"]);
  assert.equal(emu.state.feeds.get(12)?.enabled, false);

  const bad = cb.create(Feed, { feed_url: "https://nowhere.invalid/feed" });
  await assert.rejects(bad.save(), (e) => e instanceof ServerError && e.status === 500);

  await created.delete();
  assert.equal(emu.state.feeds.has(12), false);
  assert.equal(emu.requests.at(-1)?.method, "DELETE");
});

Deno.test("Feed.searchProcesses() and searchBinaries() query the feed's score field [spec 180,181]", async () => {
  await using f = await responseFixture();
  const { cb, emu } = f;
  const soc = await cb.select(Feed, 7);
  const procs = soc.searchProcesses();
  assert.equal(procs?.queryString, "alliance_score_soc:[1 TO *]");
  const n = emu.requests.length;
  assert.equal(await procs!.count(), 0);
  assert.deepEqual(requestsSince(emu, n), [
    "GET /api/v1/process?cb.urlver=1&facet=false&q=alliance_score_soc%3A%5B1+TO+%2A%5D&rows=0&start=0",
  ]);
  const vt = await cb.select(Feed, 2);
  const bins = vt.searchBinaries(50, 90);
  assert.equal(bins?.queryString, "alliance_score_virustotal:[50 TO 90]");
  const rows = await bins!.toArray();
  for (const b of rows) assert.ok(Number(b.get("alliance_score_virustotal")) >= 50);
  const disabled = await cb.select(Feed, 9);
  assert.equal(disabled.searchProcesses(), undefined);
  assert.equal(disabled.searchBinaries(), undefined);
  const nameless = cb.create(Feed, { enabled: true });
  assert.throws(() => nameless.searchProcesses(), InvalidObjectError);
});

Deno.test("Feed.actions() lists the feed's actions with type names and a feed join [spec 182,186]", async () => {
  await using f = await responseFixture();
  const { cb, emu } = f;
  const soc = await cb.select(Feed, 7);
  const n = emu.requests.length;
  const actions = await soc.actions().toArray();
  assert.deepEqual(requestsSince(emu, n), ["GET /api/v1/feed/7/action"]);
  assert.deepEqual(actions.map((a) => a.type), ["alert", "email"]);
  assert.equal(actions[0]!.feed_id, 7);
  assert.equal(await actions[0]!.feed(), soc);
  assert.throws(() => FeedAction.query(cb).where("feed_id:7"), RangeError);
  await assert.rejects(FeedAction.query(cb).toArray(), ApiError);
});

Deno.test("Feed.reports() is a threat report search on feed_id [spec 183]", async () => {
  await using f = await responseFixture();
  const { cb, emu } = f;
  const soc = await cb.select(Feed).where("name:SOC").one();
  const q = soc.reports().where("title:FUZZYWOMBAT");
  assert.ok(q instanceof ThreatReportQuery);
  const n = emu.requests.length;
  const reports = await q.toArray();
  assert.deepEqual(requestsSince(emu, n), [
    "GET /api/v1/threat_report?cb.urlver=1&facet=false&q=feed_id%3A7+title%3AFUZZYWOMBAT&rows=100&start=0",
  ]);
  assert.equal(reports.length, 3);
  for (const r of reports) {
    assert.equal(r.feed_id, 7);
    assert.match(r.title!, /FUZZYWOMBAT/);
  }
});

Deno.test("Feed.createAction() and FeedAction create, update (sent), delete [spec 184,186]", async () => {
  await using f = await responseFixture();
  const { cb, emu } = f;
  const soc = await cb.select(Feed, 7);
  const action = soc.createAction();
  assert.equal(action.group_id, 7);
  assert.equal(action.watchlist_id, -1);
  action.type = "syslog";
  assert.equal(action.action_type, 1);
  assert.throws(() => (action.type = "pager"), ApiError);
  let n = emu.requests.length;
  await action.save();
  assert.deepEqual(requestsSince(emu, n), ["POST /api/v1/feed/7/action"]);
  assert.deepEqual(JSON.parse(emu.requests.at(-1)!.body), {
    action_type: 1,
    group_id: 7,
    watchlist_id: -1,
  });
  const id = action.id!;
  assert.equal(emu.state.feedActions.get(id)?.action_type, 1);

  // Quirk 7 fixed: the update is sent.
  action.type = "http_post";
  action.action_data = '{"url":"https://hooks.example.com/"}';
  n = emu.requests.length;
  await action.save();
  assert.deepEqual(requestsSince(emu, n), [`PUT /api/v1/feed/7/action/${id}`]);
  assert.equal(JSON.parse(emu.requests.at(-1)!.body).action_type, 2);
  assert.equal(emu.state.feedActions.get(id)?.action_type, 2);
  assert.equal(action.type, "http_post");

  await action.delete();
  assert.deepEqual(requestsSince(emu, n).slice(1), [`DELETE /api/v1/feed/7/action/${id}`]);
  assert.equal(emu.state.feedActions.has(id), false);
});

Deno.test("Feed.synchronize() posts full_sync; on a disabled feed raises ServerError 409 [spec 185]", async () => {
  await using f = await responseFixture();
  const { cb, emu } = f;
  const soc = await cb.select(Feed, 7);
  await soc.synchronize();
  await soc.synchronize(false);
  const posts = emu.requests.filter((r) => r.method === "POST");
  assert.deepEqual(posts.map((r) => [r.url, JSON.parse(r.body)]), [
    ["/api/v1/feed/7/synchronize", { full_sync: true }],
    ["/api/v1/feed/7/synchronize", { full_sync: false }],
  ]);
  assert.equal(emu.state.feeds.get(7)?.last_synchronized, "incremental");
  const disabled = await cb.select(Feed, 9);
  await assert.rejects(disabled.synchronize(), (e: unknown) => {
    assert.ok(e instanceof ServerError);
    assert.equal(e.status, 409);
    assert.match(
      e.message,
      /Cannot synchronize feed 9 on https:\/\/127\.0\.0\.1:\d+: feed is disabled/,
    );
    assert.ok(!e.message.includes(emu.token));
    return true;
  });
});
