// The one place the property tests name their property-testing package, plus the run counter
// the suites share.

import assert from "node:assert/strict";
import fc from "fast-check";

export { fc };

/**
 * Runs a property for `numRuns` cases (seeded from FC_SEED when set, so a failure can be
 * replayed) and fails with fast-check's shrunk counter-example.
 */
export async function check<Ts extends [unknown, ...unknown[]]>(
  property: fc.IProperty<Ts> | fc.IAsyncProperty<Ts>,
  numRuns: number,
): Promise<void> {
  const seed = Deno.env.get("FC_SEED");
  const params: fc.Parameters<Ts> = { numRuns, ...(seed ? { seed: Number(seed) } : {}) };
  await fc.assert(property as fc.IAsyncProperty<Ts>, params);
}

/**
 * Calls `fn`; a throw must be an instance of one of `allowed` (the typed errors the function
 * documents). Returns what it returned, or the error.
 */
export function typedOrNothing<T>(
  fn: () => T,
  // deno-lint-ignore no-explicit-any
  allowed: ReadonlyArray<abstract new (...args: any[]) => Error>,
  what: string,
): T | Error {
  try {
    return fn();
  } catch (error) {
    assert.ok(
      allowed.some((cls) => error instanceof cls),
      `${what} threw an untyped ${error instanceof Error ? error.name : typeof error}: ${
        error instanceof Error ? error.message : String(error)
      }`,
    );
    return error as Error;
  }
}
