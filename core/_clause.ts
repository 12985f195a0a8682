/**
 * The `field:value` clauses of the queries: splitting one, and the case-insensitive equality of
 * the client-side list queries. Internal: products reach it through `core/_internal.ts`.
 *
 * @module
 */

/**
 * Compares a model attribute with a `where("field:value")` value the way the Python SimpleQuery
 * does: text, case-insensitive equality; a missing attribute never matches.
 *
 * @param value The attribute value.
 * @param wanted The value from the clause.
 * @returns Whether it matches.
 */
export function simpleMatch(value: unknown, wanted: string): boolean {
  if (value === undefined || value === null) return false;
  const text = value === true ? "true" : value === false ? "false" : String(value);
  return text.toLowerCase() === wanted.toLowerCase();
}

/**
 * Splits a `field:value` clause at the first colon; both parts are trimmed.
 *
 * @param clause The clause.
 * @returns The field and value.
 * @throws {SyntaxError} When there is no colon.
 */
export function splitClause(clause: string): [string, string] {
  const i = clause.indexOf(":");
  if (i < 0) {
    throw new SyntaxError(`Query clause "${clause}" must have the form field:value`);
  }
  return [clause.slice(0, i).trim(), clause.slice(i + 1).trim()];
}
