// Bounds on how deeply nested a JSON document may be before the library copies, prints or
// sends it: a hostile server (or a caller) cannot exhaust the stack with 100,000 levels.

import { InvalidObjectError } from "./errors.ts";

/** Deepest nesting of objects and arrays the library copies, prints or sends. */
export const MAX_DOCUMENT_DEPTH = 1000;

/**
 * Whether a value nests objects or arrays deeper than `limit` levels. Breadth-first with a
 * visited set, so it neither recurses nor loops on shared or cyclic parts.
 *
 * @param value The value.
 * @param limit The deepest nesting allowed.
 * @returns True when some object or array sits deeper than `limit`.
 */
export function nestedDeeperThan(value: unknown, limit: number = MAX_DOCUMENT_DEPTH): boolean {
  if (value === null || typeof value !== "object") return false;
  const seen = new Set<object>([value]);
  let level: object[] = [value];
  for (let depth = 1; level.length > 0; depth++) {
    const next: object[] = [];
    for (const node of level) {
      for (const child of Object.values(node)) {
        if (child === null || typeof child !== "object" || seen.has(child)) continue;
        if (depth >= limit) return true;
        seen.add(child);
        next.push(child);
      }
    }
    level = next;
  }
  return false;
}

/**
 * Refuses a document nested deeper than {@linkcode MAX_DOCUMENT_DEPTH} levels, before it is
 * copied or sent.
 *
 * @param value The document.
 * @param what What it is, for the message (`Feed 3`).
 * @throws {InvalidObjectError} When it nests too deeply.
 */
export function assertDocumentDepth(value: unknown, what: string): void {
  if (!nestedDeeperThan(value)) return;
  throw new InvalidObjectError(
    `Cannot copy or send the document of ${what}: it is nested deeper than ` +
      `${MAX_DOCUMENT_DEPTH} levels (a server or a caller put a value that deep in it). ` +
      `Nothing was sent; replace that field's value`,
  );
}
