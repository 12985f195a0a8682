/**
 * Throughput of one RabbitMQ event consumer: starts a real broker (Debian's rabbitmq-server, as
 * the tests do), publishes N JSON watchlist events to `api.events`, and measures how many events
 * per second one {@linkcode RabbitMqEventSource} dispatches and acknowledges. Prints one line.
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 --allow-read --allow-write --allow-env --allow-sys --allow-run bench/events_bench.ts [N]
 * ```
 *
 * @module
 */
// deno-lint-ignore-file no-console

import amqp from "amqplib";
import { Buffer } from "node:buffer";
import { EventRegistry, RabbitMqEventSource } from "@cbapi/cbapi/events";
import { CbResponseAPI } from "@cbapi/cbapi/response";
import { CbEmulator } from "@cbapi/cbapi/testing";
import { startBroker } from "../tests/events/_broker.ts";

async function run(total: number, prefetch: number): Promise<void> {
  await using emu = await CbEmulator.start();
  await using broker = await startBroker();
  await using cb = await CbResponseAPI.connect({ url: emu.url, token: emu.token });
  const registry = new EventRegistry();
  let handled = 0;
  const done = Promise.withResolvers<void>();
  registry.on("watchlist.hit.process", () => {
    if (++handled === total) done.resolve();
  });
  await using source = new RabbitMqEventSource(cb, {
    registry,
    password: "guest",
    user: "guest",
    host: "127.0.0.1",
    port: broker.port,
    queueName: "cbapi-bench",
    prefetch,
  });
  await source.start();
  // Publishing and consuming overlap: the clock runs from the first publish to the last handled event.
  const conn = await amqp.connect(broker.url);
  const ch = await conn.createConfirmChannel();
  const body = Buffer.from(JSON.stringify({
    type: "watchlist.hit.process",
    watchlist_id: 7,
    docs: [{ process_md5: "5a18f00ab9330ac7539675f3f326cf11", hostname: "WIN-IA9NQ1GN8OI" }],
  }));
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    if (!ch.publish("api.events", "watchlist.hit.process", body)) {
      await new Promise((r) => ch.once("drain", r));
    }
  }
  await ch.waitForConfirms();
  await done.promise;
  const seconds = (performance.now() - started) / 1000;
  await ch.close();
  await conn.close();
  console.log(
    `events: one RabbitMqEventSource consumer (prefetch ${prefetch}) handled ${total} events in ` +
      `${seconds.toFixed(2)} s = ${
        Math.round(total / seconds)
      } events/s (publish + dispatch + ack)`,
  );
}

if (import.meta.main) {
  const total = Number(Deno.args[0] ?? 20000);
  await run(total, 10);
  await run(total, 100);
}
