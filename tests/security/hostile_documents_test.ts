// Issue 15 item 8: deep documents, route-changing ids and negative slices against a hostile
// server. Each test reproduces the attack and checks the bounded, typed outcome.

import assert from "node:assert/strict";
import { InvalidObjectError, ObjectNotFoundError, ServerError } from "@cbapi/cbapi/core";
import { CbResponseAPI, Feed, Process, User, Watchlist } from "@cbapi/cbapi/response";
import { CbEmulator } from "@cbapi/cbapi/testing";

const LEVELS = 100_000;

function deepJson(levels: number): string {
  return `${"[".repeat(levels)}1${"]".repeat(levels)}`;
}

interface Seen {
  method: string;
  path: string;
}

/** A server that answers like Cb Response 6.2 for /api/info and `route` for the rest. */
function hostileServer(route: (req: Request, url: URL) => Response): {
  server: Deno.HttpServer<Deno.NetAddr>;
  seen: Seen[];
  url: string;
} {
  const seen: Seen[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    await req.body?.cancel();
    seen.push({ method: req.method, path: url.pathname });
    if (url.pathname === "/api/info") return Response.json({ version: "6.2.0.171114.1158" });
    return route(req, url);
  });
  return { server, seen, url: `http://127.0.0.1:${server.addr.port}` };
}

Deno.test("A document nested 100,000 levels gives InvalidObjectError from toJSON() and save(), and the save sends nothing (issue 15 item 8)", async () => {
  const deep = deepJson(LEVELS);
  const { server, seen, url } = hostileServer(() =>
    new Response(
      `{"username": "bob", "first_name": "B", "last_name": "C", "email": "b@x", "teams": [], ` +
        `"global_admin": false, "notes": ${deep}}`,
      { headers: { "Content-Type": "application/json" } },
    )
  );
  await using _server = server;
  await using cb = await CbResponseAPI.connect({ url, token: "t", maxRetries: 0 });
  const user = await cb.select(User, "bob");
  assert.throws(() => user.toJSON(), InvalidObjectError);
  assert.match(String(user), /notes: \[nested too deep\]/);
  user.first_name = "Eve";
  const before = seen.length;
  await assert.rejects(user.save(), (err: unknown) => {
    assert.ok(err instanceof InvalidObjectError, String(err));
    assert.match(err.message, /nested deeper than 1000 levels.*Nothing was sent/);
    return true;
  });
  assert.equal(seen.length, before, "nothing was sent");
  assert.ok(!seen.some((r) => r.method === "PUT"));
  // Any JSON body that deep is refused before sending, debug logging (redaction) included.
  const logged: string[] = [];
  await using logging = await CbResponseAPI.connect({
    url,
    token: "t",
    logger: { debug: (m) => logged.push(m), warn: (m) => logged.push(m) },
  });
  await assert.rejects(
    logging.connection.requestJson("POST", "/api/v1/feed", { json: JSON.parse(deep) }),
    InvalidObjectError,
  );
  assert.ok(!seen.some((r) => r.path === "/api/v1/feed"), "the body was not sent");
});

Deno.test('Ids that would change the route ("..", ".", "") are refused before anything is sent (issue 15 item 8)', async () => {
  await using emu = await CbEmulator.start();
  await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
  const before = emu.requests.length;
  for (const id of ["..", ".", ""]) {
    await assert.rejects(cb.select(Feed, id), (err: unknown) => {
      assert.ok(err instanceof InvalidObjectError, `${id}: ${err}`);
      assert.match(err.message, /would address another route/);
      return true;
    });
    await assert.rejects(cb.select(Watchlist, id), InvalidObjectError);
  }
  assert.equal(emu.requests.length, before, "no request reached the server");
  // Percent-encoded dots and slashes stay inside their segment.
  // The emulator answers 404 for both: the ids reached the feed route, not another one.
  await assert.rejects(cb.select(Feed, "%2e%2e"), ObjectNotFoundError);
  await assert.rejects(cb.select(Feed, "../../api/info"), ObjectNotFoundError);
  const paths = emu.requests.slice(before).map((r) => r.path);
  assert.deepEqual(paths, ["/api/v1/feed/%252e%252e", "/api/v1/feed/..%2F..%2Fapi%2Finfo"]);
});

Deno.test("slice(-1) and at(-1) with an unusable total_results fail typed or stay bounded, never loop (issue 15 item 8)", async () => {
  // Every page is full and never the last; total_results is whatever `total` says.
  let total: unknown = "lots";
  const row = (i: number) => ({
    id: `00000001-0000-0001-0000-${String(i).padStart(12, "0")}`,
    unique_id: `00000001-0000-0001-0000-${String(i).padStart(12, "0")}-00000001`,
    segment_id: 1,
    process_name: `p${i}.exe`,
  });
  const { server, seen, url } = hostileServer((_req, u) => {
    const rows = Number(u.searchParams.get("rows") ?? 10);
    const start = Number(u.searchParams.get("start") ?? 0);
    const results = Array.from({ length: rows }, (_, i) => row(start + i));
    return Response.json({ results, total_results: total, start });
  });
  await using _server = server;
  await using cb = await CbResponseAPI.connect({ url, token: "t", maxRetries: 0 });
  for (const bad of [1e300, -5, 2.5, Number.MAX_SAFE_INTEGER * 4]) {
    total = bad;
    const before = seen.length;
    for (const call of [() => cb.select(Process).slice(-1), () => cb.select(Process).at(-1)]) {
      await assert.rejects(call(), (err: unknown) => {
        assert.ok(err instanceof ServerError, `${bad}: ${err}`);
        assert.match(err.message, /Cannot resolve negative slice bounds/);
        return true;
      });
    }
    assert.ok(seen.length - before <= 2, `${bad}: ${seen.length - before} requests`);
  }
  // A missing or non-numeric count reads as 0 (as the Python library): nothing to take from the end.
  total = "lots";
  const before = seen.length;
  assert.deepEqual(await cb.select(Process).slice(-3), []);
  assert.equal(await cb.select(Process).at(-1), undefined);
  assert.ok(seen.length - before <= 2, `${seen.length - before} requests`);
  // A usable count bounds the window even when every page claims more.
  total = 25;
  const tail = await cb.select(Process).slice(-3);
  assert.equal(tail.length, 3);
  assert.equal(tail.at(-1)!.process_name, "p24.exe");
});
