// Python habits in scripts that are not type-checked get a TypeError naming the fix, not a silent
// undefined (issue 19 item 4). The casts stand for a plain-JS or unchecked script.

import assert from "node:assert/strict";
import { Process, Sensor } from "@cbapi/cbapi/response";
import { Computer } from "@cbapi/cbapi/protection";
import { Device } from "@cbapi/cbapi/defense";
import { FileBytes } from "@cbapi/cbapi/live-response";
import { CbEmulator } from "@cbapi/cbapi/testing";
import { responseFixture } from "../_helpers.ts";
import { CbProtectionAPI } from "@cbapi/cbapi/protection";
import { CbDefenseAPI } from "@cbapi/cbapi/defense";

function loose(q: unknown): Record<string, unknown> {
  return q as Record<string, unknown>;
}

Deno.test("query.length and query[0] throw a TypeError naming count() and at()", async () => {
  await using fx = await responseFixture();
  const query = fx.cb.select(Process).where("process_name:net.exe");
  assert.throws(() => loose(query).length, TypeError, "use await query.count()");
  assert.throws(() => loose(query)[0], TypeError, "use await query.at(0)");
  assert.throws(() => loose(query)[-1], TypeError, "use await query.at(-1)");
  // The query still works, and what the hints name gives the answer.
  assert.equal(await query.count(), 2);
  assert.ok((await query.at(0)) instanceof Process);
  assert.ok(fx.cb.select(Sensor) instanceof Object);
  const seen = [];
  for await (const s of fx.cb.select(Sensor)) seen.push(s);
  assert.ok(seen.length > 0);
});

Deno.test("Protection and Defense queries carry the same hints", async () => {
  await using emu = await CbEmulator.start();
  await using p = await CbProtectionAPI.connect({ url: emu.url, token: emu.token });
  assert.throws(() => loose(p.select(Computer)).length, TypeError, "query.count()");
  await using d = await CbDefenseAPI.connect({ url: emu.url, token: emu.defenseToken });
  assert.throws(() => loose(d.select(Device))[0], TypeError, "query.at(0)");
});

Deno.test("FileBytes.text() decodes a Live Response file or output", () => {
  const utf8 = new FileBytes(new TextEncoder().encode("caf\u00e9\r\n"));
  assert.equal(utf8.text(), "caf\u00e9\r\n");
  const utf16 = new FileBytes(new Uint8Array([0xff, 0xfe, 0x68, 0, 0x69, 0]).buffer);
  assert.equal(utf16.text("utf-16le"), "hi");
  assert.ok(utf8 instanceof Uint8Array);
  assert.equal(utf8.length, 7);
});
