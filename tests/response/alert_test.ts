import assert from "node:assert/strict";
import { ObjectNotFoundError } from "@cbapi/cbapi/core";
import { Alert, AlertQuery, Binary, Feed, Process, Sensor, Watchlist } from "@cbapi/cbapi/response";
import type { CbEmulator } from "@cbapi/cbapi/testing";
import { requestsSince, responseFixture } from "../_helpers.ts";

/** Adds `count` unresolved copies of a seeded alert (a bulk data set). */
function seedAlerts(emu: CbEmulator, count: number): void {
  const template = [...emu.state.alerts.values()].find((a) => a.status === "Unresolved")!;
  for (let i = 0; i < count; i++) {
    const unique_id = `bulk-${String(i).padStart(5, "0")}`;
    emu.state.alerts.set(unique_id, {
      ...structuredClone(template),
      unique_id,
      hostname: "BULK-HOST",
      status: "Unresolved",
    });
  }
}

function bulkPosts(emu: CbEmulator, from: number) {
  return emu.requests.slice(from).filter((r) => r.method === "POST").map((r) => ({
    url: r.url,
    body: JSON.parse(r.body),
  }));
}

Deno.test("Alert search and select by unique_id [spec 197]", async () => {
  await using f = await responseFixture();
  const { cb, emu } = f;
  const q = cb.select(Alert).where("status:Unresolved");
  assert.ok(q instanceof AlertQuery);
  const alerts = await q.toArray();
  assert.equal(alerts.length, 3);
  assert.ok(alerts.every((a) => a.status === "Unresolved" && a.created_time instanceof Date));
  const id = alerts[0]!.unique_id!;
  const n = emu.requests.length;
  cb.cache.clear();
  const one = await cb.select(Alert, id);
  assert.equal(one.unique_id, id);
  assert.equal(one.hostname, alerts[0]!.hostname);
  assert.deepEqual(requestsSince(emu, n), [
    `GET /api/v1/alert?cb.urlver=1&facet=false&q=unique_id%3A${id}&rows=1&start=0`,
  ]);
  await assert.rejects(cb.select(Alert, "no-such-alert"), ObjectNotFoundError);
});

Deno.test("AlertQuery pages 500 rows at a time [spec 89]", async () => {
  await using f = await responseFixture();
  const { cb, emu } = f;
  seedAlerts(emu, 1100);
  const n = emu.requests.length;
  const all = await cb.select(Alert).where("hostname:BULK-HOST").toArray();
  assert.equal(all.length, 1100);
  assert.deepEqual(
    requestsSince(emu, n),
    [0, 500, 1000].map((s) =>
      `GET /api/v1/alert?cb.urlver=1&facet=false&q=hostname%3ABULK-HOST&rows=500&start=${s}`
    ),
  );
});

Deno.test("Alert save POSTs the whole document to /api/v1/alert/{unique_id} [spec 198]", async () => {
  await using f = await responseFixture();
  const { cb, emu } = f;
  const alert = (await cb.select(Alert).where("status:Unresolved").first())!;
  alert.status = "In Progress";
  alert.set("assigned_to", "jdoe");
  const n = emu.requests.length;
  await alert.save();
  assert.deepEqual(requestsSince(emu, n), [`POST /api/v1/alert/${alert.unique_id}`]);
  const sent = JSON.parse(emu.requests[n]!.body);
  assert.equal(sent.status, "In Progress");
  assert.equal(sent.assigned_to, "jdoe");
  assert.equal(sent.unique_id, alert.unique_id);
  assert.equal(sent.hostname, alert.hostname);
  const stored = emu.state.alerts.get(alert.unique_id!)!;
  assert.equal(stored.status, "In Progress");
  assert.equal(stored.assigned_to, "jdoe");
  assert.equal(alert.isDirty(), false);
});

Deno.test("Alert joins: process, binary, sensor, feed, watchlist, triggerIoc [spec 199]", async () => {
  await using f = await responseFixture();
  const { cb } = f;
  const c2 = await cb.select(Alert).where("ioc_type:ipv4").one();
  const proc = await c2.process();
  assert.ok(proc instanceof Process);
  assert.equal(proc.process_name, "explorer.exe");
  assert.equal(proc.id, c2.get("process_id"));
  assert.equal((await c2.sensor())?.id, 3);
  assert.ok((await c2.sensor()) instanceof Sensor);
  const feed = await c2.feed();
  assert.ok(feed instanceof Feed && feed.name === "SOC");
  assert.equal(await c2.watchlist(), undefined);
  assert.equal(c2.triggerIoc.dns_name, "fuzzywombat.example.net");
  const bin = await c2.binary();
  assert.ok(bin instanceof Binary);

  // 6.x segment ids are truncated on alerts: the process join ignores them.
  const usb = await cb.select(Alert).where('status:"In Progress"').one();
  assert.equal(usb.get("segment_id"), 1);
  const segmented = await usb.process();
  assert.equal(segmented?.process_name, "cmd.exe");
  const wl = await usb.watchlist();
  assert.ok(wl instanceof Watchlist && wl.id === "1");
  assert.equal(await usb.feed(), undefined);

  const binaryAlert = await cb.select(Alert).where(
    "alert_type:watchlist.hit.ingress.binary status:Unresolved",
  ).one();
  assert.equal(await binaryAlert.process(), undefined);
  assert.equal((await binaryAlert.binary())?.md5?.toLowerCase(), binaryAlert.md5);
  assert.deepEqual(binaryAlert.triggerIoc, {});
});

Deno.test("AlertQuery.setIgnored() sends blocks of 500 ids with the documented body [spec 90]", async () => {
  await using f = await responseFixture();
  const { cb, emu } = f;
  seedAlerts(emu, 1203);
  const n = emu.requests.length;
  await cb.select(Alert).where("hostname:BULK-HOST").setIgnored();
  const posts = bulkPosts(emu, n);
  assert.deepEqual(posts.map((p) => [p.url, p.body.alert_ids.length]), [
    ["/api/v1/alerts", 500],
    ["/api/v1/alerts", 500],
    ["/api/v1/alerts", 203],
  ]);
  assert.deepEqual(Object.keys(posts[0]!.body).sort(), ["alert_ids", "updates"]);
  assert.deepEqual(posts[0]!.body.updates, {
    is_ignored: true,
    requested_status: "False Positive",
  });
  const ids = posts.flatMap((p) => p.body.alert_ids);
  assert.equal(new Set(ids).size, 1203);
  const bulk = [...emu.state.alerts.values()].filter((a) => a.hostname === "BULK-HOST");
  assert.ok(bulk.every((a) => a.is_ignored === true && a.status === "False Positive"));
});

Deno.test("AlertQuery.assign() and assignTo() set assigned_to and In Progress [spec 91]", async () => {
  await using f = await responseFixture();
  const { cb, emu } = f;
  seedAlerts(emu, 501);
  const n = emu.requests.length;
  await cb.select(Alert).where("hostname:BULK-HOST").assign("jdoe");
  const posts = bulkPosts(emu, n);
  assert.deepEqual(posts.map((p) => p.body.alert_ids.length), [500, 1]);
  assert.deepEqual(Object.keys(posts[0]!.body).sort(), [
    "alert_ids",
    "assigned_to",
    "requested_status",
  ]);
  assert.equal(posts[0]!.body.assigned_to, "jdoe");
  assert.equal(posts[0]!.body.requested_status, "In Progress");
  assert.ok(
    [...emu.state.alerts.values()].filter((a) => a.hostname === "BULK-HOST")
      .every((a) => a.assigned_to === "jdoe" && a.status === "In Progress"),
  );
  const m = emu.requests.length;
  await cb.select(Alert).where("status:Resolved").assignTo("admin");
  assert.deepEqual(bulkPosts(emu, m).map((p) => p.body.assigned_to), ["admin"]);
});

Deno.test("AlertQuery.changeStatus() in blocks; nothing sent when nothing matches [spec 92]", async () => {
  await using f = await responseFixture();
  const { cb, emu } = f;
  seedAlerts(emu, 1000);
  const q = cb.select(Alert).where("hostname:BULK-HOST status:Unresolved");
  assert.equal(await q.count(), 1000);
  const n = emu.requests.length;
  await q.changeStatus("Resolved");
  const posts = bulkPosts(emu, n);
  assert.deepEqual(posts.map((p) => p.body.alert_ids.length), [500, 500]);
  assert.deepEqual(Object.keys(posts[0]!.body).sort(), ["alert_ids", "requested_status"]);
  assert.equal(posts[0]!.body.requested_status, "Resolved");
  assert.equal(await cb.select(Alert).where("hostname:BULK-HOST status:Unresolved").count(), 0);
  assert.equal(await q.count(), 1000, "the query's own cached count is untouched");
  const m = emu.requests.length;
  await cb.select(Alert).where("hostname:NO-SUCH-HOST").changeStatus("Resolved");
  assert.deepEqual(requestsSince(emu, m), [
    "GET /api/v1/alert?cb.urlver=1&facet=false&q=hostname%3ANO-SUCH-HOST&rows=500&start=0",
  ]);
});
