import assert from "node:assert/strict";
import { EventRegistry, FileEventSource } from "@cbapi/cbapi/events";
import { ConnectionError } from "@cbapi/cbapi/core";
import { BannedHash, type CbResponseAPI } from "@cbapi/cbapi/response";
import { requestsSince, responseFixture } from "../_helpers.ts";

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !check(); i++) await new Promise((r) => setTimeout(r, 2));
  assert.ok(check(), "condition not reached");
}

Deno.test("FileEventSource replays the file, then follows appended lines; bad lines go to errors [spec 315]", async () => {
  await using fx = await responseFixture();
  const file = await Deno.makeTempFile({ suffix: ".json" });
  try {
    await Deno.writeTextFile(
      file,
      [
        '{"type":"watchlist.hit.process","n":1}',
        "not json at all",
        '{"no_type":true}',
        '{"type":"totally.unknown.event"}',
        '{"type":"binaryinfo.observed","n":2}', // known, nobody registered: skipped quietly
        '{"type":"watchlist.hit.process","n":3}',
        "",
      ].join("\n"),
    );
    const reg = new EventRegistry();
    const seen: unknown[] = [];
    reg.on("watchlist.hit.*", (cb, type, data) => {
      assert.equal(cb, fx.cb);
      assert.equal(type, "watchlist.hit.process");
      if (data.n === 3) throw new Error("third handler fails");
      seen.push(data.n);
    });
    await using source = new FileEventSource(fx.cb, file, { registry: reg, pollIntervalMs: 2 });
    await source.start();
    await waitFor(() => reg.errors.length === 4);
    assert.deepEqual(seen, [1]);
    assert.deepEqual(reg.errors.map((e) => e.kind), [
      "malformed",
      "malformed",
      "unknown-type",
      "handler",
    ]);
    assert.equal(new TextDecoder().decode(reg.errors[0]!.eventData), "not json at all");
    assert.equal(reg.errors[2]!.eventType, "totally.unknown.event");
    // a line written in two parts is read once it is complete
    await Deno.writeTextFile(file, '{"type":"watchlist.hit.process",', { append: true });
    await new Promise((r) => setTimeout(r, 10));
    await Deno.writeTextFile(file, '"n":4}\n', { append: true });
    await waitFor(() => seen.length === 2);
    assert.deepEqual(seen, [1, 4]);
    await source.close();
    assert.equal(source.running, false);
    assert.equal(requestsSince(fx.emu, 2).length, 0);
  } finally {
    await Deno.remove(file);
  }
});

Deno.test("FileEventSource drives the watchlist automation: a hit bans the process MD5 on the server [spec 315,312]", async () => {
  await using fx = await responseFixture();
  const file = await Deno.makeTempFile();
  try {
    const reg = new EventRegistry();
    const banned = Promise.withResolvers<void>();
    reg.on<CbResponseAPI>("watchlist.hit.process", async (cb, _type, data) => {
      const docs = data.docs as { process_md5: string }[];
      const bh = cb.create(BannedHash);
      bh.md5hash = docs[0]!.process_md5;
      bh.text = "banned via automated process!";
      await bh.save();
      banned.resolve();
    });
    await using source = new FileEventSource(fx.cb, file, { registry: reg, pollIntervalMs: 2 });
    await source.start();
    const from = fx.emu.requests.length;
    const md5 = "0123456789abcdef0123456789abcdef";
    await Deno.writeTextFile(
      file,
      JSON.stringify({ type: "watchlist.hit.process", docs: [{ process_md5: md5 }] }) + "\n",
      { append: true },
    );
    await banned.promise;
    const posts = fx.emu.requests.slice(from).filter((r) => r.method === "POST");
    assert.equal(posts.length, 1);
    assert.match(posts[0]!.url, /\/api\/v1\/banning\/blacklist$/);
    assert.equal(JSON.parse(posts[0]!.body ?? "{}").md5hash, md5);
    assert.equal(reg.errors.length, 0);
  } finally {
    await Deno.remove(file);
  }
});

Deno.test("FileEventSource.start() on a missing file throws ConnectionError naming it [spec 315]", async () => {
  await using fx = await responseFixture();
  const source = new FileEventSource(fx.cb, "/nonexistent/events.json", {
    registry: new EventRegistry(),
  });
  await assert.rejects(() => source.start(), (err: unknown) => {
    assert.ok(err instanceof ConnectionError);
    assert.match(err.message, /\/nonexistent\/events\.json/);
    return true;
  });
  assert.throws(() => new FileEventSource(fx.cb, "x", { pollIntervalMs: -1 }), RangeError);
});
