// Pages in flight (issue 17 item 1): once the first page gives the total, a query fetches the
// next pages concurrently, at most N at a time, yields rows in order, cancels everything on
// abort, retries a failed page alone and never asks for rows it was not asked for.
//
// The bound is read from the emulator's own count of requests it was handling at once
// (`maxInFlight`, and `inFlight` of each logged request), not from timings. The emulator's
// `searchLatencyMs` holds each search answer back as a real server's index does (tens to hundreds of
// milliseconds a page), so concurrent requests really overlap on the server.

import assert from "node:assert/strict";
import { DEFAULT_PAGES_IN_FLIGHT } from "@cbapi/cbapi/core";
import { CbResponseAPI, Process } from "@cbapi/cbapi/response";
import { CbEmulator } from "@cbapi/cbapi/testing";
import { FAST_RETRIES, responseFixture } from "../_helpers.ts";

const PAGE = 4;

function starts(emu: CbEmulator, from = 0): number[] {
  return emu.requests.slice(from).filter((r) => r.path === "/api/v1/process").map((r) =>
    Number(new URLSearchParams(r.query).get("start"))
  );
}

async function sequentialIds(cb: CbResponseAPI): Promise<string[]> {
  const rows = await cb.select(Process).sort("").batchSize(PAGE).toArray({ pagesInFlight: 1 });
  return rows.map((p) => `${p.id}/${p.segment_id}`);
}

Deno.test("pages in flight: never more than N at once, N reached, rows in order, each page once", async () => {
  await using f = await responseFixture({ searchLatencyMs: 20 });
  const expected = await sequentialIds(f.cb);
  const pages = Math.ceil(expected.length / PAGE);
  assert.ok(pages >= 8, `the data set gives ${pages} pages of ${PAGE}`);
  for (const n of [1, 2, 3]) {
    f.emu.clearRequests();
    const seen: string[] = [];
    for await (
      const p of f.cb.select(Process).sort("").batchSize(PAGE).iterate({ pagesInFlight: n })
    ) {
      seen.push(`${p.id}/${p.segment_id}`);
    }
    assert.deepEqual(seen, expected, `same rows in the same order with ${n} in flight`);
    assert.equal(f.emu.maxInFlight, n, `${n} pages in flight at most, and that many reached`);
    assert.ok(f.emu.requests.every((r) => r.inFlight <= n));
    const asked = starts(f.emu);
    assert.deepEqual(
      [...asked].sort((a, b) => a - b),
      Array.from({ length: pages }, (_, i) => i * PAGE),
      "every window asked exactly once",
    );
  }
});

Deno.test("pages in flight: the API's setting applies to every query, 4 by default", async () => {
  assert.equal(DEFAULT_PAGES_IN_FLIGHT, 4);
  await using emu = await CbEmulator.start({ searchLatencyMs: 20 });
  for (const [option, bound] of [[undefined, 4], [2, 2]] as const) {
    await using cb = await CbResponseAPI.connect({
      url: emu.url,
      token: emu.token,
      ...(option === undefined ? {} : { pagesInFlight: option }),
    });
    assert.equal(cb.pagesInFlight, bound);
    emu.clearRequests();
    const rows = await cb.select(Process).sort("").batchSize(2).toArray();
    assert.ok(rows.length > 2 * 10);
    assert.equal(emu.maxInFlight, bound);
  }
  await assert.rejects(
    CbResponseAPI.connect({ url: emu.url, token: emu.token, pagesInFlight: 0 }),
    RangeError,
  );
});

Deno.test("pages in flight: first(), slice() and a loop left early ask for no more than needed", async () => {
  await using f = await responseFixture({ searchLatencyMs: 10 });
  const q = f.cb.select(Process).sort("").batchSize(PAGE);
  f.emu.clearRequests();
  await q.first();
  assert.deepEqual(
    f.emu.requests.map((r) => new URLSearchParams(r.query).get("rows")),
    ["1"],
    "first(): one request for one row",
  );
  f.emu.clearRequests();
  const some = await q.slice(0, 2 * PAGE + 1);
  assert.equal(some.length, 2 * PAGE + 1);
  assert.deepEqual(
    f.emu.requests.map((r) => {
      const p = new URLSearchParams(r.query);
      return `${p.get("start")}+${p.get("rows")}`;
    }).sort(),
    [`0+${PAGE}`, `${PAGE}+${PAGE}`, `${2 * PAGE}+1`],
    "slice(): exactly the windows of the rows asked for",
  );
  f.emu.clearRequests();
  for await (const _ of q.iterate({ pagesInFlight: 4 })) break;
  // Leaving the loop after the first page: that page plus the one fetched ahead, no more.
  assert.ok(f.emu.requests.length <= 2, `${f.emu.requests.length} requests for a loop left early`);
  await new Promise((r) => setTimeout(r, 30));
  assert.ok(f.emu.requests.length <= 2, "nothing sent after the loop ended");
});

Deno.test("pages in flight: an abort cancels every request in flight with the caller's reason", async () => {
  await using f = await responseFixture({ searchLatencyMs: 60 });
  f.emu.clearRequests();
  const controller = new AbortController();
  const reason = new Error("stop now");
  let rows = 0;
  let abortedAt = 0;
  await assert.rejects(
    (async () => {
      for await (
        const _ of f.cb.select(Process).sort("").batchSize(PAGE).iterate({
          signal: controller.signal,
          pagesInFlight: 3,
        })
      ) {
        rows++;
        if (rows === 2 * PAGE) {
          controller.abort(reason);
          abortedAt = f.emu.requests.length;
        }
      }
    })(),
    (e) => e === reason,
  );
  assert.equal(rows, 2 * PAGE, "no row after the abort");
  assert.ok(f.emu.maxInFlight >= 2, "several pages were in flight when it was aborted");
  await new Promise((r) => setTimeout(r, 100));
  const settled = f.emu.requests.length;
  // The two pages consumed plus at most the 3 in flight (some may reach the server just after
  // the abort: they were on the wire); none is sent later.
  assert.ok(settled <= 2 + 3, `${settled} requests (${abortedAt} logged at the abort)`);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(f.emu.requests.length, settled, "nothing sent after the abort");
});

Deno.test("pages in flight: a failed page is retried alone, the others are kept", async () => {
  await using f = await responseFixture({ searchLatencyMs: 10 }, FAST_RETRIES);
  const expected = await sequentialIds(f.cb);
  f.emu.clearRequests();
  f.emu.faults.add({ method: "GET", path: "/api/v1/process", skip: 3, status: 503 });
  const rows = await f.cb.select(Process).sort("").batchSize(PAGE).toArray({ pagesInFlight: 3 });
  assert.deepEqual(rows.map((p) => `${p.id}/${p.segment_id}`), expected);
  const asked = starts(f.emu);
  const failed = f.emu.requests.filter((r) => r.status === 503);
  assert.equal(failed.length, 1);
  const again = Number(new URLSearchParams(failed[0]!.query).get("start"));
  for (const start of new Set(asked)) {
    assert.equal(
      asked.filter((s) => s === start).length,
      start === again ? 2 : 1,
      `window ${start} asked ${start === again ? "twice (503, then again)" : "once"}`,
    );
  }
});
