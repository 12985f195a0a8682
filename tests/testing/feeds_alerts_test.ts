import assert from "node:assert/strict";
import { startEmulator } from "../_helpers.ts";
import { call, qs, send } from "./_helpers.ts";

const FEED_FIELDS = [
  "id",
  "name",
  "display_name",
  "category",
  "provider_url",
  "summary",
  "tech_data",
  "feed_url",
  "enabled",
  "use_proxy",
  "validate_server_cert",
  "username",
  "password",
  "ssl_client_crt",
  "ssl_client_key",
  "requires_who",
  "requires_what",
  "requires",
  "order",
  "local_rating",
  "provider_rating",
  "manually_added",
  "icon",
  "icon_small",
];

Deno.test("[spec 321] feeds: recorded fields, CRUD, synchronize 409 on a disabled feed", async () => {
  await using emu = await startEmulator();
  const list = (await call(emu, "/api/v1/feed")).json;
  assert.deepEqual(list.map((f: { id: number }) => f.id), [7, 2, 3, 9, 11]);
  for (const f of list) for (const k of FEED_FIELDS) assert.ok(k in f, `${f.name}.${k}`);
  const soc = list[0];
  assert.equal(soc.name, "SOC");
  assert.equal(soc.use_proxy, null);
  assert.equal(typeof soc.provider_rating, "number");
  assert.ok(list.some((f: { feed_url: string }) => f.feed_url.startsWith("file:///usr/share/cb/")));
  assert.equal((await call(emu, "/api/v1/feed/404")).status, 404);
  assert.equal((await call(emu, "/api/v1/feed", { token: "wrong" })).status, 401);

  assert.equal((await send(emu, "POST", "/api/v1/feed", { name: "x" })).status, 400);
  assert.equal(
    (await send(emu, "POST", "/api/v1/feed", { feed_url: "https://a.invalid/f" })).status,
    500,
  );
  const created = await send(emu, "POST", "/api/v1/feed", {
    feed_url: "https://x.example/f",
    name: "x",
  });
  assert.equal(created.json.id, 12);
  assert.equal(created.json.use_proxy, null);
  assert.equal(
    (await send(emu, "POST", "/api/v1/feed", { feed_url: "https://x.example/f" })).status,
    409,
  );
  assert.deepEqual((await send(emu, "PUT", "/api/v1/feed/12", { enabled: false })).json, {
    result: "success",
  });
  assert.equal(emu.state.feeds.get(12)?.enabled, false);
  assert.equal(
    (await send(emu, "POST", "/api/v1/feed/12/synchronize", { full_sync: true })).status,
    409,
  );
  assert.equal(
    (await send(emu, "POST", "/api/v1/feed/9/synchronize", { full_sync: true })).status,
    409,
  );
  assert.equal((await send(emu, "POST", "/api/v1/feed/7/synchronize", {})).status, 400);
  assert.deepEqual(
    (await send(emu, "POST", "/api/v1/feed/7/synchronize", { full_sync: false })).json,
    {
      result: "success",
    },
  );
  assert.equal((await call(emu, "/api/v1/feed/12", { method: "DELETE" })).status, 200);
  assert.equal(emu.state.feeds.has(12), false);
});

Deno.test("[spec 321] feed and watchlist actions: list, create, update, delete", async () => {
  await using emu = await startEmulator();
  const actions = (await call(emu, "/api/v1/feed/7/action")).json;
  assert.deepEqual(actions.map((a: { action_type: number }) => a.action_type), [3, 0]);
  assert.ok(
    actions.every((a: { group_id: number; watchlist_id: number }) =>
      a.group_id === 7 && a.watchlist_id === -1
    ),
  );
  assert.equal(
    (await send(emu, "POST", "/api/v1/feed/7/action", { action_type: 9, watchlist_id: -1 })).status,
    400,
  );
  assert.equal((await send(emu, "POST", "/api/v1/feed/7/action", { action_type: 1 })).status, 400);
  const made = (await send(emu, "POST", "/api/v1/feed/7/action", {
    action_type: 1,
    watchlist_id: -1,
    group_id: 7,
  })).json;
  assert.equal(made.group_id, 7);
  assert.deepEqual(
    (await send(emu, "PUT", `/api/v1/feed/7/action/${made.id}`, { action_type: 2 })).json,
    { result: "success" },
  );
  assert.equal(emu.state.feedActions.get(made.id)?.action_type, 2);
  assert.equal(
    (await send(emu, "PUT", `/api/v1/feed/2/action/${made.id}`, { action_type: 2 })).status,
    404,
  );
  assert.equal(
    (await call(emu, `/api/v1/feed/7/action/${made.id}`, { method: "DELETE" })).status,
    200,
  );

  const wla = (await call(emu, "/api/v1/watchlist/6/action")).json;
  assert.equal(wla.length, 2);
  assert.ok(wla.every((a: { watchlist_id: string }) => a.watchlist_id === "6"));
  assert.equal((await call(emu, "/api/v1/watchlist/999/action")).status, 404);
  const w =
    (await send(emu, "POST", "/api/v1/watchlist/5/action", { action_type: 3, watchlist_id: 5 }))
      .json;
  assert.equal(w.watchlist_id, "5");
  assert.equal(
    (await send(emu, "PUT", `/api/v1/watchlist/5/action/${w.id}`, { action_type: 0 })).status,
    200,
  );
  assert.equal(emu.state.watchlistActions.get(w.id)?.action_type, 0);
  assert.equal(
    (await call(emu, `/api/v1/watchlist/5/action/${w.id}`, { method: "DELETE" })).status,
    200,
  );
  assert.equal(emu.state.watchlistActions.has(w.id), false);
});

Deno.test("[spec 321,322] threat reports: search, GET by feed, POST by ids and by query", async () => {
  await using emu = await startEmulator();
  const page = (await call(
    emu,
    `/api/v1/threat_report?${
      qs({
        "cb.urlver": 1,
        q: "feed_id:7 title:FUZZYWOMBAT",
        rows: 2,
        start: 0,
        sort: "score desc",
      })
    }`,
  )).json;
  assert.equal(page.total_results, 3);
  assert.deepEqual(page.results.map((r: { score: number }) => r.score), [90, 80]);
  for (const r of page.results) {
    assert.equal(typeof r.id, "string");
    assert.equal(r.feed_id, 7);
    assert.equal(r.is_ignored, false);
  }
  const one = (await call(emu, "/api/v1/feed/7/report/SOC-2018-0003")).json;
  assert.equal(one.has_query, true);
  assert.equal((await call(emu, "/api/v1/feed/2/report/SOC-2018-0003")).status, 404);
  const byIds = await send(emu, "POST", "/api/v1/threat_report", {
    ids: { "7": ["SOC-2018-0003"] },
    updates: { is_ignored: true },
  });
  assert.equal(byIds.status, 204);
  assert.equal(emu.state.feedReports.get(7)!.get("SOC-2018-0003")!.is_ignored, true);
  const byQuery = await send(emu, "POST", "/api/v1/threat_report", {
    query: "cb.urlver=1&q=feed_id%3A7%20title%3AFUZZYWOMBAT",
    updates: { is_ignored: true },
  });
  assert.equal(byQuery.status, 204);
  assert.equal([...emu.state.feedReports.get(7)!.values()].filter((r) => r.is_ignored).length, 4);
  assert.equal((await send(emu, "POST", "/api/v1/threat_report", { updates: {} })).status, 400);
  assert.equal(
    (await send(emu, "POST", "/api/v1/threat_report", { ids: { "7": ["nope"] }, updates: {} }))
      .status,
    404,
  );
  assert.equal(
    (await send(emu, "POST", "/api/v1/threat_report", {
      ids: { "7": ["SOC-2018-0001"] },
      updates: { is_ignored: "yes" },
    })).status,
    400,
  );
});

Deno.test("[spec 321,322] alerts: search, single update, bulk update limits, delete", async () => {
  await using emu = await startEmulator();
  const all =
    (await call(emu, `/api/v1/alert?${qs({ "cb.urlver": 1, q: "", rows: 500, start: 0 })}`)).json;
  assert.equal(all.total_results, 7);
  const statuses = new Set(all.results.map((a: { status: string }) => a.status));
  assert.deepEqual([...statuses].sort(), [
    "False Positive",
    "In Progress",
    "Resolved",
    "Unresolved",
  ]);
  for (const a of all.results) {
    assert.equal(typeof a.unique_id, "string");
    if (a.alert_type.endsWith(".process")) {
      assert.ok(emu.state.processes.has(a.process_id), a.process_id);
    } else {
      assert.ok(emu.state.binaries.has(a.md5.toUpperCase()), a.md5);
    }
    assert.ok(emu.state.sensors.has(a.sensor_id));
    if (a.feed_id === -1) assert.ok(emu.state.watchlists.has(a.watchlist_id));
    else assert.ok(emu.state.feeds.has(a.feed_id));
  }
  const facet = (await call(
    emu,
    `/api/v1/alert?${qs({ q: "", rows: 0, facet: "true", "facet.field": "status" })}`,
  )).json;
  assert.equal(facet.facets.status.length, 4);
  const id = all.results[0].unique_id;
  const updated =
    (await send(emu, "POST", `/api/v1/alert/${id}`, { ...all.results[0], status: "resolved" }))
      .json;
  assert.equal(updated.status, "Resolved");
  assert.equal(typeof updated.resolved_time, "string");
  assert.equal((await send(emu, "POST", "/api/v1/alert/none", {})).status, 404);
  const ids = all.results.map((a: { unique_id: string }) => a.unique_id);
  assert.equal(
    (await send(emu, "POST", "/api/v1/alerts", { alert_ids: ids, requested_status: "Bogus" }))
      .status,
    400,
  );
  assert.equal(
    (await send(emu, "POST", "/api/v1/alerts", { alert_ids: [], requested_status: "Resolved" }))
      .status,
    400,
  );
  assert.equal(
    (await send(emu, "POST", "/api/v1/alerts", {
      alert_ids: Array(501).fill(id),
      requested_status: "Resolved",
    })).status,
    400,
  );
  const bulk = await send(emu, "POST", "/api/v1/alerts", {
    alert_ids: ids,
    assigned_to: "jdoe",
    requested_status: "In Progress",
  });
  assert.deepEqual(bulk.json, { result: "success" });
  assert.ok(
    [...emu.state.alerts.values()].every((a) =>
      a.status === "In Progress" && a.assigned_to === "jdoe"
    ),
  );
  await send(emu, "POST", "/api/v1/alerts", {
    alert_ids: ids,
    updates: { is_ignored: true, requested_status: "False Positive" },
  });
  assert.ok(
    [...emu.state.alerts.values()].every((a) =>
      a.status === "False Positive" && a.is_ignored === true
    ),
  );
  assert.equal((await call(emu, `/api/v1/alert/${id}`, { method: "DELETE" })).status, 200);
  assert.equal(emu.state.alerts.has(id), false);
});
