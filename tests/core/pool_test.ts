import assert from "node:assert/strict";
import { Connection } from "@cbapi/cbapi/core";

function concurrencyServer() {
  let inFlight = 0;
  let peak = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async () => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise((r) => setTimeout(r, 20));
    inFlight--;
    return Response.json({ ok: true });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    get peak() {
      return peak;
    },
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}

Deno.test("poolBlock with poolMaxSize keeps at most that many requests in flight [spec 19]", async () => {
  await using server = concurrencyServer();
  using conn = await Connection.open("response", {
    url: server.url,
    token: "t",
    poolConnections: 2,
    poolMaxSize: 2,
    poolBlock: true,
  });
  const results = await Promise.all(
    Array.from({ length: 8 }, () => conn.getObject<{ ok: boolean }>("/x")),
  );
  assert.ok(results.every((r) => r?.ok === true));
  assert.equal(server.peak, 2);
});

Deno.test("without poolBlock requests run concurrently; pool options are validated [spec 19]", async () => {
  await using server = concurrencyServer();
  using conn = await Connection.open("response", { url: server.url, token: "t", poolMaxSize: 2 });
  await Promise.all(Array.from({ length: 6 }, () => conn.getObject("/x")));
  assert.ok(server.peak > 2, `peak ${server.peak}`);
  await assert.rejects(
    Connection.open("response", { url: server.url, token: "t", poolBlock: true, poolMaxSize: 0 }),
    RangeError,
  );
});

Deno.test("a request waiting for a pool place leaves the queue when its signal aborts [spec 19]", async () => {
  await using server = concurrencyServer();
  using conn = await Connection.open("response", {
    url: server.url,
    token: "t",
    poolBlock: true,
    poolMaxSize: 1,
  });
  const first = conn.getObject("/x");
  const reason = new Error("stop waiting");
  const controller = new AbortController();
  const second = conn.getObject("/x", undefined, { signal: controller.signal });
  controller.abort(reason);
  await assert.rejects(second, (e) => e === reason);
  await first;
  assert.deepEqual(await conn.getObject("/x"), { ok: true });
});
