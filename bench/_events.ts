/**
 * Event API figures for `deno task bench`: raw protobuf sensor events through a real RabbitMQ
 * (Debian's rabbitmq-server, as the tests start it). A shared durable queue is filled with N
 * events, then consumer processes (`tests/events/_consumer_child.ts`, each one
 * `RabbitMqEventSource` with default prefetch and batched acknowledgements) start together and
 * drain it. events/s = events handled / (last handled - first handled), over all consumers.
 *
 * @module
 */

import { startBroker } from "../tests/events/_broker.ts";
import { publishSensorEvents } from "../tests/events/_sensor_stream.ts";
import { projectRoot, round, type TableRow } from "./_util.ts";

interface ChildReport {
  handled: number;
  redelivered: number;
  first: number;
  last: number;
  ids: number[];
}

/** One drain of a filled queue by some consumer processes. */
export interface DrainResult {
  /** Consumer processes. */
  consumers: number;
  /** Events published. */
  published: number;
  /** Events handled, duplicates included. */
  handled: number;
  /** Published events no consumer handled. */
  lost: number;
  /** Events handled more than once. */
  duplicates: number;
  /** Events handled by each consumer. */
  perConsumer: number[];
  /** From the first handled event to the last, in seconds. */
  seconds: number;
  /** Events per second. */
  eventsPerSecond: number;
}

function lineReader(stream: ReadableStream<Uint8Array>) {
  const lines = stream.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  return async (): Promise<string | undefined> => {
    while (!buffered.includes("\n")) {
      const { value, done } = await lines.read();
      if (done) {
        const rest = buffered;
        buffered = "";
        return rest === "" ? undefined : rest;
      }
      buffered += value;
    }
    const i = buffered.indexOf("\n");
    const line = buffered.slice(0, i);
    buffered = buffered.slice(i + 1);
    return line;
  };
}

/**
 * Fills a shared queue with `count` events and drains it with `consumers` processes started
 * together.
 *
 * @param brokerPort The broker's AMQP port.
 * @param brokerUrl The broker URL.
 * @param queue The shared queue name.
 * @param count Events.
 * @param consumers Consumer processes.
 * @param bare Consume with the AMQP package alone (no decoding, no dispatch).
 * @returns The figures.
 */
export async function drainSharedQueue(
  brokerPort: number,
  brokerUrl: string,
  queue: string,
  count: number,
  consumers: number,
  bare = false,
): Promise<DrainResult> {
  await publishSensorEvents(brokerUrl, queue, count);
  const root = projectRoot();
  const children = Array.from({ length: consumers }, () =>
    new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        `--config=${root}deno.json`,
        "--allow-net=127.0.0.1",
        "--allow-env",
        "--allow-sys",
        `${root}tests/events/_consumer_child.ts`,
        String(brokerPort),
        queue,
        "--wait-go",
        "--idle-ms",
        "1000",
        ...(bare ? ["--bare"] : []),
      ],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn());
  const readers = children.map((c) => lineReader(c.stdout));
  for (const read of readers) {
    if ((await read()) !== "loaded") throw new Error("An event consumer did not start");
  }
  const writers = children.map((c) => c.stdin.getWriter());
  await Promise.all(writers.map((w) => w.write(new TextEncoder().encode("go\n"))));
  const reports: ChildReport[] = [];
  for (const read of readers) {
    let line: string | undefined;
    let last: string | undefined;
    while ((line = await read()) !== undefined) last = line;
    reports.push(JSON.parse(last ?? "{}") as ChildReport);
  }
  await Promise.all(writers.map((w) => w.close().catch(() => {})));
  await Promise.all(children.map((c) => c.status));
  const seen = new Set<number>();
  let handled = 0;
  for (const r of reports) {
    handled += r.handled;
    for (const id of r.ids) seen.add(id);
  }
  const first = Math.min(...reports.filter((r) => r.handled > 0).map((r) => r.first));
  const last = Math.max(...reports.map((r) => r.last));
  const seconds = (last - first) / 1000;
  return {
    consumers,
    published: count,
    handled,
    lost: bare ? 0 : count - seen.size,
    duplicates: bare ? 0 : handled - seen.size,
    perConsumer: reports.map((r) => r.handled),
    seconds: round(seconds, 3),
    eventsPerSecond: Math.round(handled / seconds),
  };
}

/** What {@linkcode eventsFigures} adds to the bench output. */
export interface EventsFigures {
  /** Table rows. */
  rows: TableRow[];
  /** Figures for the JSON line. */
  figures: Record<string, unknown>;
  /** Whether each goal is met. */
  goalsMet: Record<string, boolean>;
  /** Raw measurements. */
  details: Record<string, unknown>;
}

/**
 * Measures one consumer and two consumers on a shared queue, on one broker.
 *
 * @param count Events per run.
 * @returns Rows and figures.
 */
export async function eventsFigures(count = 50_000): Promise<EventsFigures> {
  await using broker = await startBroker();
  const bare = await drainSharedQueue(broker.port, broker.url, "cbapi-bench-bare", count, 1, true);
  const one = await drainSharedQueue(broker.port, broker.url, "cbapi-bench-one", count, 1);
  const two = await drainSharedQueue(broker.port, broker.url, "cbapi-bench-two", count, 2);
  const scale = round(two.eventsPerSecond / one.eventsPerSecond);
  const vsBare = round(one.eventsPerSecond / bare.eventsPerSecond);
  const goalsMet = {
    events_per_second: one.eventsPerSecond >= 30_000 && one.lost === 0,
    events_two_consumers_scale: scale >= 1.7 && two.lost === 0,
  };
  return {
    rows: [
      {
        name: "events_per_second",
        value: one.eventsPerSecond,
        goal: ">= 30000",
        met: goalsMet.events_per_second,
        detail: `${one.handled} raw protobuf sensor events, one consumer process on real ` +
          `RabbitMQ (decode + dispatch + batched ack) in ${one.seconds} s; lost ${one.lost}; ` +
          `bare AMQP consumer on the same broker ${bare.eventsPerSecond}/s (ratio ${vsBare})`,
      },
      {
        name: "events_two_consumers_scale",
        value: scale,
        goal: ">= 1.7",
        met: goalsMet.events_two_consumers_scale,
        detail: `2 processes on a shared durable queue: ${two.eventsPerSecond} events/s ` +
          `(split ${two.perConsumer.join("/")}), lost ${two.lost}, duplicates ${two.duplicates}`,
      },
    ],
    figures: {
      events_per_second: one.eventsPerSecond,
      events_vs_bare_amqp: vsBare,
      events_two_consumers_per_second: two.eventsPerSecond,
      events_two_consumers_scale: scale,
      events_two_consumers_lost: two.lost,
      events_two_consumers_duplicates: two.duplicates,
    },
    goalsMet,
    details: {
      events_bare_amqp: bare,
      events_one_consumer: one,
      events_two_consumers: two,
    },
  };
}

if (import.meta.main) {
  // Alone: deno run --allow-net=127.0.0.1 --allow-read --allow-write --allow-env --allow-sys --allow-run bench/_events.ts [N]
  const { formatTable } = await import("./_util.ts");
  const result = await eventsFigures(Number(Deno.args[0] ?? 50_000));
  // deno-lint-ignore no-console
  console.log(formatTable(result.rows));
  // deno-lint-ignore no-console
  console.log(JSON.stringify({ ...result.figures, goals_met: result.goalsMet }));
}
