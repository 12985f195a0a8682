// The declared joins send exactly the requests the hand-written join methods sent, and return
// the same objects: `joins_wire.txt` was recorded by `_joins_walk.ts` from the code before the
// change (commit 22aed89), on the emulator's data (Response, Protection and Defense).

import assert from "node:assert/strict";
import { startEmulator } from "../_helpers.ts";
import { walkJoins } from "./_joins_walk.ts";

Deno.test("every join sends the requests it sent before joins were declared (recorded log)", async () => {
  const expected = (await Deno.readTextFile(new URL("joins_wire.txt", import.meta.url)))
    .trimEnd().split("\n");
  await using emu = await startEmulator();
  const got = await walkJoins(emu);
  assert.deepEqual(got, expected);
  // The log covers joins that send nothing (an id of 0, a feed id of -1, a watchlist join of a
  // feed alert) and answers from the cache, as well as loads.
  assert.ok(expected.some((l) => l.endsWith("-> none []")));
  assert.ok(expected.filter((l) => l.includes('["GET ')).length >= 40);
});
