// Property tests of the query language as the client writes it and the emulator reads it
// (testing/_query_lang.ts): generated boolean queries (AND/OR/NOT in any case, && and ||,
// implicit AND, -field: negation, parentheses, quoted phrases) mean what they say, and the
// clauses a SearchQuery joins with `where().and()` mean their conjunction.

import assert from "node:assert/strict";
import { compileQuery, QuerySyntaxError, type SearchSchema } from "../../testing/_query_lang.ts";
import { CbResponseAPI, Process } from "@cbapi/cbapi/response";
import { CbEmulator } from "@cbapi/cbapi/testing";
import { check, fc, typedOrNothing } from "./_fc.ts";

/** 2,000 generated queries + 1,000 joined where/and queries + 1,000 arbitrary texts. */
export const QUERY_LANG_CASES = 4_000;

const SCHEMA: SearchSchema = {
  fields: { process_name: "keyword", hostname: "keyword", username: "keyword", cmdline: "text" },
  defaultFields: ["cmdline"],
};
const WORDS = ["net.exe", "cmd.exe", "alpha", "beta", "WIN-1", "system"] as const;

type Q =
  | { t: "term"; field: keyof typeof SCHEMA.fields; value: string; phrase: boolean }
  | { t: "not"; q: Q; dash: boolean }
  | { t: "and"; a: Q; b: Q; op: string }
  | { t: "or"; a: Q; b: Q; op: string };

const term: fc.Arbitrary<Q> = fc.record({
  t: fc.constant("term" as const),
  field: fc.constantFrom("process_name", "hostname", "username", "cmdline"),
  value: fc.constantFrom(...WORDS),
  phrase: fc.boolean(),
});

const query: fc.Arbitrary<Q> = fc.letrec<{ q: Q }>((tie) => ({
  q: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    term,
    fc.record({ t: fc.constant("not" as const), q: tie("q"), dash: fc.boolean() }),
    fc.record({
      t: fc.constant("and" as const),
      a: tie("q"),
      b: tie("q"),
      op: fc.constantFrom("AND", "and", "&&", ""),
    }),
    fc.record({
      t: fc.constant("or" as const),
      a: tie("q"),
      b: tie("q"),
      op: fc.constantFrom("OR", "or", "||"),
    }),
  ),
})).q;

function render(q: Q): string {
  switch (q.t) {
    case "term":
      return `${q.field}:${q.phrase ? `"${q.value}"` : q.value}`;
    case "not":
      return q.dash && q.q.t === "term" ? `-${render(q.q)}` : `NOT (${render(q.q)})`;
    case "and":
      return `(${render(q.a)} ${q.op ? `${q.op} ` : ""}${render(q.b)})`;
    case "or":
      return `(${render(q.a)} ${q.op} ${render(q.b)})`;
  }
}

type Rec = Record<string, string>;

/** The meaning of a query, with single terms judged by the emulator itself. */
function meaning(q: Q, r: Rec): boolean {
  switch (q.t) {
    case "term":
      return compileQuery(render(q), SCHEMA)(r);
    case "not":
      return !meaning(q.q, r);
    case "and":
      return meaning(q.a, r) && meaning(q.b, r);
    case "or":
      return meaning(q.a, r) || meaning(q.b, r);
  }
}

const record: fc.Arbitrary<Rec> = fc.record({
  process_name: fc.constantFrom(...WORDS),
  hostname: fc.constantFrom(...WORDS),
  username: fc.constantFrom(...WORDS),
  cmdline: fc.array(fc.constantFrom(...WORDS), { maxLength: 3 }).map((ws) => ws.join(" ")),
});

Deno.test("generated queries evaluate as their AND/OR/NOT structure says [spec 322]", async () => {
  await check(
    fc.property(query, fc.array(record, { minLength: 1, maxLength: 5 }), (q, records) => {
      const predicate = compileQuery(render(q), SCHEMA);
      for (const r of records) assert.equal(predicate(r), meaning(q, r), render(q));
    }),
    2_000,
  );
});

Deno.test("SearchQuery.where().and() clauses mean their conjunction on the emulator [spec 52,322]", async () => {
  await using emu = await CbEmulator.start();
  await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
  await check(
    fc.property(
      fc.array(query, { minLength: 1, maxLength: 3 }),
      fc.array(record, { maxLength: 4 }),
      (qs, recs) => {
        let sq = cb.select(Process).where(render(qs[0]!));
        for (const q of qs.slice(1)) sq = sq.and(render(q));
        const predicate = compileQuery(sq.queryString, SCHEMA);
        for (const r of recs) {
          assert.equal(predicate(r), qs.every((q) => meaning(q, r)), sq.queryString);
        }
      },
    ),
    1_000,
  );
  assert.equal(emu.requests.length, 2, "building queries sends nothing");
});

Deno.test("any query text compiles or fails with QuerySyntaxError, nothing else", async () => {
  const piece = fc.oneof(
    fc.string({ maxLength: 8 }),
    fc.constantFrom(
      "(",
      ")",
      '"',
      "[",
      "]",
      "{",
      "}",
      " TO ",
      ":",
      "-",
      "!",
      "+",
      " AND ",
      " OR ",
      "NOT ",
      "*",
    ),
  );
  await check(
    fc.property(fc.array(piece, { maxLength: 10 }), record, (ps, r) => {
      const out = typedOrNothing(
        () => compileQuery(ps.join(""), SCHEMA),
        [QuerySyntaxError],
        "compileQuery",
      );
      if (typeof out === "function") assert.equal(typeof out(r), "boolean");
    }),
    1_000,
  );
});
