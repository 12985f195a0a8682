// The protobuf package of the Event API's sensor events, named here rather than as an npm: entry
// of deno.json so that `deno task`, which fetches every npm: entry of deno.json before any task,
// does not fetch it for `deno task demo` (issue 19 item 2). deno.json maps "protobufjs" here.

export * from "npm:protobufjs@^8.8.1";
export { default } from "npm:protobufjs@^8.8.1";
