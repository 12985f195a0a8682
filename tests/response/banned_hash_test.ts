// BannedHash save rules (SPEC §5.10), checked against the emulator's request log. The emulator's
// banning routes behave like a real server's (see testing/response/_routes_admin.ts): DELETE
// disables the ban and erases its text, POST creates or re-enables, 409 for a hash already banned.

import assert from "node:assert/strict";
import { ServerError } from "@cbapi/cbapi/core";
import { BannedHash } from "@cbapi/cbapi/response";
import { type Fixture, requestsSince as since, responseFixture } from "../_helpers.ts";

/** The requests sent since `from` (MD5s in paths compared case-insensitively). */
function requestsSince(emu: Fixture["emu"], from: number): string[] {
  return since(emu, from).map((r) => r.toLowerCase());
}

/** The seeded bans: one enabled with a text, one disabled without. */
function seeded(f: Fixture): { enabled: string; disabled: string } {
  const docs = [...f.emu.state.bannedHashes.values()];
  const enabled = docs.find((d) => d.enabled && d.text)!;
  const disabled = docs.find((d) => !d.enabled)!;
  return { enabled: enabled.md5hash.toUpperCase(), disabled: disabled.md5hash.toUpperCase() };
}

Deno.test("BannedHash disabling sends DELETE, then a PUT that restores the text [spec 195]", async () => {
  await using f = await responseFixture();
  const { enabled: md5 } = seeded(f);
  const bh = await f.cb.select(BannedHash, md5);
  const text = bh.text;
  assert.ok(text, "the seeded ban has a text");
  bh.enabled = false;
  const n = f.emu.requests.length;
  await bh.save();
  const path = `/api/v1/banning/blacklist/${md5.toLowerCase()}`;
  assert.deepEqual(requestsSince(f.emu, n), [`delete ${path}`, `put ${path}`, `get ${path}`]);
  const put = JSON.parse(f.emu.requests[n + 1]!.body);
  assert.equal(put.enabled, false);
  assert.equal(put.text, text);
  assert.equal(put.md5hash, md5.toLowerCase(), "the PUT carries the whole document");
  const doc = f.emu.state.bannedHashes.get(md5.toLowerCase())!;
  assert.equal(doc.enabled, false);
  assert.equal(doc.text, text, "the text the DELETE erased is back");
  assert.equal(bh.enabled, false);
  assert.equal(bh.text, text);
  assert.ok(!bh.isDirty());
  assert.deepEqual(
    (doc.audit as Array<{ enabled: boolean; text: string | null }>).slice(0, 2).map((a) => [
      a.enabled,
      a.text,
    ]),
    [[false, text], [false, null]],
    "the server saw the DELETE erase the text, then the PUT restore it",
  );
});

Deno.test("BannedHash disabling a ban without text sends only the DELETE and reloads [spec 195]", async () => {
  await using f = await responseFixture();
  const { disabled: md5 } = seeded(f);
  const bh = await f.cb.select(BannedHash, md5);
  bh.enabled = true;
  await bh.save();
  assert.equal(bh.text ?? "", "");
  bh.enabled = false;
  const n = f.emu.requests.length;
  await bh.save();
  const path = `/api/v1/banning/blacklist/${md5.toLowerCase()}`;
  assert.deepEqual(requestsSince(f.emu, n), [`delete ${path}`, `get ${path}`]);
  assert.equal(f.emu.requests[n]!.body, "", "the DELETE has no body");
  assert.equal(bh.enabled, false);
  assert.equal(f.emu.state.bannedHashes.get(md5.toLowerCase())!.enabled, false);
});

Deno.test("BannedHash re-enabling POSTs the whole document, never a PUT [spec 195]", async () => {
  await using f = await responseFixture();
  const { enabled: md5 } = seeded(f);
  const bh = await f.cb.select(BannedHash, md5);
  bh.enabled = false;
  await bh.save();
  bh.enabled = true;
  bh.text = "banned again";
  const n = f.emu.requests.length;
  await bh.save();
  assert.deepEqual(requestsSince(f.emu, n), [
    "post /api/v1/banning/blacklist",
    `get /api/v1/banning/blacklist/${md5.toLowerCase()}`,
  ]);
  const body = JSON.parse(f.emu.requests[n]!.body);
  assert.equal(body.md5hash, md5.toLowerCase(), "the POST keeps the primary key");
  assert.equal(body.enabled, true);
  assert.equal(body.text, "banned again");
  assert.ok("audit" in body && "username" in body, "the POST carries the whole document");
  const doc = f.emu.state.bannedHashes.get(md5.toLowerCase())!;
  assert.deepEqual([doc.enabled, doc.text], [true, "banned again"]);
  assert.equal(bh.enabled, true);
  assert.ok(!bh.isDirty());
});

Deno.test("BannedHash without a change of enabled is a plain PUT; a ban already on is a 409 ServerError", async () => {
  await using f = await responseFixture();
  const { enabled: md5 } = seeded(f);
  const bh = await f.cb.select(BannedHash, md5);
  bh.text = "renamed";
  const n = f.emu.requests.length;
  await bh.save();
  const path = `/api/v1/banning/blacklist/${md5.toLowerCase()}`;
  assert.deepEqual(requestsSince(f.emu, n), [`put ${path}`, `get ${path}`]);
  const again = f.cb.create(BannedHash, { md5hash: md5, text: "twice", enabled: true });
  const m = f.emu.requests.length;
  await assert.rejects(again.save(), (e) => e instanceof ServerError && e.status === 409);
  assert.deepEqual(requestsSince(f.emu, m), ["post /api/v1/banning/blacklist"]);
});

Deno.test("BannedHash disabling a hash the server never banned is the server's 409 [spec 195]", async () => {
  await using f = await responseFixture();
  const md5 = "00112233445566778899AABBCCDDEEFF";
  const bh = f.cb.create(BannedHash, { md5hash: md5, text: "never banned", enabled: false });
  const n = f.emu.requests.length;
  await assert.rejects(bh.save(), (e) => e instanceof ServerError && e.status === 409);
  assert.deepEqual(requestsSince(f.emu, n), [
    `delete /api/v1/banning/blacklist/${md5.toLowerCase()}`,
  ]);
});
