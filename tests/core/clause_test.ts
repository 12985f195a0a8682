// The `field:value` clauses of the queries (core/_clause.ts, internal since core/mod.ts exports
// only what users need).

import assert from "node:assert/strict";
import { simpleMatch, splitClause } from "../../core/_internal.ts";

Deno.test("splitClause splits at the first colon and trims both parts; no colon is a SyntaxError", () => {
  assert.deepEqual(splitClause("hostname:WIN-IA9NQ1GN8OI"), ["hostname", "WIN-IA9NQ1GN8OI"]);
  assert.deepEqual(splitClause(" path : c:\\windows "), ["path", "c:\\windows"]);
  assert.throws(() => splitClause("WIN-IA9NQ1GN8OI"), SyntaxError);
});

Deno.test("simpleMatch is text equality ignoring case; a missing value never matches", () => {
  assert.ok(simpleMatch("Default Group", "default group"));
  assert.ok(simpleMatch(1, "1"));
  assert.ok(simpleMatch(true, "TRUE"));
  assert.ok(!simpleMatch("Default Group", "default"));
  assert.ok(!simpleMatch(undefined, "undefined"));
  assert.ok(!simpleMatch(null, "null"));
});
