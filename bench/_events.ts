/**
 * Event API figures for `deno task bench`: raw protobuf sensor events through a real RabbitMQ
 * (Debian's rabbitmq-server, as the tests start it). A shared durable queue is filled with N
 * events, then consumer processes (`tests/events/_consumer_child.ts`, each one
 * `RabbitMqEventSource` with default prefetch and batched acknowledgements) start together and
 * drain it. events/s = events handled / (last handled - first handled), over all consumers.
 * Each drain also records the CPU time of the consumers and of the broker, which tells who
 * was the limit: a classic queue is one Erlang process, so a broker near one busy core delivers
 * no faster to two consumers than to one.
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
  cpuMs: number;
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
  /** CPU time of each consumer process from its first event to its end, in milliseconds. */
  consumerCpuMs: number[];
  /** Events per CPU-second of a consumer process (what one consumer could do on a core of its own). */
  eventsPerConsumerCpuSecond: number;
  /** CPU time the broker used during the drain, in milliseconds (undefined when unknown). */
  brokerCpuMs: number | undefined;
  /** Broker CPU over the drain time: 1 means the broker kept one core busy. */
  brokerCores: number | undefined;
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

/** The Erlang VM process of the broker that keeps its data in `dir` (Linux), if found. */
export async function brokerPid(dir: string): Promise<number | undefined> {
  // RABBITMQ_PID_FILE of the test broker; else the VM naming the folder in its arguments.
  const written = Number((await Deno.readTextFile(`${dir}/rabbit.pid`).catch(() => "")).trim());
  if (written > 0) return written;
  const out = await new Deno.Command("pgrep", { args: ["-f", `beam.*${dir}`], stdout: "piped" })
    .output().catch(() => undefined);
  const pid = Number(
    new TextDecoder().decode(out?.stdout ?? new Uint8Array()).trim().split("\n")[0],
  );
  return pid > 0 ? pid : undefined;
}

/** CPU time (user + system) a process used so far, in milliseconds (Linux). */
async function processCpuMs(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  try {
    // Through cat: Deno 2 wants more than --allow-read for files under /proc.
    const out = await new Deno.Command("cat", {
      args: [`/proc/${pid}/stat`],
      stdout: "piped",
      stderr: "null",
    }).output();
    if (!out.success) return undefined;
    const stat = new TextDecoder().decode(out.stdout);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name; in clock ticks
    // of 100 Hz on Linux.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** Options of {@linkcode drainSharedQueue}. */
export interface DrainOptions {
  /** Consume with the AMQP package alone (no decoding, no dispatch). */
  bare?: boolean;
  /** An async handler that waits this long per event (I/O-bound handlers). */
  delayMs?: number;
  /** The broker's VM process, to measure its CPU. */
  brokerPid?: number | undefined;
  /** The `queues` option of the consumers: the shared queue spread over this many queues. */
  queues?: number;
}

/**
 * Fills a shared queue with `count` events and drains it with `consumers` processes started
 * together. The consumers report their progress; once they handled every published event they
 * are told to stop (a run on a loaded machine is slower, never cut short), and after 30 s
 * without progress they stop anyway (the missing events are then counted as lost).
 *
 * @param brokerPort The broker's AMQP port.
 * @param brokerUrl The broker URL.
 * @param queue The shared queue name.
 * @param count Events.
 * @param consumers Consumer processes.
 * @param options Bare consumers, handler delay, broker process.
 * @returns The figures.
 */
export async function drainSharedQueue(
  brokerPort: number,
  brokerUrl: string,
  queue: string,
  count: number,
  consumers: number,
  options: DrainOptions = {},
): Promise<DrainResult> {
  const bare = options.bare ?? false;
  const queues = options.queues ?? 1;
  if (bare && queues !== 1) throw new Error("The bare consumer reads one queue");
  // Transient messages: a drain measures delivery, not the broker's disk (on this shared
  // machine, disk writes of persistent messages stalled whole runs).
  await publishSensorEvents(brokerUrl, queue, count, { queues, persistent: false });
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
        "--queues",
        String(queues),
        "--wait-go",
        "--idle-ms",
        "30000",
        "--progress-ms",
        "100",
        ...(bare ? ["--bare"] : []),
        ...(options.delayMs ? ["--delay-ms", String(options.delayMs)] : []),
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
  const say = (text: string) =>
    Promise.all(writers.map((w) => w.write(new TextEncoder().encode(text)).catch(() => {})));
  const brokerCpu0 = await processCpuMs(options.brokerPid);
  await say("go\n");
  const progress = children.map(() => 0);
  let stopSent = false;
  let lastChange = performance.now();
  const stall = setInterval(() => {
    if (!stopSent && performance.now() - lastChange > 30_000) {
      stopSent = true;
      say("stop\n");
    }
  }, 1000);
  const reports = await Promise.all(readers.map(async (read, i) => {
    let line: string | undefined;
    let report: ChildReport | undefined;
    while ((line = await read()) !== undefined) {
      if (line.startsWith("progress ")) {
        const n = Number(line.slice(9));
        if (n !== progress[i]) lastChange = performance.now();
        progress[i] = n;
        if (!stopSent && progress.reduce((a, b) => a + b, 0) >= count) {
          stopSent = true;
          await say("stop\n");
        }
      } else if (line.startsWith("{")) {
        report = JSON.parse(line) as ChildReport;
      }
    }
    return report ?? { handled: 0, redelivered: 0, first: 0, last: 0, cpuMs: 0, ids: [] };
  }));
  clearInterval(stall);
  const brokerCpu1 = await processCpuMs(options.brokerPid);
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
  const cpuMs = reports.map((r) => Math.round(r.cpuMs));
  const cpuTotal = cpuMs.reduce((a, b) => a + b, 0);
  const brokerCpuMs = brokerCpu0 !== undefined && brokerCpu1 !== undefined
    ? brokerCpu1 - brokerCpu0
    : undefined;
  return {
    consumers,
    published: count,
    handled,
    lost: bare ? 0 : count - seen.size,
    duplicates: bare ? 0 : handled - seen.size,
    perConsumer: reports.map((r) => r.handled),
    seconds: round(seconds, 3),
    eventsPerSecond: Math.round(handled / seconds),
    consumerCpuMs: cpuMs,
    eventsPerConsumerCpuSecond: cpuTotal > 0 ? Math.round(handled / (cpuTotal / 1000)) : 0,
    brokerCpuMs,
    // Over the handling window (the broker's CPU is read around the whole drain: an upper bound).
    brokerCores: brokerCpuMs === undefined || seconds <= 0
      ? undefined
      : round(brokerCpuMs / (seconds * 1000), 2),
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

/** The wait of the I/O-bound handler, in milliseconds (timers of 1 ms jitter too much under load). */
const HANDLER_MS = 2;

/** The run with the median events/s. */
function median(results: DrainResult[]): DrainResult {
  const sorted = [...results].sort((a, b) => a.eventsPerSecond - b.eventsPerSecond);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** How many queues the spread rows use: one per core of this machine, at least 2. */
const SPREAD_QUEUES = Math.max(2, Math.min(4, navigator.hardwareConcurrency));

/**
 * Measures, on one broker: the bare AMQP consumer and ours on one queue (the broker's one queue
 * process is then the limit), ours with the events spread over {@linkcode SPREAD_QUEUES} queues
 * (the `queues` option), two consumer processes sharing those queues, all with a handler that
 * only records the event (what the library costs); and one and two processes with an async
 * handler that waits 2 ms per event (a handler that forwards each event somewhere: the consumers
 * are the limit, which is when more consumer processes help).
 *
 * @param count Events per run.
 * @param handlerCount Events per run with the I/O-bound handler.
 * @param rounds Runs of each recording-handler drain; the median run is reported.
 * @returns Rows and figures.
 */
export async function eventsFigures(
  count = 50_000,
  handlerCount = 2_000,
  rounds = 3,
): Promise<EventsFigures> {
  await using broker = await startBroker();
  const pid = await brokerPid(broker.dir);
  const drain = (queue: string, n: number, consumers: number, options: DrainOptions = {}) =>
    drainSharedQueue(broker.port, broker.url, queue, n, consumers, { brokerPid: pid, ...options });
  const spread = { queues: SPREAD_QUEUES };
  // The broker-bound drains move most between runs: each is run `rounds` times, interleaved, and
  // the median run counts.
  const runs: Record<"bare" | "oneQueue" | "one" | "two", DrainResult[]> = {
    bare: [],
    oneQueue: [],
    one: [],
    two: [],
  };
  for (let r = 1; r <= rounds; r++) {
    runs.bare.push(await drain(`cbapi-bench-bare-${r}`, count, 1, { bare: true }));
    runs.oneQueue.push(await drain(`cbapi-bench-one-queue-${r}`, count, 1));
    runs.one.push(await drain(`cbapi-bench-one-${r}`, count, 1, spread));
    runs.two.push(await drain(`cbapi-bench-two-${r}`, count, 2, spread));
  }
  const bare = median(runs.bare);
  const oneQueue = median(runs.oneQueue);
  const one = median(runs.one);
  const two = median(runs.two);
  const rates = (d: DrainResult[]) => d.map((x) => x.eventsPerSecond).join("/");
  const slowOne = await drain("cbapi-bench-slow-one", handlerCount, 1, { delayMs: HANDLER_MS });
  const slowTwo = await drain("cbapi-bench-slow-two", handlerCount, 2, { delayMs: HANDLER_MS });
  const scale = round(two.eventsPerSecond / one.eventsPerSecond);
  const slowScale = round(slowTwo.eventsPerSecond / slowOne.eventsPerSecond);
  const vsBare = round(oneQueue.eventsPerSecond / bare.eventsPerSecond);
  const cores = (d: DrainResult) => d.brokerCores === undefined ? "?" : String(d.brokerCores);
  // What 1.7 times the one-consumer rate would cost in CPU, broker and consumers together, at the
  // CPU per event the one-consumer run measured: above the machine's cores, no client reaches it
  // while the broker runs on the same machine.
  const cpuMsPerEvent = one.brokerCpuMs === undefined
    ? undefined
    : (one.brokerCpuMs + one.consumerCpuMs[0]!) / one.handled;
  const coresFor17 = cpuMsPerEvent === undefined
    ? "?"
    : String(round((1.7 * one.eventsPerSecond * cpuMsPerEvent) / 1000, 2));
  const goalsMet = {
    events_per_second: one.eventsPerSecond >= 30_000 && one.lost === 0,
    events_two_consumers_scale: scale >= 1.7 && two.lost === 0,
    events_two_consumers_scale_io_handler: slowScale >= 1.7 && slowTwo.lost === 0,
  };
  return {
    rows: [
      {
        name: "events_per_second",
        value: one.eventsPerSecond,
        goal: ">= 30000",
        met: goalsMet.events_per_second,
        detail: `${one.handled} raw protobuf sensor events, one consumer process on real ` +
          `RabbitMQ, queues: ${SPREAD_QUEUES} (decode + dispatch + batched ack) in ` +
          `${one.seconds} s; lost ${one.lost}; broker busy ${cores(one)} cores, consumer CPU ` +
          `${one.consumerCpuMs[0]} ms = ${one.eventsPerConsumerCpuSecond} events per consumer ` +
          `CPU-second; median of ${rounds} runs: ${rates(runs.one)}/s`,
      },
      {
        name: "events_per_second_one_queue",
        value: oneQueue.eventsPerSecond,
        goal: "(report)",
        met: undefined,
        detail: `the same with one queue (the default, as Python's): lost ${oneQueue.lost}; ` +
          `bare AMQP consumer on one queue ${bare.eventsPerSecond}/s (ratio ${vsBare}); ` +
          `consumer CPU ${oneQueue.eventsPerConsumerCpuSecond} events per CPU-second (bare ` +
          `${bare.eventsPerConsumerCpuSecond}); broker busy ${cores(oneQueue)} cores (bare ` +
          `${cores(bare)}): one queue is one Erlang process; runs ${
            rates(runs.oneQueue)
          }/s, bare ` +
          `${rates(runs.bare)}/s`,
      },
      {
        name: "events_two_consumers_scale",
        value: scale,
        goal: ">= 1.7",
        met: goalsMet.events_two_consumers_scale,
        detail: `2 processes sharing ${SPREAD_QUEUES} durable queues, recording handler: ` +
          `${two.eventsPerSecond} events/s (median of ${rates(runs.two)}; split ` +
          `${two.perConsumer.join("/")}), lost ` +
          `${two.lost}, duplicates ${two.duplicates}; broker busy ${cores(two)} cores, ` +
          `consumers ${
            two.consumerCpuMs.join("+")
          } ms CPU; 1.7x would need ${coresFor17} cores for broker and consumers at the CPU ` +
          `per event measured above (this machine: ${navigator.hardwareConcurrency})`,
      },
      {
        name: "events_two_consumers_scale_io_handler",
        value: slowScale,
        goal: ">= 1.7",
        met: goalsMet.events_two_consumers_scale_io_handler,
        detail:
          `${handlerCount} events, async handler waiting ${HANDLER_MS} ms each: one process ` +
          `${slowOne.eventsPerSecond}/s, two ${slowTwo.eventsPerSecond}/s (split ` +
          `${
            slowTwo.perConsumer.join("/")
          }), lost ${slowTwo.lost}, duplicates ${slowTwo.duplicates}`,
      },
    ],
    figures: {
      events_per_second: one.eventsPerSecond,
      events_queues: SPREAD_QUEUES,
      events_per_second_one_queue: oneQueue.eventsPerSecond,
      events_vs_bare_amqp: vsBare,
      events_per_consumer_cpu_second: one.eventsPerConsumerCpuSecond,
      events_two_consumers_per_second: two.eventsPerSecond,
      events_two_consumers_scale: scale,
      events_two_consumers_lost: two.lost,
      events_two_consumers_duplicates: two.duplicates,
      events_two_consumers_scale_io_handler: slowScale,
    },
    goalsMet,
    details: {
      events_runs: runs,
      events_bare_amqp: bare,
      events_one_consumer_one_queue: oneQueue,
      events_one_consumer: one,
      events_two_consumers: two,
      events_one_consumer_io_handler: slowOne,
      events_two_consumers_io_handler: slowTwo,
    },
  };
}

if (import.meta.main) {
  // Alone: deno run --allow-net=127.0.0.1 --allow-read --allow-write --allow-env --allow-sys --allow-run bench/_events.ts [N]
  const { formatTable } = await import("./_util.ts");
  const result = await eventsFigures(
    Number(Deno.args[0] ?? 50_000),
    Number(Deno.args[1] ?? 2_000),
    Number(Deno.args[2] ?? 3),
  );
  // deno-lint-ignore no-console
  console.log(formatTable(result.rows));
  // deno-lint-ignore no-console
  console.log(JSON.stringify({ ...result.figures, goals_met: result.goalsMet }));
}
