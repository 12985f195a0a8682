// Load: 200 concurrent queries and 20 concurrent Live Response jobs against one emulator finish
// with every result correct and the server's session slots never exceeded. Bounded in count; no
// timed assertions.

import assert from "node:assert/strict";
import { Binary, CbResponseAPI, Process, Sensor } from "@cbapi/cbapi/response";
import { CbEmulator, type RecordedRequest } from "@cbapi/cbapi/testing";

const QUERIES = 200;
const JOBS = 20;
const SLOTS = 10;

/** Every row of a search, asked of the server in one bare request. */
async function serverRows<T>(emu: CbEmulator, path: string, q = "", sort?: string): Promise<T[]> {
  const query = new URLSearchParams({ "cb.urlver": "1", q, rows: "100000", start: "0" });
  if (sort) query.set("sort", sort);
  const res = await fetch(`${emu.url}${path}?${query}`, {
    headers: { "X-Auth-Token": emu.token },
  });
  const page = await res.json() as { results: T[]; total_results: number };
  assert.equal(page.results.length, page.total_results, "one page holds every row");
  return page.results;
}

Deno.test("200 concurrent queries against one emulator all return the right rows [spec 53,54,322]", async () => {
  await using emu = await CbEmulator.start({ scale: 40 });
  await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
  // Expected answers straight from the server (bare fetch, one request each), not from the
  // client under test.
  const all = await serverRows<{ id: string; process_name?: string }>(emu, "/api/v1/process");
  const names = [...new Set(all.map((p) => p.process_name))]
    .filter((n): n is string => typeof n === "string" && /^[\w.-]+$/.test(n)).slice(0, 10);
  assert.ok(names.length >= 3);
  const expected = new Map<string, string[]>();
  for (const n of names) {
    expected.set(
      n,
      // Process searches sort by last_update desc unless told otherwise (SPEC §4.6).
      (await serverRows<{ id: string }>(
        emu,
        "/api/v1/process",
        `process_name:${n}`,
        "last_update desc",
      )).map((p) => p.id),
    );
  }
  const binaries = (await serverRows<{ md5: string }>(emu, "/api/v1/binary")).map((b) => b.md5)
    .sort();
  const sensorDocs = await (await fetch(`${emu.url}/api/v1/sensor`, {
    headers: { "X-Auth-Token": emu.token },
  })).json() as Array<{ id: number }>;
  const sensors = sensorDocs.map((s) => s.id).sort();
  const before = emu.requests.length;
  const work = Array.from({ length: QUERIES }, async (_, i) => {
    const kind = i % 4;
    if (kind === 3) {
      assert.deepEqual(
        (await cb.select(Binary).batchSize(7).toArray()).map((b) => b.md5).sort(),
        binaries,
      );
      return;
    }
    if (kind === 2) {
      assert.deepEqual((await cb.select(Sensor).toArray()).map((s) => s.id).sort(), sensors);
      return;
    }
    const n = names[i % names.length]!;
    const q = cb.select(Process).where(`process_name:${n}`).batchSize(3);
    if (kind === 1) assert.equal(await q.count(), expected.get(n)!.length);
    else assert.deepEqual((await q.toArray()).map((p) => p.id), expected.get(n));
  });
  await Promise.all(work);
  const sent = emu.requests.slice(before);
  assert.ok(sent.length >= QUERIES, "every query reached the server");
  assert.deepEqual(sent.filter((r) => r.status >= 400), [], "no request failed");
});

/** The most sessions that were open at once, replayed from the emulator's request log. */
function peakSessions(requests: readonly RecordedRequest[]): number {
  let open = 0;
  let peak = 0;
  for (const r of requests) {
    if (r.method === "POST" && r.path === "/api/v1/cblr/session" && r.status === 200) open++;
    if (
      r.method === "PUT" && /^\/api\/v1\/cblr\/session\/\d+$/.test(r.path) &&
      r.body.includes("close")
    ) {
      open--;
    }
    peak = Math.max(peak, open);
  }
  return peak;
}

Deno.test("20 concurrent Live Response jobs finish correctly within the 10 session slots [spec 309,310,326]", async () => {
  await using emu = await CbEmulator.start({ scale: 30 });
  await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
  cb.liveResponse.configure({ sessionPollIntervalMs: 2, commandPollIntervalMs: 2 });
  const online = (await cb.select(Sensor).toArray())
    .filter((s) => s.status === "Online" && s.os_type === 1)
    .map((s) => s.id!)
    .slice(0, JOBS);
  assert.equal(online.length, JOBS, "the scaled emulator has 20 online Windows sensors");
  emu.clearRequests();
  await using run = cb.liveResponse.submitJob(async (session): Promise<string[]> => {
    const dir = String.raw`c:\load_${session.sensorId}`;
    await session.createDirectory(dir);
    const listing = await session.listDirectory("c:\\");
    return listing.map((e) => e.filename).filter((f) => f.startsWith("load_"));
  }, online);
  const results = new Map<number, string[]>();
  for await (const r of run) {
    if (!r.ok) throw r.error;
    assert.ok(!results.has(r.sensorId), "each sensor's result arrives once");
    results.set(r.sensorId, r.value);
  }
  assert.equal(results.size, JOBS);
  for (const [id, dirs] of results) assert.deepEqual(dirs, [`load_${id}`]);
  for (const id of online) {
    assert.ok(emu.state.liveResponse.exists("response", id, String.raw`c:\load_${id}`));
  }
  const peak = peakSessions(emu.requests);
  assert.ok(peak >= 2 && peak <= SLOTS, `at most ${SLOTS} sessions at once (peak ${peak})`);
  assert.deepEqual(
    emu.requests.filter((r) => r.status >= 400).map((r) => `${r.method} ${r.url}`),
    [],
  );
  assert.equal(emu.state.liveResponse.openSessions, 0, "every session closed");
});
