// The AMQP 0-9-1 client (RabbitMQ) of the Event API, named here rather than as an npm: entry of
// deno.json so that `deno task`, which fetches every npm: entry of deno.json before any task, does
// not fetch it for `deno task demo` (issue 19 item 2). deno.json maps "amqplib" to this module.

export * from "npm:amqplib@^2.3.1";
export { default } from "npm:amqplib@^2.3.1";
