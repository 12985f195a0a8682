// The property-testing package, test-only: named here rather than as an npm: entry of deno.json
// so that `deno task`, which fetches every npm: entry of deno.json before any task, does not fetch
// it for `deno task demo` (issue 19 item 2). deno.json maps "fast-check" to this module.

export * from "npm:fast-check@^4";
export { default } from "npm:fast-check@^4";
