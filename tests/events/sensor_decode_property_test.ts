// Property tests of the sensor event decoder (events/_wire.ts): sequences of events, whose values
// come from small pools (so that consecutive events repeat a value, or change it to another of the
// same length that differs only in the middle, as the decoder's per-field last-value reuse must
// notice) and from arbitrary ones, decode to exactly what was encoded: 64-bit integers as exact
// decimal text (checked with BigInt), hashes as lowercase hex, text bytes as TextDecoder reads
// them (invalid UTF-8 and a leading BOM included).

import assert from "node:assert/strict";
import { decodeSensorEvent, encodeSensorEvent } from "@cbapi/cbapi/events";
import { check, fc } from "../property/_fc.ts";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const TWO_53 = 2n ** 53n;

const int64 = fc.oneof(
  fc.constantFrom(
    0n,
    -1n,
    TWO_53 - 1n,
    TWO_53,
    TWO_53 + 1n,
    -TWO_53,
    -TWO_53 - 1n,
    INT64_MAX,
    INT64_MIN,
    INT64_MIN + 1n,
    133_000_000_000_000_000n,
    -2_211_398_595_607_011_599n,
  ),
  fc.bigInt({ min: INT64_MIN, max: INT64_MAX }),
);
const uint64 = fc.oneof(
  fc.constantFrom(0n, TWO_53 - 1n, TWO_53, TWO_53 + 1n, 2n ** 63n, 2n ** 64n - 1n),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
);
const MD5 = [0x5a, 0x18, 0xf0, 0x0a, 0xb9, 0x33, 0x0a, 0xc7, 0x53, 0x96, 0x75, 0xf3, 0xf3, 0x26];
const hash = fc.oneof(
  fc.constantFrom(
    new Uint8Array([...MD5, 0xcf, 0x11]),
    new Uint8Array([...MD5, 0xcf, 0x12]), // another last byte
    new Uint8Array([...MD5.slice(0, 7), 0x00, ...MD5.slice(8), 0xcf, 0x11]), // another middle byte
    new Uint8Array(0),
    new Uint8Array(65).fill(0xab), // longer than 64 bytes
  ),
  fc.uint8Array({ minLength: 16, maxLength: 16 }),
  fc.uint8Array({ minLength: 32, maxLength: 32 }),
);
const utf8 = (text: string) => new TextEncoder().encode(text);
const textBytes = fc.oneof(
  fc.constantFrom(
    utf8("c:\\windows\\a.exe"),
    utf8("c:\\windows\\b.exe"), // same length, same last byte, differs in the middle
    utf8("c:\\windows\\a.dll"),
    utf8("c:\\windows\\é.exe"),
    new Uint8Array([0x63, 0x3a, 0xe9, 0x2e, 0x65, 0x78, 0x65]), // invalid UTF-8
    new Uint8Array([0xef, 0xbb, 0xbf, 0x41]), // a leading BOM, which TextDecoder drops
    utf8("\\registry\\machine\\software\\microsoft\\windows\\currentversion\\run\\evil-key"),
    new Uint8Array(0),
  ),
  fc.uint8Array({ maxLength: 80 }),
  fc.string({ maxLength: 80 }).map(utf8),
);
const text = fc.oneof(
  fc.constantFrom("WIN-IA9NQ1GN8OI", "WIN-IA9NQ1GN8OJ", "WIN-IA8NQ1GN8OI", "WIN-É", ""),
  fc.string({ maxLength: 70 }),
  fc.string({ unit: "grapheme", maxLength: 8 }),
);
const event = fc.record({
  timestamp: int64,
  guid: int64,
  md5: hash,
  sha256: hash,
  path: text,
  host: text,
  regpath: textBytes,
  imageBase: int64,
  ipv6: uint64,
  strings: fc.array(textBytes, { maxLength: 3 }),
});

const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, "0")).join("");

Deno.test("decodeSensorEvent() gives back every value of a sequence of events, repeated, changed in the middle or arbitrary [spec 317]", async () => {
  await check(
    fc.property(fc.array(event, { minLength: 1, maxLength: 20 }), (events) => {
      for (const e of events) {
        const bytes = encodeSensorEvent({
          header: {
            version: 4,
            timestamp: String(e.timestamp),
            process_guid: String(e.guid),
            process_md5: hex(e.md5),
            process_sha256: hex(e.sha256),
            process_path: e.path,
          },
          // bytes as bytes: the encoder passes them through, so invalid UTF-8 can be sent
          strings: e.strings.map((s) => ({ utf8string: s as unknown as string })),
          regmod: { utf8_regpath: e.regpath as unknown as string },
          modload: { image_base: String(e.imageBase), md5hash: hex(e.md5) },
          network: { ipv6LoPart: String(e.ipv6) },
          env: { endpoint: { SensorHostName: e.host } },
        });
        const expected: Record<string, unknown> = {
          header: {
            version: 4,
            timestamp: e.timestamp.toString(),
            process_guid: e.guid.toString(),
            process_md5: hex(e.md5),
            process_path: e.path,
            process_sha256: hex(e.sha256),
          },
          ...(e.strings.length === 0 ? {} : {
            strings: e.strings.map((s) => ({ utf8string: new TextDecoder().decode(s) })),
          }),
          modload: { image_base: e.imageBase.toString(), md5hash: hex(e.md5) },
          regmod: { utf8_regpath: new TextDecoder().decode(e.regpath) },
          network: { ipv6LoPart: e.ipv6.toString() },
          env: { endpoint: { SensorHostName: e.host } },
        };
        const decoded = decodeSensorEvent(bytes) as unknown as Record<string, unknown>;
        assert.deepEqual({ ...decoded }, expected);
      }
    }),
    300,
  );
});

Deno.test("decodeSensorEvent() sees a field change to a value of the same length after the same value twice [spec 317]", () => {
  const at = (md5: string, path: string, guid: string) =>
    decodeSensorEvent(encodeSensorEvent({
      header: { version: 4, process_md5: md5, process_guid: guid },
      regmod: { utf8_regpath: path },
    }));
  const a = "5a18f00ab9330ac7539675f3f326cf11";
  const b = "5a18f00ab9330ac7000075f3f326cf11";
  for (
    const [md5, path, guid] of [[a, "\\a\\x", "-2211398595607011599"]].concat([
      [a, "\\a\\x", "-2211398595607011599"],
      [b, "\\b\\x", "-2211398595607011598"],
      [b, "\\b\\x", "133000000000000000"],
      [a, "\\é\\x".slice(0, 3), "133000000000000001"],
    ] as string[][]) as string[][]
  ) {
    const ev = at(md5!, path!, guid!);
    assert.equal(ev.header.process_md5, md5);
    assert.equal(ev.regmod?.utf8_regpath, path);
    assert.equal(ev.header.process_guid, guid);
  }
});
