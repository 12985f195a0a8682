import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { startEmulator } from "../_helpers.ts";
import { call, send } from "./_helpers.ts";

function md5(s: string): string {
  return createHash("md5").update(s).digest("hex");
}

Deno.test("[spec 321] info, license and storage partitions", async () => {
  await using emu = await startEmulator({ serverVersion: "5.2.0.161004.1206" });
  const info = (await call(emu, "/api/info")).json;
  assert.equal(info.version, "5.2.0.161004.1206");
  assert.equal(info.cblrEnabled, true);
  for (
    const k of [
      "version_release",
      "banningEnabled",
      "cloud_install",
      "features",
      "processPageSize",
      "maxSearchResultRows",
      "user_preferences",
    ]
  ) {
    assert.ok(k in info, k);
  }
  const lic = (await call(emu, "/api/license")).json;
  assert.match(lic.license_request_block, /BEGIN CB LICENSE REQUEST/);
  assert.deepEqual((await send(emu, "POST", "/api/license", { license: "LICENSE-BLOCK" })).json, {
    status: "success",
  });
  assert.equal(emu.state.license, "LICENSE-BLOCK");
  assert.equal((await send(emu, "POST", "/api/license", {})).status, 400);
  const parts = (await call(emu, "/api/v1/storage/events/partition")).json;
  assert.equal(parts.writer.status, "hot");
  assert.equal(parts.writer.info.endDate, null);
  const names = Object.keys(parts);
  assert.ok(names.filter((n) => n.startsWith("cbevents_")).length >= 2);
  for (const n of names) {
    assert.equal(parts[n].name, n);
    assert.equal(parts[n].info.isLegacy, false);
  }
});

Deno.test("[spec 321] watchlists: the recorded six, create, update, delete", async () => {
  await using emu = await startEmulator();
  const list = (await call(emu, "/api/v1/watchlist")).json;
  assert.deepEqual(list.map((w: { id: string }) => w.id), ["11", "5", "1", "6", "9", "7"]);
  assert.equal(list[0].total_hits, "3503");
  const body = {
    id: null,
    index_type: "events",
    name: "[WARN] Attempts to mount internal share",
    search_query:
      "facet=false&q=process_name%3Anet.exe+cmdline%3A%5C%5Ctest%5Cblah&cb.urlver=1&sort=last_update+desc",
  };
  const created = await send(emu, "POST", "/api/v1/watchlist", body);
  assert.deepEqual(created.json, { id: 12 });
  const w = (await call(emu, "/api/v1/watchlist/12")).json;
  assert.equal(w.id, "12");
  assert.equal(w.name, body.name);
  assert.equal(w.enabled, true);
  assert.deepEqual(
    (await send(emu, "PUT", "/api/v1/watchlist/12", { ...w, enabled: false })).json,
    { result: "success" },
  );
  assert.equal(emu.state.watchlists.get("12")!.enabled, false);
  assert.equal((await send(emu, "POST", "/api/v1/watchlist", { name: "x" })).status, 400);
  assert.equal((await call(emu, "/api/v1/watchlist/12", { method: "DELETE" })).status, 200);
  assert.equal((await call(emu, "/api/v1/watchlist/12")).status, 404);
});

Deno.test("[spec 321] banned hashes: create, duplicate 409, case-insensitive md5, disable", async () => {
  await using emu = await startEmulator();
  const before = (await call(emu, "/api/v1/banning/blacklist?count=10000")).json;
  assert.equal(before.length, 2);
  assert.equal((await call(emu, "/api/v1/banning/blacklist?count=1")).json.length, 1);
  const ban = { md5hash: "7FB55F5A62E78AF9B58D08AAEEAEF848", text: "banned from API" };
  assert.deepEqual((await send(emu, "POST", "/api/v1/banning/blacklist", ban)).json, {
    result: "success",
  });
  assert.equal((await send(emu, "POST", "/api/v1/banning/blacklist", ban)).status, 409);
  const got = (await call(emu, "/api/v1/banning/blacklist/7FB55F5A62E78AF9B58D08AAEEAEF848")).json;
  assert.equal(got.md5hash, "7fb55f5a62e78af9b58d08aaeeaef848");
  assert.equal(got.enabled, true);
  assert.equal(got.text, "banned from API");
  assert.deepEqual(
    (await send(emu, "PUT", "/api/v1/banning/blacklist/7fb55f5a62e78af9b58d08aaeeaef848", {
      text: "new",
    })).json,
    { result: "success" },
  );
  assert.equal(emu.state.bannedHashes.get("7fb55f5a62e78af9b58d08aaeeaef848")!.text, "new");
  assert.equal(
    (await call(emu, "/api/v1/banning/blacklist/7FB55F5A62E78AF9B58D08AAEEAEF848", {
      method: "DELETE",
    })).status,
    200,
  );
  assert.equal(emu.state.bannedHashes.get("7fb55f5a62e78af9b58d08aaeeaef848")!.enabled, false);
  assert.equal(
    emu.state.bannedHashes.get("7fb55f5a62e78af9b58d08aaeeaef848")!.text,
    null,
    "a real server forgets the text of a disabled ban (SPEC §5.10)",
  );
  assert.equal(
    (await call(emu, "/api/v1/banning/blacklist/00112233445566778899aabbccddeeff", {
      method: "DELETE",
    })).status,
    409,
    "a real server answers 409 to DELETE of a hash it never banned",
  );
  assert.equal((await send(emu, "POST", "/api/v1/banning/blacklist", ban)).status, 200);
  assert.equal(
    (await call(emu, "/api/v1/banning/blacklist/CA4FAFFA957C71C006B59E29DFE3EB8B")).status,
    404,
  );
  assert.equal(
    (await send(emu, "POST", "/api/v1/banning/blacklist", { md5hash: "xyz" })).status,
    400,
  );
});

Deno.test("[spec 321] GET /api/auth with HTTP Digest returns the API token", async () => {
  await using emu = await startEmulator();
  const challenge = await call(emu, "/api/auth", { token: null });
  assert.equal(challenge.status, 401);
  const header = challenge.headers.get("www-authenticate")!;
  assert.match(header, /^Digest /);
  const realm = /realm="([^"]+)"/.exec(header)![1]!;
  const nonce = /nonce="([^"]+)"/.exec(header)![1]!;
  function authorization(user: string, password: string): string {
    const ha1 = md5(`${user}:${realm}:${password}`);
    const ha2 = md5("GET:/api/auth");
    const response = md5(`${ha1}:${nonce}:00000001:abcdef:auth:${ha2}`);
    return `Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="/api/auth", ` +
      `response="${response}", qop=auth, nc=00000001, cnonce="abcdef", algorithm=MD5`;
  }
  const ok = await call(emu, "/api/auth", {
    token: null,
    headers: { Authorization: authorization("admin", "cbisawesome") },
  });
  assert.equal(ok.status, 200);
  assert.deepEqual(ok.json, { auth_token: emu.token });
  assert.equal(emu.requests.at(-1)!.headers["authorization"], "[redacted]");
  const bad = await call(emu, "/api/auth", {
    token: null,
    headers: { Authorization: authorization("admin", "wrong") },
  });
  assert.equal(bad.status, 401);
  assert.match(bad.headers.get("www-authenticate")!, /^Digest realm=/);
});
