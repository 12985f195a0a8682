import assert from "node:assert/strict";
import {
  buildGuid,
  dateToFiletime,
  filetimeToDate,
  parseGuid,
  segmentSuffix,
  splitProcessId,
} from "../../core/_guid.ts";

const DOC_GUID = "00000003-0000-036c-01d2-2efd3af51186";

Deno.test("parseGuid() reads sensor id, pid and FILETIME create time [spec 99]", () => {
  const parts = parseGuid(DOC_GUID);
  assert.equal(parts.sensorId, 3);
  assert.equal(parts.pid, 876);
  assert.equal(parts.filetime, 0x01d22efd3af51186n);
  assert.equal(parts.createTime.toISOString(), "2016-10-25T20:20:29.790Z");
  assert.equal(parseGuid(DOC_GUID.toUpperCase()).pid, 876);
  assert.equal(parseGuid(`${DOC_GUID}-00000001`).sensorId, 3);
});

Deno.test("parseGuid() rejects text that is not a GUID [spec 99]", () => {
  for (
    const bad of [
      "",
      "abc",
      DOC_GUID.slice(0, 35),
      DOC_GUID.replace("-036c", "x036c"),
      `${DOC_GUID}x1`,
    ]
  ) {
    assert.throws(() => parseGuid(bad), SyntaxError, bad);
  }
});

Deno.test("buildGuid() writes sensor id, pid and FILETIME as big-endian hex [spec 99]", () => {
  const created = parseGuid(DOC_GUID).createTime;
  const built = buildGuid(3, 876, created);
  // The create time loses the sub-millisecond ticks, so only the first 33 characters match.
  assert.equal(built.length, 36);
  assert.equal(built.slice(0, 19), "00000003-0000-036c-");
  assert.deepEqual(
    { ...parseGuid(built), filetime: undefined },
    { sensorId: 3, pid: 876, createTime: created, filetime: undefined },
  );
  assert.equal(
    buildGuid(0xffffffff, 0xffffffff, new Date(0)),
    "ffffffff-ffff-ffff-019d-b1ded53e8000",
  );
  assert.equal(
    buildGuid(1, 4, new Date(Date.UTC(1601, 0, 1))),
    "00000001-0000-0004-0000-000000000000",
  );
});

Deno.test("buildGuid() rejects numbers outside u32 and impossible times [spec 99]", () => {
  assert.throws(() => buildGuid(-1, 1, new Date(0)), RangeError);
  assert.throws(() => buildGuid(1, 2 ** 32, new Date(0)), RangeError);
  assert.throws(() => buildGuid(1.5, 1, new Date(0)), RangeError);
  assert.throws(() => buildGuid(1, 1, new Date(NaN)), RangeError);
  assert.throws(() => buildGuid(1, 1, new Date(Date.UTC(1600, 0, 1))), RangeError);
});

Deno.test("FILETIME conversion round-trips and floors before 1970", () => {
  assert.equal(dateToFiletime(new Date(0)), 116444736000000000n);
  assert.equal(filetimeToDate(116444736000000000n).getTime(), 0);
  assert.equal(filetimeToDate(116444735999999999n).getTime(), -1);
  const d = new Date(Date.UTC(2018, 1, 6, 12, 44, 40, 2));
  assert.equal(filetimeToDate(dateToFiletime(d)).getTime(), d.getTime());
});

Deno.test("splitProcessId() splits GUIDs, segment suffixes and integer ids", () => {
  const v5 = { serverAtLeast6: false };
  const v6 = { serverAtLeast6: true };
  assert.deepEqual(splitProcessId(DOC_GUID, v5), {
    guid: DOC_GUID,
    segment: undefined,
    valid: true,
  });
  assert.deepEqual(splitProcessId(`${DOC_GUID}-00000002`, v5), {
    guid: DOC_GUID,
    segment: 2,
    valid: true,
  });
  assert.deepEqual(splitProcessId(`${DOC_GUID}-0000000a`, v6), {
    guid: DOC_GUID,
    segment: 10,
    valid: true,
  });
  assert.deepEqual(
    splitProcessId(`${DOC_GUID}-015c30b2cd8d`, v6),
    { guid: DOC_GUID, segment: 1495465643405, valid: true },
  );
  assert.deepEqual(
    splitProcessId(`${DOC_GUID}-015c30b2cd8d`, v5),
    { guid: `${DOC_GUID}-015c30b2cd8d`, segment: undefined, valid: false },
  );
  assert.deepEqual(splitProcessId("12345", v5), { guid: 12345, segment: undefined, valid: true });
  assert.deepEqual(splitProcessId(42, v6), { guid: 42, segment: undefined, valid: true });
  assert.equal(splitProcessId("not-a-guid", v6).valid, false);
  assert.equal(splitProcessId(`${DOC_GUID}-0000000z`, v6).valid, false);
  assert.equal(splitProcessId(1.5, v6).valid, false);
});

Deno.test("segmentSuffix() zero-pads lower-case hex to the width", () => {
  assert.equal(segmentSuffix(1, 8), "00000001");
  assert.equal(segmentSuffix(255, 8), "000000ff");
  assert.equal(segmentSuffix(1495465643405, 12), "015c30b2cd8d");
  assert.throws(() => segmentSuffix(2 ** 32, 8), RangeError);
  assert.throws(() => segmentSuffix(-1, 8), RangeError);
  assert.throws(() => segmentSuffix(1.5, 12), RangeError);
  const id = `${DOC_GUID}-${segmentSuffix(1495465643405, 12)}`;
  assert.equal(splitProcessId(id, { serverAtLeast6: true }).segment, 1495465643405);
});
