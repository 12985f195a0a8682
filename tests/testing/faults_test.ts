import assert from "node:assert/strict";
import { CbEmulator } from "@cbapi/cbapi/testing";
import { call, send } from "./_helpers.ts";

Deno.test("[spec 329] status faults with Retry-After, custom bodies, skip and times", async () => {
  await using emu = await CbEmulator.start();
  emu.faults.add({ path: "/api/v1/sensor", status: 503, retryAfter: 2 });
  emu.faults.add({
    path: "/api/info",
    status: 429,
    retryAfter: "Wed, 21 Oct 2015 07:28:00 GMT",
    body: '{"error": "slow down"}',
    skip: 1,
    times: 2,
  });
  assert.equal(emu.faults.pending, 2);
  const busy = await call(emu, "/api/v1/sensor");
  assert.equal(busy.status, 503);
  assert.equal(busy.headers.get("retry-after"), "2");
  assert.equal((await call(emu, "/api/v1/sensor")).status, 200);
  const statuses = [];
  for (let i = 0; i < 4; i++) {
    const r = await call(emu, "/api/info");
    statuses.push(r.status);
    if (r.status === 429) {
      assert.equal(r.headers.get("retry-after"), "Wed, 21 Oct 2015 07:28:00 GMT");
      assert.deepEqual(r.json, { error: "slow down" });
    }
  }
  assert.deepEqual(statuses, [200, 429, 429, 200]);
  assert.equal(emu.faults.pending, 0);
  assert.deepEqual(emu.requests.map((r) => r.fault ?? "-"), [
    "status 503+headers",
    "-",
    "-",
    "status 429+headers",
    "status 429+headers",
    "-",
  ]);
  assert.deepEqual(emu.requests.map((r) => r.status), [503, 200, 200, 429, 429, 200]);
});

Deno.test("[spec 329] matching by method, prefix, RegExp; Infinity; clear()", async () => {
  await using emu = await CbEmulator.start();
  emu.faults.add({ method: "put", path: "/api/v1/sensor/*", status: 502, times: Infinity });
  emu.faults.add({ path: /^\/api\/v1\/binary\/[0-9A-F]{32}\/summary$/, status: 504 });
  assert.equal((await call(emu, "/api/v1/sensor/3")).status, 200);
  assert.equal((await send(emu, "PUT", "/api/v1/sensor/3", {})).status, 502);
  assert.equal((await send(emu, "PUT", "/api/v1/sensor/4", {})).status, 502);
  assert.equal(
    (await call(emu, "/api/v1/binary/7FB55F5A62E78AF9B58D08AAEEAEF848/summary")).status,
    504,
  );
  assert.equal(emu.faults.pending, 1);
  emu.faults.clear();
  assert.equal(emu.faults.pending, 0);
  assert.equal((await send(emu, "PUT", "/api/v1/sensor/3", {})).status, 204);
  assert.throws(() => emu.faults.add({ path: "/x" }), TypeError);
  assert.throws(() => emu.faults.add({ path: "/x", status: 500, times: 0 }), TypeError);
});

Deno.test("[spec 329] delays hold the answer back", async () => {
  await using emu = await CbEmulator.start();
  emu.faults.add({ path: "/api/info", delayMs: 200 });
  const t0 = performance.now();
  const res = await call(emu, "/api/info");
  assert.equal(res.status, 200);
  assert.ok(performance.now() - t0 >= 195);
  assert.equal(emu.requests[0]!.fault, "delay");
  const t1 = performance.now();
  await call(emu, "/api/info");
  assert.ok(performance.now() - t1 < 150);
});

Deno.test("[spec 329] latencyMs delays every answer", async () => {
  await using emu = await CbEmulator.start({ latencyMs: 30 });
  const t0 = performance.now();
  await call(emu, "/api/info");
  await call(emu, "/api/info");
  assert.ok(performance.now() - t0 >= 55);
});

Deno.test("[spec 329] drop before: no answer and no state change", async () => {
  await using emu = await CbEmulator.start();
  emu.faults.add({ method: "PUT", path: "/api/v1/sensor/3", drop: "before" });
  const doc = (await call(emu, "/api/v1/sensor/3")).json;
  await assert.rejects(
    fetch(`${emu.url}/api/v1/sensor/3`, {
      method: "PUT",
      headers: { "X-Auth-Token": emu.token },
      body: JSON.stringify({ ...doc, notes: "changed" }),
    }),
    TypeError,
  );
  assert.equal(emu.state.sensors.get(3)!.notes, null);
  const last = emu.requests.at(-1)!;
  assert.equal(last.status, 0);
  assert.equal(last.fault, "drop before");
  assert.equal((await call(emu, "/api/v1/sensor/3")).json.notes, null);
});

Deno.test("[spec 329] drop after: no answer but the state changed", async () => {
  await using emu = await CbEmulator.start();
  emu.faults.add({ method: "POST", path: "/api/v1/banning/blacklist", drop: "after" });
  await assert.rejects(
    fetch(`${emu.url}/api/v1/banning/blacklist`, {
      method: "POST",
      headers: { "X-Auth-Token": emu.token },
      body: JSON.stringify({ md5hash: "7FB55F5A62E78AF9B58D08AAEEAEF848", text: "x" }),
    }),
    TypeError,
  );
  assert.equal(emu.state.bannedHashes.get("7fb55f5a62e78af9b58d08aaeeaef848")?.enabled, true);
  assert.equal(emu.requests.at(-1)!.status, 0);
  assert.equal(emu.requests.at(-1)!.fault, "drop after");
  const retry = await send(emu, "POST", "/api/v1/banning/blacklist", {
    md5hash: "7FB55F5A62E78AF9B58D08AAEEAEF848",
    text: "x",
  });
  assert.equal(retry.status, 409);
});

Deno.test("[spec 329] truncated bodies: full Content-Length, half the bytes, then close", async () => {
  await using emu = await CbEmulator.start();
  const full = await call(emu, "/api/v1/watchlist");
  emu.faults.add({ path: "/api/v1/watchlist", truncate: true });
  const res = await fetch(`${emu.url}/api/v1/watchlist`, {
    headers: { "X-Auth-Token": emu.token },
  });
  assert.equal(res.status, 200);
  assert.equal(
    Number(res.headers.get("content-length")),
    new TextEncoder().encode(full.text).length,
  );
  await assert.rejects(res.text());
  assert.equal(emu.requests.at(-1)!.fault, "truncate");
  emu.faults.add({ path: "/api/v1/binary/*", truncate: true });
  const zip = await fetch(`${emu.url}/api/v1/binary/C7F5CAE0B450BE875EEE0E6DDFA771FE`, {
    headers: { "X-Auth-Token": emu.token },
  });
  await assert.rejects(zip.arrayBuffer());
  assert.equal((await call(emu, "/api/v1/watchlist")).text, full.text);
});

Deno.test("[spec 329] non-JSON bodies replace the route's answer after it ran", async () => {
  await using emu = await CbEmulator.start();
  emu.faults.add({ method: "POST", path: "/api/v1/watchlist", nonJson: true });
  const res = await send(emu, "POST", "/api/v1/watchlist", {
    name: "w",
    search_query: "q=process_name%3Anet.exe",
    index_type: "events",
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/html");
  assert.match(res.text, /^<html>/);
  assert.equal(emu.state.watchlists.get("12")?.name, "w");
});

Deno.test("[spec 329] redirects answer 302 with the Location", async () => {
  await using emu = await CbEmulator.start();
  emu.faults.add({ path: "/api/v1/sensor/1", redirect: "/api/v1/sensor/3" });
  const manual = await call(emu, "/api/v1/sensor/1", { redirect: "manual" });
  assert.equal(manual.status, 302);
  assert.equal(manual.headers.get("location"), "/api/v1/sensor/3");
  emu.faults.add({ path: "/api/v1/sensor/1", redirect: `${emu.url}/api/v1/sensor/4` });
  const followed = await call(emu, "/api/v1/sensor/1");
  assert.equal(followed.status, 200);
  assert.equal(followed.json.id, 4);
  assert.deepEqual(emu.requests.map((r) => r.status), [302, 302, 200]);
});

Deno.test("[spec 329] a drop reaches fetch even on a warm keep-alive connection", async () => {
  await using emu = await CbEmulator.start();
  for (let i = 0; i < 3; i++) await call(emu, "/api/info");
  emu.faults.add({ path: "/api/info", drop: "before", skip: 1, times: 2 });
  assert.equal((await call(emu, "/api/info")).status, 200);
  await assert.rejects(
    fetch(`${emu.url}/api/info`, { headers: { "X-Auth-Token": emu.token } }),
    TypeError,
  );
  await assert.rejects(
    fetch(`${emu.url}/api/info`, { headers: { "X-Auth-Token": emu.token } }),
    TypeError,
  );
  assert.equal((await call(emu, "/api/info")).status, 200);
  assert.deepEqual(emu.requests.slice(3).map((r) => r.status), [200, 0, 0, 200]);
});
