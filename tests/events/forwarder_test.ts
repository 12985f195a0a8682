import assert from "node:assert/strict";
import { EventForwarderHttpSource, EventRegistry } from "@cbapi/cbapi/events";
import { CredentialError } from "@cbapi/cbapi/core";
import { generate } from "selfsigned";
import { responseFixture } from "../_helpers.ts";

async function gzip(text: string): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

Deno.test("EventForwarderHttpSource dispatches POSTed batches in every body shape [spec 316]", async () => {
  await using fx = await responseFixture();
  const reg = new EventRegistry();
  const seen: string[] = [];
  reg.on("feed.*", (cb, type, data) => {
    assert.equal(cb, fx.cb);
    seen.push(`${type}:${data.n}`);
  });
  await using source = new EventForwarderHttpSource(fx.cb, "http://127.0.0.1:0", { registry: reg });
  await source.start();
  assert.match(source.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const bodies: [BodyInit, Record<string, string>][] = [
    ['[{"type":"feed.ingress.hit.process","n":1},{"type":"feed.storage.hit.binary","n":2}]', {}],
    ['{"events":[{"type":"feed.query.hit.process","n":3}]}', {}],
    ['{"type":"feed.ingress.hit.host","n":4}', {}],
    ['{"type":"feed.ingress.hit.process","n":5}\n{"type":"feed.ingress.hit.process","n":6}\n', {}],
    [await gzip('[{"type":"feed.ingress.hit.binary","n":7}]'), { "content-encoding": "gzip" }],
  ];
  for (const [body, headers] of bodies) {
    const res = await fetch(source.url, { method: "POST", body, headers });
    assert.equal(res.status, 200);
    const receipt = await res.json();
    assert.equal(receipt.failed, 0);
  }
  assert.deepEqual(seen, [
    "feed.ingress.hit.process:1",
    "feed.storage.hit.binary:2",
    "feed.query.hit.process:3",
    "feed.ingress.hit.host:4",
    "feed.ingress.hit.process:5",
    "feed.ingress.hit.process:6",
    "feed.ingress.hit.binary:7",
  ]);
  assert.equal(reg.errors.length, 0);
  assert.equal(fx.emu.requests.length, 2, "only connect() talked to the Cb server");
});

Deno.test("EventForwarderHttpSource serves no files: GET is 405; bad bodies are 400, failing handlers 500 [spec 316]", async () => {
  await using fx = await responseFixture();
  const reg = new EventRegistry();
  let calls = 0;
  reg.on("watchlist.hit.process", function failing() {
    calls++;
    throw new Error("nope");
  });
  await using source = new EventForwarderHttpSource(fx.cb, "http://127.0.0.1:0", { registry: reg });
  await source.start();
  const get = await fetch(new URL("deno.json", source.url));
  assert.equal(get.status, 405);
  await get.body?.cancel();
  const bad = await fetch(source.url, { method: "POST", body: "{{{ not json" });
  assert.equal(bad.status, 400);
  assert.deepEqual(await bad.json(), { received: 1, handled: 0, failed: 0, rejected: 1 });
  const failing = await fetch(source.url, {
    method: "POST",
    body: '{"type":"watchlist.hit.process"}',
  });
  assert.equal(failing.status, 500, "the forwarder keeps and resends a batch a handler failed on");
  assert.deepEqual(await failing.json(), { received: 1, handled: 0, failed: 1, rejected: 0 });
  assert.equal(calls, 1);
  assert.deepEqual(reg.errors.map((e) => [e.kind, e.source]), [
    ["malformed", "forwarder"],
    ["handler", "forwarder"],
  ]);
  const url = source.url;
  await source.close();
  await assert.rejects(() => fetch(url, { method: "POST", body: "{}" }), TypeError);
});

Deno.test("EventForwarderHttpSource needs keyFile and certFile for https [spec 316]", async () => {
  await using fx = await responseFixture();
  assert.throws(
    () => new EventForwarderHttpSource(fx.cb, "https://127.0.0.1:0"),
    (err: unknown) => err instanceof CredentialError && /keyFile/.test(err.message),
  );
  assert.throws(() => new EventForwarderHttpSource(fx.cb, "ftp://127.0.0.1:1"), TypeError);
});

Deno.test("EventForwarderHttpSource answers over HTTPS with the given key and certificate [spec 316]", async () => {
  await using fx = await responseFixture();
  const pems = await generate([{ name: "commonName", value: "localhost" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    extensions: [{ name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] }],
  });
  const dir = await Deno.makeTempDir();
  try {
    const certFile = `${dir}/cert.pem`;
    const keyFile = `${dir}/key.pem`;
    await Deno.writeTextFile(certFile, pems.cert);
    await Deno.writeTextFile(keyFile, pems.private);
    const reg = new EventRegistry();
    const got = Promise.withResolvers<string>();
    reg.on("binaryinfo.*", (_cb, type) => got.resolve(type));
    await using source = new EventForwarderHttpSource(fx.cb, "https://127.0.0.1:0", {
      registry: reg,
      certFile,
      keyFile,
    });
    await source.start();
    assert.match(source.url, /^https:/);
    using client = Deno.createHttpClient({ caCerts: [pems.cert] });
    const res = await fetch(source.url, {
      method: "POST",
      body: '{"type":"binaryinfo.group.observed"}',
      client,
    });
    assert.equal(res.status, 200);
    await res.body?.cancel();
    assert.equal(await got.promise, "binaryinfo.group.observed");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("EventForwarderHttpSource listens on 127.0.0.1 unless told otherwise; off loopback it needs a secret", async () => {
  await using fx = await responseFixture();
  await using source = new EventForwarderHttpSource(fx.cb, undefined, {
    registry: new EventRegistry(),
  });
  await source.start();
  assert.match(source.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  // Only constructed, never bound: the tests talk to loopback only.
  assert.throws(
    () => new EventForwarderHttpSource(fx.cb, "http://0.0.0.0:8080"),
    (err: unknown) => err instanceof CredentialError && /secret/.test(err.message),
  );
  assert.throws(
    () => new EventForwarderHttpSource(fx.cb, "http://192.0.2.7:8080"),
    CredentialError,
  );
  assert.throws(
    () => new EventForwarderHttpSource(fx.cb, "http://[::]:8080", { secret: "" }),
    CredentialError,
  );
  const lan = new EventForwarderHttpSource(fx.cb, "http://0.0.0.0:8080", { secret: "s3cret" });
  assert.equal(lan.running, false);
});

Deno.test("EventForwarderHttpSource with a secret: a forged event without it is refused 401 before its body is read", async () => {
  await using fx = await responseFixture();
  const reg = new EventRegistry();
  const seen: string[] = [];
  reg.on("watchlist.hit.process", (_cb, _type, data) => {
    seen.push(String(data.n));
  });
  const secret = "forwarder-shared-secret-7f3a";
  await using source = new EventForwarderHttpSource(fx.cb, "http://127.0.0.1:0", {
    registry: reg,
    secret,
  });
  await source.start();
  const forged = '{"type":"watchlist.hit.process","n":"forged"}';
  for (
    const headers of [{}, { authorization: "Bearer wrong" }, { authorization: `${secret}x` }]
  ) {
    const res = await fetch(source.url, { method: "POST", body: forged, headers });
    assert.equal(res.status, 401);
    assert.match(res.headers.get("www-authenticate") ?? "", /Bearer/);
    const text = await res.text();
    assert.ok(!text.includes(secret), "the secret is never echoed");
  }
  const wrongPath = await fetch(new URL("not-the-secret", source.url), {
    method: "POST",
    body: forged,
  });
  assert.equal(wrongPath.status, 401);
  await wrongPath.body?.cancel();
  const badEscape = await fetch(`${source.url}%E0%A4%A`, { method: "POST", body: forged });
  assert.equal(badEscape.status, 401, "a malformed path escape is refused, not a crash");
  await badEscape.body?.cancel();
  const get = await fetch(source.url);
  assert.equal(get.status, 401, "no method is answered without the secret");
  await get.body?.cancel();
  assert.deepEqual(seen, []);
  for (
    const [url, headers, n] of [
      [source.url, { authorization: `Bearer ${secret}` }, "1"],
      [source.url, { authorization: secret }, "2"],
      [new URL(secret, source.url).href, {}, "3"],
    ] as const
  ) {
    const res = await fetch(url, {
      method: "POST",
      body: `{"type":"watchlist.hit.process","n":"${n}"}`,
      headers,
    });
    assert.equal(res.status, 200);
    await res.body?.cancel();
  }
  assert.deepEqual(seen, ["1", "2", "3"]);
  assert.equal(reg.errors.length, 0);
});

Deno.test("EventForwarderHttpSource answers 413 over maxBodyBytes, as sent or declared, and keeps listening", async () => {
  await using fx = await responseFixture();
  const reg = new EventRegistry();
  let calls = 0;
  reg.on("feed.*", () => {
    calls++;
  });
  await using source = new EventForwarderHttpSource(fx.cb, "http://127.0.0.1:0", {
    registry: reg,
    maxBodyBytes: 1024,
  });
  await source.start();
  const big = JSON.stringify([{ type: "feed.ingress.hit.process", pad: "x".repeat(2000) }]);
  const declared = await fetch(source.url, { method: "POST", body: big });
  assert.equal(declared.status, 413);
  assert.match((await declared.json()).error, /1024 bytes/);
  // Chunked, no content-length: counted as it arrives.
  const chunked = await fetch(source.url, {
    method: "POST",
    body: new Blob([big]).stream(),
  });
  assert.equal(chunked.status, 413);
  await chunked.body?.cancel();
  const ok = await fetch(source.url, { method: "POST", body: '{"type":"feed.ingress.hit.host"}' });
  assert.equal(ok.status, 200, "still listening");
  await ok.body?.cancel();
  assert.equal(calls, 1);
});

/** Resident set size now, from /proc (Linux) or the runtime. */
async function rss(): Promise<number> {
  try {
    const status = await Deno.readTextFile("/proc/self/status");
    const m = /^VmRSS:\s+(\d+) kB/m.exec(status);
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux
  }
  return Deno.memoryUsage().rss;
}

Deno.test("EventForwarderHttpSource: a 4 MiB gzip bomb is cut at maxDecodedBytes (413); RSS growth stays bounded", async () => {
  await using fx = await responseFixture();
  const reg = new EventRegistry();
  await using source = new EventForwarderHttpSource(fx.cb, "http://127.0.0.1:0", {
    registry: reg,
  });
  await source.start();
  // One gzip member inflating to 65 MiB of zeros (just over the 64 MiB default), repeated to a
  // 4 MiB body: ~4 GiB once inflated (the listener used to take all of it: over 2 GiB RSS).
  const MIB = 1024 * 1024;
  const member = await gzip("\0".repeat(65 * MIB));
  const copies = Math.ceil((4 * MIB) / member.byteLength);
  const bomb = new Uint8Array(member.byteLength * copies);
  for (let i = 0; i < copies; i++) bomb.set(member, i * member.byteLength);
  assert.ok(bomb.byteLength >= 4 * MIB);
  const before = await rss();
  let peak = before;
  const sampler = setInterval(async () => {
    peak = Math.max(peak, await rss());
  }, 5);
  let status: number;
  try {
    const res = await fetch(source.url, {
      method: "POST",
      body: bomb,
      headers: { "content-encoding": "gzip" },
    });
    status = res.status;
    assert.match((await res.json()).error, /decompressed body is over the listener's limit/);
  } finally {
    clearInterval(sampler);
  }
  peak = Math.max(peak, await rss());
  assert.equal(status, 413);
  // Documented bound: maxBodyBytes + 2 * maxDecodedBytes = 144 MiB per request; asserted with
  // room for the test's own 4 MiB body and the allocator: 256 MiB.
  const growthMib = (peak - before) / MIB;
  assert.ok(growthMib < 256, `RSS grew ${growthMib.toFixed(1)} MiB`);
  const ok = await fetch(source.url, {
    method: "POST",
    body: await gzip('{"type":"binaryinfo.observed"}'),
    headers: { "content-encoding": "gzip" },
  });
  assert.equal(ok.status, 200, "still listening");
  await ok.body?.cancel();
});

Deno.test("EventForwarderHttpSource: each event's raw is its exact bytes in the batch; 19-digit ids stay exact", async () => {
  await using fx = await responseFixture();
  const reg = new EventRegistry();
  const got: { raw: string; parent: unknown }[] = [];
  reg.on("watchlist.hit.process", (_cb, _type, data, ev) => {
    const docs = data.docs as { parent_id: unknown }[];
    got.push({ raw: new TextDecoder().decode(ev.raw), parent: docs[0]!.parent_id });
  });
  await using source = new EventForwarderHttpSource(fx.cb, "http://127.0.0.1:0", {
    registry: reg,
  });
  await source.start();
  const one = '{"type":"watchlist.hit.process","docs":[{"parent_id":2211398595607011599}]}';
  const two =
    '{ "type" : "watchlist.hit.process", "docs" : [ { "parent_id" : 17 , "s":"]}\\"," } ] }';
  for (
    const body of [
      `[ ${one} ,\n ${two} ]`,
      `{"other":[1],"events":[${one},${two}]}`,
      `${one}\r\n${two}\n`,
    ]
  ) {
    const res = await fetch(source.url, { method: "POST", body });
    assert.equal(res.status, 200);
    await res.body?.cancel();
  }
  assert.deepEqual(got, [
    { raw: one, parent: "2211398595607011599" },
    { raw: two, parent: 17 },
    { raw: one, parent: "2211398595607011599" },
    { raw: two, parent: 17 },
    { raw: one, parent: "2211398595607011599" },
    { raw: two, parent: 17 },
  ]);
});
