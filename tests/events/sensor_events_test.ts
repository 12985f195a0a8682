import assert from "node:assert/strict";
import { decodeSensorEvent, encodeSensorEvent, SENSOR_EVENTS_PROTO } from "@cbapi/cbapi/events";

Deno.test("SENSOR_EVENTS_PROTO is the text of events/sensor_events.proto [spec 317]", async () => {
  const file = await Deno.readTextFile(
    new URL("../../events/sensor_events.proto", import.meta.url),
  );
  assert.equal(SENSOR_EVENTS_PROTO, file);
  assert.match(SENSOR_EVENTS_PROTO, /message CbEventMsg/);
});

Deno.test("decodeSensorEvent() reads a regmod CbEventMsg: header, strings, regmod, env [spec 317]", () => {
  const bytes = encodeSensorEvent({
    header: {
      version: 4,
      timestamp: "131500000000000000",
      process_pid: 2212,
      process_md5: "5a18f00ab9330ac7539675f3f326cf11",
      process_path: "c:\\windows\\system32\\reg.exe",
    },
    strings: [{
      guid: "-5",
      utf8string: "c:\\windows\\system32\\reg.exe",
      string_type: "typeFilepath",
    }],
    regmod: {
      action: "actionRegModWriteValue",
      utf8_regpath: "\\registry\\machine\\software\\microsoft\\windows\\currentversion\\run\\evil",
    },
    env: { endpoint: { SensorId: 7, SensorHostName: "WIN-IA9NQ1GN8OI" }, server: { NodeId: 0 } },
  });
  const ev = decodeSensorEvent(bytes);
  assert.equal(ev.header.version, 4);
  assert.equal(ev.header.timestamp, "131500000000000000", "64-bit FILETIME kept exact as a string");
  assert.equal(ev.header.process_pid, 2212);
  assert.equal(ev.header.process_md5, "5a18f00ab9330ac7539675f3f326cf11");
  assert.equal(ev.strings?.[0]?.guid, "-5");
  assert.equal(ev.strings?.[0]?.utf8string, "c:\\windows\\system32\\reg.exe");
  assert.equal(ev.strings?.[0]?.string_type, "typeFilepath");
  assert.equal(ev.regmod?.action, "actionRegModWriteValue");
  assert.equal(
    ev.regmod?.utf8_regpath,
    "\\registry\\machine\\software\\microsoft\\windows\\currentversion\\run\\evil",
  );
  assert.deepEqual(ev.env?.endpoint, { SensorId: 7, SensorHostName: "WIN-IA9NQ1GN8OI" });
});

Deno.test("decodeSensorEvent() hand-made wire bytes: field numbers match the documented schema [spec 317]", () => {
  // CbEventMsg { header(1) { version(1)=4 }, regmod(7) { action(2)=2, utf8_regpath(4)="\\a" }, env(13) { endpoint(1) { SensorId(1)=9 } } }
  const bytes = new Uint8Array([
    0x0a,
    0x02,
    0x08,
    0x04,
    0x3a,
    0x06,
    0x10,
    0x02,
    0x22,
    0x02,
    0x5c,
    0x61,
    0x6a,
    0x04,
    0x0a,
    0x02,
    0x08,
    0x09,
  ]);
  const ev = decodeSensorEvent(bytes);
  assert.equal(ev.regmod?.action, "actionRegModWriteValue");
  assert.equal(ev.regmod?.utf8_regpath, "\\a");
  assert.equal(ev.env?.endpoint?.SensorId, 9);
});

Deno.test("decodeSensorEvent() rejects truncated or headerless bytes with SyntaxError [spec 317]", () => {
  const good = encodeSensorEvent({ header: { version: 4 }, regmod: { utf8_regpath: "\\x" } });
  assert.throws(() => decodeSensorEvent(good.subarray(0, good.length - 2)), SyntaxError);
  assert.throws(() => decodeSensorEvent(new TextEncoder().encode('{"json": true}')), SyntaxError);
  assert.throws(() => decodeSensorEvent(new Uint8Array([0x3a, 0x00])), SyntaxError, "no header");
  assert.throws(() => encodeSensorEvent({ header: { version: 4, process_md5: "xyz" } }), TypeError);
});
