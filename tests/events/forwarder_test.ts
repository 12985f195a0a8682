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
