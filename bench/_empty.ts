// deno-lint-ignore-file no-console
/**
 * The empty script the cold-start figure subtracts: `deno run` itself, importing nothing.
 *
 * @module
 */
console.log(JSON.stringify({ loaded: true }));
