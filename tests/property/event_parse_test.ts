// Property tests of the Cb Response event-format parsers (response/_event_parse.ts): any entry
// (pipe strings with any number of fields, JSON objects, junk) gives fields or undefined, never a
// throw; well-formed filemod and modload entries give back what they were built from.

import assert from "node:assert/strict";
import {
  childFromSummary,
  type EventApiVersion,
  parseChildproc,
  type ParseContext,
  parseCrossproc,
  parseFilemod,
  parseModload,
  parseNetconn,
  parseRegmod,
  tagMap,
} from "../../response/_event_parse.ts";
import { ApiError } from "@cbapi/cbapi/core";
import { check, fc, typedOrNothing } from "./_fc.ts";

/** 6 parsers x 400 arbitrary entries + 2 x 300 summaries + 2 x 500 well-formed entries. */
export const EVENT_CASES = 4_000;

const field = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer().map(String),
  fc.constantFrom(
    "",
    "true",
    "false",
    "2017-04-29 04:21:18.455",
    "-1",
    "4294967295",
    "NaN",
    "1e309",
  ),
);
const entry = fc.oneof(
  fc.array(field, { maxLength: 12 }).map((fs) => fs.join("|")),
  fc.jsonValue({ maxDepth: 2 }),
  fc.anything({ maxDepth: 2 }),
);
const context: fc.Arbitrary<ParseContext> = fc.record({
  guid: fc.string({ maxLength: 40 }),
  md5: fc.option(fc.string({ maxLength: 32 }), { nil: undefined }),
  path: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
  url: fc.constant("https://cb.example"),
  version: fc.constantFrom<EventApiVersion>(1, 2, 3, 4),
  binaries: fc.dictionary(fc.string({ maxLength: 32 }), fc.jsonValue({ maxDepth: 1 })),
});

function assertFields(out: unknown): void {
  if (out === undefined) return;
  assert.equal(typeof out, "object");
  for (const [k, v] of Object.entries(out as Record<string, unknown>)) {
    if (v instanceof Date) assert.ok(!Number.isNaN(v.getTime()), `${k} is a valid date`);
  }
}

const PARSERS: Array<[string, (raw: unknown, ctx: ParseContext) => unknown]> = [
  ["parseModload", parseModload],
  ["parseFilemod", (raw) => parseFilemod(raw)],
  ["parseRegmod", (raw) => parseRegmod(raw)],
  ["parseNetconn", parseNetconn],
  ["parseChildproc", parseChildproc],
  ["parseCrossproc", parseCrossproc],
];

Deno.test("every event parser takes any entry: fields with valid dates, undefined, or a typed ApiError", async (t) => {
  for (const [name, parse] of PARSERS) {
    await t.step(name, () =>
      check(
        fc.property(entry, context, (raw, ctx) => {
          // A v1 netconn with an unknown protocol number is refused with a typed ApiError.
          const out = typedOrNothing(() => parse(raw, ctx), [ApiError], name);
          if (!(out instanceof Error)) assertFields(out);
        }),
        400,
      ));
  }
  await t.step("childFromSummary and tagMap", async () => {
    const doc = fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }));
    await check(fc.property(doc, (d) => assertFields(childFromSummary(d))), 300);
    await check(fc.property(doc, (d) => assert.equal(typeof tagMap(d), "object")), 300);
  });
});

Deno.test("well-formed filemod and modload entries parse back to their parts [spec 113,114]", async () => {
  const path = fc.stringMatching(/^[A-Za-z]:\\[^|]{0,20}$/);
  const md5 = fc.stringMatching(/^[0-9A-F]{32}$/);
  const when = fc.date({
    min: new Date("2001-01-01T00:00:00Z"),
    max: new Date("2037-01-01T00:00:00Z"),
    noInvalidDate: true,
  })
    .map((d) => new Date(Math.floor(d.getTime())));
  function wall(d: Date): string {
    return d.toISOString().replace("T", " ").replace("Z", "");
  }
  await check(
    fc.property(
      fc.integer({ min: 1, max: 8 }),
      when,
      path,
      md5,
      fc.boolean(),
      (type, d, p, m, tamper) => {
        const out = parseFilemod(`${type}|${wall(d)}|${p}|${m}|1|${tamper}`);
        assert.ok(out);
        assert.equal(out.path, p);
        assert.equal(out.md5, m);
        assert.equal(out.tamper_flag, tamper);
        assert.equal(out.timestamp.getTime(), d.getTime());
      },
    ),
    500,
  );
  await check(
    fc.property(when, md5, path, context, (d, m, p, ctx) => {
      const out = parseModload(`${wall(d)}|${m}|${p}`, ctx);
      assert.ok(out);
      assert.deepEqual([out.md5, out.path, out.timestamp.getTime()], [m, p, d.getTime()]);
    }),
    500,
  );
});
