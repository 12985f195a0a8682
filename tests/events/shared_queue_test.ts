// A shared durable queue split between consumer processes (real child processes, a real
// RabbitMQ): a consumer killed mid-stream loses nothing, its unacknowledged messages go to the
// other consumer flagged as redelivered, and acknowledgements are batched but only ever sent
// after the handler.

import assert from "node:assert/strict";
import { startBroker } from "./_broker.ts";
import { publishSensorEvents } from "./_sensor_stream.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

function consumer(port: number, queue: string, queues: number): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      `--config=${ROOT}deno.json`,
      "--allow-net=127.0.0.1",
      "--allow-env",
      "--allow-sys",
      `${ROOT}tests/events/_consumer_child.ts`,
      String(port),
      queue,
      "--queues",
      String(queues),
      "--lines",
      "--delay-ms",
      "1",
      "--idle-ms",
      "1500",
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
}

/** Calls `onLine` with each stdout line; resolves at EOF. */
async function eachLine(child: Deno.ChildProcess, onLine: (line: string) => void): Promise<void> {
  let buffered = "";
  for await (const text of child.stdout.pipeThrough(new TextDecoderStream())) {
    buffered += text;
    let i: number;
    while ((i = buffered.indexOf("\n")) >= 0) {
      onLine(buffered.slice(0, i));
      buffered = buffered.slice(i + 1);
    }
  }
  if (buffered !== "") onLine(buffered);
}

/**
 * Two consumer processes on a shared queue (spread over `queues` queues); one is killed after
 * 300 events.
 */
async function killOneMidStream(queues: number): Promise<void> {
  await using broker = await startBroker();
  const queue = "cbapi-shared-test";
  const total = 3000;
  await publishSensorEvents(broker.url, queue, total, { queues });

  const handledA: number[] = [];
  const handledB: { id: number; redelivered: boolean }[] = [];
  const a = consumer(broker.port, queue, queues);
  const b = consumer(broker.port, queue, queues);
  const killedA = Promise.withResolvers<void>();
  const deadline = setTimeout(() => {
    // Bounded: never wait for ever on a stuck child.
    for (const c of [a, b]) {
      try {
        c.kill("SIGKILL");
      } catch {
        // already gone
      }
    }
  }, 180_000);
  try {
    const readA = eachLine(a, (line) => {
      const m = /^handled (\d+) ([01])$/.exec(line);
      if (!m) return;
      handledA.push(Number(m[1]));
      if (handledA.length === 300) {
        a.kill("SIGKILL"); // mid-stream, between acknowledgements
        killedA.resolve();
      }
    });
    let reportB: { handled: number; redelivered: number } | undefined;
    const readB = eachLine(b, (line) => {
      const m = /^handled (\d+) ([01])$/.exec(line);
      if (m) handledB.push({ id: Number(m[1]), redelivered: m[2] === "1" });
      else if (line.startsWith("{")) reportB = JSON.parse(line);
    });
    await killedA.promise;
    const statusA = await a.status;
    assert.equal(statusA.signal, "SIGKILL");
    await readA;
    await readB;
    const statusB = await b.status;
    assert.equal(statusB.success, true);
    assert.equal(reportB?.handled, handledB.length);

    // Every event was handled at least once, by one consumer or the other.
    const seen = new Set([...handledA, ...handledB.map((h) => h.id)]);
    const missing = [];
    for (let id = 0; id < total; id++) if (!seen.has(id)) missing.push(id);
    assert.deepEqual(missing, [], "no event lost");
    // Both consumers took part before the kill.
    assert.ok(handledA.length >= 300 && handledB.length > 0);
    // Duplicates: only what A handled but had not acknowledged yet when it died, each delivered
    // again to B flagged as redelivered; batched acknowledgements (every 100 by default, sent
    // after the handlers) bound them.
    const inA = new Set(handledA);
    const duplicates = handledB.filter((h) => inA.has(h.id));
    assert.ok(
      duplicates.every((h) => h.redelivered),
      "a message handled twice came back as redelivered",
    );
    assert.ok(duplicates.length <= 100, `${duplicates.length} duplicates`);
    assert.equal(new Set(handledB.map((h) => h.id)).size, handledB.length, "B saw each once");
    // What A had received but not handled went back to the queue and on to B.
    const requeued = handledB.filter((h) => h.redelivered).length;
    assert.ok(requeued > 0, "A's unacknowledged deliveries reached B as redelivered");
    // deno-lint-ignore no-console
    console.log(
      `shared queue (${queues} queue(s)): A handled ${handledA.length} before SIGKILL, B ${handledB.length} ` +
        `(${requeued} redelivered from A), ${duplicates.length} handled twice, 0 lost`,
    );
  } finally {
    clearTimeout(deadline);
  }
}

Deno.test("RabbitMqEventSource sharedQueue: two consumer processes split the stream; one killed mid-stream loses nothing [spec 314]", async () => {
  await killOneMidStream(1);
});

Deno.test("RabbitMqEventSource sharedQueue spread over two queues: one consumer killed mid-stream loses nothing", async () => {
  await killOneMidStream(2);
});
