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
import amqp from "amqplib";

// A minimal protobuf writer, so that the test messages do not come from the library's own schema.
function varint(n: bigint): number[] {
  let v = BigInt.asUintN(64, n);
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}
/** A varint field. */
function num(field: number, value: number | bigint | boolean): number[] {
  return [...varint(BigInt(field << 3)), ...varint(BigInt(value))];
}
/** A length-delimited field: text, bytes or an embedded message. */
function len(field: number, value: string | number[] | Uint8Array): number[] {
  const bytes = typeof value === "string" ? [...new TextEncoder().encode(value)] : [...value];
  return [...varint(BigInt((field << 3) | 2)), ...varint(BigInt(bytes.length)), ...bytes];
}
function hexBytes(hex: string): number[] {
  return hex.match(/../g)!.map((h) => parseInt(h, 16));
}

async function waitFor(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Runs `work` on a channel of its own connection to the broker, as an administrator would. */
async function onBroker(broker: Broker, work: (ch: amqp.Channel) => Promise<void>): Promise<void> {
  const conn = await amqp.connect(broker.url);
  try {
    const ch = await conn.createChannel();
    await work(ch);
    await ch.close();
  } finally {
    await conn.close();
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
    return { registry: reg, queueName: `cbapi-test-${++queueSerial}`, reconnectDelayMs: 20 };
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
    "hand-built processblock, emetmitigation and full module info messages decode field by field [spec 314,317]",
    async () => {
      const reg = new EventRegistry();
      const got = new Map<string, CbEvent>();
      reg.on("ingress.event.#", (_a, type, _d, ev) => {
        got.set(type, ev);
      });
      await using source = new RabbitMqEventSource(cb, options(reg));
      await source.start();
      const md5 = "5a18f00ab9330ac7539675f3f326cf11";
      const sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
      const header = len(1, [...num(1, 4), ...num(4, 133000000000000001n), ...num(10, 4242)]);
      const env = len(13, len(1, [...num(1, 12), ...len(2, "WIN-IA9NQ1GN8OI")]));
      // CbEventMsg.blocked = 16: CbProcessBlockedMsg, every field.
      const blocked = new Uint8Array([
        ...header,
        ...env,
        ...len(16, [
          ...num(1, 1), // blockedType MD5Hash
          ...num(2, 2), // blockedEvent RunningProcess
          ...len(3, hexBytes(md5)), // blockedmd5Hash
          ...len(4, "c:\\users\\bob\\evil.exe"), // blockedPath
          ...num(5, 4), // blockResult NotTerminatedWhitelistedPath
          ...num(6, 5), // blockError
          ...num(7, 6060), // blockedPid
          ...num(8, 133000000000000002n), // blockedProcCreateTime
          ...len(9, "evil.exe --steal"), // blockedCmdline
          ...len(10, "S-1-5-21-1"), // blockedUid
          ...len(11, "CORP\\bob"), // blockedUsername
        ]),
      ]);
      // CbEventMsg.emet = 17: CbEmetMitigationMsg, every field.
      const emet = new Uint8Array([
        ...header,
        ...env,
        ...len(17, [
          ...num(1, 18446744073709551615n), // emetId (uint64 max)
          ...num(2, 133000000000000003n), // emetTimstamp
          ...len(3, num(1, 14)), // action.mitigationType actionStackPivot
          ...len(4, "StackPivot mitigation"), // actionText
          ...num(5, true), // blocked
        ]),
      ]);
      // CbEventMsg.module = 9: CbModuleInfoMsg, all 27 fields.
      const texts: Record<number, string> = {};
      for (
        const n of [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 26]
      ) {
        texts[n] = `text ${n} é`;
      }
      const icon = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
      const peHeader = [0x4c, 0x01, 0x06, 0x00, 0x5e, 0x2c, 0x2b, 0x60];
      const moduleFields = [
        ...len(1, hexBytes(md5)),
        ...num(2, 65536),
        ...num(3, 5000000000n),
        ...Object.entries(texts).flatMap(([n, text]) => len(Number(n), text)),
        ...len(24, icon),
        ...len(25, peHeader),
        ...len(27, hexBytes(sha256)),
      ];
      const module = new Uint8Array([...header, ...env, ...len(9, moduleFields)]);
      await broker.publish("ingress.event.processblock", blocked);
      await broker.publish("ingress.event.emetmitigation", emet);
      await broker.publish("ingress.event.module", module);
      await waitFor(() => got.size === 3, "three raw events");
      const b = got.get("ingress.event.processblock")!;
      assert.deepEqual(b.raw, blocked, "raw stays byte-exact");
      assert.equal(b.format, "protobuf");
      const bd = b.data as SensorEvent;
      assert.deepEqual(bd.header, {
        version: 4,
        timestamp: "133000000000000001",
        process_pid: 4242,
      });
      assert.deepEqual(bd.env, { endpoint: { SensorId: 12, SensorHostName: "WIN-IA9NQ1GN8OI" } });
      assert.deepEqual(bd.blocked, {
        blockedType: "MD5Hash",
        blockedEvent: "RunningProcess",
        blockedmd5Hash: md5,
        blockedPath: "c:\\users\\bob\\evil.exe",
        blockResult: "NotTerminatedWhitelistedPath",
        blockError: 5,
        blockedPid: 6060,
        blockedProcCreateTime: "133000000000000002",
        blockedCmdline: "evil.exe --steal",
        blockedUid: "S-1-5-21-1",
        blockedUsername: "CORP\\bob",
      });
      const ed = got.get("ingress.event.emetmitigation")!.data as SensorEvent;
      assert.deepEqual(ed.emet, {
        emetId: "18446744073709551615",
        emetTimstamp: "133000000000000003",
        action: { mitigationType: "actionStackPivot" },
        actionText: "StackPivot mitigation",
        blocked: true,
      });
      const md = got.get("ingress.event.module")!.data as SensorEvent;
      const names: Record<number, string> = {
        4: "utf8_FileDescription",
        5: "utf8_CompanyName",
        6: "utf8_ProductName",
        7: "utf8_FileVersion",
        8: "utf8_Comments",
        9: "utf8_LegalCopyright",
        10: "utf8_LegalTrademark",
        11: "utf8_InternalName",
        12: "utf8_OriginalFileName",
        13: "utf8_ProductDescription",
        14: "utf8_ProductVersion",
        15: "utf8_PrivateBuild",
        16: "utf8_SpecialBuild",
        17: "utf8_DigSig_Publisher",
        18: "utf8_DigSig_ProgramName",
        19: "utf8_DigSig_IssuerName",
        20: "utf8_DigSig_SubjectName",
        21: "utf8_DigSig_Result",
        22: "utf8_DigSig_ResultCode",
        23: "utf8_DigSig_SignTime",
        26: "utf8_OnDiskFilename",
      };
      assert.deepEqual(md.module, {
        md5,
        CopiedModuleLength: 65536,
        OriginalModuleLength: "5000000000",
        ...Object.fromEntries(Object.entries(texts).map(([n, text]) => [names[Number(n)], text])),
        Icon: new Uint8Array(icon),
        ImageFileHeader: new Uint8Array(peHeader),
        sha256,
      });
      assert.equal(Object.keys(md.module!).length, 27);
      assert.equal(reg.errors.length, 0);
    },
  );

  await t.step(
    "a JSON event keeps a 19-digit id exact; raw is the bytes as published [spec 314]",
    async () => {
      const reg = new EventRegistry();
      const got = Promise.withResolvers<CbEvent>();
      reg.on("watchlist.hit.process", (_a, _t, _d, ev) => got.resolve(ev));
      await using source = new RabbitMqEventSource(cb, options(reg));
      await source.start();
      const text = '{"type":"watchlist.hit.process","watchlist_id":7,"docs":[' +
        '{"parent_id":2211398595607011599,"id":-9223372036854775808,"pid":4242,' +
        '"score":0.1234567890123456789,"big":1e300,"unique_id":"00000001-0000-0a3c-01d2"}]}';
      await broker.publish("watchlist.hit.process", text);
      const ev = await got.promise;
      assert.equal(new TextDecoder().decode(ev.raw), text);
      const doc = (ev.data.docs as Record<string, unknown>[])[0]!;
      assert.equal(doc.parent_id, "2211398595607011599");
      assert.equal(doc.id, "-9223372036854775808");
      assert.equal(doc.pid, 4242);
      assert.equal(doc.score, 0.1234567890123456789, "fractions stay numbers");
      assert.equal(doc.big, 1e300, "exponent notation stays a number");
      assert.equal(ev.data.watchlist_id, 7);
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
    "queues: 3 spreads the event types over three queues on one connection; each event once, in order per type",
    async () => {
      const reg = new EventRegistry();
      const got = new Map<string, number[]>();
      const note = (type: string, n: number): void => {
        got.set(type, [...(got.get(type) ?? []), n]);
      };
      reg.on(
        "ingress.event.#",
        (_a, type, data) => note(type, Number((data as SensorEvent).header.eventid)),
      );
      reg.on("watchlist.hit.process", (_a, type, data) => note(type, Number(data.n)));
      const base = `cbapi-test-spread-${++queueSerial}`;
      const spread = { ...options(reg), queueName: base, queues: 3, durable: true };
      await using source = new RabbitMqEventSource(cb, spread);
      assert.deepEqual(source.queueNames, [`${base}.1of3`, `${base}.2of3`, `${base}.3of3`]);
      await source.start();
      // A pattern registered while running is bound to the queue of each type it stands for.
      reg.on("binaryinfo.*", (_a, type) => note(type, 0));
      await new Promise((r) => setTimeout(r, 50)); // let the binds reach the broker
      const raw = ["procstart", "moduleload", "filemod", "regmod", "netconn", "childproc"];
      const published = new Map<string, number[]>();
      for (let n = 1; n <= 60; n++) {
        const type = `ingress.event.${raw[n % raw.length]}`;
        published.set(type, [...(published.get(type) ?? []), n]);
        await broker.publish(type, encodeSensorEvent({ header: { version: 4, eventid: n } }), {
          contentType: "application/protobuf",
        });
      }
      await broker.publish("watchlist.hit.process", '{"n":61}');
      await broker.publish("binaryinfo.group.observed", '{"md5":"DD"}');
      await waitFor(() => [...got.values()].flat().length === 62, "62 events");
      await new Promise((r) => setTimeout(r, 50)); // a duplicate would arrive by now
      for (const [type, ns] of published) assert.deepEqual(got.get(type), ns, type);
      assert.deepEqual(got.get("watchlist.hit.process"), [61]);
      assert.deepEqual(got.get("binaryinfo.group.observed"), [0]);
      await source.close();

      // The durable queues stay: what is published now waits in them, each message in one queue
      // only, and every queue takes a share.
      for (let n = 1; n <= 30; n++) {
        const type = `ingress.event.${raw[n % raw.length]}`;
        await broker.publish(type, encodeSensorEvent({ header: { version: 4, eventid: n } }));
      }
      // An undocumented type matched only by the wildcard is not bound (documented trade-off).
      await broker.publish(
        "ingress.event.futurekind",
        encodeSensorEvent({ header: { version: 4 } }),
      );
      await onBroker(broker, async (ch) => {
        const counts = [];
        for (const q of source.queueNames) counts.push((await ch.checkQueue(q)).messageCount);
        assert.equal(counts.reduce((a, b) => a + b, 0), 30, `counts ${counts}`);
        assert.ok(counts.every((c) => c > 0), `every queue takes a share: ${counts}`);
        for (const q of source.queueNames) await ch.deleteQueue(q);
      });
      assert.equal(reg.errors.length, 0);
    },
  );

  await t.step(
    "a queue deleted on the broker is declared again: the source reconnects and keeps consuming [spec 314]",
    async () => {
      const reg = new EventRegistry();
      const got: number[] = [];
      reg.on("watchlist.hit.process", (_a, _t, data) => {
        got.push(Number(data.n));
      });
      await using source = new RabbitMqEventSource(cb, { ...options(reg), queues: 2 });
      await source.start();
      // RabbitMQ cancels the consumers of a deleted queue (basic.cancel), the channel stays.
      await onBroker(broker, async (ch) => {
        for (const q of source.queueNames) await ch.deleteQueue(q);
      });
      await waitFor(() => source.connectionCount === 2 && source.connected, "the reconnect");
      await broker.publish("watchlist.hit.process", '{"n":1}');
      await waitFor(() => got.length === 1, "the event after the reconnect");
      assert.deepEqual(got, [1]);
    },
  );

  await t.step("queues must be a positive integer", () => {
    const reg = new EventRegistry();
    for (const queues of [0, -1, 1.5]) {
      assert.throws(
        () => new RabbitMqEventSource(cb, { ...options(reg), queues }),
        (err) => err instanceof RangeError && /queues/.test(err.message),
      );
    }
  });

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
