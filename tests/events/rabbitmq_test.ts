// The RabbitMQ event source against a real broker (Debian's rabbitmq-server, started for this
// file on free loopback ports and always stopped).

import assert from "node:assert/strict";
import {
  type CbEvent,
  encodeSensorEvent,
  EventRegistry,
  RabbitMqEventSource,
  type SensorEvent,
} from "@cbapi/cbapi/events";
import { CredentialError } from "@cbapi/cbapi/core";
import { CbResponseAPI } from "@cbapi/cbapi/response";
import { CbEmulator } from "@cbapi/cbapi/testing";
import { type Broker, startBroker } from "./_broker.ts";

async function waitFor(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function connectWithBus(
  emu: CbEmulator,
  broker: Broker,
  dir: string,
): Promise<CbResponseAPI> {
  const file = `${dir}/credentials.response`;
  await Deno.writeTextFile(
    file,
    `[events]\nurl = ${emu.url}\ntoken = ${emu.token}\nrabbitmq_user = guest\n` +
      `rabbitmq_pass = guest\nrabbitmq_host = 127.0.0.1\nrabbitmq_port = ${broker.port}\n`,
    { mode: 0o600 },
  );
  return await CbResponseAPI.connect({ credentialFile: file, profile: "events" });
}

Deno.test("RabbitMqEventSource without rabbitmq_pass throws CredentialError naming the keys [spec 314]", async () => {
  await using emu = await CbEmulator.start();
  await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
  assert.throws(() => new RabbitMqEventSource(cb, { registry: new EventRegistry() }), (err) => {
    assert.ok(err instanceof CredentialError);
    assert.match(err.message, /rabbitmq_pass/);
    assert.match(err.message, /profile "default"/);
    assert.ok(!err.message.includes(emu.token));
    return true;
  });
});

Deno.test("RabbitMqEventSource against a real RabbitMQ broker [spec 314]", async (t) => {
  await using emu = await CbEmulator.start();
  await using broker = await startBroker();
  const dir = await Deno.makeTempDir();
  await using cb = await connectWithBus(emu, broker, dir);
  await Deno.remove(dir, { recursive: true });
  let queueSerial = 0;
  function options(reg: EventRegistry) {
    return { registry: reg, queueName: `cbapi-test-${++queueSerial}`, reconnectDelay: 20 };
  }

  await t.step(
    "binds the registered routing keys on api.events; each event reaches its handler once [spec 314,312]",
    async () => {
      const reg = new EventRegistry();
      const got: string[] = [];
      reg.on("watchlist.hit.process", (api, type, data) => {
        assert.equal(api, cb);
        got.push(`${type}#${data.n}`);
      });
      reg.on("feed.*", (_api, type, data) => {
        got.push(`${type}#${data.n}`);
      });
      await using source = new RabbitMqEventSource(cb, options(reg));
      assert.equal(source.brokerUrl, `amqp://guest@127.0.0.1:${broker.port}`, "no password shown");
      await source.start();
      assert.equal(source.connected, true);
      for (let n = 1; n <= 5; n++) {
        await broker.publish("watchlist.hit.process", JSON.stringify({ n }));
      }
      await broker.publish("binaryinfo.observed", JSON.stringify({ n: 99 })); // not bound
      await broker.publish("feed.ingress.hit.process", JSON.stringify({ n: 6 }));
      await waitFor(() => got.length >= 6, "six events");
      await new Promise((r) => setTimeout(r, 20)); // a duplicate would arrive by now
      assert.deepEqual(got, [
        "watchlist.hit.process#1",
        "watchlist.hit.process#2",
        "watchlist.hit.process#3",
        "watchlist.hit.process#4",
        "watchlist.hit.process#5",
        "feed.ingress.hit.process#6",
      ]);
      assert.equal(reg.errors.length, 0);
    },
  );

  await t.step(
    "a failing handler does not lose the event: it is delivered again [spec 314,313]",
    async () => {
      const reg = new EventRegistry();
      const deliveries: boolean[] = [];
      const done = Promise.withResolvers<void>();
      reg.on("watchlist.hit.binary", function flaky(_api, _type, _data, ev: CbEvent) {
        deliveries.push(ev.redelivered);
        if (!ev.redelivered) throw new Error("first try fails");
        done.resolve();
      });
      await using source = new RabbitMqEventSource(cb, options(reg));
      await source.start();
      await broker.publish("watchlist.hit.binary", '{"md5":"AA"}');
      await done.promise;
      assert.deepEqual(deliveries, [false, true]);
      assert.equal(reg.errors.length, 1);
      assert.equal(reg.errors[0]!.callbackFunc, "flaky");
      assert.equal(new TextDecoder().decode(reg.errors[0]!.eventData), '{"md5":"AA"}');
    },
  );

  await t.step(
    "a handler that always fails is tried maxAttempts times, then rejected [spec 314,313]",
    async () => {
      const reg = new EventRegistry();
      let calls = 0;
      const after: string[] = [];
      reg.on("watchlist.hit.binary", () => {
        calls++;
        throw new Error("always");
      });
      reg.on("watchlist.hit.process", (_a, _t, data) => {
        after.push(String(data.id));
      });
      await using source = new RabbitMqEventSource(cb, { ...options(reg), maxAttempts: 3 });
      await source.start();
      await broker.publish("watchlist.hit.binary", '{"md5":"BB"}');
      await waitFor(() => calls === 3, "three attempts");
      await broker.publish("watchlist.hit.process", '{"id":"next"}');
      await waitFor(() => after.length === 1, "the next event");
      assert.equal(calls, 3, "not delivered a fourth time");
      assert.equal(reg.errors.filter((e) => e.kind === "handler").length, 3);
    },
  );

  await t.step(
    "malformed JSON or protobuf goes to the errors; the consumer keeps running [spec 314,317]",
    async () => {
      const reg = new EventRegistry();
      const paths: string[] = [];
      reg.on("watchlist.hit.process", () => {});
      reg.on("ingress.event.regmod", (_api, _type, data) => {
        const ev = data as SensorEvent;
        paths.push(`${ev.env?.endpoint?.SensorId}:${ev.regmod?.utf8_regpath}`);
      });
      await using source = new RabbitMqEventSource(cb, options(reg));
      await source.start();
      await broker.publish("watchlist.hit.process", "{not json");
      await broker.publish("ingress.event.regmod", new Uint8Array([0xff, 0xff, 0xff]));
      const regmod = encodeSensorEvent({
        header: { version: 4 },
        regmod: { action: "actionRegModWriteValue", utf8_regpath: "\\registry\\machine\\x" },
        env: { endpoint: { SensorId: 3 } },
      });
      await broker.publish("ingress.event.regmod", regmod, { contentType: "application/protobuf" });
      await waitFor(() => paths.length === 1, "the good regmod");
      assert.deepEqual(paths, ["3:\\registry\\machine\\x"]);
      assert.deepEqual(reg.errors.map((e) => [e.kind, e.eventType]), [
        ["malformed", "watchlist.hit.process"],
        ["malformed", "ingress.event.regmod"],
      ]);
      assert.deepEqual(reg.errors[1]!.eventData, new Uint8Array([0xff, 0xff, 0xff]));
    },
  );

  await t.step(
    "patterns registered while running are bound at once; events() iterates [spec 314,312]",
    async () => {
      const reg = new EventRegistry();
      await using source = new RabbitMqEventSource(cb, options(reg));
      await source.start();
      const late = Promise.withResolvers<string>();
      reg.on("binaryinfo.*", (_a, type) => late.resolve(type));
      await new Promise((r) => setTimeout(r, 50)); // let the bind reach the broker
      await broker.publish("binaryinfo.host.observed", '{"md5":"CC"}');
      assert.equal(await late.promise, "binaryinfo.host.observed");
      const controller = new AbortController();
      const iter = source.events("alert.watchlist.hit.*", { signal: controller.signal });
      const first = iter.next();
      await new Promise((r) => setTimeout(r, 50));
      await broker.publish("alert.watchlist.hit.query.process", '{"alert":1}');
      const { value } = await first;
      assert.equal(value?.type, "alert.watchlist.hit.query.process");
      assert.deepEqual(value?.data, { alert: 1 });
      controller.abort(new Error("stop"));
      await assert.rejects(() => iter.next(), /stop/);
    },
  );

  await t.step(
    "a broker restart is survived: the source reconnects and binds again [spec 314]",
    async () => {
      const reg = new EventRegistry();
      const got: number[] = [];
      reg.on("watchlist.hit.process", (_a, _t, data) => {
        got.push(Number(data.n));
      });
      await using source = new RabbitMqEventSource(cb, { ...options(reg), durable: true });
      await source.start();
      await broker.publish("watchlist.hit.process", '{"n":1}');
      await waitFor(() => got.length === 1, "the event before the restart");
      await broker.restart();
      await waitFor(() => source.connectionCount === 2 && source.connected, "the reconnect");
      await broker.publish("watchlist.hit.process", '{"n":2}', { persistent: true });
      await waitFor(() => got.length === 2, "the event after the restart");
      assert.deepEqual(got, [1, 2]);
      await source.close();
      assert.equal(source.running, false);
    },
  );
});
