import assert from "node:assert/strict";
import {
  ApiError,
  ConnectionError,
  CredentialError,
  InvalidHashError,
  InvalidObjectError,
  LiveResponseError,
  MoreThanOneResultError,
  NoResultError,
  ObjectNotFoundError,
  ServerError,
  TimeoutError,
  UnauthorizedError,
} from "@cbapi/cbapi/core";
import { Feed, Process, Sensor } from "@cbapi/cbapi/response";
import { Computer } from "@cbapi/cbapi/protection";
import { Device } from "@cbapi/cbapi/defense";
import { requestsSince, responseFixture } from "../_helpers.ts";
import { protectionFixture } from "../protection/_helpers.ts";
import { defenseFixture } from "../defense/_helpers.ts";

const URL_7 = "https://cb.example/api/v1/sensor/7";
const REQUEST = { status: 500, body: "boom", method: "GET", url: URL_7 };

Deno.test("every error class takes (message, { status, body, method, url, cause }) and keeps each field [spec 27]", () => {
  const cause = new Error("underneath");
  const full = { ...REQUEST, cause };
  const cases: [ApiError, string, ApiError["constructor"][]][] = [
    [new ApiError("m", full), "ApiError", []],
    [new ServerError("m", full), "ServerError", [ApiError]],
    [new UnauthorizedError("m", { ...full, status: 401 }), "UnauthorizedError", [ServerError]],
    [new ObjectNotFoundError("m", { ...full, status: 404 }), "ObjectNotFoundError", [ApiError]],
    [new TimeoutError("m", full), "TimeoutError", [ApiError]],
    [new ConnectionError("m", full), "ConnectionError", [ApiError]],
    [new CredentialError("m", full), "CredentialError", [ApiError]],
    [new InvalidObjectError("m", full), "InvalidObjectError", [ApiError]],
    [new InvalidHashError("m", { ...full, hash: "x" }), "InvalidHashError", [ApiError]],
    [new LiveResponseError("m", full), "LiveResponseError", [ApiError]],
  ];
  for (const [err, name, parents] of cases) {
    assert.equal(err.name, name);
    assert.equal(err.message, "m");
    assert.ok(err instanceof ApiError && err instanceof Error, name);
    for (const parent of parents) {
      assert.ok(err instanceof parent, `${name} extends ${parent.name}`);
    }
    assert.equal(err.body, "boom", name);
    assert.equal(err.method, "GET", name);
    assert.equal(err.url, URL_7, name);
    assert.equal(err.cause, cause, name);
    assert.ok([500, 401, 404].includes(err.status!), name);
  }
  // Only the server's answers are ServerErrors: a 404 and a failure to connect are not (SPEC 2.11).
  assert.ok(!(new ObjectNotFoundError("m", { status: 404 }) instanceof ServerError));
  assert.ok(!(new ConnectionError("m") instanceof ServerError));

  // Options are optional where nothing is known; the fields are then undefined or empty.
  for (const err of [new ApiError("m"), new TimeoutError("m"), new ConnectionError("m")]) {
    assert.deepEqual([err.status, err.body, err.method, err.url, err.cause], [
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    assert.ok(!("cause" in err), "no cause key without a cause");
  }
  assert.deepEqual(new CredentialError("m").files, []);
  assert.deepEqual(new InvalidObjectError("m").fields, []);
  assert.equal(new LiveResponseError("m").description, "");

  // Class fields, and the Python library's aliases.
  const server = new ServerError("m", { ...REQUEST, result: "Did not update Sensor record." });
  assert.equal(server.error_code, 500);
  assert.equal(server.result, "Did not update Sensor record.");
  const refused = new UnauthorizedError("m", { ...REQUEST, status: 401, method: "PUT" });
  assert.deepEqual([refused.uri, refused.action], [URL_7, "PUT"]);
  assert.equal(new ObjectNotFoundError("m", { url: URL_7 }).uri, URL_7);
  const timeout = new TimeoutError("m", { url: URL_7, timeoutMs: 50 });
  assert.deepEqual([timeout.uri, timeout.timeoutMs], [URL_7, 50]);
  assert.deepEqual(new CredentialError("m", { files: ["/a"] }).files, ["/a"]);
  assert.deepEqual(new InvalidObjectError("m", { fields: ["name"] }).fields, ["name"]);
  assert.equal(new InvalidHashError("m", { hash: "xyz" }).hash, "xyz");
  const lr = new LiveResponseError("m", { win32Code: 2, description: "E", details: { a: 1 } });
  assert.deepEqual([lr.win32Code, lr.description, lr.details], [2, "E", { a: 1 }]);
  const many = new MoreThanOneResultError("m", { count: 3, query: "Sensor (all)" });
  assert.deepEqual([many.name, many.count, many.query, many.status], [
    "MoreThanOneResultError",
    3,
    "Sensor (all)",
    undefined,
  ]);
  const none = new NoResultError("m", { query: "Sensor (all)", cause });
  assert.ok(none instanceof ObjectNotFoundError && !(none instanceof ServerError));
  assert.deepEqual([none.name, none.query, none.status, none.url, none.cause], [
    "NoResultError",
    "Sensor (all)",
    undefined,
    undefined,
    cause,
  ]);
});

Deno.test("an error's body keeps no secret value the server echoed [spec 27]", () => {
  const body = '{"auth_token": "S3CRET-TOKEN", "password": "hunter2", "name": "x"}';
  for (const err of [new ApiError("m", { body }), ApiError.fromResponse({ ...REQUEST, body })]) {
    assert.ok(!err.body!.includes("S3CRET-TOKEN") && !err.body!.includes("hunter2"), err.body);
    assert.ok(!err.message.includes("S3CRET-TOKEN") && !err.message.includes("hunter2"));
    assert.match(err.body!, /"name": "x"/);
  }
});

Deno.test("ApiError.fromResponse maps each status to its class, with the request and what to do next [spec 26,27]", () => {
  const table: [number, ApiError["constructor"], RegExp][] = [
    [
      400,
      ServerError,
      /Received error code 400 from API: nope \(GET https:\/\/cb\.example\/api\/v1\/sensor\/7\)\. The server rejected the request: check its arguments$/,
    ],
    [401, UnauthorizedError, /^nope\. Check the API token of this profile/],
    [403, ServerError, /^Received error code 403 from API: nope .*lacks the rights/],
    [
      404,
      ObjectNotFoundError,
      /^Received 404 \(Object Not Found\) for https:\/\/cb\.example\/api\/v1\/sensor\/7: nope\. Check that the id is right/,
    ],
    [
      405,
      ServerError,
      /^Received error code 405 from API: nope .*Check the request and the server$/,
    ],
    [
      409,
      ServerError,
      /^Received error code 409 from API: nope .*conflicts with the server's state$/,
    ],
    [
      429,
      ServerError,
      /^Received error code 429 from API: nope .*rate limiting: wait and try again later$/,
    ],
    [
      500,
      ServerError,
      /^Received error code 500 from API: nope .*The server failed: check its health/,
    ],
    [502, ServerError, /^Received error code 502 from API: .*The server failed/],
    [503, ServerError, /^Received error code 503 from API: .*The server failed/],
  ];
  for (const [status, cls, message] of table) {
    const err = ApiError.fromResponse({ status, body: "nope", method: "GET", url: URL_7 });
    assert.equal(err.constructor, cls, `${status} gives ${cls.name}`);
    assert.equal(err.status, status);
    assert.deepEqual([err.body, err.method, err.url], ["nope", "GET", URL_7]);
    assert.match(err.message, message);
    // A 404 is an ObjectNotFoundError and nothing else; every other status is a ServerError.
    assert.equal(err instanceof ServerError, status !== 404, `${status}`);
  }
  // An empty 401 says what was refused; an empty body elsewhere says there was nothing more.
  const refused = ApiError.fromResponse({ status: 401, body: " ", method: "DELETE", url: URL_7 });
  assert.match(refused.message, /^Unauthorized: attempted to DELETE https:\/\/cb\.example/);
  const bare = ApiError.fromResponse({ status: 500, body: "", method: "GET", url: URL_7 });
  assert.match(
    bare.message,
    /^Received error code 500 from API: \(No further information provided\) \(GET/,
  );
  const missing = ApiError.fromResponse({ status: 404, body: "", method: "GET", url: URL_7 });
  assert.match(missing.message, /^Received 404 \(Object Not Found\) for \S+7\. Check/);
  // A status below 400 that a caller did not accept, with what did not happen.
  const refusedSave = ApiError.fromResponse({
    status: 200,
    body: '{"result": "failed"}',
    method: "PUT",
    url: URL_7,
    result: "Did not update Sensor record.",
  });
  assert.ok(refusedSave instanceof ServerError);
  assert.equal(refusedSave.result, "Did not update Sensor record.");
  assert.match(
    refusedSave.message,
    /^Received error code 200 from API: \{"result": "failed"\}\. Did not update Sensor record\. \(PUT /,
  );
  // Long bodies are clipped in the message but kept whole in `body`.
  const long = "x".repeat(2_000);
  const clipped = ApiError.fromResponse({ status: 500, body: long, method: "GET", url: URL_7 });
  assert.equal(clipped.body, long);
  assert.ok(clipped.message.length < 800);
});

Deno.test("one() with no result throws NoResultError naming the query; with two, MoreThanOneResultError with the full count [spec 58]", async (t) => {
  await t.step("Response search query", async () => {
    await using f = await responseFixture();
    const zero = f.cb.select(Process).where("process_name:no-such-thing.exe");
    let n = f.emu.requests.length;
    await assert.rejects(zero.one(), (e: unknown) => {
      assert.ok(e instanceof NoResultError && e instanceof ObjectNotFoundError);
      assert.ok(!(e instanceof ServerError), "nothing came from the server as an error");
      assert.equal(e.status, undefined);
      assert.equal(e.query, `Process "process_name:no-such-thing.exe" on ${f.cb.url}`);
      assert.match(e.message, /^0 results for query Process "process_name:no-such-thing\.exe" on /);
      assert.match(e.message, /use first\(\)$/);
      return true;
    });
    assert.equal(requestsSince(f.emu, n).length, 1, "one search, no count");
    assert.ok(f.emu.requests.slice(n).every((r) => r.status === 200));

    const many = f.cb.select(Process).where("process_name:notepad.exe");
    const total = await many.count();
    assert.ok(total >= 2, `seed has ${total} notepad.exe processes`);
    n = f.emu.requests.length;
    await assert.rejects(many.one(), (e: unknown) => {
      assert.ok(e instanceof MoreThanOneResultError && !(e instanceof ObjectNotFoundError));
      assert.equal(e.count, total);
      assert.equal(e.query, `Process "process_name:notepad.exe" on ${f.cb.url}`);
      assert.match(e.message, new RegExp(`^${total} results found for query Process `));
      return true;
    });
    assert.ok(requestsSince(f.emu, n).length >= 1);
  });

  await t.step("Response whole-list query", async () => {
    await using f = await responseFixture();
    await assert.rejects(
      f.cb.select(Feed).where("name:no-such-feed").one(),
      (e: unknown) => e instanceof NoResultError && /Feed "name:no-such-feed"/.test(e.query!),
    );
    const sensors = await f.cb.select(Sensor).toArray();
    assert.ok(sensors.length >= 2);
    await assert.rejects(f.cb.select(Sensor).one(), (e: unknown) => {
      assert.ok(e instanceof MoreThanOneResultError);
      assert.equal(e.count, sensors.length);
      return true;
    });
  });

  await t.step("Protection query", async () => {
    await using f = await protectionFixture();
    await assert.rejects(
      f.cb.select(Computer).where("name:NO-SUCH-COMPUTER").one(),
      (e: unknown) => e instanceof NoResultError && e.status === undefined,
    );
    const total = await f.cb.select(Computer).count();
    await assert.rejects(
      f.cb.select(Computer).one(),
      (e: unknown) => e instanceof MoreThanOneResultError && e.count === total && total >= 2,
    );
  });

  await t.step("Defense query", async () => {
    await using f = await defenseFixture();
    await assert.rejects(
      f.cb.select(Device).where("hostNameExact:NO-SUCH-HOST").one(),
      (e: unknown) => e instanceof NoResultError && /hostNameExact:NO-SUCH-HOST/.test(e.message),
    );
    await assert.rejects(
      f.cb.select(Device).where("hostName:WIN").one(),
      (e: unknown) => e instanceof MoreThanOneResultError && e.count! >= 2,
    );
  });
});

Deno.test("a missing object that the server did not answer 404 for has no status", async () => {
  await using f = await responseFixture();
  const n = f.emu.requests.length;
  await assert.rejects(f.cb.select(Process, "not-a-guid"), (e: unknown) => {
    assert.ok(e instanceof ObjectNotFoundError && !(e instanceof NoResultError));
    assert.equal(e.status, undefined, "no server said 404: the id was never sent");
    return true;
  });
  assert.equal(f.emu.requests.length, n);
  // A real 404 keeps its status and the request.
  await assert.rejects(f.cb.select(Sensor, 999999), (e: unknown) => {
    assert.ok(e instanceof ObjectNotFoundError && e.status === 404);
    assert.equal(e.method, "GET");
    assert.equal(e.url, `${f.cb.url}/api/v1/sensor/999999`);
    return true;
  });
});
