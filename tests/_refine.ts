// Shared check of the query classes' immutability: a refinement (where, and, sort, batchSize,
// the product's own filters) returns a new query of the same class and leaves the original as
// it was, on the wire and in its results, also after the original was evaluated (caches).

import assert from "node:assert/strict";
import type { Model } from "@cbapi/cbapi/core";
import type { CbEmulator } from "@cbapi/cbapi/testing";

/** The part of a query the check uses. */
interface Query<M extends Model> {
  describe(): string;
  toArray(): Promise<M[]>;
}

/** What a query shows when run: its description, the requests it sent, the ids it yielded. */
interface Observed {
  describe: string;
  wire: string[];
  ids: unknown[];
}

async function observe<M extends Model>(emu: CbEmulator, q: Query<M>): Promise<Observed> {
  const n = emu.requests.length;
  const rows = await q.toArray();
  return {
    describe: q.describe(),
    wire: emu.requests.slice(n).map((r) => `${r.method} ${r.url}`),
    ids: rows.map((m) => m.uniqueId),
  };
}

/**
 * Checks that each refinement leaves the query it refines unchanged:
 * 1. refining a fresh query first, the original then sends and yields exactly what an
 *    untouched twin does;
 * 2. each refined query is of the same class and differs from the original (on the wire or in
 *    its rows: the refinement took effect);
 * 3. refining the original after it was evaluated gives what refining a fresh twin gives (no
 *    cached count or list carries over).
 *
 * @param emu The emulator the API talks to.
 * @param make Builds the original query (called for each twin).
 * @param refinements Named refinements of a query.
 */
export async function assertRefinementsKeepOriginal<M extends Model, Q extends Query<M>>(
  emu: CbEmulator,
  make: () => Q,
  refinements: Record<string, (q: Q) => Q>,
): Promise<void> {
  const original = make();
  const refined = Object.entries(refinements).map(([name, refine]) => {
    const q = refine(original);
    assert.notEqual(q, original, `${name}: a new query`);
    assert.equal(q.constructor, original.constructor, `${name}: a query of the same class`);
    return [name, q] as const;
  });
  const seen = await observe(emu, original);
  assert.deepEqual(seen, await observe(emu, make()), "the original is as if never refined");
  assert.ok(seen.wire.length > 0, "the original sends its request");
  for (const [name, q] of refined) {
    const got = await observe(emu, q);
    assert.notDeepEqual(
      { wire: got.wire, ids: got.ids },
      { wire: seen.wire, ids: seen.ids },
      `${name} takes effect`,
    );
  }
  for (const [name, refine] of Object.entries(refinements)) {
    const after = await observe(emu, refine(original)); // the original is evaluated by now
    assert.deepEqual(after, await observe(emu, refine(make())), `${name} after evaluation`);
  }
  assert.deepEqual(await observe(emu, make()), seen, "a twin still sends and yields the same");
}
