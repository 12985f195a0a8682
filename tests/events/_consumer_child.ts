// deno-lint-ignore-file no-console
/**
 * A consumer process for the shared-queue test and the events benchmark: one
 * `RabbitMqEventSource` on a shared durable queue of a local broker, handling raw sensor events
 * whose `header.eventid` numbers them.
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 --allow-env --allow-sys tests/events/_consumer_child.ts PORT QUEUE [--queues N] [--delay-ms N] [--idle-ms N] [--lines]
 * ```
 *
 * With `--wait-go` it prints `loaded` and starts only when a line arrives on stdin; a later
 * `stop` line ends it as the idle time would (so a benchmark that knows how many events it
 * published stops its consumers when all are handled, however slow a loaded broker is), and
 * `--progress-ms N` prints `progress HANDLED` every N ms. Prints
 * `ready` once consuming; with `--lines`, `handled ID REDELIVERED` after each handler
 * (before its acknowledgement, which is batched); after `--idle-ms` without a message (counted
 * from the first one) it closes the source and prints one JSON line: how many it handled, the
 * ids, the wall-clock times of the first and last handled event, and the CPU time the process
 * used from the first handled event to the end (`cpuMs`). `--bare` consumes with the
 * AMQP package alone (same prefetch, one multiple acknowledgement per 100, no decoding, no
 * dispatch): the floor the benchmark compares with.
 *
 * @module
 */

import { parseArgs } from "node:util";
import process from "node:process";
import amqp from "amqplib";
import { EventRegistry, RabbitMqEventSource, type SensorEvent } from "@cbapi/cbapi/events";

const { values, positionals } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: {
    "delay-ms": { type: "string", default: "0" },
    "idle-ms": { type: "string", default: "1500" },
    prefetch: { type: "string" },
    queues: { type: "string", default: "1" },
    lines: { type: "boolean", default: false },
    "wait-go": { type: "boolean", default: false },
    bare: { type: "boolean", default: false },
    "progress-ms": { type: "string", default: "0" },
  },
});
const [port, queue] = positionals;
const delayMs = Number(values["delay-ms"]);
const idleMs = Number(values["idle-ms"]);
const now = () => performance.timeOrigin + performance.now();
const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
let cpuAtFirst = 0;

const registry = new EventRegistry();
const ids: number[] = [];
let first = 0;
let last = 0;
let redelivered = 0;
function record(data: Record<string, unknown>, redelivery: boolean): void {
  const id = (data as SensorEvent).header.eventid ?? -1;
  if (first === 0) {
    first = now();
    cpuAtFirst = cpuNow();
  }
  last = now();
  ids.push(id);
  if (redelivery) redelivered++;
  if (values.lines) console.log(`handled ${id} ${redelivery ? 1 : 0}`);
}
// A synchronous handler unless a delay is asked for (then an async one, as slow handlers are).
registry.on(
  "ingress.event.#",
  delayMs > 0
    ? async (_cb, _type, data, ev) => {
      await new Promise((r) => setTimeout(r, delayMs));
      record(data, ev.redelivered);
    }
    : (_cb, _type, data, ev) => record(data, ev.redelivered),
);
/** The AMQP package alone, as the source uses it, without decoding or dispatching. */
async function bareConsumer() {
  const conn = await amqp.connect(`amqp://guest:guest@127.0.0.1:${port}`);
  const ch = await conn.createChannel();
  await ch.prefetch(Number(values.prefetch ?? 1000));
  let unacked = 0;
  let lastMsg: amqp.ConsumeMessage | undefined;
  const flush = () => {
    if (lastMsg) ch.ack(lastMsg, true);
    lastMsg = undefined;
    unacked = 0;
  };
  let scheduled = false;
  return {
    async start() {
      await ch.consume(queue!, (msg) => {
        if (!msg) return;
        if (first === 0) {
          first = now();
          cpuAtFirst = cpuNow();
        }
        last = now();
        ids.push(-1);
        lastMsg = msg;
        if (++unacked >= 100) flush();
        else if (!scheduled) {
          scheduled = true;
          queueMicrotask(() => {
            scheduled = false;
            flush();
          });
        }
      });
    },
    async close() {
      flush();
      await conn.close();
    },
  };
}

const api = { url: "https://cb.invalid", connection: { credentials: undefined } };
const source = values.bare ? await bareConsumer() : new RabbitMqEventSource(api, {
  registry,
  user: "guest",
  password: "guest",
  host: "127.0.0.1",
  port: Number(port),
  sharedQueue: queue!,
  queues: Number(values.queues),
  ...(values.prefetch ? { prefetch: Number(values.prefetch) } : {}),
});
let stopped = false;
if (values["wait-go"]) {
  // Loaded: say so, then start when the parent writes a line (so that several consumers start
  // together on a filled queue); a later "stop" line ends the run.
  console.log("loaded");
  const lines = Deno.stdin.readable.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await lines.read();
    if (done) break;
    text += value;
  }
  (async () => {
    while (!text.includes("stop")) {
      const { value, done } = await lines.read();
      if (done) return;
      text += value;
    }
    stopped = true;
  })().catch(() => {});
}
await source.start();
console.log("ready");
const progressMs = Number(values["progress-ms"]);
const progress = progressMs > 0
  ? setInterval(() => console.log(`progress ${ids.length}`), progressMs)
  : undefined;
while (!stopped && (first === 0 || now() - last < idleMs)) {
  await new Promise((r) => setTimeout(r, 20));
}
clearInterval(progress);
const cpuMs = first === 0 ? 0 : cpuNow() - cpuAtFirst;
await source.close();
console.log(JSON.stringify({ handled: ids.length, redelivered, first, last, cpuMs, ids }));
// The stdin reader may still wait for a line: leave without it.
Deno.exit(0);
