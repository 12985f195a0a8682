import assert from "node:assert/strict";
import {
  bindingKey,
  type CbEvent,
  EventRegistry,
  matchesEventPattern,
  onEvent,
  registry,
} from "@cbapi/cbapi/events";
import type { EventApi } from "@cbapi/cbapi/events";
import { responseFixture } from "../_helpers.ts";

function jsonEvent(type: string, data: Record<string, unknown>): CbEvent {
  const raw = new TextEncoder().encode(JSON.stringify({ type, ...data }));
  return { type, data: { type, ...data }, raw, format: "json", source: "file", redelivered: false };
}

Deno.test("EventRegistry.dispatch() calls each matching callback with cb, eventType and eventData [spec 312]", async () => {
  await using fx = await responseFixture();
  const reg = new EventRegistry();
  const calls: [EventApi, string, unknown][] = [];
  reg.on("watchlist.hit.process", (cb, type, data) => {
    calls.push([cb, type, data.watchlist_id]);
  });
  reg.on("watchlist.hit.*", async (cb, type, data) => {
    await Promise.resolve();
    calls.push([cb, `*${type}`, data.watchlist_id]);
  });
  reg.on("feed.*", () => {
    calls.push([fx.cb, "feed", undefined]);
  });
  const result = await reg.dispatch(fx.cb, jsonEvent("watchlist.hit.process", { watchlist_id: 4 }));
  assert.deepEqual(result, { handled: 2, failed: 0 });
  assert.deepEqual(calls, [
    [fx.cb, "watchlist.hit.process", 4],
    [fx.cb, "*watchlist.hit.process", 4],
  ]);
  assert.equal(fx.emu.requests.length, 2, "dispatching sends nothing to the server by itself");
});

Deno.test("Event patterns: * is one word, a last * is the rest, # is any number of words [spec 312]", () => {
  assert.ok(matchesEventPattern("watchlist.hit.*", "watchlist.hit.process"));
  assert.ok(!matchesEventPattern("watchlist.hit.*", "watchlist.hit"));
  assert.ok(matchesEventPattern("feed.*", "feed.ingress.hit.process"));
  assert.ok(matchesEventPattern("binaryinfo.*", "binaryinfo.host.observed"));
  assert.ok(matchesEventPattern("ingress.event.*", "ingress.event.regmod"));
  assert.ok(matchesEventPattern("*.hit.*", "watchlist.hit.binary"));
  assert.ok(!matchesEventPattern("*.hit.*", "feed.ingress.hit.process"));
  assert.ok(matchesEventPattern("#.process", "feed.ingress.hit.process"));
  assert.ok(matchesEventPattern("#", "anything.at.all"));
  assert.ok(!matchesEventPattern("watchlist.hit.process", "watchlist.hit.binary"));
  assert.equal(bindingKey("feed.*"), "feed.#");
  assert.equal(bindingKey("*.hit.process"), "*.hit.process");
  const reg = new EventRegistry();
  assert.throws(() => reg.on("watchlist..hit", () => {}), TypeError);
  assert.throws(() => reg.on("", () => {}), TypeError);
});

Deno.test("EventRegistry.errors keeps handler exceptions with the raw payload; eventTypes lists patterns [spec 313]", async () => {
  await using fx = await responseFixture();
  const reg = new EventRegistry({ maxErrors: 2 });
  const seen: string[] = [];
  reg.on("watchlist.hit.binary", function explode() {
    throw new Error("handler broke");
  });
  reg.on("watchlist.hit.binary", () => {
    seen.push("second still runs");
  });
  reg.on("feed.*", () => {});
  assert.deepEqual(reg.eventTypes, ["watchlist.hit.binary", "feed.*"]);
  const ev = jsonEvent("watchlist.hit.binary", { md5: "AA" });
  assert.deepEqual(await reg.dispatch(fx.cb, ev), { handled: 1, failed: 1 });
  assert.deepEqual(seen, ["second still runs"]);
  const [err] = reg.errors;
  assert.ok(err);
  assert.equal(err.kind, "handler");
  assert.equal(err.callbackFunc, "explode");
  assert.equal(err.eventType, "watchlist.hit.binary");
  assert.deepEqual(err.eventData, ev.raw);
  assert.match(err.exception, /handler broke/);
  assert.ok(err.timestamp instanceof Date);
  // bounded: only the newest two are kept
  await reg.dispatch(fx.cb, ev);
  await reg.dispatch(fx.cb, ev);
  assert.equal(reg.errors.length, 2);
  reg.clear();
  assert.deepEqual(reg.eventTypes, []);
  assert.equal(reg.errors.length, 2, "clear() forgets registrations, not errors");
  reg.clearErrors();
  assert.equal(reg.errors.length, 0);
  assert.throws(() => new EventRegistry({ maxErrors: 0 }), RangeError);
});

Deno.test("onEvent() registers on the module registry and returns the handler; removal works [spec 312,313]", () => {
  function handler(): void {}
  try {
    assert.equal(onEvent("watchlist.hit.process", handler), handler);
    assert.ok(registry.eventTypes.includes("watchlist.hit.process"));
    const off = registry.on("binaryinfo.observed", handler);
    assert.ok(registry.handles("binaryinfo.observed"));
    off();
    assert.ok(!registry.handles("binaryinfo.observed"));
  } finally {
    registry.clear();
  }
});

Deno.test("EventRegistry: a callback registered or removed after events of its type flowed is honoured from the next event [spec 312]", () => {
  const reg = new EventRegistry();
  const api: EventApi = { url: "https://cb.example", connection: { credentials: undefined } };
  const ev = jsonEvent("watchlist.hit.process", { watchlist_id: 1 });
  const seen: string[] = [];
  reg.on("feed.*", () => {});
  assert.deepEqual(reg.dispatchNow(api, ev), { handled: 0, failed: 0 });
  assert.ok(!reg.handles(ev.type));
  const off = reg.on("watchlist.hit.*", () => {
    seen.push("pattern");
  });
  assert.ok(reg.handles(ev.type));
  assert.deepEqual(reg.dispatchNow(api, ev), { handled: 1, failed: 0 });
  const offExact = reg.on("watchlist.hit.process", () => {
    seen.push("exact");
  });
  assert.deepEqual(reg.dispatchNow(api, ev), { handled: 2, failed: 0 });
  off();
  assert.deepEqual(reg.dispatchNow(api, ev), { handled: 1, failed: 0 });
  offExact();
  assert.deepEqual(reg.dispatchNow(api, ev), { handled: 0, failed: 0 });
  assert.ok(!reg.handles(ev.type));
  reg.on("watchlist.#", () => {
    seen.push("hash");
  });
  reg.clear();
  assert.deepEqual(reg.dispatchNow(api, ev), { handled: 0, failed: 0 });
  assert.deepEqual(seen, ["pattern", "pattern", "exact", "exact"]);
});
