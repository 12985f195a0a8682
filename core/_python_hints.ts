/**
 * Runtime hints for Python habits in scripts that are not type-checked: reading `query.length`
 * or `query[0]` (a list in Python cbapi, an async query here) throws a `TypeError` naming the
 * call to use instead, rather than giving `undefined` silently. `deno check` rejects both already.
 *
 * @module
 */

function hint(read: string, fix: string): PropertyDescriptor {
  return {
    configurable: true,
    enumerable: false,
    get(): never {
      throw new TypeError(
        `${read}: a query is not a list as in Python cbapi; use ${fix} ` +
          `(or "for await (const x of query)" to iterate)`,
      );
    },
  };
}

/** Puts the hint getters on a query prototype. */
export function addPythonHints(proto: object): void {
  Object.defineProperty(proto, "length", hint("query.length", "await query.count()"));
  for (const i of [0, 1, 2, -1]) {
    Object.defineProperty(proto, String(i), hint(`query[${i}]`, `await query.at(${i})`));
  }
}
