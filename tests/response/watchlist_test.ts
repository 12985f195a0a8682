import assert from "node:assert/strict";
import { ApiError, InvalidObjectError } from "@cbapi/cbapi/core";
import { Binary, Process, ProcessQuery, SearchQuery, Watchlist } from "@cbapi/cbapi/response";
import { requestsSince, responseFixture } from "../_helpers.ts";

const NET_QUERY = String.raw`process_name:net.exe cmdline:\\test\blah`;

Deno.test("ProcessQuery.createWatchlist() posts the documented body and loads the watchlist [spec 87]", async () => {
  await using f = await responseFixture();
  const { cb, emu } = f;
  const q = cb.select(Process).where("process_name:net.exe").and(String.raw`cmdline:\\test\blah`);
  const n = emu.requests.length;
  const wl = await q.createWatchlist("[WARN] Attempts to mount internal share");
  assert.deepEqual(requestsSince(emu, n), ["POST /api/v1/watchlist", "GET /api/v1/watchlist/12"]);
  assert.equal(
    emu.requests[n]!.body,
    '{"index_type": "events", "name": "[WARN] Attempts to mount internal share", "search_query": ' +
      '"cb.urlver=1&facet=false&q=process_name%3Anet.exe+cmdline%3A%5C%5Ctest%5Cblah&sort=last_update+desc"}',
  );
  assert.ok(wl instanceof Watchlist);
  assert.equal(wl.id, "12");
  assert.equal(wl.query, NET_QUERY);
  assert.equal(emu.state.watchlists.get("12")?.index_type, "events");
  assert.equal(await wl.search().count(), 2);
});

Deno.test("Binary query createWatchlist() uses index_type modules [spec 88]", async () => {
  await using f = await responseFixture();
  const { cb, emu } = f;
  const wl = await cb.select(Binary).where("digsig_result:Signed").createWatchlist("signed");
  const body = JSON.parse(emu.requests.find((r) => r.method === "POST")!.body);
  assert.deepEqual(body, {
    index_type: "modules",
    name: "signed",
    search_query: "cb.urlver=1&facet=false&q=digsig_result%3ASigned",
  });
  assert.equal(wl.index_type, "modules");
  assert.ok(wl.search() instanceof SearchQuery);
  // Process filters come before q, as in the Python client's parameter dict.
  const grouped = await cb.select(Process).where("process_name:cmd.exe").groupBy("id")
    .createWatchlist("cmd");
  assert.equal(
    grouped.search_query,
    "cb.urlver=1&facet=false&cb.group=id&q=process_name%3Acmd.exe&sort=last_update+desc",
  );
});

Deno.test("Watchlist list, select, create, update (enable/disable) and delete [spec 187]", async () => {
  await using f = await responseFixture();
  const { cb, emu } = f;
  const all = await cb.select(Watchlist).toArray();
  assert.deepEqual(all.map((w) => w.id), ["11", "5", "1", "6", "9", "7"]);
  assert.equal(all[0]!.total_hits, 3503);
  assert.ok(all[0]!.date_added instanceof Date);
  const byName = await cb.select(Watchlist).where("name:Newly Executed Applications").one();
  assert.equal(byName.id, "5");
  const wl = cb.create(Watchlist, { name: "mine", index_type: "events" });
  wl.query = "process_name:notepad.exe";
  let n = emu.requests.length;
  await wl.save();
  assert.deepEqual(requestsSince(emu, n), ["POST /api/v1/watchlist", "GET /api/v1/watchlist/12"]);
  assert.deepEqual(JSON.parse(emu.requests[n]!.body), {
    index_type: "events",
    name: "mine",
    search_query: "cb.urlver=1&q=process_name%3Anotepad.exe",
  });
  wl.enabled = false;
  n = emu.requests.length;
  await wl.save();
  assert.deepEqual(requestsSince(emu, n), ["PUT /api/v1/watchlist/12", "GET /api/v1/watchlist/12"]);
  assert.equal(JSON.parse(emu.requests[n]!.body).enabled, false);
  assert.equal(emu.state.watchlists.get("12")?.enabled, false);
  await wl.delete();
  assert.equal(emu.state.watchlists.has("12"), false);
  const incomplete = cb.create(Watchlist, { name: "x" });
  await assert.rejects(incomplete.save(), InvalidObjectError);
});

Deno.test("Watchlist.query reads q and cb.q.* terms [spec 188]", async () => {
  await using f = await responseFixture();
  const { cb } = f;
  assert.equal((await cb.select(Watchlist, 11)).query, "is_executable_image:false");
  assert.equal(
    (await cb.select(Watchlist, "6")).query,
    String.raw`-path:c:\windows\* filemod:c:\windows\system32\*`,
  );
  assert.equal(
    (await cb.select(Watchlist, 7)).query,
    String
      .raw`regmod:registry\machine\software\microsoft\windows\currentversion\uninstall -path:c:\windows\*`,
  );
});

Deno.test("Watchlist.query setter path-quotes and marks search_query changed [spec 189]", async () => {
  await using f = await responseFixture();
  const { cb, emu } = f;
  const wl = await cb.select(Watchlist, 5);
  wl.query = NET_QUERY;
  assert.equal(
    wl.search_query,
    "cb.urlver=1&sort=server_added_timestamp%20desc&q=process_name%3Anet.exe%20cmdline%3A%5C%5Ctest%5Cblah",
  );
  assert.deepEqual(wl.dirtyFields, ["search_query"]);
  assert.match(String(wl), /\(\*\) +search_query: cb.urlver=1/);
  await wl.save();
  assert.equal(emu.state.watchlists.get("5")?.search_query, wl.search_query);
  const fresh = await cb.select(Watchlist, 7);
  fresh.query = "process_name:regedit.exe";
  assert.equal(fresh.search_query, "cb.urlver=1&q=process_name%3Aregedit.exe");
});

Deno.test("Watchlist.facets reads cb.fq.* parameters [spec 190]", async () => {
  await using f = await responseFixture();
  const { cb } = f;
  const wl = cb.create(Watchlist, {
    search_query: "cb.urlver=1&q=process_name%3Acmd.exe&cb.fq.group=Servers&cb.fq.username=root",
  });
  assert.deepEqual(wl.facets, { group: "Servers", username: "root" });
  assert.deepEqual((await cb.select(Watchlist, 11)).facets, {});
});

Deno.test("Watchlist.search() runs the saved query with the right model (quirk 1 fixed) [spec 191]", async () => {
  await using f = await responseFixture();
  const { cb, emu } = f;
  emu.state.watchlists.get("6")!.search_query =
    "facet=false&q=process_name%3Anet.exe%20cmdline%3A%5C%5Ctest%5Cblah&cb.urlver=1";
  const events = await cb.select(Watchlist, 6);
  const q = events.search();
  assert.ok(q instanceof ProcessQuery);
  const n = emu.requests.length;
  assert.equal(await q.count(), 2);
  assert.deepEqual(requestsSince(emu, n), [
    "GET /api/v1/process?cb.urlver=1&facet=false&q=process_name%3Anet.exe+cmdline%3A%5C%5Ctest%5Cblah&rows=0&start=0",
  ]);
  const procs = await q.toArray();
  assert.ok(procs.every((p) => p.process_name === "net.exe"));
  assert.match(emu.requests.at(-1)!.url, /sort=last_update\+desc/);
  const modules = await cb.select(Watchlist, 5);
  const bins = modules.search();
  const rows = await bins.toArray();
  assert.ok(rows.length > 0 && rows.every((b) => b instanceof Binary && b.is_executable_image));
  assert.match(emu.requests.at(-1)!.url, /sort=server_added_timestamp\+desc/);
  assert.ok(rows.length < (await cb.select(Binary).count()));
  const odd = cb.create(Watchlist, { index_type: "hosts", search_query: "q=x" });
  assert.throws(() => odd.search(), InvalidObjectError);
  assert.throws(() => q.where("process_name:cmd.exe"), ApiError);
});

Deno.test("Watchlist.actions(), createAction() and WatchlistAction create, update, delete, join [spec 192,193]", async () => {
  await using f = await responseFixture();
  const { cb, emu } = f;
  const wl = await cb.select(Watchlist, 6);
  let n = emu.requests.length;
  const actions = await wl.actions().toArray();
  assert.deepEqual(requestsSince(emu, n), ["GET /api/v1/watchlist/6/action"]);
  assert.deepEqual(actions.map((a) => a.type), ["alert", "email"]);
  assert.equal(await actions[0]!.watchlist(), wl);
  const action = wl.createAction();
  assert.equal(action.watchlist_id, "6");
  action.type = "email";
  action.action_data = '{"email_recipients":[1]}';
  n = emu.requests.length;
  await action.save();
  assert.deepEqual(requestsSince(emu, n), ["POST /api/v1/watchlist/6/action"]);
  const id = action.id!;
  assert.equal(emu.state.watchlistActions.get(id)?.watchlist_id, "6");
  action.type = "syslog";
  await action.save();
  assert.deepEqual(requestsSince(emu, n).slice(1), [`PUT /api/v1/watchlist/6/action/${id}`]);
  assert.equal(JSON.parse(emu.requests.at(-1)!.body).action_type, 1);
  assert.equal(emu.state.watchlistActions.get(id)?.action_type, 1);
  await action.delete();
  assert.equal(emu.state.watchlistActions.has(id), false);
});
