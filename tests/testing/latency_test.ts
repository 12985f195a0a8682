// The emulator's search latency (issue 17 item 5): `searchLatencyMs` (and `--latency MS`) holds each
// search answer back as a real server's index does, while concurrent searches wait side by
// side as on a multi-core server; other routes are not delayed. `maxInFlight` and each logged
// request's `inFlight` say how many requests the emulator was handling at once.

import assert from "node:assert/strict";
import { CbEmulator } from "@cbapi/cbapi/testing";
import { emulatorCli, startEmulatorCli } from "../_child.ts";

async function get(emu: { url: string; token: string }, path: string): Promise<number> {
  const res = await fetch(`${emu.url}${path}`, { headers: { "X-Auth-Token": emu.token } });
  await res.body?.cancel();
  return res.status;
}

Deno.test("latency delays searches, concurrent searches overlap, other routes answer at once", async () => {
  await using emu = await CbEmulator.start({ searchLatencyMs: 300 });
  const t0 = performance.now();
  const searches = Promise.all(
    [0, 10, 20, 30].map((s) =>
      get(emu, `/api/v1/process?q=&rows=10&start=${s}`).then(() => performance.now() - t0)
    ),
  );
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(await get(emu, "/api/info"), 200);
  const infoDone = performance.now() - t0;
  const done = await searches;
  assert.ok(done.every((ms) => ms >= 295), `each search waited its latency: ${done}`);
  assert.ok(done.every((ms) => ms > infoDone), "the info request did not wait for them");
  assert.equal(emu.maxInFlight, 5, "four searches and the info request at the same time");
  const searchLog = emu.requests.filter((r) => r.path === "/api/v1/process");
  assert.deepEqual(searchLog.map((r) => r.inFlight), [1, 2, 3, 4]);
  emu.clearRequests();
  assert.equal(emu.maxInFlight, 0);
  await get(emu, "/api/info");
  assert.equal(emu.maxInFlight, 1);
  await assert.rejects(CbEmulator.start({ searchLatencyMs: -1 }), RangeError);
});

Deno.test("Protection and Defense lists are searches too", async () => {
  await using emu = await CbEmulator.start({ searchLatencyMs: 150 });
  for (
    const [path, token] of [
      ["/api/bit9platform/v1/computer?limit=1", emu.token],
      ["/integrationServices/v3/device?rows=1", emu.defenseToken],
    ] as const
  ) {
    const t0 = performance.now();
    assert.equal(await get({ url: emu.url, token }, path), 200);
    assert.ok(performance.now() - t0 >= 145, path);
  }
});

Deno.test("testing/main.ts --latency MS delays search answers", async () => {
  await using emu = await startEmulatorCli(["--latency", "200"]);
  const info = { url: emu.info.url!, token: emu.info.token! };
  const t0 = performance.now();
  assert.equal(await get(info, "/api/v1/alert?q=&rows=1"), 200);
  assert.ok(performance.now() - t0 >= 195);
  assert.equal((await emu.stop("SIGTERM")).code, 0);
  const bad = await emulatorCli(["--latency", "soon"], { stdout: "null" }).output();
  assert.equal(bad.code, 1);
  assert.match(new TextDecoder().decode(bad.stderr), /--latency must be a non-negative integer/);
});
