// Issue 15 item 4: opening a Live Response session is abortable on both products, and an open
// aborted while the server was still creating the session leaves no session behind.

import assert from "node:assert/strict";
import { CbDefenseAPI } from "@cbapi/cbapi/defense";
import { CbResponseAPI } from "@cbapi/cbapi/response";
import { CbEmulator } from "@cbapi/cbapi/testing";
import { until } from "./_helpers.ts";

// A server slow to create the session: the POST is answered after 3 s (the session exists from
// then on, as on a real server whose sensor checks in late). The open rejects about 1 s after
// the abort (the grace it gives an answer already on its way), long before that.
const SLOW_MS = 3_000;

async function abortedOpen(
  emu: CbEmulator,
  open: (signal: AbortSignal) => Promise<unknown>,
  path: string | RegExp,
): Promise<number> {
  emu.faults.add({ method: "POST", path, delayMs: SLOW_MS });
  const started = performance.now();
  await assert.rejects(open(AbortSignal.timeout(200)), (err: unknown) => {
    assert.ok(err instanceof DOMException && err.name === "TimeoutError", String(err));
    return true;
  });
  return performance.now() - started;
}

Deno.test("requestSession() rejects promptly on abort while the server creates the session, then closes it (Cb Response, issue 15 item 4)", async () => {
  await using emu = await CbEmulator.start();
  const cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
  try {
    cb.liveResponse.configure({ sessionPollIntervalMs: 2 });
    const took = await abortedOpen(
      emu,
      (signal) => cb.liveResponse.requestSession(3, { signal }),
      "/api/v1/cblr/session",
    );
    assert.ok(took < SLOW_MS, `rejected after ${Math.round(took)} ms, before the answer came`);
    // The server created the session after the caller gave up; it is closed once the answer names it.
    assert.ok(await until(() => emu.requests.some((r) => r.method === "PUT"), 5_000), "closed");
    assert.equal(emu.state.liveResponse.openSessions, 0);
  } finally {
    await cb.close();
  }
  assert.equal(emu.state.liveResponse.openSessions, 0);
});

Deno.test("requestSession() on Cb Defense is abortable too, and close() waits for the late close (issue 15 item 4)", async () => {
  await using emu = await CbEmulator.start();
  const cb = await CbDefenseAPI.connect({ url: emu.url, token: emu.defenseToken });
  try {
    const took = await abortedOpen(
      emu,
      (signal) => cb.liveResponse.requestSession(12, { signal, pollIntervalMs: 2 }),
      /^\/integrationServices\/v3\/cblr\/session\/\d+$/,
    );
    assert.ok(took < SLOW_MS, `rejected after ${Math.round(took)} ms`);
  } finally {
    // Closing the API right away still closes the session the server creates afterwards.
    await cb.close();
  }
  assert.equal(emu.state.liveResponse.openSessions, 0);
  assert.ok(emu.requests.some((r) => r.method === "PUT" && r.body.includes('"CLOSE"')));
});
