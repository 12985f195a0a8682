import assert from "node:assert/strict";
import {
  formatDisplayTime,
  formatMac,
  formatPythonDateTime,
  formatRfc822,
  formatSolrTime,
  ipFromInt,
  parseEpochMs,
  parseSolrTime,
  parseTimestamp,
  parseWallClock,
  toBool,
  toInt,
  toNumber,
} from "../../core/_parse.ts";

const iso = (d: Date | undefined) => d?.toISOString();

Deno.test("toNumber() reads numbers and numeric strings", () => {
  assert.equal(toNumber("106"), 106);
  assert.equal(toNumber(" 3.5 "), 3.5);
  assert.equal(toNumber("-1"), -1);
  assert.equal(toNumber("1e3"), 1000);
  assert.equal(toNumber(42), 42);
  assert.equal(toNumber(7n), 7);
  for (const bad of ["", "abc", "12abc", null, undefined, true, NaN, Infinity, {}, "0x10"]) {
    assert.equal(toNumber(bad), undefined, String(bad));
  }
});

Deno.test("toInt() reads integers and rejects decimal text", () => {
  assert.equal(toInt("38"), 38);
  assert.equal(toInt(" -1 "), -1);
  assert.equal(toInt(3.7), 3);
  assert.equal(toInt(-3.7), -3);
  assert.equal(toInt("3.5"), undefined);
  assert.equal(toInt(""), undefined);
  assert.equal(toInt(null), undefined);
});

Deno.test("toBool() reads booleans, text in any case and 1/0", () => {
  assert.equal(toBool(true), true);
  assert.equal(toBool(false), false);
  assert.equal(toBool("True"), true);
  assert.equal(toBool("FALSE"), false);
  assert.equal(toBool(1), true);
  assert.equal(toBool(0), false);
  assert.equal(toBool("0"), false);
  assert.equal(toBool("yes"), undefined);
  assert.equal(toBool(2), undefined);
  assert.equal(toBool(null), undefined);
});

Deno.test("parseTimestamp() accepts every recorded timestamp shape", () => {
  assert.equal(iso(parseTimestamp("2018-02-06 12:44:40.002234-06:00")), "2018-02-06T18:44:40.002Z");
  assert.equal(iso(parseTimestamp("1990-01-01 00:00:00-06:00")), "1990-01-01T06:00:00.000Z");
  assert.equal(iso(parseTimestamp("2018-02-06 18:40:06.467689")), "2018-02-06T18:40:06.467Z");
  assert.equal(iso(parseTimestamp("2017-02-01T03:52:34.137Z")), "2017-02-01T03:52:34.137Z");
  assert.equal(iso(parseTimestamp("2016-04-12T09:21:00Z")), "2016-04-12T09:21:00.000Z");
  assert.equal(iso(parseTimestamp("2018-01-18T20:30:15.245539Z")), "2018-01-18T20:30:15.245Z");
  assert.equal(iso(parseTimestamp("1970-01-01T00:00:00.000Z")), "1970-01-01T00:00:00.000Z");
  assert.equal(iso(parseTimestamp("2018-02-06T12:44:40+0530")), "2018-02-06T07:14:40.000Z");
  assert.equal(iso(parseTimestamp("2018-02-06")), "2018-02-06T00:00:00.000Z");
  assert.equal(parseTimestamp(1517942688.4954)?.getTime(), 1517942688495);
  assert.equal(parseTimestamp(1517942688)?.getTime(), 1517942688000);
  assert.equal(parseTimestamp("1517942688.603729")?.getTime(), 1517942688603);
  const d = new Date(5);
  assert.equal(parseTimestamp(d), d);
});

Deno.test("parseTimestamp() returns undefined for absent or malformed values", () => {
  for (
    const bad of [null, undefined, "", "yesterday", "2018-02-30 00:00:00", "2018-13-01", {}, true]
  ) {
    assert.equal(parseTimestamp(bad), undefined, String(bad));
  }
  assert.equal(parseTimestamp(new Date(NaN)), undefined);
});

Deno.test("parseWallClock() keeps the written wall-clock time and drops the zone", () => {
  assert.equal(iso(parseWallClock("2017-01-03 22:04:54.640-05:00")), "2017-01-03T22:04:54.640Z");
  assert.equal(iso(parseWallClock("2017-04-29T04:21:18.123Z")), "2017-04-29T04:21:18.123Z");
  assert.equal(iso(parseWallClock("2016-10-25 20:20:29")), "2016-10-25T20:20:29.000Z");
  assert.equal(parseWallClock("nonsense"), undefined);
  assert.equal(parseWallClock(0)?.getTime(), 0);
});

Deno.test("parseEpochMs() reads epoch milliseconds", () => {
  assert.equal(iso(parseEpochMs(1495465643405)), "2017-05-22T15:07:23.405Z");
  assert.equal(iso(parseEpochMs("1495465643405")), "2017-05-22T15:07:23.405Z");
  assert.equal(parseEpochMs("x"), undefined);
});

Deno.test("parseSolrTime() reads Solr times with or without a fraction and -1 as the epoch", () => {
  assert.equal(iso(parseSolrTime("2017-04-29T04:21:18.123Z")), "2017-04-29T04:21:18.123Z");
  assert.equal(iso(parseSolrTime("2017-04-29T04:21:18.1Z")), "2017-04-29T04:21:18.100Z");
  assert.equal(iso(parseSolrTime("2017-04-29T04:21:18.123456Z")), "2017-04-29T04:21:18.123Z");
  assert.equal(iso(parseSolrTime("2017-04-29T04:21:18Z")), "2017-04-29T04:21:18.000Z");
  assert.equal(parseSolrTime(-1)?.getTime(), 0);
  assert.equal(parseSolrTime("-1")?.getTime(), 0);
  assert.equal(parseSolrTime("2017-04-29 04:21:18"), undefined);
  assert.equal(parseSolrTime("2017-04-29T04:21:18.1234567Z"), undefined);
  assert.equal(parseSolrTime(undefined), undefined);
  assert.equal(parseSolrTime(null), undefined);
});

Deno.test("formatSolrTime() formats time filters as YYYY-MM-DDTHH:MM:SSZ in UTC [spec 84]", () => {
  assert.equal(
    formatSolrTime(new Date(Date.UTC(2017, 3, 29, 4, 21, 18, 999))),
    "2017-04-29T04:21:18Z",
  );
  const early = new Date(Date.UTC(2000, 0, 2, 3, 4, 5));
  early.setUTCFullYear(5);
  assert.equal(formatSolrTime(early), "0005-01-02T03:04:05Z");
  assert.throws(() => formatSolrTime(new Date(NaN)), RangeError);
});

Deno.test("formatRfc822() formats GMT RFC 822 text", () => {
  assert.equal(
    formatRfc822(new Date(Date.UTC(2018, 1, 6, 12, 44, 40, 2))),
    "Tue, 06 Feb 2018 12:44:40 GMT",
  );
  assert.equal(formatRfc822(new Date(0)), "Thu, 01 Jan 1970 00:00:00 GMT");
});

Deno.test("formatPythonDateTime() always writes six fraction digits", () => {
  assert.equal(
    formatPythonDateTime(new Date(Date.UTC(2018, 1, 6, 12, 44, 40, 2))),
    "2018-02-06 12:44:40.002000",
  );
  assert.equal(formatPythonDateTime(new Date(0)), "1970-01-01 00:00:00.000000");
});

Deno.test("formatDisplayTime() prints like a naive Python datetime", () => {
  assert.equal(
    formatDisplayTime(new Date(Date.UTC(2016, 10, 11, 20, 59, 31, 631))),
    "2016-11-11 20:59:31.631000",
  );
  assert.equal(
    formatDisplayTime(new Date(Date.UTC(2016, 10, 11, 20, 59, 31))),
    "2016-11-11 20:59:31",
  );
});

Deno.test("ipFromInt() converts signed and unsigned 32-bit integers to dotted quads", () => {
  assert.equal(ipFromInt(-1062731420), "192.168.1.100");
  assert.equal(ipFromInt(3232235876), "192.168.1.100");
  assert.equal(ipFromInt("-1062731420"), "192.168.1.100");
  assert.equal(ipFromInt(0), "0.0.0.0");
  assert.equal(ipFromInt(-1), "255.255.255.255");
  assert.equal(ipFromInt(2130706433), "127.0.0.1");
  assert.equal(ipFromInt(2 ** 32), undefined);
  assert.equal(ipFromInt(-(2 ** 31) - 1), undefined);
  assert.equal(ipFromInt(1.5), undefined);
  assert.equal(ipFromInt("10.0.0.1"), undefined);
});

Deno.test("formatMac() adds colons to 12 hex digits and leaves other text alone", () => {
  assert.equal(formatMac("00155d019c08"), "00:15:5d:01:9c:08");
  assert.equal(formatMac("00:15:5d:01:9c:08"), "00:15:5d:01:9c:08");
  assert.equal(formatMac(""), "");
});
