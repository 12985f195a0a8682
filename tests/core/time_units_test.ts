// Time options say their unit (issue 19 item 4): every public time option is in milliseconds and
// its name ends in `Ms`, so Python's `isolate(timeout=30)` (seconds) cannot become 30 ms. A
// unit-less key is a type error (the @ts-expect-error lines fail `deno check` once it is not) and,
// in a script that is not type-checked, a TypeError naming the option to use. Watchlist searches
// are typed by the watchlist's index type.

import assert from "node:assert/strict";
import { CbDefenseAPI } from "@cbapi/cbapi/defense";
import { FileEventSource, RabbitMqEventSource } from "@cbapi/cbapi/events";
import { closeOnSignal } from "@cbapi/cbapi/live-response";
import {
  Binary,
  CbResponseAPI,
  Process,
  type ProcessQuery,
  type SearchQuery,
  Sensor,
  Watchlist,
} from "@cbapi/cbapi/response";
import { CbEmulator } from "@cbapi/cbapi/testing";
import { TimeoutError } from "@cbapi/cbapi/core";
import { responseFixture } from "../_helpers.ts";
import { defenseFixture } from "../defense/_helpers.ts";

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
function typed<T extends true>(_: T): void {}

/** An options object as a plain-JavaScript script (or a Python habit) writes it. */
function python<T>(options: Record<string, unknown>): T {
  return options as T;
}

function namesTheFix(key: string, fix: string): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof TypeError, `a TypeError, got ${e}`);
    assert.match(e.message, new RegExp(`"${key}" names no unit`));
    assert.match(e.message, new RegExp(`use ${fix}`));
    return true;
  };
}

Deno.test("isolate({ timeout: 30 }) is a TypeError naming timeoutMs, never 30 ms", async () => {
  await using emu = await CbEmulator.start({ isolationDelayMs: 5 });
  await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
  const sensor = await cb.select(Sensor, 4);
  const n = emu.requests.length;
  // DESIGN.md's `timeout` (milliseconds) is kept, deprecated; Python's seconds are refused.
  await assert.rejects(sensor.isolate({ timeout: 30 }), namesTheFix("timeout", "timeoutMs"));
  await assert.rejects(
    sensor.isolate(python({ pollInterval: 1 })),
    namesTheFix("pollInterval", "pollIntervalMs"),
  );
  assert.equal(emu.requests.length, n, "nothing was sent");
  // The message converts Python's seconds.
  await assert.rejects(
    sensor.unisolate(python({ timeout: 30 })),
    /30 seconds, as Python cbapi counts, is timeoutMs: 30000/,
  );
  assert.equal(await sensor.isolate({ timeoutMs: 30_000, pollIntervalMs: 5 }), true);
});

Deno.test("DESIGN.md's isolate({ timeout: 30_000 }) and notifications({ interval: 60_000 }) still work, in milliseconds", async () => {
  await using f = await responseFixture({ isolationDelayMs: 5 });
  const sensor = await f.cb.select(Sensor, 4);
  // The DESIGN.md line as written type-checks (deprecated) and waits at most 30 s.
  assert.equal(await sensor.isolate({ timeout: 30_000, pollIntervalMs: 5 }), true);
  assert.equal(await sensor.unisolate({ timeout: 30_000, pollIntervalMs: 5 }), true);
  await assert.rejects(
    sensor.isolate(python({ timeout: 30_000, timeoutMs: 30_000 })),
    /timeoutMs or timeout \(its older name\), not both/,
  );
  // A 1 s timeout given the old way times out after about 1 s, not 1000 s: read as ms.
  {
    await using slow = await responseFixture({ isolationDelayMs: 60_000 });
    const s2 = await slow.cb.select(Sensor, 4);
    await assert.rejects(s2.isolate({ timeout: 1_000, pollIntervalMs: 50 }), TimeoutError);
  }
  await using d = await defenseFixture();
  d.emu.state.defense.notifications.push({ type: "THREAT" });
  const controller = new AbortController();
  for await (const _ of d.cb.notifications({ interval: 60_000, signal: controller.signal })) {
    controller.abort();
  }
  assert.equal(d.emu.requests.filter((r) => r.path.endsWith("/notification")).length, 1);
});

Deno.test("every entry point that takes a time option refuses the unit-less name", async () => {
  await using emu = await CbEmulator.start();
  await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
  const loose = python<Record<string, never>>;

  // Connection options and every per-call request option.
  await assert.rejects(
    CbResponseAPI.connect({ url: emu.url, token: emu.token, ...loose({ timeout: 5 }) }),
    namesTheFix("timeout", "timeoutMs"),
  );
  await assert.rejects(
    cb.select(Process).where("process_name:net.exe").toArray(loose({ timeout: 5 })),
    namesTheFix("timeout", "timeoutMs"),
  );
  await assert.rejects(cb.select(Sensor, 3, loose({ timeout: 5 })), TypeError);

  // Live Response: manager settings, sessions, commands, createProcess, jobs.
  assert.throws(
    () => cb.liveResponse.configure(loose({ commandTimeout: 5 })),
    namesTheFix("commandTimeout", "commandTimeoutMs"),
  );
  await assert.rejects(
    cb.liveResponse.requestSession(3, loose({ pollInterval: 5 })),
    namesTheFix("pollInterval", "pollIntervalMs"),
  );
  {
    await using session = await cb.liveResponse.requestSession(3, { pollIntervalMs: 5 });
    await assert.rejects(
      session.listProcesses(loose({ timeout: 5 })),
      namesTheFix("timeout", "timeoutMs"),
    );
    await assert.rejects(
      session.createProcess("cmd.exe /c ver", loose({ waitTimeout: 30 })),
      namesTheFix("waitTimeout", "waitTimeoutMs"),
    );
    assert.equal((await session.listProcesses({ timeoutMs: 5_000 }))[0]!.pid, 4);
  }
  assert.throws(
    () => cb.liveResponse.submitJob((s) => s.listProcesses(), [3], loose({ jobTimeout: 5 })),
    namesTheFix("jobTimeout", "jobTimeoutMs"),
  );
  assert.throws(() => closeOnSignal(cb, loose({ timeout: 1 })), TypeError);

  // Defense notifications, event sources, the emulator.
  await using cbd = await CbDefenseAPI.connect({ url: emu.url, token: emu.defenseToken });
  await assert.rejects(
    cbd.notifications(loose({ interval: 60 })).next(),
    namesTheFix("interval", "intervalMs"),
  );
  assert.throws(
    () => new FileEventSource(cb, "events.json", loose({ pollInterval: 1 })),
    namesTheFix("pollInterval", "pollIntervalMs"),
  );
  assert.throws(
    () => new RabbitMqEventSource(cb, loose({ reconnectDelay: 5 })),
    namesTheFix("reconnectDelay", "reconnectDelayMs"),
  );
  await assert.rejects(
    CbEmulator.start(loose({ latency: 100 })),
    namesTheFix("latency", "searchLatencyMs"),
  );
});

Deno.test("every public time option of the library ends in Ms (wire fields aside)", async () => {
  // Public modules: every non-underscore file of the exported folders. A property or option typed
  // as a number whose name says time must name its unit.
  const TIME =
    /(timeout|interval|delay|latency|wait|ttl|deadline|period|keepalive|backoff|idle|grace|after|poll|elapsed|duration)$/i;
  // Wire values keep the server's names: a notification's eventTime (epoch ms, Defense's field)
  // and the Retry-After header value an emulator fault sends (seconds or an HTTP date).
  // DESIGN.md's two unit-less names, kept deprecated in milliseconds (values under 1 s refused).
  const WIRE = new Set([
    "defense/api.ts:eventTime",
    "testing/faults.ts:retryAfter",
    "response/sensor.ts:timeout",
    "defense/api.ts:interval",
  ]);
  const offenders: string[] = [];
  const root = new URL("../../", import.meta.url);
  for (
    const dir of [
      "core",
      "response",
      "protection",
      "defense",
      "live_response",
      "events",
      "testing",
      "survey",
    ]
  ) {
    for await (const entry of Deno.readDir(new URL(`${dir}/`, root))) {
      if (!entry.isFile || !entry.name.endsWith(".ts") || entry.name.startsWith("_")) continue;
      const text = await Deno.readTextFile(new URL(`${dir}/${entry.name}`, root));
      for (const m of text.matchAll(/^\s+(?:readonly )?(\w+)\??: number\b/gm)) {
        const name = m[1]!;
        const key = `${dir}/${entry.name}:${name}`;
        if (TIME.test(name) && !name.endsWith("Ms") && !WIRE.has(key)) offenders.push(key);
      }
    }
  }
  assert.deepEqual(offenders, []);
  // The scan sees the options it must see (so an empty list means something).
  const sensorTs = await Deno.readTextFile(new URL("response/sensor.ts", root));
  assert.match(sensorTs, /^\s+timeoutMs\?: number;/m);
});

Deno.test("Watchlist.search() is typed by the index type; searchProcesses()/searchBinaries() by name", async () => {
  typed<Same<ReturnType<Watchlist<"events">["search"]>, ProcessQuery>>(true);
  typed<Same<ReturnType<Watchlist<"modules">["search"]>, SearchQuery<Binary>>>(true);
  typed<Same<ReturnType<Watchlist["search"]>, ProcessQuery | SearchQuery<Binary>>>(true);

  await using emu = await CbEmulator.start();
  await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
  const made = await cb.select(Process).where("process_name:net.exe").createWatchlist("net.exe");
  typed<Same<typeof made, Watchlist<"events">>>(true);
  for await (const proc of made.search()) assert.equal(proc.process_name, "net.exe");
  const bins = await cb.select(Binary).where("observed_filename:notepad.exe").createWatchlist("np");
  typed<Same<typeof bins, Watchlist<"modules">>>(true);
  assert.equal(bins.index_type, "modules");

  // A watchlist loaded from the server: its index type is known at run time only.
  const loaded = await cb.select(Watchlist).where("name:net.exe").one();
  const cmdlines: string[] = [];
  for await (const proc of loaded.searchProcesses()) cmdlines.push(proc.cmdline ?? "");
  assert.equal(cmdlines.length, 2);
  if (loaded.isProcessWatchlist()) {
    for await (const proc of loaded.search()) assert.equal(proc.process_name, "net.exe");
  } else {
    assert.fail("net.exe is a process watchlist");
  }
  assert.throws(() => loaded.searchBinaries(), /expected modules \(binaries\)/);
  const binaries = await (await cb.select(Watchlist).where("name:np").one()).searchBinaries()
    .toArray();
  assert.ok(binaries.every((b) => b instanceof Binary));
});
