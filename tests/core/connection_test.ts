import assert from "node:assert/strict";
import {
  ApiError,
  Connection,
  ConnectionError,
  ObjectNotFoundError,
  ServerError,
  TimeoutError,
  UnauthorizedError,
} from "@cbapi/cbapi/core";
import { CbResponseAPI, SensorGroup } from "@cbapi/cbapi/response";
import { CbEmulator } from "@cbapi/cbapi/testing";
import { recordingLogger, requestsSince } from "../_helpers.ts";

const FAST = { retryBaseDelayMs: 2, maxRetryDelayMs: 10 };

async function open(emu: CbEmulator, extra: Record<string, unknown> = {}, logs: string[] = []) {
  return await Connection.open("response", {
    url: emu.url,
    token: emu.token,
    logger: recordingLogger(logs),
    ...(emu.certFile ? { sslCertFile: emu.certFile } : {}),
    ...FAST,
    ...extra,
  });
}

Deno.test("Connection.open refuses plain http except on loopback and strips trailing slashes [spec 20]", async () => {
  await assert.rejects(
    Connection.open("response", { url: "http://cb.example.com", token: "t" }),
    (err: unknown) =>
      err instanceof ConnectionError && /must start with https:\/\//.test(err.message),
  );
  await assert.rejects(
    Connection.open("response", { url: "not a url", token: "t" }),
    ConnectionError,
  );
  using a = await Connection.open("response", { url: "https://cb.example.com///", token: "t" });
  assert.equal(a.url, "https://cb.example.com");
  using b = await Connection.open("response", { url: "http://127.0.0.1:8080/", token: "t" });
  assert.equal(b.url, "http://127.0.0.1:8080");
});

Deno.test("every request carries X-Auth-Token and the cbapi User-Agent with the integration name [spec 21,22,16]", async () => {
  await using emu = await CbEmulator.start();
  using conn = await open(emu, { integrationName: "hunt-script/1.0" });
  await conn.getObject("/api/info");
  await conn.getObject("/api/v1/sensor/1");
  assert.equal(emu.requests.length, 2);
  for (const r of emu.requests) {
    assert.equal(r.authenticated, true);
    assert.equal(r.headers["x-auth-token"], "[redacted]");
    assert.match(r.headers["user-agent"]!, /^cbapi\/1\.3\.6 Deno\/\S+ hunt-script\/1\.0$/);
  }
});

Deno.test("a wrong token is refused with UnauthorizedError and the token is never in the message [spec 26]", async () => {
  await using emu = await CbEmulator.start();
  const secret = "0123456789abcdef0123456789abcdef01234567";
  const err = await CbResponseAPI.connect({ url: emu.url, token: secret }).catch((e) => e);
  assert.ok(err instanceof UnauthorizedError);
  assert.match(err.message, /Invalid API token for server http:\/\/127\.0\.0\.1:\d+/);
  assert.ok(!err.message.includes(secret));
  assert.ok(!Deno.inspect(err, { depth: 10 }).includes(secret));
  assert.equal(emu.requests[0]?.status, 401);
});

Deno.test("query strings are sorted and form-encoded exactly like the Python client [spec 24]", async () => {
  await using emu = await CbEmulator.start();
  using conn = await open(emu);
  await conn.getObject("/api/v1/process", [
    ["q", String.raw`process_name:net.exe cmdline:\\test\blah`],
    ["cb.urlver", 1],
    ["facet", "false"],
    ["start", 0],
    ["rows", 100],
    ["sort", "last_update desc"],
  ]);
  assert.equal(
    emu.requests[0]?.url,
    "/api/v1/process?cb.urlver=1&facet=false&q=process_name%3Anet.exe+cmdline%3A%5C%5Ctest%5Cblah&rows=100&sort=last_update+desc&start=0",
  );
  await conn.getObject("/api/v1/process", [["facet.field", ["process_name", "hostname"]], [
    "rows",
    0,
  ]]);
  assert.equal(emu.requests[1]?.query, "facet.field=hostname&facet.field=process_name&rows=0");
});

Deno.test("JSON bodies have sorted keys, Python separators and the JSON content type [spec 23]", async () => {
  await using emu = await CbEmulator.start();
  await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
  const sg = cb.create(SensorGroup);
  sg.site_id = 1;
  sg.name = "Critical Endpoints";
  await sg.save();
  const post = emu.requests.find((r) => r.method === "POST")!;
  assert.equal(post.path, "/api/group");
  assert.equal(post.headers["content-type"], "application/json");
  assert.equal(post.body, '{"name": "Critical Endpoints", "site_id": 1}');
});

Deno.test("getObject: 200 JSON parsed, 204 gives undefined, a non-JSON 200 is a ServerError [spec 25]", async () => {
  await using emu = await CbEmulator.start();
  using conn = await open(emu);
  const info = await conn.getObject<{ version: string }>("/api/info");
  assert.match(info!.version, /^6\./);
  emu.faults.add({ path: "/api/info", status: 204, body: "" });
  assert.equal(await conn.getObject("/api/info"), undefined);
  emu.faults.add({ path: "/api/info", nonJson: true });
  const err = await conn.getObject("/api/info").catch((e) => e);
  assert.ok(err instanceof ServerError);
  assert.equal(err.status, 200);
  assert.match(
    err.message,
    /Cannot parse response as JSON from GET http:\/\/127\.0\.0\.1:\d+\/api\/info/,
  );
});

Deno.test("HTTP errors map to the error tree with URL, status and body [spec 26,27]", async () => {
  await using emu = await CbEmulator.start();
  using conn = await open(emu, { maxRetries: 0 });
  const notFound = await conn.getObject("/api/v1/sensor/424242").catch((e) => e);
  assert.ok(notFound instanceof ObjectNotFoundError);
  // As in the Python library, a 404 is not a ServerError (SPEC 2.11); it keeps the status.
  assert.ok(!(notFound instanceof ServerError) && notFound instanceof ApiError);
  assert.equal(notFound.status, 404);
  assert.equal(notFound.method, "GET");
  assert.equal(notFound.url, `${emu.url}/api/v1/sensor/424242`);
  assert.equal(notFound.uri, `${emu.url}/api/v1/sensor/424242`);
  assert.match(
    notFound.message,
    /^Received 404 \(Object Not Found\) for http:\/\/127\.0\.0\.1:\d+\/api\/v1\/sensor\/424242/,
  );

  emu.faults.add({ path: "/api/info", status: 500, body: "database is down" });
  const server = await conn.getObject("/api/info").catch((e) => e);
  assert.ok(server instanceof ServerError && !(server instanceof ObjectNotFoundError));
  assert.equal(server.error_code, 500);
  assert.equal(server.body, "database is down");
  assert.match(server.message, /^Received error code 500 from API: database is down/);
  assert.match(server.message, /GET http:\/\/127\.0\.0\.1:\d+\/api\/info/);

  emu.faults.add({ path: "/api/info", status: 403, body: "" });
  const forbidden = await conn.getObject("/api/info").catch((e) => e);
  assert.ok(forbidden instanceof ServerError);
  assert.match(forbidden.message, /\(No further information provided\)/);
});

Deno.test("debug log lines use the documented format [spec 28]", async () => {
  await using emu = await CbEmulator.start();
  const logs: string[] = [];
  await using cb = await CbResponseAPI.connect({
    url: emu.url,
    token: emu.token,
    logger: recordingLogger(logs),
  });
  const sg = cb.create(SensorGroup, { name: "Logged", site_id: 1 });
  await sg.save();
  assert.match(logs[0]!, /^HTTP GET \/api\/info took \d+\.\d{3}s \(response 200\)$/);
  assert.ok(
    logs.some((l) =>
      /^Connected to Cb server version 6\.\S+ at http:\/\/127\.0\.0\.1:\d+$/.test(l)
    ),
  );
  assert.ok(logs.includes("Creating a new SensorGroup object"));
  assert.ok(logs.includes('Sending HTTP POST /api/group with {"name": "Logged", "site_id": 1}'));
  assert.ok(logs.some((l) => /^Received response: \{"id":\d+\}$/.test(l)));
  assert.ok(logs.includes("Only received an ID back from the server, forcing a refresh"));
  assert.ok(logs.every((l) => !l.includes(emu.token)));
});

Deno.test("idempotent requests retry on 502/503/504/429 and honour Retry-After; POST does not retry a 502 [spec 18]", async () => {
  await using emu = await CbEmulator.start();
  using conn = await open(emu);
  emu.faults.add({ path: "/api/v1/sensor/1", status: 502, times: 2 });
  const sensor = await conn.getObject<{ id: number }>("/api/v1/sensor/1");
  assert.equal(sensor?.id, 1);
  assert.deepEqual(emu.requests.map((r) => r.status), [502, 502, 200]);
  emu.faults.add({ path: "/api/v1/sensor/1", status: 503 });
  emu.faults.add({ path: "/api/v1/sensor/1", status: 504 });
  emu.faults.add({ path: "/api/v1/sensor/1", status: 408 });
  await conn.getObject("/api/v1/sensor/1");
  assert.deepEqual(emu.requests.slice(3).map((r) => r.status), [503, 504, 408, 200]);

  const start = emu.requests.length;
  emu.faults.add({ path: "/api/info", status: 429, retryAfter: 1 });
  const t0 = performance.now();
  await conn.getObject("/api/info");
  assert.ok(performance.now() - t0 >= 900, "waited for Retry-After: 1");
  assert.deepEqual(emu.requests.slice(start).map((r) => r.status), [429, 200]);

  const date = new Date(Date.now() + 1000).toUTCString();
  emu.faults.add({ path: "/api/info", status: 503, retryAfter: date });
  await conn.getObject("/api/info");

  const before = emu.requests.length;
  emu.faults.add({ method: "POST", path: "/api/group", status: 502 });
  const err = await conn.requestJson("POST", "/api/group", { json: { name: "x", site_id: 1 } })
    .catch((e) => e);
  assert.ok(err instanceof ServerError && err.status === 502);
  assert.equal(emu.requests.length - before, 1, "a POST answered 502 is not sent again");
});

Deno.test("retries give up after maxRetries and a Retry-After beyond the cap fails at once [spec 18]", async () => {
  await using emu = await CbEmulator.start();
  using conn = await open(emu, { maxRetries: 2, maxRetryAfterMs: 5_000 });
  emu.faults.add({ path: "/api/info", status: 504, times: Infinity });
  const err = await conn.getObject("/api/info").catch((e) => e);
  assert.ok(err instanceof ServerError && err.status === 504);
  assert.equal(emu.requests.length, 3);
  emu.faults.clear();
  emu.faults.add({ path: "/api/info", status: 429, retryAfter: 3600 });
  const late = await conn.getObject("/api/info").catch((e) => e);
  assert.ok(late instanceof ServerError && late.status === 429);
  assert.match(late.message, /asked to wait 3600 s/);
});

Deno.test("dropped connections: GET and PUT retry, a POST is not repeated and nothing is duplicated [spec 18]", async () => {
  await using emu = await CbEmulator.start();
  using conn = await open(emu);
  emu.faults.add({ path: "/api/v1/sensor/1", drop: "before" });
  assert.equal((await conn.getObject<{ id: number }>("/api/v1/sensor/1"))?.id, 1);
  emu.faults.add({ path: "/api/v1/sensor/1", truncate: true });
  assert.equal((await conn.getObject<{ id: number }>("/api/v1/sensor/1"))?.id, 1);

  const groupsBefore = ((await conn.getObject<unknown[]>("/api/group")) ?? []).length;
  emu.faults.add({ method: "POST", path: "/api/group", drop: "after" });
  const err = await conn.requestJson("POST", "/api/group", { json: { name: "once", site_id: 1 } })
    .catch((e) => e);
  assert.ok(err instanceof ConnectionError, String(err));
  assert.match(err.message, /network connection error/);
  const groups = (await conn.getObject<Array<{ name: string }>>("/api/group")) ?? [];
  assert.equal(groups.length, groupsBefore + 1, "the server acted once");
  assert.equal(groups.filter((g) => g.name === "once").length, 1);
});

Deno.test("a slow answer past the timeout raises TimeoutError naming the URL [spec 17]", async () => {
  await using emu = await CbEmulator.start();
  using conn = await open(emu, { timeout: 50, maxRetries: 1 });
  emu.faults.add({ path: "/api/info", delayMs: 400, times: 2 });
  const err = await conn.getObject("/api/info").catch((e) => e);
  assert.ok(err instanceof TimeoutError, String(err));
  assert.equal(err.uri, `${emu.url}/api/info`);
  assert.match(
    err.message,
    /^Timed out when requesting GET http:\/\/127\.0\.0\.1:\d+\/api\/info from API after 50 ms/,
  );
  emu.faults.add({ method: "POST", path: "/api/group", delayMs: 400 });
  const before = emu.requests.length;
  const post = await conn.requestJson("POST", "/api/group", { json: { name: "slow", site_id: 1 } })
    .catch((e) => e);
  assert.ok(post instanceof TimeoutError);
  await new Promise((r) => setTimeout(r, 450));
  assert.equal(emu.requests.filter((r) => r.method === "POST").length, 1);
  assert.ok(emu.requests.length - before <= 1);
});

Deno.test("an aborted signal rejects with its own reason and leaves nothing running", async () => {
  await using emu = await CbEmulator.start();
  using conn = await open(emu);
  const reason = new Error("operator cancelled");
  const already = AbortSignal.abort(reason);
  await assert.rejects(
    conn.getObject("/api/info", undefined, { signal: already }),
    (e) => e === reason,
  );
  assert.equal(emu.requests.length, 0);
  emu.faults.add({ path: "/api/info", delayMs: 300 });
  const controller = new AbortController();
  const pending = conn.getObject("/api/info", undefined, { signal: controller.signal });
  setTimeout(() => controller.abort(reason), 20);
  await assert.rejects(pending, (e) => e === reason);
  await new Promise((r) => setTimeout(r, 320));
});

Deno.test("redirects are followed on the same server only", async () => {
  await using emu = await CbEmulator.start();
  using conn = await open(emu);
  emu.faults.add({ path: "/api/info", redirect: "/api/v1/sensor/1" });
  assert.equal((await conn.getObject<{ id: number }>("/api/info"))?.id, 1);
  emu.faults.add({ path: "/api/info", redirect: "https://evil.example.com/steal" });
  const err = await conn.getObject("/api/info").catch((e) => e);
  assert.ok(err instanceof ConnectionError);
  assert.match(err.message, /another origin/);
  assert.deepEqual(requestsSince(emu, 0).filter((r) => r.includes("steal")), []);
});

Deno.test("TLS: a pinned certificate is trusted, another server's certificate is refused [spec 9]", async () => {
  await using emu = await CbEmulator.start({ tls: true });
  await using other = await CbEmulator.start({ tls: true });
  using pinned = await open(emu);
  assert.ok(emu.url.startsWith("https://127.0.0.1:"));
  assert.match(((await pinned.getObject<{ version: string }>("/api/info"))!).version, /^6\./);
  using wrong = await open(emu, { sslCertFile: other.certFile!, maxRetries: 0 });
  const err = await wrong.getObject("/api/info").catch((e) => e);
  assert.ok(err instanceof ConnectionError, String(err));
  assert.match(err.message, /certificate was refused/);
  using unpinned = await Connection.open("response", {
    url: emu.url,
    token: emu.token,
    maxRetries: 0,
  });
  await assert.rejects(unpinned.getObject("/api/info"), ConnectionError);
});

Deno.test("the connection and credentials never show the token when printed", async () => {
  await using emu = await CbEmulator.start();
  using conn = await open(emu);
  await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
  for (
    const text of [
      Deno.inspect(conn),
      Deno.inspect(cb),
      JSON.stringify(conn),
      Deno.inspect(conn.credentials),
    ]
  ) {
    assert.ok(!text.includes(emu.token), text);
  }
});

Deno.test("debug lines redact passwords and tokens inside request bodies", async () => {
  await using emu = await CbEmulator.start();
  const logs: string[] = [];
  using conn = await open(emu, {}, logs);
  await conn.requestJson("POST", "/api/group", {
    json: { name: "g", site_id: 1, password: "hunter2", nested: [{ auth_token: "abc123" }] },
  });
  const line = logs.find((l) => l.startsWith("Sending HTTP POST /api/group"))!;
  assert.ok(!line.includes("hunter2") && !line.includes("abc123"), line);
  assert.match(line, /"password": "\[redacted\]"/);
  assert.ok(emu.requests.at(-1)!.body.includes("hunter2"), "the server still gets the real body");
});
