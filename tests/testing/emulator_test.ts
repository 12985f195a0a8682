import assert from "node:assert/strict";
import { CbEmulator } from "@cbapi/cbapi/testing";
import { call, send } from "./_helpers.ts";

Deno.test("CbEmulator.start() serves on 127.0.0.1 with a seed-derived token", async () => {
  await using a = await CbEmulator.start({ seed: 7 });
  await using b = await CbEmulator.start({ seed: 7 });
  await using c = await CbEmulator.start({ seed: 8 });
  assert.match(a.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.match(a.token, /^[0-9a-f]{40}$/);
  assert.equal(a.token, b.token);
  assert.notEqual(a.token, c.token);
  assert.match(a.defenseToken, /^[0-9A-Z]{24}\/[0-9A-Z]{10}$/);
  assert.equal(a.certFile, undefined);
  const info = await call(a, "/api/info");
  assert.equal(info.status, 200);
  assert.equal(info.headers.get("content-type"), "application/json");
  assert.equal(info.json.version, "6.2.0.171114.1158");
});

Deno.test("CbEmulator answers 401 without or with a wrong token, 404 for unknown routes", async () => {
  await using emu = await CbEmulator.start({ token: "secret-token" });
  assert.equal(emu.token, "secret-token");
  const none = await call(emu, "/api/info", { token: null });
  assert.equal(none.status, 401);
  const wrong = await call(emu, "/api/v1/sensor", { token: "nope" });
  assert.equal(wrong.status, 401);
  const unknown = await call(emu, "/api/v9/nothing");
  assert.equal(unknown.status, 404);
  assert.equal(unknown.headers.get("content-type"), "text/plain; charset=utf-8");
  const method = await call(emu, "/api/info", { method: "DELETE" });
  assert.equal(method.status, 405);
});

Deno.test("CbEmulator answers 400 to a malformed JSON body and an empty body", async () => {
  await using emu = await CbEmulator.start();
  assert.equal((await send(emu, "POST", "/api/v1/watchlist", "{not json")).status, 400);
  assert.equal((await send(emu, "PUT", "/api/v1/sensor/3", "")).status, 400);
  assert.equal((await send(emu, "POST", "/api/group", [1, 2])).status, 400);
});

Deno.test("CbEmulator.requests logs every request with the token redacted", async () => {
  await using emu = await CbEmulator.start();
  await call(emu, "/api/v1/sensor?hostname=WIN-IA9NQ1GN8OI");
  await send(emu, "POST", "/api/v1/banning/blacklist", {
    md5hash: "7FB55F5A62E78AF9B58D08AAEEAEF848",
    text: "t",
  });
  await call(emu, "/api/info", { token: "wrong" });
  assert.equal(emu.requests.length, 3);
  const [first, second, third] = emu.requests;
  assert.equal(first!.method, "GET");
  assert.equal(first!.path, "/api/v1/sensor");
  assert.equal(first!.query, "hostname=WIN-IA9NQ1GN8OI");
  assert.equal(first!.url, "/api/v1/sensor?hostname=WIN-IA9NQ1GN8OI");
  assert.equal(first!.headers["x-auth-token"], "[redacted]");
  assert.equal(first!.authenticated, true);
  assert.equal(first!.status, 200);
  assert.equal(first!.fault, undefined);
  assert.equal(second!.body, '{"md5hash":"7FB55F5A62E78AF9B58D08AAEEAEF848","text":"t"}');
  assert.equal(third!.authenticated, false);
  assert.equal(third!.status, 401);
  assert.ok(!JSON.stringify(emu.requests).includes(emu.token));
  emu.clearRequests();
  assert.equal(emu.requests.length, 0);
});

Deno.test("CbEmulator keeps connections alive and accepts chunked request bodies", async () => {
  await using emu = await CbEmulator.start();
  for (let i = 0; i < 5; i++) assert.equal((await call(emu, "/api/info")).status, 200);
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(new TextEncoder().encode('{"name": "chunked", '));
      c.enqueue(new TextEncoder().encode('"site_id": 1}'));
      c.close();
    },
  });
  const res = await call(emu, "/api/group", { method: "POST", body });
  assert.equal(res.status, 200);
  assert.deepEqual(res.json, { id: 3 });
  assert.equal(emu.state.groups.get(3)?.name, "chunked");
  const head = await call(emu, "/api/info", { method: "HEAD" });
  assert.equal(head.status, 200);
  assert.equal(head.text, "");
});

Deno.test("CbEmulator.credentialsFile() writes an INI profile removed on close", async () => {
  const emu = await CbEmulator.start();
  const path = await emu.credentialsFile();
  assert.equal(
    await Deno.readTextFile(path),
    `[default]\nurl=${emu.url}\ntoken=${emu.token}\nssl_verify=True\n`,
  );
  const defense = await emu.credentialsFile("defense", {
    profile: "lab",
    extra: { ssl_verify: "False", org_key: "ABC" },
  });
  assert.equal(
    await Deno.readTextFile(defense),
    `[lab]\nurl=${emu.url}\ntoken=${emu.defenseToken}\nssl_verify=False\norg_key=ABC\n`,
  );
  await emu.close();
  await emu.close();
  await assert.rejects(Deno.stat(path), Deno.errors.NotFound);
});

Deno.test("CbEmulator with tls serves HTTPS with a certificate for 127.0.0.1", async () => {
  let certFile: string;
  {
    await using emu = await CbEmulator.start({ tls: true });
    assert.match(emu.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    certFile = emu.certFile!;
    assert.equal(await Deno.readTextFile(certFile), emu.certPem);
    assert.match(emu.certPem!, /-----BEGIN CERTIFICATE-----/);
    const ini = await Deno.readTextFile(await emu.credentialsFile());
    assert.match(ini, new RegExp(`ssl_cert_file=${certFile}\n`));
    await assert.rejects(fetch(`${emu.url}/api/info`), TypeError);
    using client = Deno.createHttpClient({ caCerts: [emu.certPem!] });
    const info = await call(emu, "/api/info", { client });
    assert.equal(info.status, 200);
    assert.equal(info.json.cblrEnabled, true);
  }
  await assert.rejects(Deno.stat(certFile), Deno.errors.NotFound);
});

Deno.test("CbEmulator.close() ends idle keep-alive connections and pending delays", async () => {
  const emu = await CbEmulator.start({ latencyMs: 10_000 });
  const pending = fetch(`${emu.url}/api/info`, { headers: { "X-Auth-Token": emu.token } });
  await new Promise((r) => setTimeout(r, 20));
  await emu.close();
  await assert.rejects(pending);
});
