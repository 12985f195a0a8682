// Property tests of query-string encoding (core/_encode.ts) against the parsers on the other
// side: the URLSearchParams the emulator's routes read, the client's own parseQuery, and a real
// search through the emulator whose `q` must arrive exactly as the caller wrote it.

import assert from "node:assert/strict";
import { encodeQuery, parseQuery, quotePath } from "../../core/_encode.ts";
import { ServerError } from "@cbapi/cbapi/core";
import { CbResponseAPI, Process } from "@cbapi/cbapi/response";
import { CbEmulator } from "@cbapi/cbapi/testing";
import { check, fc } from "./_fc.ts";

/** 3,000 + 2,000 + 1,000 offline cases and 300 searches through the emulator. */
export const ENCODE_CASES = 6_300;

// Well-formed Unicode text (no lone surrogates, which no URL can carry).
const text = fc.string({ unit: "grapheme", maxLength: 20 });
const scalar = fc.oneof(
  text,
  fc.integer(),
  fc.boolean(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const params = fc.array(fc.tuple(text, fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }))), {
  maxLength: 6,
});

function pythonStr(v: string | number | boolean): string {
  return typeof v === "boolean" ? (v ? "True" : "False") : String(v);
}

function expectedPairs(ps: Array<[string, unknown]>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [k, v] of ps) {
    for (const one of Array.isArray(v) ? v : [v]) out.push([k, pythonStr(one)]);
  }
  return out;
}

function sortPairs(ps: Array<[string, string]>): Array<[string, string]> {
  return [...ps].sort((
    a,
    b,
  ) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
}

Deno.test("encodeQuery round-trips through the emulator's URLSearchParams, sorted [spec 24]", async () => {
  await check(
    fc.property(params, (ps) => {
      const qs = encodeQuery(ps);
      assert.match(qs, /^[A-Za-z0-9_.\-~%+=&]*$/, "only form-safe characters on the wire");
      const back = [...new URLSearchParams(qs)];
      const want = expectedPairs(ps);
      assert.deepEqual(sortPairs(back), sortPairs(want));
      // Sorted by key on the wire (values of one key keep Python's order: numbers numerically).
      for (let i = 1; i < back.length; i++) assert.ok(back[i - 1]![0] <= back[i]![0]);
      // String values of one key are in code-unit order.
      if (ps.every(([, v]) => typeof v === "string")) assert.deepEqual(back, sortPairs(want));
    }),
    3_000,
  );
});

Deno.test("parseQuery(encodeQuery(pairs)) gives the pairs back; quotePath keeps / and spaces as %20", async () => {
  await check(
    fc.property(params, fc.boolean(), (ps, sort) => {
      const want = expectedPairs(ps);
      const back = parseQuery(encodeQuery(ps, { sort }));
      if (sort) assert.deepEqual(sortPairs(back), sortPairs(want));
      else assert.deepEqual(back, want);
    }),
    2_000,
  );
  await check(
    fc.property(text, (t) => {
      const quoted = quotePath(t);
      assert.match(quoted, /^[A-Za-z0-9_.\-~%/]*$/);
      assert.equal(decodeURIComponent(quoted), t);
    }),
    1_000,
  );
});

Deno.test("a search's q reaches the emulator exactly as written, or fails with a ServerError [spec 24,322]", async () => {
  await using emu = await CbEmulator.start();
  await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token, maxRetries: 0 });
  const clause = fc.oneof(
    text,
    fc.constantFrom(
      String.raw`cmdline:\\test\blah`,
      "process_name:net.exe",
      'path:"c:\\windows\\system32"',
      "start:[2017-01-01T00:00:00Z TO *]",
      "-username:SYSTEM",
      "md5:7FB55F5A62E78AF9B58D08AAEEAEF848 OR process_name:notepad.exe",
      "hostname:WIN-IA9NQ1GN8OI && (childproc_count:[1 TO *])",
    ),
  );
  await check(
    fc.asyncProperty(fc.array(clause, { minLength: 1, maxLength: 3 }), async (clauses) => {
      let q = cb.select(Process).where(clauses[0]!);
      for (const c of clauses.slice(1)) q = q.and(c);
      const before = emu.requests.length;
      const outcome = await q.count().then((n) => n, (e: unknown) => e);
      if (typeof outcome !== "number") {
        assert.ok(outcome instanceof ServerError, `untyped: ${String(outcome)}`);
        assert.equal(outcome.status, 400);
      }
      const sent = emu.requests.slice(before).filter((r) => r.path === "/api/v1/process");
      assert.equal(sent.length, 1);
      assert.equal(new URLSearchParams(sent[0]!.query).get("q"), clauses.join(" "));
      assert.equal(q.queryString, clauses.join(" "));
    }),
    300,
  );
});
